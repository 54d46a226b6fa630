import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  acceptedProducts,
  availableEvents,
  FLOW_STEPS,
  type AnyFlowMachine,
  metaOf,
  objectionsOf,
  stepChoices,
  stepOf,
} from '@valore/shared/flows/index';
import { CHOICE_KEYS } from '@valore/shared/flows/event-names';
import { DEFAULT_PRODUCT_GRAMMAR, nameWithArticle, productPronoun } from '@valore/shared/reference/italian';
import { EVENT_LABELS } from '@valore/shared/flows/steps';
import { STEP_ORDER, type Placeholder } from '@valore/shared/flows/definition';
import type { CatalogueProduct } from '@valore/shared/schemas/catalogue';
import type { FlowEvent, FlowEventType, FlowInput, StepId, StepMeta } from '@valore/shared/flows/types';
import type { CustomerCard } from '@valore/shared/schemas/customers';
import { isBareEvent } from '@valore/shared/flows/event-names';
import { useEffect, useEffectEvent, useId, useMemo, useRef, useState, type RefObject } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../../components/ui/alert';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Kbd } from '../../../components/ui/kbd';
import { Panel } from '../../../components/ui/panel';
import { LoadingState } from '../../../components/ui/spinner';
import { errorMessageKey } from '../../../lib/errors';
import { CoachingBanner } from '../coaching/coaching-banner';
import { useTRPC } from '../../../lib/trpc';
import { fillPrompt, isTypingTarget, useFormat } from '../format';
import { useConsole, type ContactDraft } from '../hooks/console-store';
import { useScript } from '../hooks/use-script';
import { useAssignedVersion, useScriptMachine } from '../hooks/use-script-machine';
import { AfterCallWork, ResultSummary } from './after-call-work';
import { ChoiceForm, FORM_CHOICES, type ChoiceContext } from './choice-forms';
import { preloadDateFields } from '../../../components/ui/date-field';
import { focusUnlessTyping } from '../../../lib/focus';
import { NotesField } from './notes-field';

/**
 * The contact being worked: the guided script, then its after-call work, then the summary of its result. Loaded on
 * its own (script-slot.tsx) so the console's first screen does not wait for the script engine.
 */
export function ContactWorkspace() {
  const { draft, lastResult } = useConsole();
  // the follow-up and callback forms' date field, fetched while the call is young (and the network still there)
  useEffect(() => {
    preloadDateFields().catch(() => undefined);
  }, []);
  if (draft?.outcome) return <AfterCallWork draft={draft} />;
  if (draft)
    return <ContactSession key={`${draft.clientId}:${draft.revision}:${draft.customerId ?? ''}`} draft={draft} />;
  if (lastResult) return <ResultSummary result={lastResult} />;
  return null;
}

/** Waits for what the script needs (catalogue, customer card), then runs it. */
function ContactSession({ draft }: { draft: ContactDraft }) {
  const { t } = useTranslation('console');
  const trpc = useTRPC();
  const { products, setScriptVersion } = useConsole();
  const card = useQuery({
    ...trpc.customers.card.queryOptions({ customerId: draft.customerId ?? 0 }),
    enabled: draft.customerId !== null,
  });
  // the version the contact plays: its work item's, else the flow's assignment (scripts.assigned), kept on the draft
  const version = useAssignedVersion(draft.flow, draft.customerId, draft.clientId, draft.scriptVersion);
  const machine = useScriptMachine(draft.flow, version);
  useEffect(() => {
    if (version && !draft.scriptVersion) setScriptVersion(version);
  }, [version, draft.scriptVersion, setScriptVersion]);
  if (products.length === 0 || (draft.customerId !== null && card.isPending) || !machine) {
    return (
      <Panel title={t('script.title')} className="grid__script">
        <LoadingState label={t('script.loading')} />
      </Panel>
    );
  }
  if (draft.customerId !== null && card.isError) {
    return (
      <Panel title={t('script.title')} className="grid__script">
        <Alert tone="error">{t(errorMessageKey(card.error), { ns: 'translation' })}</Alert>
        <Button onClick={() => void card.refetch()}>{t('script.retry')}</Button>
      </Panel>
    );
  }
  const input: FlowInput = {
    customer: { id: draft.customerId, hasMarketingConsent: card.data?.marketingConsent ?? false },
    products: Object.fromEntries(products.map((p) => [p.code, p.outcomes])),
    presetProductCode: draft.work?.presetProductCode ?? null,
    leadFollowUp: draft.work?.kind === 'lead_followup',
  };
  return <ScriptRunner key={machine.version} machine={machine} draft={draft} input={input} card={card.data ?? null} />;
}

/** The machine's steps in call order (the progress bar); the shipped list when the machine names no other. */
function stepsOf(machine: AnyFlowMachine, flow: ContactDraft['flow']): readonly StepId[] {
  const own = FLOW_STEPS[flow];
  const states = Object.keys(machine.root.states);
  const listed = STEP_ORDER.filter((s) => states.includes(s));
  return listed.length ? listed : own;
}

const ALWAYS_AVAILABLE: ReadonlySet<FlowEventType> = new Set(['callback.requested', 'customer.opted_out']);
const ENDS_WITHOUT_VALUE: ReadonlySet<FlowEventType> = new Set([
  'contact.not_reached',
  'customer.not_eligible',
  'ocs.unsolved',
  'propensity.declined',
  'consent.refused',
  'proposal.declined',
]);

/**
 * Each step's prompt takes focus (the operator reads it and answers by key), but not from a field they are typing in
 * beside the script: the workspace loads after the card, and a history search already started keeps its keystrokes.
 * Reports the step reached (the board follows it).
 */
function useStepFocus<Step extends string>(step: Step | null | undefined, reportStep: (step: Step) => void) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const scriptRef = useRef<HTMLDivElement>(null);
  const onStep = useEffectEvent((current: Step) => reportStep(current));
  useEffect(() => {
    if (step) onStep(step);
    focusUnlessTyping(headingRef.current, scriptRef.current);
  }, [step]);
  return { headingRef, scriptRef };
}

/**
 * The script being played: its step, line, choices and forms. Plays a real contact in the console, or a studio draft
 * in a preview (`preview`: no coaching, no slot to hold; the store around it sends nothing).
 */
export function ScriptRunner({
  machine,
  draft,
  input,
  card,
  preview = false,
}: {
  machine: AnyFlowMachine;
  draft: ContactDraft;
  input: FlowInput;
  card: CustomerCard | null;
  preview?: boolean;
}) {
  const { t } = useTranslation('console');
  const fmt = useFormat();
  const trpc = useTRPC();
  // Read from the cache only: a refetch of the session while the server is down would replace the page.
  const me = useQueryClient().getQueryData(trpc.auth.me.queryKey());
  const { products, record, reportStep, setNotes } = useConsole();
  const { snapshot, take } = useScript(machine, input, draft.events);
  const step = stepOf(snapshot);
  const choices = useMemo(() => availableEvents(machine, snapshot), [machine, snapshot]);
  const accepted = useMemo(() => acceptedProducts(snapshot), [snapshot]);
  const productCode = snapshot.context.productCode;
  const meta = metaOf(snapshot);
  const prepared = useMemo(() => objectionsOf(machine), [machine]);
  // the prepared objection the customer raised last (its rebuttal leads at the objection step)
  const raised = draft.events.findLast((e) => e.type === 'proposal.objection')?.code;
  const [openForm, setOpenForm] = useState<FlowEventType | null>(null);
  const { headingRef, scriptRef } = useStepFocus(step, reportStep);

  const acceptedList = products.filter((p) => accepted.includes(p.code));
  const product = products.find((p) => p.code === productCode);

  function send(event: FlowEvent) {
    const moved = take(event);
    if (!moved) return;
    const previousStep = stepOf(moved.before);
    const reached = stepOf(moved.after);
    setOpenForm(null);
    record(event, {
      step: reached,
      previousStep,
      outcome: moved.after.status === 'done' ? (moved.after.output?.outcome ?? null) : null,
    });
    // Same step (an objection resolved back to the proposal): focus still goes back to the prompt.
    if (reached === previousStep) headingRef.current?.focus();
  }

  function choose(type: FlowEventType) {
    if (FORM_CHOICES.has(type)) {
      setOpenForm(type);
      return;
    }
    if (type === 'customer.identified') {
      if (draft.customerId !== null) send({ type, customerId: draft.customerId });
      return;
    }
    // every other choice is its name alone: the events' definition says which (event-names.ts), no cast
    if (isBareEvent(type)) send({ type });
  }

  useNumberKeys(choices, choose);

  const values = promptValues(t, fmt.lang, {
    operator: me?.displayName.split(' ')[0] ?? '',
    customer: card ? `${card.firstName} ${card.lastName}` : draft.customerName,
    product,
  });
  const productName = values.product;
  const prompt = meta ? fillPrompt(fmt.prompt(meta.prompt), values) : '';
  // the steps of the version played (a studio version may ask consent where the shipped one does not)
  const steps = useMemo(() => stepsOf(machine, draft.flow), [machine, draft.flow]);
  const shownStep = step === 'objection' ? 'proposal' : step;
  const stepIndex = shownStep ? steps.indexOf(shownStep) : -1;
  const needsCustomer = draft.customerId === null && choices.includes('customer.identified');

  return (
    <Panel
      title={t('script.titleFlow', { flow: t(`flows.${draft.flow}`) })}
      className="grid__script"
      actions={<Badge tone="info">{t('script.stepOf', { n: stepIndex + 1, total: steps.length })}</Badge>}
    >
      <div className="script" ref={scriptRef}>
        <ScriptProgress steps={steps} stepIndex={stepIndex} />

        {draft.notice && (
          <Alert tone="error">
            {t(draft.notice, { ns: 'translation' })}
            {draft.freeTimes && (
              <p data-testid="free-times">
                {draft.freeTimes.length > 0
                  ? t('script.freeTimes', { times: draft.freeTimes.map((at) => fmt.dateTime(at)).join('; ') })
                  : t('script.noFreeTimes')}
              </p>
            )}
          </Alert>
        )}

        <StepPrompt headingRef={headingRef} step={step} prompt={prompt} objections={meta?.objections} raised={raised} />

        {!preview && (
          <CoachingBanner
            interactionClientId={draft.clientId}
            step={step}
            onAcknowledged={() => headingRef.current?.focus()}
          />
        )}

        {needsCustomer && <Alert tone="warning">{t('script.identifyFirst')}</Alert>}

        <ChoiceButtons
          known={stepChoices(machine, snapshot)}
          choices={choices}
          customerId={draft.customerId}
          openForm={openForm}
          onChoose={choose}
          reasonOf={(type) => unavailableReason(t, type, productCode ? productName : null)}
        />

        {openForm && (
          <ChoiceForm
            key={openForm}
            type={openForm}
            title={fmt.prompt(EVENT_LABELS[openForm])}
            context={{
              ...fromCard(card),
              customerId: draft.customerId,
              acceptedProducts: acceptedList,
              presetProductCode: input.presetProductCode,
              objections: prepared,
              preview,
              suggestedTime: draft.freeTimes?.[0] ?? null,
            }}
            onSubmit={send}
            onCancel={() => {
              setOpenForm(null);
              headingRef.current?.focus();
            }}
          />
        )}

        <NotesField value={draft.notes} onChange={setNotes} />
      </div>
    </Panel>
  );
}

/** What the choices' forms take from the card: whether there is an e-mail, the products held (never proposed). */
/** What the line's placeholders stand for (flows/definition.ts PLACEHOLDERS), in the reader's language. */
function promptValues(
  t: TFunction<'console'>,
  lang: 'it' | 'en',
  who: { operator: string; customer: string | null; product: CatalogueProduct | undefined },
): Record<Placeholder, string> {
  const { product } = who;
  return {
    operator: who.operator,
    customer: who.customer ?? t('script.customerFallback'),
    product: product?.name[lang] ?? t('script.productFallback'),
    theProduct: product ? nameWithArticle(lang, product.name[lang], product.grammar) : t('script.theProductFallback'),
    productPronoun: productPronoun(lang, product?.grammar ?? DEFAULT_PRODUCT_GRAMMAR),
  };
}

function fromCard(card: CustomerCard | null): Pick<ChoiceContext, 'hasEmail' | 'heldProducts'> {
  return { hasEmail: card?.emailMasked != null, heldProducts: card?.holdings.map((h) => h.productCode) ?? [] };
}

/** Why a choice of the step cannot be taken now (shown beside it, disabled). */
function unavailableReason(t: TFunction<'console'>, type: FlowEventType, product: string | null): string {
  if (type === 'outcome.assisted_sale') return t('script.unavailable.sale');
  if (type === 'needs.identified') return t('script.unavailable.noProduct');
  if (type === 'customer.identified') return t('script.unavailable.identify');
  if (type.startsWith('outcome.') && product) return t('script.unavailable.product', { product });
  return t('script.unavailable.notNow');
}

/** Keys 1–9 pick the available choice on that key (the same key everywhere: CHOICE_KEYS), unless typing. */
function useNumberKeys(choices: readonly FlowEventType[], choose: (type: FlowEventType) => void) {
  const onKey = useEffectEvent((event: KeyboardEvent) => {
    if (event.ctrlKey || event.metaKey || event.altKey || isTypingTarget(event.target)) return;
    if (!/^[1-9]$/.test(event.key)) return;
    const type = choices.find((c) => CHOICE_KEYS[c] === event.key);
    if (!type) return;
    event.preventDefault();
    choose(type);
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKey(event);
    document.addEventListener('keydown', listener);
    return () => document.removeEventListener('keydown', listener);
  }, []);
}

function ScriptProgress({ steps, stepIndex }: { steps: readonly StepId[]; stepIndex: number }) {
  const { t } = useTranslation('console');
  return (
    <ol className="script__progress" aria-label={t('script.progress')}>
      {steps.map((s, i) => (
        <li
          key={s}
          className={i < stepIndex ? 'is-done' : i === stepIndex ? 'is-current' : undefined}
          aria-current={i === stepIndex ? 'step' : undefined}
        >
          <span className="script__progress-dot" aria-hidden="true">
            {i < stepIndex ? '✓' : i + 1}
          </span>
          <span>{t(`steps.${s}`)}</span>
        </li>
      ))}
    </ol>
  );
}

/**
 * The step and the line to say. The focus lands on the step's name at each step; a screen reader reads the line with
 * it (the heading's description), so the operator hears what to say without moving.
 */
function StepPrompt({
  headingRef,
  step,
  prompt,
  objections,
  raised,
}: {
  headingRef: RefObject<HTMLHeadingElement | null>;
  step: StepId | null;
  prompt: string;
  objections: StepMeta['objections'];
  raised: unknown;
}) {
  const { t } = useTranslation('console');
  const sayId = useId();
  return (
    <div className="script__prompt">
      <h3 className="script__step" ref={headingRef} tabIndex={-1} aria-describedby={prompt ? sayId : undefined}>
        {step ? t(`steps.${step}`) : ''}
        {step === 'objection' && <span className="visually-hidden"> — {t('script.objectionPrompt')}</span>}
      </h3>
      <blockquote className="script__say" id={sayId}>
        {prompt}
      </blockquote>
      {step === 'objection' && objections?.length ? (
        <PreparedObjections objections={objections} raised={raised} />
      ) : null}
    </div>
  );
}

/** How prominent a choice is: value-realising choices lead, those that close without value follow, opt-out last. */
function choiceVariant(type: FlowEventType): 'primary' | 'secondary' | 'ghost' {
  return ALWAYS_AVAILABLE.has(type)
    ? type === 'customer.opted_out'
      ? 'ghost'
      : 'secondary'
    : ENDS_WITHOUT_VALUE.has(type)
      ? 'secondary'
      : 'primary';
}

function ChoiceButtons({
  known,
  choices,
  customerId,
  openForm,
  onChoose,
  reasonOf,
}: {
  known: readonly FlowEventType[];
  choices: readonly FlowEventType[];
  customerId: number | null;
  openForm: FlowEventType | null;
  onChoose: (type: FlowEventType) => void;
  reasonOf: (type: FlowEventType) => string;
}) {
  const { t } = useTranslation('console');
  const fmt = useFormat();
  const unavailable = known.filter((type) => !choices.includes(type));
  // a choice available now that the step does not list (none today) still shows
  const shown = [...known, ...choices.filter((c) => !known.includes(c))];
  return (
    <>
      <div className="script__choices" role="group" aria-label={t('script.choices')}>
        {shown.map((type) => {
          const disabled = !choices.includes(type) || (type === 'customer.identified' && customerId === null);
          const variant = choiceVariant(type);
          const key = CHOICE_KEYS[type];
          return (
            <Button
              key={type}
              variant={variant}
              className={`script__choice script__choice--${variant}`}
              disabled={disabled}
              aria-keyshortcuts={disabled ? undefined : key}
              aria-expanded={FORM_CHOICES.has(type) ? openForm === type : undefined}
              onClick={() => onChoose(type)}
              icon={<Kbd>{key}</Kbd>}
            >
              {fmt.prompt(EVENT_LABELS[type])}
            </Button>
          );
        })}
      </div>
      {unavailable.length > 0 && (
        <ul className="script__unavailable" aria-label={t('script.unavailable.title')}>
          {unavailable.map((type) => (
            <li key={type}>
              <Kbd>{CHOICE_KEYS[type]}</Kbd> {fmt.prompt(EVENT_LABELS[type])}: {reasonOf(type)}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** The version's prepared objections with their rebuttals; the one the customer raised comes first, marked. */
function PreparedObjections({
  objections,
  raised,
}: {
  objections: NonNullable<StepMeta['objections']>;
  raised: unknown;
}) {
  const { t } = useTranslation('console');
  const fmt = useFormat();
  return (
    <section className="script__objections" aria-label={t('script.objections')}>
      <h4>{t('script.objections')}</h4>
      <dl>
        {[...objections]
          .sort((a, b) => Number(b.code === raised) - Number(a.code === raised))
          .map((o) => (
            <div key={o.code} className={o.code === raised ? 'script__objection--raised' : undefined}>
              <dt>
                {fmt.prompt(o.label)}
                {o.code === raised && <Badge tone="warning">{t('script.objectionRaised')}</Badge>}
              </dt>
              <dd>{fmt.prompt(o.rebuttal)}</dd>
            </div>
          ))}
      </dl>
    </section>
  );
}
