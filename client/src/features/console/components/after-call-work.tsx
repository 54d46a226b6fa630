import { useQuery, useQueryClient } from '@tanstack/react-query';
import { FLOW_VERSIONS } from '@valore/shared/flows/index';
import type { CompleteInteractionInput } from '@valore/shared/schemas/interactions';
import { useEffect, useEffectEvent, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../../components/ui/alert';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Kbd } from '../../../components/ui/kbd';
import { Panel } from '../../../components/ui/panel';
import { errorAlternatives, errorDomainCode, errorMessageKey, type ErrorMessageKey } from '../../../lib/errors';
import { NOT_REACHED_REASONS } from '@valore/shared/flows/types';
import { useTRPC, useTRPCClient } from '../../../lib/trpc';
import { clock, outcomeTone, useFormat } from '../format';
import { useConsole, type ContactDraft, type ContactResult } from '../hooks/console-store';
import { enqueuePending } from '../hooks/pending-queue';
import { isRetryable } from '../hooks/use-pending-delivery';
import { NotesField } from './notes-field';
import { resultEffects } from './result-text';
import { useNow } from '../../../lib/use-now';

const MAX_ACW_MS = 3_600_000;

export function completeInput(draft: ContactDraft, now: Date): CompleteInteractionInput | null {
  if (!draft.outcome || !draft.endedAt || draft.events.length === 0) return null;
  const notes = draft.notes.trim();
  return {
    clientId: draft.clientId,
    flow: draft.flow,
    scriptId: draft.flow,
    scriptVersion: draft.scriptVersion ?? FLOW_VERSIONS[draft.flow],
    customerId: draft.customerId,
    work: draft.work ? { kind: draft.work.kind, sourceId: draft.work.sourceId } : null,
    startedAt: draft.startedAt,
    endedAt: draft.endedAt,
    acwMs: Math.min(MAX_ACW_MS, Math.max(0, now.getTime() - Date.parse(draft.endedAt))),
    events: draft.events as CompleteInteractionInput['events'],
    outcome: draft.outcome,
    ...(notes ? { notes } : {}),
  };
}

/** The contact is over: the outcome and its details, the ACW timer, notes, and "Registra esito". */
export function AfterCallWork({ draft }: { draft: ContactDraft }) {
  const { t } = useTranslation('console');
  const client = useTRPCClient();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { setNotes, finishContact, takeBackLastEvent, status } = useConsole();
  const now = useNow();
  const [extraMs, setExtraMs] = useState(0);
  const autoSaved = useRef(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ErrorMessageKey | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const summaryId = useId();

  useEffect(() => headingRef.current?.focus(), []);

  async function save() {
    const input = completeInput(draft, new Date());
    if (!input || saving) return;
    setSaving(true);
    setError(null);
    const base = {
      clientId: draft.clientId,
      flow: draft.flow,
      customerId: draft.customerId,
      customerName: draft.customerName,
      outcome: input.outcome,
    };
    try {
      const result = await client.interactions.complete.mutate(input);
      finishContact({ ...base, effects: result.effects });
      void queryClient.invalidateQueries(trpc.interactions.mine.pathFilter());
      void queryClient.invalidateQueries(trpc.customers.card.pathFilter());
      void queryClient.invalidateQueries(trpc.appointments.pathFilter());
      void queryClient.invalidateQueries(trpc.work.pathFilter());
    } catch (failure) {
      setSaving(false);
      if (isRetryable(failure)) {
        // Nothing is lost: the same input, with the same clientId, goes out when the server answers again.
        enqueuePending(input, draft.customerName, errorMessageKey(failure));
        finishContact({ ...base, effects: null });
      } else if (errorDomainCode(failure) === 'SLOT_FULL') {
        // the slot or the callback's half-hour filled up: back to the choice, with the free times the server offers
        const callback = draft.events.at(-1)?.type === 'callback.requested';
        takeBackLastEvent('errors.SLOT_FULL', callback ? errorAlternatives(failure) : null);
      } else {
        setError(errorMessageKey(failure));
      }
    }
  }

  const onKey = useEffectEvent((event: KeyboardEvent) => {
    if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') {
      event.preventDefault();
      void save();
    }
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKey(event);
    document.addEventListener('keydown', listener);
    return () => document.removeEventListener('keydown', listener);
  }, []);

  const acw = draft.endedAt ? now - Date.parse(draft.endedAt) : 0;
  // The site's limit on after-call work: when it runs out the outcome is recorded as it stands (the notes written so
  // far go with it) and the operator is Ready again. Counted on this PC's clock from the moment the call ended here,
  // so a PC whose clock is off gets the whole time all the same.
  const limitMs = (status?.wrapUpSeconds ?? 0) * 1000;
  const leftMs = limitMs > 0 ? Math.max(0, limitMs + extraMs - acw) : null;
  useEffect(() => {
    if (leftMs === 0 && !autoSaved.current && !saving && !error) {
      autoSaved.current = true;
      void save();
    }
  });
  return (
    <Panel
      title={t('acw.title')}
      className="grid__script"
      actions={
        <span className="acw__timer" role="timer" aria-label={t('acw.timerLabel')}>
          {clock(acw)}
        </span>
      }
    >
      <div className="acw">
        {/* the focus lands here: a screen reader reads the outcome about to be recorded with it */}
        <h3 className="acw__heading" ref={headingRef} tabIndex={-1} aria-describedby={summaryId}>
          {t('acw.summary')}
        </h3>
        <OutcomeSummary id={summaryId} draft={draft} />
        {error && <Alert tone="error">{t(error, { ns: 'translation' })}</Alert>}
        <NotesField value={draft.notes} onChange={setNotes} />
        {leftMs !== null && (
          <p className="acw__auto">
            <span role="timer" aria-label={t('acw.autoReadyLabel')}>
              {t('acw.autoReady', { time: clock(leftMs) })}
            </span>{' '}
            <Button size="sm" variant="ghost" onClick={() => setExtraMs((x) => x + 30_000)} disabled={saving}>
              {t('acw.moreTime')}
            </Button>
          </p>
        )}
        <div className="acw__actions">
          <Button
            variant="primary"
            onClick={() => void save()}
            busy={saving}
            aria-keyshortcuts="Control+Enter"
            icon={<Kbd>{t('acw.saveKey')}</Kbd>}
          >
            {saving ? t('acw.saving') : t('acw.save')}
          </Button>
          <Button variant="ghost" onClick={() => takeBackLastEvent()} disabled={saving}>
            {t('acw.back')}
          </Button>
        </div>
      </div>
    </Panel>
  );
}

function OutcomeSummary({ id, draft }: { id: string; draft: ContactDraft }) {
  const { t } = useTranslation('console');
  const fmt = useFormat();
  const trpc = useTRPC();
  const { products } = useConsole();
  const last = draft.events.at(-1);
  const productCode = [...draft.events].reverse().find((e) => e.type === 'needs.identified')?.productCode;
  const product = products.find(
    (p) => p.code === (typeof productCode === 'string' ? productCode : draft.work?.presetProductCode),
  );
  const officeId = last?.type === 'outcome.appointment' ? Number(last.postOfficeId) : 0;
  const offices = useQuery({
    ...trpc.appointments.nearbyOffices.queryOptions({ customerId: draft.customerId ?? 0 }),
    enabled: officeId > 0 && draft.customerId !== null,
  });
  const slots = useQuery({
    ...trpc.appointments.slots.queryOptions({ postOfficeId: officeId || 1, days: 14 }),
    enabled: officeId > 0,
  });
  const consent = draft.events.find((e) => e.type === 'consent.granted');
  const channel = (value: unknown) =>
    value === 'email' ? t('channels.email') : value === 'phone' ? t('channels.phone') : t('channels.sms');
  const reason = (value: unknown) => t(`notReached.${NOT_REACHED_REASONS.find((r) => r === value) ?? 'no_answer'}`);

  const details: { label: string; value: string }[] = [];
  if (product) details.push({ label: t('acw.product'), value: product.name[fmt.lang] });
  if (last?.type === 'outcome.appointment') {
    const office = offices.data?.find((o) => o.id === officeId);
    const slot = slots.data?.find((s) => s.id === Number(last.slotId));
    details.push({ label: t('acw.office'), value: office ? `${office.name}, ${office.city}` : `#${officeId}` });
    if (slot) details.push({ label: t('acw.when'), value: fmt.dateTime(slot.startsAt) });
  }
  if (last?.type === 'outcome.funnel') details.push({ label: t('acw.channel'), value: channel(last.channel) });
  if (last?.type === 'outcome.lead') {
    details.push({ label: t('acw.followUp'), value: fmt.dateTime(String(last.followUpAt)) });
    if (typeof last.notes === 'string') details.push({ label: t('acw.leadNotes'), value: last.notes });
  }
  if (last?.type === 'callback.requested')
    details.push({ label: t('acw.callbackAt'), value: fmt.dateTime(String(last.callbackAt)) });
  if (last?.type === 'outcome.assisted_sale')
    details.push({ label: t('acw.saleReference'), value: String(last.reference) });
  if (last?.type === 'contact.not_reached') details.push({ label: t('acw.reason'), value: reason(last.reason) });
  if (consent)
    details.push({ label: t('acw.consent'), value: t('acw.consentGiven', { channel: channel(consent.channel) }) });
  if (last?.type === 'customer.opted_out') details.push({ label: t('acw.consent'), value: t('acw.optedOut') });

  return (
    <div className="acw__summary" id={id}>
      <p className="acw__outcome">
        <span>{t('acw.outcome')}</span>{' '}
        <Badge tone={outcomeTone(draft.outcome)}>{draft.outcome ? t(`outcomes.${draft.outcome}`) : ''}</Badge>
      </p>
      {details.length > 0 && (
        <dl className="details">
          {details.map((d) => (
            <div key={d.label} className="details__row">
              <dt>{d.label}</dt>
              <dd>{d.value}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}

/** After "Registra esito": what really happened (appointment, link, lead), or that it waits in the local queue. */
export function ResultSummary({ result }: { result: ContactResult }) {
  const { t } = useTranslation('console');
  const fmt = useFormat();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  const effects = result.effects;
  return (
    <Panel title={t('result.title')} className="grid__script">
      <div className="acw" data-testid="contact-result">
        <h3 className="acw__heading" ref={headingRef} tabIndex={-1}>
          {effects ? t('result.logged') : t('result.queued')}
        </h3>
        <p className="acw__outcome">
          <span>{result.customerName ?? t('script.customerFallback')}</span>{' '}
          <Badge tone={outcomeTone(result.outcome)}>{t(`outcomes.${result.outcome}`)}</Badge>
        </p>
        {!effects && <Alert tone="warning">{t('result.queuedBody')}</Alert>}
        {effects && (
          <ul className="result__effects">
            {resultEffects(t, fmt, effects).map((effect) => (
              <li key={effect.key}>
                {effect.text}
                {effect.url && (
                  <>
                    {' '}
                    <code className="result__url">{effect.url}</code>
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
        <p className="script__shortcut-hint">
          <Kbd>/</Kbd> {t('result.next')}
        </p>
      </div>
    </Panel>
  );
}
