import { and, assertEvent, assign, setup } from 'xstate';
import type { Outcome, ValueOutcome } from '../reference/outcomes';
import {
  CONSENT_CHANNELS,
  FUNNEL_CHANNELS,
  NOT_REACHED_REASONS,
  type FlowContext,
  type FlowEvent,
  type FlowEventType,
  type FlowInput,
  type FlowOutput,
  type Prompt,
  type StepId,
  type StepInput,
  type StepMeta,
} from './types';

/**
 * Operator script lines. Placeholders are the same in both languages so one interpolation map serves both:
 * {operator} (operator's first name), {customer} (customer's name), {product} (chosen or preset product name),
 * {theProduct} (the name with its article), {productPronoun} (lo/la/li/le; it/them) — see flows/definition.ts.
 */
export const PROMPTS = {
  dialling: {
    it: 'Chiamata in corso verso {customer}. Se risponde, si presenti; se non risponde, è occupato o il numero è errato, registri il mancato contatto.',
    en: 'Calling {customer}. When they answer, introduce yourself; if there is no answer, the line is busy or the number is wrong, log it.',
  },
  identifyOutbound: {
    it: 'Buongiorno, sono {operator} di Valore. Parlo con {customer}? Per sicurezza, mi conferma la data di nascita?',
    en: 'Good morning, this is {operator} from Valore. Am I speaking with {customer}? For security, could you confirm your date of birth?',
  },
  identifyCallback: {
    it: 'Buongiorno, sono {operator} di Valore: la richiamo come ci ha chiesto dal sito o dall’app. Parlo con {customer}? Per sicurezza, mi conferma la data di nascita?',
    en: 'Good morning, this is {operator} from Valore, calling you back as you asked on our website or app. Am I speaking with {customer}? For security, could you confirm your date of birth?',
  },
  identifyInbound: {
    it: 'Valore, buongiorno, sono {operator}. Con chi ho il piacere di parlare? Per verificare la sua identità, mi conferma codice fiscale e data di nascita?',
    en: 'Valore, good morning, {operator} speaking. Who am I speaking with? To verify your identity, could you confirm your tax code and date of birth?',
  },
  identifyAssistance: {
    it: 'Assistenza Valore, buongiorno, sono {operator}. Con chi parlo? Prima di tutto, mi conferma codice fiscale e data di nascita?',
    en: 'Valore customer care, good morning, {operator} speaking. Who am I speaking with? First of all, could you confirm your tax code and date of birth?',
  },
  problem: {
    it: 'Mi racconti pure il problema: vediamo di risolverlo insieme in questa stessa chiamata.',
    en: 'Please tell me what the problem is: let’s try to solve it together on this call.',
  },
  propensity: {
    it: 'Bene, il problema è risolto. Ha ancora un paio di minuti? Vorrei parlarle di un’opportunità che potrebbe interessarle.',
    en: 'I’m glad we sorted it out. Do you have a couple more minutes? I’d like to tell you about something that might interest you.',
  },
  consent: {
    it: 'Prima di proseguire: ci autorizza a contattarla per proporle prodotti e servizi del gruppo? Può indicarci se preferisce telefono, SMS o e-mail, e revocare il consenso in qualsiasi momento.',
    en: 'Before we go on: may we contact you about the group’s products and services? You can tell us whether you prefer phone, SMS or e-mail, and withdraw your consent at any time.',
  },
  needsCampaign: {
    it: 'La chiamo per presentarle {theProduct}, un’opportunità che potrebbe fare al caso suo. Come gestisce oggi risparmi, pagamenti o servizi per la casa?',
    en: 'I’m calling to tell you about {theProduct}, an opportunity that could be right for you. How do you handle your savings, payments or home services today?',
  },
  needsCallback: {
    it: 'Ci ha chiesto informazioni e le presento volentieri {theProduct}. Mi dice cosa le interessa in particolare e come pensa di usar{productPronoun}?',
    en: 'You asked us about {theProduct}. What are you most interested in, and how do you plan to use {productPronoun}?',
  },
  needsOpen: {
    it: 'Mi dica pure: di che cosa avrebbe bisogno? È per lei o per la famiglia, e preferisce gestirlo online o in ufficio postale?',
    en: 'Tell me, what would you need? Is it for you or your family, and would you rather manage it online or at the post office?',
  },
  proposal: {
    it: 'In base a quello che mi ha detto, le consiglio {theProduct}: le spiego in breve come funziona l’offerta e quali vantaggi ha per lei. Cosa ne pensa?',
    en: 'Based on what you’ve told me, I’d recommend {theProduct}: let me briefly explain how the offer works and how it helps you. What do you think?',
  },
  objection: {
    it: 'Capisco la sua perplessità, è una domanda giusta. Mi permetta di chiarire questo punto.',
    en: 'I understand your concern, it’s a fair question. Let me clarify that point.',
  },
  close: {
    it: 'Perfetto! Come preferisce procedere: un appuntamento con un consulente nell’ufficio postale più comodo per lei, un link per completare online via SMS o e-mail, oppure la ricontatta un nostro operatore per concludere al telefono?',
    en: 'Great! How would you like to go ahead: an appointment with an adviser at the post office that suits you, a link to complete it online by SMS or e-mail, or a call from one of our operators to complete it by phone?',
  },
} as const satisfies Record<string, Prompt>;

/** Button labels, one per event. */
export const EVENT_LABELS: Record<FlowEventType, Prompt> = {
  'contact.reached': { it: 'Risponde', en: 'Answered' },
  'contact.not_reached': { it: 'Non raggiunto', en: 'Not reached' },
  'customer.identified': { it: 'Cliente identificato', en: 'Customer identified' },
  'customer.not_eligible': { it: 'Non idoneo', en: 'Not eligible' },
  'ocs.solved': { it: 'Problema risolto', en: 'Problem solved' },
  'ocs.unsolved': { it: 'Problema non risolto', en: 'Problem not solved' },
  'propensity.accepted': { it: 'Disponibile ad ascoltare', en: 'Willing to listen' },
  'propensity.declined': { it: 'Non disponibile', en: 'Not willing to listen' },
  'consent.granted': { it: 'Consenso dato', en: 'Consent given' },
  'consent.refused': { it: 'Consenso negato', en: 'Consent refused' },
  'needs.identified': { it: 'Bisogno individuato', en: 'Need identified' },
  'proposal.accepted': { it: 'Proposta accettata', en: 'Proposal accepted' },
  'proposal.objection': { it: 'Obiezione', en: 'Objection' },
  'objection.resolved': { it: 'Obiezione superata', en: 'Objection resolved' },
  'proposal.declined': { it: 'Non interessato', en: 'Not interested' },
  'outcome.appointment': { it: 'Fissa appuntamento in UP', en: 'Book a post office appointment' },
  'outcome.funnel': { it: 'Invia link al funnel digitale', en: 'Send digital funnel link' },
  'outcome.lead': { it: 'Crea lead', en: 'Create lead' },
  'callback.requested': { it: 'Richiamare più tardi', en: 'Call back later' },
  'customer.opted_out': { it: 'Opposizione (opt-out)', en: 'Opt-out' },
  'outcome.assisted_sale': { it: 'Vendita conclusa al telefono', en: 'Sale closed on the phone' },
};

/** What each event's payload asks of the operator; `slot` fills both postOfficeId and slotId. */
export const EVENT_INPUTS: readonly StepInput[] = [
  { event: 'contact.not_reached', name: 'reason', kind: 'choice', options: NOT_REACHED_REASONS },
  { event: 'customer.identified', name: 'customerId', kind: 'customer' },
  { event: 'consent.granted', name: 'channel', kind: 'choice', options: CONSENT_CHANNELS },
  { event: 'needs.identified', name: 'productCode', kind: 'product' },
  { event: 'proposal.objection', name: 'objection', kind: 'text', optional: true },
  { event: 'outcome.appointment', name: 'slot', kind: 'slot' },
  { event: 'outcome.funnel', name: 'channel', kind: 'choice', options: FUNNEL_CHANNELS },
  { event: 'outcome.lead', name: 'followUpAt', kind: 'datetime' },
  { event: 'outcome.lead', name: 'notes', kind: 'text', optional: true },
  { event: 'callback.requested', name: 'callbackAt', kind: 'datetime' },
  { event: 'outcome.assisted_sale', name: 'reference', kind: 'text' },
];

export function inputsOf(events: readonly FlowEventType[]): StepInput[] {
  return EVENT_INPUTS.filter((input) => events.includes(input.event));
}

export function stepMeta(step: StepId, prompt: Prompt, events: readonly FlowEventType[] = []): StepMeta {
  return { step, prompt, inputs: inputsOf(events) };
}

function payloadOf(event: FlowEvent): Record<string, unknown> {
  const { type: _type, ...payload } = event;
  return payload;
}

export function initialContext(input: FlowInput): FlowContext {
  return {
    customer: input.customer,
    products: input.products,
    productCode: input.presetProductCode,
    hasMarketingConsent: input.customer.hasMarketingConsent,
    ocsSolved: false,
    propensity: false,
    leadFollowUp: input.leadFollowUp ?? false,
    outcome: null,
    details: {},
  };
}

export function flowOutput({ context }: { context: FlowContext }): FlowOutput {
  // Only reachable from a final state, whose entry records the outcome.
  if (context.outcome === null) throw new Error('flow output read before an outcome was recorded');
  return { outcome: context.outcome, productCode: context.productCode, details: context.details };
}

/** One setup for the four scripts: the rules (guards) are the same everywhere, the shapes differ. */
export const flowSetup = setup({
  types: {
    context: {} as FlowContext,
    events: {} as FlowEvent,
    input: {} as FlowInput,
    output: {} as FlowOutput,
    meta: {} as StepMeta,
  },
  guards: {
    hasMarketingConsent: ({ context }) => context.hasMarketingConsent,
    ocsSolved: ({ context }) => context.ocsSolved,
    /** A proposal made on a call is a phone proposal: only consent for the phone opens it. */
    consentForThisCall: ({ event }) => event.type === 'consent.granted' && event.channel === 'phone',
    propensityAccepted: ({ context }) => context.propensity,
    /** The product is on offer and can close on at least one value outcome. */
    productAvailable: ({ context, event }) =>
      event.type === 'needs.identified' && (context.products[event.productCode]?.length ?? 0) > 0,
    /** As productAvailable, among the products a script version may propose. */
    productOffered: ({ context, event }, params: { codes: readonly string[] }) =>
      event.type === 'needs.identified' &&
      params.codes.includes(event.productCode) &&
      (context.products[event.productCode]?.length ?? 0) > 0,
    /** An objection is one the script version prepared (by its code), or another one (no code). */
    objectionKnown: ({ event }, params: { codes: readonly string[] }) =>
      event.type === 'proposal.objection' && (event.code === undefined || params.codes.includes(event.code)),
    productAllows: ({ context }, params: { outcome: ValueOutcome }) =>
      context.productCode !== null && (context.products[context.productCode]?.includes(params.outcome) ?? false),
    /** A lead's follow-up may close on a sale made on the phone, for products sold by phone (those allowing a lead). */
    assistedSaleAllowed: ({ context }) =>
      context.leadFollowUp &&
      context.productCode !== null &&
      (context.products[context.productCode]?.includes('lead') ?? false),
  },
  actions: {
    identifyCustomer: assign({
      customer: ({ context, event }) => {
        assertEvent(event, 'customer.identified');
        return { ...context.customer, id: event.customerId };
      },
    }),
    grantConsent: assign({ hasMarketingConsent: true }),
    // changes nothing in the script: an action, so that the event counts as accepted (snapshot.can)
    keepOtherChannelConsent: assign({}),
    markOcsSolved: assign({ ocsSolved: true }),
    markPropensity: assign({ propensity: true }),
    chooseProduct: assign({
      productCode: ({ event }) => {
        assertEvent(event, 'needs.identified');
        return event.productCode;
      },
    }),
    /** Keeps the closing event's payload (plus a reason when the event carries none) for the output. */
    recordDetails: assign({
      details: ({ event }, params: { reason?: string } | undefined) => ({ ...payloadOf(event), ...params }),
    }),
    recordOutcome: assign({ outcome: (_, params: { outcome: Outcome }) => params.outcome }),
  },
});

export type GateGuard = 'hasMarketingConsent' | 'ocsSolved' | 'propensityAccepted';

export interface FlowRules {
  /** Guards that must all hold before a proposal (checked on the needs -> proposal transition). */
  proposalGate: readonly GateGuard[];
  /** Whether the customer can ask to be called back later (not offered in a cross-sell on an inbound call). */
  offersCallback: boolean;
  /** The products this script may propose; null: the whole catalogue the server gives it. */
  products?: readonly string[] | null;
}

/** Available on every step once the customer is on the line. */
export function onTheLine(rules: FlowRules) {
  const optOut = { target: 'opt_out', actions: 'recordDetails' } as const;
  const callback = { target: 'callback_scheduled', actions: 'recordDetails' } as const;
  return rules.offersCallback
    ? { 'customer.opted_out': optOut, 'callback.requested': callback }
    : { 'customer.opted_out': optOut };
}

export function diallingState(prompt: Prompt = PROMPTS.dialling, next: StepId = 'identify') {
  return flowSetup.createStateConfig({
    meta: stepMeta('dialling', prompt, ['contact.not_reached']),
    on: {
      'contact.reached': next,
      'contact.not_reached': { target: 'not_reached', actions: 'recordDetails' },
    },
  });
}

export function identifyState(rules: FlowRules, prompt: Prompt, next: StepId) {
  return flowSetup.createStateConfig({
    meta: stepMeta('identify', prompt, ['customer.identified']),
    on: {
      ...onTheLine(rules),
      'customer.identified': { target: next, actions: 'identifyCustomer' },
      'customer.not_eligible': { target: 'not_eligible', actions: 'recordDetails' },
    },
  });
}

/** The assistance call's problem: solved in this contact, or the call ends without a proposal. */
export function problemState(rules: FlowRules, prompt: Prompt = PROMPTS.problem, next: StepId = 'propensity') {
  return flowSetup.createStateConfig({
    meta: stepMeta('problem', prompt),
    on: {
      ...onTheLine(rules),
      'ocs.solved': { target: next, actions: 'markOcsSolved' },
      'ocs.unsolved': {
        target: 'no_proposal',
        actions: { type: 'recordDetails', params: { reason: 'ocs_unsolved' } },
      },
    },
  });
}

/** Whether the customer, their problem solved, is willing to listen to a proposal. */
export function propensityState(rules: FlowRules, prompt: Prompt = PROMPTS.propensity, next: StepId = 'consent') {
  return flowSetup.createStateConfig({
    meta: stepMeta('propensity', prompt),
    on: {
      ...onTheLine(rules),
      'propensity.accepted': { guard: 'ocsSolved', target: next, actions: 'markPropensity' },
      'propensity.declined': {
        target: 'no_proposal',
        actions: { type: 'recordDetails', params: { reason: 'propensity_declined' } },
      },
    },
  });
}

/** Entered only without consent: with it, the `always` transition moves straight on. */
export function consentState(rules: FlowRules, prompt: Prompt = PROMPTS.consent, next: StepId = 'needs') {
  return flowSetup.createStateConfig({
    meta: stepMeta('consent', prompt, ['consent.granted']),
    always: { guard: 'hasMarketingConsent', target: next },
    on: {
      ...onTheLine(rules),
      'consent.granted': [
        { guard: 'consentForThisCall', target: next, actions: 'grantConsent' },
        // a consent for e-mail or SMS is kept (the server records it) but opens no proposal on the phone
        { actions: 'keepOtherChannelConsent' },
      ],
      'consent.refused': {
        target: 'not_eligible',
        actions: { type: 'recordDetails', params: { reason: 'consent_refused' } },
      },
    },
  });
}

export function needsState(rules: FlowRules, prompt: Prompt) {
  const guard = rules.products
    ? and([{ type: 'productOffered', params: { codes: rules.products } }, ...rules.proposalGate])
    : and(['productAvailable', ...rules.proposalGate]);
  return flowSetup.createStateConfig({
    meta: stepMeta('needs', prompt, ['needs.identified']),
    on: {
      ...onTheLine(rules),
      'needs.identified': { guard, target: 'proposal', actions: 'chooseProduct' },
    },
  });
}

/** The proposal and its objection loop. */
export function proposalStates(
  rules: FlowRules,
  prompts: {
    proposal: Prompt;
    objection: Prompt;
    objections?: NonNullable<StepMeta['objections']>;
  } = { proposal: PROMPTS.proposal, objection: PROMPTS.objection },
) {
  const objectionMeta: StepMeta = prompts.objections?.length
    ? { ...stepMeta('objection', prompts.objection), objections: prompts.objections }
    : stepMeta('objection', prompts.objection);
  const declined = { target: 'not_interested', actions: 'recordDetails' } as const;
  return {
    proposal: flowSetup.createStateConfig({
      meta: stepMeta('proposal', prompts.proposal, ['proposal.objection']),
      on: {
        ...onTheLine(rules),
        'proposal.accepted': 'close',
        'proposal.objection': {
          guard: { type: 'objectionKnown', params: { codes: (prompts.objections ?? []).map((o) => o.code) } },
          target: 'objection',
        },
        'proposal.declined': declined,
      },
    }),
    objection: flowSetup.createStateConfig({
      meta: objectionMeta,
      on: {
        ...onTheLine(rules),
        'objection.resolved': 'proposal',
        'proposal.declined': declined,
      },
    }),
  };
}

const VALUE_OUTCOME_EVENTS = {
  up_appointment: 'outcome.appointment',
  digital_funnel: 'outcome.funnel',
  lead: 'outcome.lead',
} as const satisfies Record<ValueOutcome, FlowEventType>;

/**
 * The close offers only the value outcomes the chosen product allows (and the script offers: `valueOutcomes`, all three
 * by default); with `assistedSale`, a lead's follow-up may also close on a sale made on the phone.
 */
export function closeState(
  rules: FlowRules,
  opts: { assistedSale?: boolean; valueOutcomes?: readonly ValueOutcome[]; prompt?: Prompt } = {},
) {
  const valueOutcomes = opts.valueOutcomes ?? (['up_appointment', 'digital_funnel', 'lead'] as const);
  const assistedSale = opts.assistedSale
    ? ({
        'outcome.assisted_sale': { guard: 'assistedSaleAllowed', target: 'assisted_sale', actions: 'recordDetails' },
      } as const)
    : {};
  const offered = Object.fromEntries(
    valueOutcomes.map((outcome) => [
      VALUE_OUTCOME_EVENTS[outcome],
      { guard: { type: 'productAllows', params: { outcome } }, target: outcome, actions: 'recordDetails' },
    ]),
  ) as Record<
    (typeof VALUE_OUTCOME_EVENTS)[ValueOutcome],
    {
      guard: { type: 'productAllows'; params: { outcome: ValueOutcome } };
      target: ValueOutcome;
      actions: 'recordDetails';
    }
  >;
  const events: FlowEventType[] = valueOutcomes.map((o) => VALUE_OUTCOME_EVENTS[o]);
  if (opts.assistedSale) events.push('outcome.assisted_sale');
  return flowSetup.createStateConfig({
    meta: stepMeta('close', opts.prompt ?? PROMPTS.close, events),
    on: {
      ...onTheLine(rules),
      ...assistedSale,
      ...offered,
    },
  });
}

/** One final state per outcome the flow can reach, named after the outcome. */
export function outcomeStates<const T extends readonly Outcome[]>(outcomes: T) {
  return Object.fromEntries(
    outcomes.map((outcome) => [
      outcome,
      flowSetup.createStateConfig({ type: 'final', entry: { type: 'recordOutcome', params: { outcome } } }),
    ]),
  ) as Record<T[number], ReturnType<typeof flowSetup.createStateConfig>>;
}
