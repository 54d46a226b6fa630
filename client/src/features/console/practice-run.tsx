import { compileScript } from '@valore/shared/flows/compile';
import type { ScriptDefinition } from '@valore/shared/flows/definition';
import type { AnyFlowMachine } from '@valore/shared/flows/index';
import type { CustomerCard } from '@valore/shared/schemas/customers';
import { MAX_PRACTICE_MS, type PracticeCompleteInput, type PracticeStartOutput } from '@valore/shared/schemas/practice';
import { personaOf, type PersonaReply } from '@valore/shared/training/personas';
import { useEffect, useEffectEvent, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/ui/alert';
import { Badge } from '../../components/ui/badge';
import { Panel } from '../../components/ui/panel';
import { LoadingState } from '../../components/ui/spinner';
import { ScriptRunner } from './components/script-panel';
import { useFormat } from './format';
import { PreviewConsoleProvider, useConsole } from './hooks/console-store';
import { practiceConversation } from './practice-conversation';
import './console.css';
import './practice-run.css';

/** What a finished practice contact sends to practice.complete (the page adds the request id). */
export type PracticeCompletion = Omit<PracticeCompleteInput, 'requestId'>;

export interface PracticeRunProps {
  start: PracticeStartOutput;
  /** The script reached an outcome: the contact as practice.complete takes it. Called once. */
  onFinished: (completion: PracticeCompletion) => void;
}

/** Stands for the simulated customer in the script (customer.identified): no card is read, nothing is written. */
const PRACTICE_CUSTOMER_ID = 1;

/**
 * A practice contact (docs/training.md, "Practice console"): the script practice.start handed over, compiled by the
 * code the console and the server play it with, in the console's own script panel (a preview store: nothing is sent,
 * booked or recorded), with a simulated customer who answers each step. The operator judges the answer and records
 * the choice by key as on a real call; at the outcome the path goes to the page, which scores it (practice.complete).
 * The practice page shows it (the app wires it in: features do not import each other).
 */
export function PracticeRun({ start, onFinished }: PracticeRunProps) {
  // the schema types a step as a string; the server validated it as the definition it is
  const machine = useMemo(() => compileScript(start.script.definition as ScriptDefinition), [start.script.definition]);
  const { customer } = start;
  return (
    <PreviewConsoleProvider
      key={start.practiceId}
      contact={{
        flow: start.script.flow,
        customerId: PRACTICE_CUSTOMER_ID,
        customerName: `${customer.firstName} ${customer.lastName}`,
        scriptVersion: start.script.version,
      }}
    >
      <PracticeCall start={start} machine={machine} onFinished={onFinished} />
    </PreviewConsoleProvider>
  );
}

/** The synthetic customer as the script panel reads a card: the e-mail (a link by e-mail), the products held. */
function practiceCard(start: PracticeStartOutput): CustomerCard {
  const c = start.customer;
  return {
    id: PRACTICE_CUSTOMER_ID,
    firstName: c.firstName,
    lastName: c.lastName,
    city: c.city,
    provinceCode: '',
    provinceName: '',
    birthYear: Number(c.birthDate.slice(0, 4)),
    phoneMasked: c.phone,
    emailMasked: c.email,
    taxCodeMasked: c.taxCode,
    holdings: c.holds.map((productCode) => ({ productCode, since: start.startedAt })),
    consents: [],
    marketingConsent: c.hasMarketingConsent,
    onOptOutRegistry: false,
    recentInteractions: [],
  };
}

function PracticeCall({
  start,
  machine,
  onFinished,
}: {
  start: PracticeStartOutput;
  machine: AnyFlowMachine;
  onFinished: PracticeRunProps['onFinished'];
}) {
  const { t } = useTranslation('console');
  const { draft, products } = useConsole();
  const persona = useMemo(() => personaOf(start.persona.id), [start.persona.id]);
  const card = useMemo(() => practiceCard(start), [start]);
  const events = draft?.events;
  const startedAt = draft ? Date.parse(draft.startedAt) : 0;
  const conversation = useMemo(
    () =>
      persona && events
        ? practiceConversation(
            machine,
            start.input,
            { persona, weights: start.weights, seed: start.seed },
            events,
            startedAt,
          )
        : null,
    [machine, start, persona, events, startedAt],
  );
  const outcome = draft?.outcome ?? null;
  const finish = useEffectEvent(() => {
    if (!conversation || !outcome || !draft) return;
    const last = conversation.path.at(-1)?.at ?? 0;
    const ended = draft.endedAt ? Date.parse(draft.endedAt) - startedAt : last;
    onFinished({
      practiceId: start.practiceId,
      path: conversation.path,
      outcome,
      consentAsked: conversation.consentAsked,
      objections: conversation.objections,
      durationMs: Math.min(MAX_PRACTICE_MS, Math.max(last, ended)),
    });
  });
  useEffect(() => {
    if (outcome) finish();
  }, [outcome]);

  if (!draft || !conversation) return <Alert tone="error">{t('practice.unknownPersona')}</Alert>;
  return (
    <div className="practice-run">
      <div className="practice-run__banner">
        <Badge tone="warning">{t('practice.badge')}</Badge>
        <p>
          <strong>{t('practice.banner')}</strong> {t('practice.bannerHint')}
        </p>
      </div>
      <div className="practice-run__grid">
        <PracticeCustomerCard start={start} />
        <div className="practice-run__call">
          <CustomerLine reply={conversation.reply} />
          {products.length === 0 ? (
            <LoadingState label={t('script.loading')} />
          ) : outcome ? (
            <p role="status">{t('practice.ended', { outcome: t(`outcomes.${outcome}`) })}</p>
          ) : (
            <ScriptRunner machine={machine} draft={draft} input={start.input} card={card} preview />
          )}
        </div>
      </div>
    </div>
  );
}

/** Whole years from a birth date (YYYY-MM-DD) to today. */
function ageOf(birthDate: string, today = new Date()): number {
  const [y = 0, m = 1, d = 1] = birthDate.split('-').map(Number);
  const before = today.getMonth() + 1 < m || (today.getMonth() + 1 === m && today.getDate() < d);
  return today.getFullYear() - y - (before ? 1 : 0);
}

/** Who the operator is talking to: the synthetic customer's card and the persona they play. */
function PracticeCustomerCard({ start }: { start: PracticeStartOutput }) {
  const { t } = useTranslation('console');
  const fmt = useFormat();
  const { products } = useConsole();
  const c = start.customer;
  const productName = (code: string) => products.find((p) => p.code === code)?.name[fmt.lang] ?? code;
  const [y, m, d] = c.birthDate.split('-');
  const rows: [string, string][] = [
    [t('card.birthDate'), t('practice.birth', { date: `${d}/${m}/${y}`, age: ageOf(c.birthDate) })],
    [t('card.phone'), c.phone],
    [t('card.email'), c.email],
    [t('card.taxCode'), c.taxCode],
  ];
  return (
    <Panel title={t('practice.customerTitle')} className="practice-run__customer">
      <div className="card">
        <div className="card__who">
          <p className="card__name">
            {c.firstName} {c.lastName}
          </p>
          <p className="card__where">{c.city}</p>
        </div>
        <dl className="details">
          {rows.map(([label, value]) => (
            <div className="details__row" key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
        <section className="card__section" aria-label={t('card.consents')}>
          <h3 className="card__heading">{t('card.consents')}</h3>
          <p>
            {c.hasMarketingConsent ? (
              <Badge tone="success">{t('card.marketingYes')}</Badge>
            ) : (
              <Badge tone="warning">{t('card.marketingNo')}</Badge>
            )}
          </p>
        </section>
        <section className="card__section" aria-label={t('card.holdings')}>
          <h3 className="card__heading">{t('card.holdings')}</h3>
          {c.holds.length === 0 ? (
            <p className="card__meta">{t('card.noHoldings')}</p>
          ) : (
            <ul className="card__list">
              {c.holds.map((code) => (
                <li key={code}>{productName(code)}</li>
              ))}
            </ul>
          )}
        </section>
        <section className="card__section" aria-label={t('practice.persona')}>
          <h3 className="card__heading">{t('practice.persona')}</h3>
          <p>
            <strong>{fmt.prompt(start.persona.name)}</strong>
          </p>
          <p className="card__meta">{fmt.prompt(start.persona.description)}</p>
        </section>
      </div>
    </Panel>
  );
}

/**
 * What the customer says at the step, in a polite live region (heard after the step's name the focus lands on), with
 * what the operator needs to record it (the product, the channel) — never which choice it is: that is theirs to judge.
 */
function CustomerLine({ reply }: { reply: PersonaReply | null }) {
  const { t } = useTranslation('console');
  const fmt = useFormat();
  const { products } = useConsole();
  const { productCode, channel, reason } = reply?.details ?? {};
  const details = [
    productCode
      ? t('practice.details.product', {
          product: products.find((p) => p.code === productCode)?.name[fmt.lang] ?? productCode,
        })
      : null,
    channel && reply?.choice === 'consent.granted'
      ? t('practice.details.consentChannel', { channel: t(`channels.${channel}`) })
      : null,
    channel && reply?.choice === 'outcome.funnel'
      ? t('practice.details.funnelChannel', { channel: t(`channels.${channel}`) })
      : null,
    reason ? t('practice.details.reason', { reason: t(`notReached.${reason}`) }) : null,
  ].filter((x): x is string => x !== null);
  return (
    <section className="practice-line" aria-label={t('practice.lineTitle')}>
      <h3 className="card__heading">{t('practice.lineTitle')}</h3>
      <div role="status" aria-live="polite" data-testid="practice-customer-line">
        {reply && (
          <>
            <p className="practice-line__text">{t('practice.says', { text: fmt.prompt(reply.text) })}</p>
            {details.length > 0 && (
              <ul className="practice-line__details">
                {details.map((text) => (
                  <li key={text}>{text}</li>
                ))}
              </ul>
            )}
          </>
        )}
      </div>
    </section>
  );
}
