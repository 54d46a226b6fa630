import { useQuery } from '@tanstack/react-query';
import type { FlowEvent, FlowEventType, StepMeta } from '@valore/shared/flows/types';
import { CONSENT_CHANNELS, FUNNEL_CHANNELS, NOT_REACHED_REASONS } from '@valore/shared/flows/types';
import type { CatalogueProduct } from '@valore/shared/schemas/catalogue';
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Kbd } from '../../../components/ui/kbd';
import { RadioGroup } from '../../../components/ui/radio-group';
import { Select } from '../../../components/ui/select';
import { Spinner } from '../../../components/ui/spinner';
import { TextField } from '../../../components/ui/text-field';
import { useTRPC } from '../../../lib/trpc';
import { useFormat } from '../format';
import { AgreedTimePicker, firstOpenTime } from './agreed-time-picker';
import { useServiceCalendar } from '../use-service-calendar';
import type { ServiceCalendar } from '@valore/shared/time/service-calendar';

/** How far ahead a callback / a lead's follow-up may be agreed (the server's rule: work/promises.ts). */
const CALLBACK_DAYS = 30;
const FOLLOW_UP_DAYS = 60;

/** Choices that ask the operator for something (or a confirmation) before they are recorded. */
export const FORM_CHOICES: ReadonlySet<FlowEventType> = new Set<FlowEventType>([
  'contact.not_reached',
  'consent.granted',
  'needs.identified',
  'proposal.objection',
  'outcome.appointment',
  'outcome.funnel',
  'outcome.lead',
  'callback.requested',
  'customer.opted_out',
  'outcome.assisted_sale',
]);

export interface ChoiceContext {
  customerId: number | null;
  hasEmail: boolean;
  acceptedProducts: readonly CatalogueProduct[];
  presetProductCode: string | null;
  /** the products the customer holds (the card's holdings): never proposed, shown disabled "già posseduto" */
  heldProducts: readonly string[];
  /** the objections the script version prepared (the objection form lists them) */
  objections: readonly PreparedObjection[];
  /** a studio preview: nothing is booked or sent, so no office or slot is asked for */
  preview?: boolean;
  /** the callback time to propose first: the first free half-hour the server offered when the agreed one was full */
  suggestedTime?: string | null;
}

type PreparedObjection = NonNullable<StepMeta['objections']>[number];
/** The objection form's choice for one the script did not prepare. */
const OTHER_OBJECTION = 'other';

type FormProps = {
  type: FlowEventType;
  title: string;
  context: ChoiceContext;
  onSubmit: (event: FlowEvent) => void;
  onCancel: () => void;
};

/** The small form of one choice; focus starts on its first field, Esc closes it. */
export function ChoiceForm({ type, title, context, onSubmit, onCancel }: FormProps) {
  const ref = useRef<HTMLFormElement>(null);
  const headingId = useId();
  useEffect(() => {
    // The chosen radio first, then a choice still to make (nothing is chosen for the operator), then the first
    // field (a date field's first segment), then the submit button (a confirmation only).
    const selectors = [
      'input:checked:not(:disabled)',
      'input[type=radio]:not(:disabled)',
      'input:not([type=radio]):not([type=hidden]):not([tabindex="-1"]):not(:disabled), select, textarea, [role=spinbutton]',
      'button[type=submit]:not(:disabled)',
    ];
    for (const selector of selectors) {
      const target = ref.current?.querySelector<HTMLElement>(selector);
      if (target) {
        target.focus();
        return;
      }
    }
  }, []);
  return (
    <section className="choice-form" aria-labelledby={headingId}>
      <h4 id={headingId} className="choice-form__title">
        {title}
      </h4>
      <ChoiceFields type={type} context={context} onSubmit={onSubmit} onCancel={onCancel} formRef={ref} />
    </section>
  );
}

function Actions({
  canSubmit,
  submitLabel,
  danger,
  onCancel,
}: {
  canSubmit: boolean;
  submitLabel?: string;
  danger?: boolean;
  onCancel: () => void;
}) {
  const { t } = useTranslation('console');
  return (
    <div className="choice-form__actions">
      <Button type="submit" variant={danger ? 'danger' : 'primary'} disabled={!canSubmit}>
        {submitLabel ?? t('script.confirm')}
      </Button>
      <Button type="button" variant="ghost" onClick={onCancel} aria-keyshortcuts="Escape">
        {t('script.cancel')} <Kbd>Esc</Kbd>
      </Button>
    </div>
  );
}

function ChoiceFields({
  type,
  context,
  onSubmit,
  onCancel,
  formRef,
}: Omit<FormProps, 'title'> & { formRef: React.RefObject<HTMLFormElement | null> }) {
  const [choice, setChoice] = useState<string | null>(() => initialChoice(type, context));
  const [openedAt] = useState(() => Date.now());
  const calendar = useServiceCalendar();
  // an ISO instant chosen among the service calendar's open half-hours
  const [when, setWhen] = useState(() =>
    type === 'callback.requested' && context.suggestedTime
      ? context.suggestedTime
      : initialWhen(type, openedAt, calendar),
  );
  const [text, setText] = useState('');
  const [slot, setSlot] = useState<Slot | null>(null);

  function submit(event: FormEvent) {
    event.preventDefault();
    const built = buildEvent(type, { choice, when, text, slot });
    if (built) onSubmit(built);
  }

  const { fields, canSubmit, submitLabel, danger } = useChoiceView(type, context, openedAt, {
    choice,
    setChoice,
    when,
    setWhen,
    text,
    setText,
    slot,
    setSlot,
  });

  return (
    <form
      ref={formRef}
      className="choice-form__body"
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onCancel();
        }
        // Enter on a select (a product, a day, a time) submits the form as it does in a text field
        if (e.key === 'Enter' && e.target instanceof HTMLSelectElement) {
          e.preventDefault();
          formRef.current?.requestSubmit();
        }
      }}
    >
      {fields}
      <Actions canSubmit={canSubmit} submitLabel={submitLabel} danger={danger} onCancel={onCancel} />
    </form>
  );
}

type Slot = { postOfficeId: number; slotId: number };
/** What the operator has entered so far in a choice's form. */
type Answer = { choice: string | null; when: string; text: string; slot: Slot | null };
type AnswerSetters = {
  setChoice: (choice: string | null) => void;
  setWhen: (when: string) => void;
  setText: (text: string) => void;
  setSlot: (slot: Slot | null) => void;
};

function initialChoice(type: FlowEventType, context: ChoiceContext): string | null {
  if (type === 'contact.not_reached') return NOT_REACHED_REASONS[0];
  if (type === 'consent.granted') return CONSENT_CHANNELS[0];
  if (type === 'outcome.funnel') return FUNNEL_CHANNELS[0];
  if (type === 'needs.identified') {
    const preset = context.acceptedProducts.find((p) => p.code === context.presetProductCode);
    return preset && !context.heldProducts.includes(preset.code) ? preset.code : '';
  }
  return null;
}

function initialWhen(type: FlowEventType, openedAt: number, calendar: ServiceCalendar): string {
  return type === 'outcome.lead'
    ? firstOpenTime(openedAt, 20 * 3_600_000, FOLLOW_UP_DAYS, calendar)
    : type === 'callback.requested'
      ? firstOpenTime(openedAt, 3_600_000, CALLBACK_DAYS, calendar)
      : '';
}

/** The event a choice's form records, or null while something it needs is missing. */
function buildEvent(type: FlowEventType, { choice, when, text, slot }: Answer): FlowEvent | null {
  const iso = () => (when ? when : null);
  switch (type) {
    case 'contact.not_reached':
      return { type, reason: NOT_REACHED_REASONS.find((r) => r === choice) ?? 'no_answer' };
    case 'consent.granted':
      return { type, channel: CONSENT_CHANNELS.find((c) => c === choice) ?? 'phone' };
    case 'needs.identified':
      return choice ? { type, productCode: choice } : null;
    case 'proposal.objection': {
      const code = choice && choice !== OTHER_OBJECTION ? { code: choice } : {};
      return text.trim() ? { type, ...code, objection: text.trim() } : { type, ...code };
    }
    case 'outcome.appointment':
      return slot ? { type, ...slot } : null;
    case 'outcome.funnel':
      return { type, channel: FUNNEL_CHANNELS.find((c) => c === choice) ?? 'sms' };
    case 'outcome.lead': {
      const followUpAt = iso();
      if (!followUpAt) return null;
      return text.trim() ? { type, followUpAt, notes: text.trim() } : { type, followUpAt };
    }
    case 'callback.requested': {
      const callbackAt = iso();
      return callbackAt ? { type, callbackAt } : null;
    }
    case 'customer.opted_out':
      return { type };
    case 'outcome.assisted_sale':
      return text.trim() ? { type, reference: text.trim() } : null;
    default:
      return null;
  }
}

/** The fields a choice asks for, and how its submit button reads and when it is enabled. */
function useChoiceView(
  type: FlowEventType,
  context: ChoiceContext,
  openedAt: number,
  { choice, setChoice, when, setWhen, text, setText, slot, setSlot }: Answer & AnswerSetters,
): { fields: ReactNode; canSubmit: boolean; submitLabel: string | undefined; danger: boolean } {
  const { t } = useTranslation('console');
  const fmt = useFormat();
  const future = when !== '' && new Date(when).getTime() > openedAt;
  let fields: ReactNode = null;
  let canSubmit = true;
  let submitLabel: string | undefined;
  let danger = false;

  switch (type) {
    case 'contact.not_reached':
      fields = (
        <RadioGroup
          legend={t('script.fields.reason')}
          options={NOT_REACHED_REASONS.map((r) => ({ value: r, label: t(`notReached.${r}`) }))}
          value={choice}
          onChange={setChoice}
        />
      );
      break;
    case 'consent.granted':
      fields = (
        <>
          <p className="choice-form__hint">{t('script.consentHint')}</p>
          <RadioGroup
            legend={t('script.fields.consentChannel')}
            layout="row"
            options={CONSENT_CHANNELS.map((c) => ({ value: c, label: t(`channels.${c}`) }))}
            value={choice}
            onChange={setChoice}
          />
        </>
      );
      break;
    case 'needs.identified': {
      // a product the customer holds is never proposed (the server refuses it: customers/held-products.ts)
      const held = (code: string) => context.heldProducts.includes(code);
      const preset = context.acceptedProducts.find((p) => p.code === context.presetProductCode && held(p.code));
      const heldNames = context.acceptedProducts.filter((p) => held(p.code)).map((p) => p.name[fmt.lang]);
      canSubmit = Boolean(choice) && !held(choice ?? '');
      fields = (
        <>
          {preset && <Alert tone="warning">{t('card.presetHeld', { product: preset.name[fmt.lang] })}</Alert>}
          <Select
            label={t('script.fields.product')}
            hint={[
              t('script.fields.productHint'),
              heldNames.length ? t('script.fields.heldHint', { products: heldNames.join(', ') }) : '',
            ].join(' ')}
            value={choice ?? ''}
            onChange={(e) => setChoice(e.target.value)}
            options={[
              { value: '', label: t('script.fields.productPlaceholder'), disabled: true },
              ...context.acceptedProducts.map((p) =>
                held(p.code)
                  ? { value: p.code, label: t('card.heldProduct', { product: p.name[fmt.lang] }), disabled: true }
                  : { value: p.code, label: p.name[fmt.lang] },
              ),
            ]}
          />
        </>
      );
      break;
    }
    case 'proposal.objection':
      canSubmit = context.objections.length === 0 || choice !== null;
      fields = (
        <>
          {context.objections.length > 0 && (
            <RadioGroup
              legend={t('script.fields.objectionCode')}
              options={[
                ...context.objections.map((o) => ({ value: o.code, label: fmt.prompt(o.label) })),
                { value: OTHER_OBJECTION, label: t('script.fields.objectionOther') },
              ]}
              value={choice}
              onChange={setChoice}
            />
          )}
          <TextField
            label={t('script.fields.objection')}
            hint={t('script.fields.optional')}
            maxLength={500}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </>
      );
      break;
    case 'outcome.appointment':
      canSubmit = slot !== null;
      submitLabel = t('script.bookSlot');
      fields = context.preview ? (
        <PreviewSlot slot={slot} onChange={setSlot} />
      ) : context.customerId ? (
        <SlotPicker customerId={context.customerId} value={slot} onChange={setSlot} />
      ) : (
        <Alert tone="warning">{t('script.needsCustomer')}</Alert>
      );
      break;
    case 'outcome.funnel':
      submitLabel = t('script.sendLink');
      fields = <FunnelChannelField choice={choice} onChange={setChoice} hasEmail={context.hasEmail} />;
      break;
    case 'outcome.lead':
      canSubmit = future;
      submitLabel = t('script.createLead');
      fields = <LeadFields when={when} setWhen={setWhen} text={text} setText={setText} openedAt={openedAt} />;
      break;
    case 'callback.requested':
      canSubmit = future;
      fields = (
        <AgreedTimePicker
          label={t('script.fields.callbackAt')}
          value={when}
          onChange={setWhen}
          days={CALLBACK_DAYS}
          from={openedAt}
        />
      );
      break;
    case 'outcome.assisted_sale':
      canSubmit = text.trim().length > 0;
      submitLabel = t('script.recordSale');
      fields = (
        <TextField
          label={t('script.fields.saleReference')}
          hint={t('script.fields.saleReferenceHint')}
          maxLength={64}
          required
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      );
      break;
    case 'customer.opted_out':
      danger = true;
      submitLabel = t('script.confirmOptOut');
      fields = <Alert tone="warning">{t('script.optOutWarning')}</Alert>;
      break;
    default:
      break;
  }
  return { fields, canSubmit, submitLabel, danger };
}

function FunnelChannelField({
  choice,
  onChange,
  hasEmail,
}: {
  choice: string | null;
  onChange: (channel: string) => void;
  hasEmail: boolean;
}) {
  const { t } = useTranslation('console');
  return (
    <RadioGroup
      legend={t('script.fields.funnelChannel')}
      layout="row"
      options={FUNNEL_CHANNELS.map((c) => ({
        value: c,
        label: t(`channels.${c}`),
        disabled: c === 'email' && !hasEmail,
        description: c === 'email' && !hasEmail ? t('script.noEmail') : undefined,
      }))}
      value={choice}
      onChange={onChange}
    />
  );
}

/** A lead's follow-up time (within the service calendar) and its optional notes. */
function LeadFields({
  when,
  setWhen,
  text,
  setText,
  openedAt,
}: {
  when: string;
  setWhen: (when: string) => void;
  text: string;
  setText: (text: string) => void;
  openedAt: number;
}) {
  const { t } = useTranslation('console');
  return (
    <>
      <AgreedTimePicker
        label={t('script.fields.followUpAt')}
        value={when}
        onChange={setWhen}
        days={FOLLOW_UP_DAYS}
        from={openedAt}
      />
      <TextField
        label={t('script.fields.leadNotes')}
        hint={t('script.fields.optional')}
        maxLength={1000}
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
    </>
  );
}

/** Post offices near the customer (province first), then the free slots of the chosen one. */
function SlotPicker({
  customerId,
  value,
  onChange,
}: {
  customerId: number;
  value: { postOfficeId: number; slotId: number } | null;
  onChange: (value: { postOfficeId: number; slotId: number } | null) => void;
}) {
  const { t } = useTranslation('console');
  const fmt = useFormat();
  const trpc = useTRPC();
  const offices = useQuery(trpc.appointments.nearbyOffices.queryOptions({ customerId }));
  const [officeId, setOfficeId] = useState<number | null>(null);
  const officeRef = useRef<HTMLInputElement>(null);
  const loaded = offices.isSuccess;
  // The offices arrive after the form opened: put the operator on the chosen one.
  useEffect(() => {
    if (loaded) officeRef.current?.focus();
  }, [loaded]);
  const [openedAt] = useState(() => Date.now());
  const firstOpen = offices.data?.find((o) => o.freeSlots > 0)?.id ?? null;
  const chosenOffice = officeId ?? firstOpen;
  const slots = useQuery({
    ...trpc.appointments.slots.queryOptions({ postOfficeId: chosenOffice ?? 0, days: 14 }),
    enabled: chosenOffice !== null,
  });

  if (offices.isPending) return <Spinner label={t('script.loadingOffices')} />;
  if (offices.isError) return <Alert tone="error">{t('script.officesFailed')}</Alert>;
  if (offices.data.length === 0) return <Alert tone="warning">{t('script.noOffices')}</Alert>;

  const free = (slots.data ?? []).filter((s) => s.free > 0 && Date.parse(s.startsAt) > openedAt).slice(0, 12);
  return (
    <div className="slot-picker">
      <RadioGroup
        legend={t('script.fields.office')}
        firstRef={officeRef}
        options={offices.data.slice(0, 6).map((o) => ({
          value: String(o.id),
          disabled: o.freeSlots === 0,
          label: o.name,
          description: [
            `${o.address}, ${o.city} (${o.provinceCode})`,
            t(`script.proximity.${o.proximity}`),
            o.nextFreeAt
              ? t('script.freeSlots', { count: o.freeSlots, next: fmt.dateTime(o.nextFreeAt) })
              : t('script.noFreeSlots'),
          ].join(' · '),
        }))}
        value={chosenOffice === null ? null : String(chosenOffice)}
        onChange={(v) => {
          setOfficeId(Number(v));
          onChange(null);
        }}
      />
      {slots.isPending && chosenOffice !== null ? (
        <Spinner label={t('script.loadingSlots')} />
      ) : free.length === 0 ? (
        <p className="choice-form__hint">{t('script.noFreeSlots')}</p>
      ) : (
        <RadioGroup
          legend={t('script.fields.slot')}
          layout="row"
          className="slot-picker__slots"
          options={free.map((s) => ({
            value: String(s.id),
            label: `${fmt.day(s.startsAt)}, ${fmt.time(s.startsAt)}`,
            description: t('script.slotFree', { count: s.free }),
          }))}
          value={value ? String(value.slotId) : null}
          onChange={(v) => chosenOffice !== null && onChange({ postOfficeId: chosenOffice, slotId: Number(v) })}
        />
      )}
    </div>
  );
}

/** In a studio preview no slot is held: the appointment is an example, chosen with one control. */
function PreviewSlot({ slot, onChange }: { slot: Slot | null; onChange: (slot: Slot | null) => void }) {
  const { t } = useTranslation('console');
  return (
    <RadioGroup
      legend={t('script.fields.slot')}
      options={[{ value: 'example', label: t('script.previewSlot') }]}
      value={slot ? 'example' : null}
      onChange={() => onChange({ postOfficeId: 1, slotId: 1 })}
    />
  );
}
