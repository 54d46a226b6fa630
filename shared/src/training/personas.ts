import {
  CONSENT_CHANNELS,
  FUNNEL_CHANNELS,
  NOT_REACHED_REASONS,
  type ConsentChannel,
  type FunnelChannel,
  type NotReachedReason,
} from '../flows/event-names';
import type { FlowEventType, Prompt, StepId } from '../flows/types';
import { VALUE_OUTCOMES, type FlowId, type ValueOutcome } from '../reference/outcomes';
import { PRODUCT_CATALOGUE } from '../reference/products';
import {
  fillLine,
  OBJECTION_KINDS,
  OBJECTION_LINES,
  REPLY_LINES,
  WAITING_LINE,
  type ObjectionKind,
} from './persona-lines';
import { drawsFor, pickOne, pickWeighted } from './practice-random';

export { OBJECTION_KINDS, type ObjectionKind } from './persona-lines';

/**
 * Practice mode's simulated customers (docs/training.md, "Practice mode"). Pure, no I/O: a persona is a kind of
 * customer (a price-sensitive pensioner, a busy professional who already has a current account…) with synthetic
 * personal data made from a seed, and leanings that bend, step by step, what the real contacts of the flow do on
 * aggregate (stepWeights: continue or drop off per step, the outcomes, the objections — counts only, never a customer's
 * row). simulateReply answers each step of the script from those weights with draws seeded by the practice contact's
 * seed, the step and the turn: the same seed and the same steps give the same conversation, on the server and in the
 * console alike.
 */

export const PERSONA_IDS = [
  'price_sensitive_pensioner',
  'busy_professional',
  'young_digital',
  'undecided_small_business',
  'privacy_minded',
] as const;
export type PersonaId = (typeof PERSONA_IDS)[number];

/** How a persona bends the aggregate behaviour; every multiplier applies to odds (1: as the statistics say). */
export interface PersonaLeanings {
  /** per step: the odds of moving the call on (the "per-step weights") */
  goOn: Partial<Record<StepId, number>>;
  /** the odds of raising an objection at the proposal */
  objects: number;
  /** which objections they raise, relative weights (absent: 0) */
  objections: Partial<Record<ObjectionKind, number>>;
  /** the odds of a rebuttal convincing them */
  convinced: number;
  /** the value outcome they prefer at the close, relative weights */
  close: Record<ValueOutcome, number>;
  consentChannel: Record<ConsentChannel, number>;
  funnelChannel: Record<FunnelChannel, number>;
  /** how much more (or less) than average they ask to be called back, or opt out, when they drop off */
  callback: number;
  optOut: number;
}

export interface Persona {
  id: PersonaId;
  name: Prompt;
  description: Prompt;
  /** the synthetic customer's age, in years, from–to */
  age: readonly [number, number];
  /** catalogue codes they lean to, most wanted first */
  products: readonly string[];
  /** products they already hold (they do not ask for them; shown on the synthetic card) */
  holds: readonly string[];
  /** the chance their synthetic record already carries a marketing consent for the phone */
  consentOnFile: number;
  /** what they say when asked about their needs */
  needsLine: Prompt;
  leanings: PersonaLeanings;
}

const EVEN_CLOSE: Record<ValueOutcome, number> = { up_appointment: 1, digital_funnel: 1, lead: 1 };

export const PERSONAS: readonly Persona[] = [
  {
    id: 'price_sensitive_pensioner',
    name: { it: 'Pensionata attenta al prezzo', en: 'Price-sensitive pensioner' },
    description: {
      it: 'Pensionata, risparmiatrice prudente: vuole sicurezza e costi bassi, chiede sempre quanto costa e preferisce parlare di persona in ufficio postale.',
      en: 'A retired, careful saver: wants safety and low costs, always asks what it costs and prefers to talk in person at the post office.',
    },
    age: [66, 82],
    products: ['BUONI', 'LIBRETTO', 'POLIZZA_VITA', 'LUCE_GAS'],
    holds: ['LIBRETTO'],
    consentOnFile: 0.3,
    needsLine: {
      it: 'Vorrei qualcosa di sicuro per i miei risparmi, senza spese.',
      en: 'I’d like something safe for my savings, with no fees.',
    },
    leanings: {
      goOn: { dialling: 1.4, identify: 1.2, consent: 0.8, needs: 1.1, close: 1.1 },
      objects: 2.5,
      objections: { price: 5, trust: 2, think_about_it: 2 },
      convinced: 0.9,
      close: { up_appointment: 5, digital_funnel: 0.3, lead: 1 },
      consentChannel: { phone: 6, sms: 1, email: 0.2 },
      funnelChannel: { sms: 3, email: 1 },
      callback: 1,
      optOut: 0.8,
    },
  },
  {
    id: 'busy_professional',
    name: { it: 'Professionista di corsa, ha già un conto', en: 'Busy professional who already has a current account' },
    description: {
      it: 'Libero professionista sempre in riunione: ha già un conto corrente, taglia corto, chiede spesso di essere richiamato e preferisce il link per fare da sé.',
      en: 'A self-employed professional always in a meeting: already has a current account, keeps it short, often asks to be called back and prefers a link to do it alone.',
    },
    age: [35, 55],
    products: ['PIANO_INV', 'CARTA_IBAN', 'FIBRA', 'POLIZZA_VITA'],
    holds: ['CONTO'],
    consentOnFile: 0.5,
    needsLine: {
      it: 'Ho già il conto, semmai mi interessa far rendere la liquidità.',
      en: 'I already have an account; if anything I want my spare cash to earn something.',
    },
    leanings: {
      goOn: { dialling: 0.6, identify: 0.7, propensity: 0.6, needs: 0.9, proposal: 0.9 },
      objects: 1.5,
      objections: { already_has: 5, no_time: 4, price: 1 },
      convinced: 1,
      close: { up_appointment: 0.4, digital_funnel: 5, lead: 1.5 },
      consentChannel: { phone: 3, sms: 1, email: 2 },
      funnelChannel: { sms: 1, email: 3 },
      callback: 3,
      optOut: 0.6,
    },
  },
  {
    id: 'young_digital',
    name: { it: 'Giovane digitale', en: 'Young digital customer' },
    description: {
      it: 'Ventenne che fa tutto dall’app: curioso, poco paziente con le spiegazioni lunghe, sceglie quasi sempre il link.',
      en: 'A twenty-something who does everything in the app: curious, impatient with long explanations, nearly always picks the link.',
    },
    age: [19, 29],
    products: ['CARTA_IBAN', 'SIM', 'CONTO', 'FIBRA'],
    holds: [],
    consentOnFile: 0.4,
    needsLine: {
      it: 'Mi serve qualcosa da gestire tutto dal telefono.',
      en: 'I need something I can manage entirely from my phone.',
    },
    leanings: {
      goOn: { identify: 1.2, consent: 1.2, needs: 1.3, proposal: 1.2, close: 1.3 },
      objects: 0.8,
      objections: { price: 2, trust: 1, privacy: 2 },
      convinced: 1.4,
      close: { up_appointment: 0.2, digital_funnel: 6, lead: 0.6 },
      consentChannel: { phone: 3, sms: 2, email: 1 },
      funnelChannel: { sms: 3, email: 1 },
      callback: 0.7,
      optOut: 0.7,
    },
  },
  {
    id: 'undecided_small_business',
    name: { it: 'Piccolo imprenditore indeciso', en: 'Undecided small-business owner' },
    description: {
      it: 'Titolare di una piccola attività: interessato ma indeciso, ci deve sempre pensare, chiede un consulente che lo richiami.',
      en: 'Runs a small business: interested but undecided, always needs to think it over, asks for an adviser to call back.',
    },
    age: [38, 64],
    products: ['PRESTITO', 'CONTO', 'LUCE_GAS', 'FIBRA'],
    holds: [],
    consentOnFile: 0.3,
    needsLine: {
      it: 'Per l’attività mi servirebbe un po’ di liquidità, ma devo capire bene.',
      en: 'The business could use some cash, but I need to understand it properly.',
    },
    leanings: {
      goOn: { needs: 1.2, proposal: 0.8, objection: 0.8 },
      objects: 3,
      objections: { think_about_it: 5, price: 2, trust: 1 },
      convinced: 0.8,
      close: { up_appointment: 1.5, digital_funnel: 0.6, lead: 4 },
      consentChannel: { phone: 4, sms: 1, email: 1 },
      funnelChannel: { sms: 1, email: 2 },
      callback: 2,
      optOut: 0.5,
    },
  },
  {
    id: 'privacy_minded',
    name: { it: 'Diffidente sulla privacy', en: 'Privacy-minded sceptic' },
    description: {
      it: 'Diffida delle telefonate commerciali: chiede che uso si fa dei dati, nega spesso il consenso e a volte chiede di non essere più chiamato.',
      en: 'Distrusts sales calls: asks how their data is used, often refuses consent and sometimes asks never to be called again.',
    },
    age: [30, 70],
    products: ['LIBRETTO', 'SIM', 'LUCE_GAS'],
    holds: [],
    consentOnFile: 0.05,
    needsLine: { it: 'Sentiamo, ma senza impegno.', en: 'Let’s hear it, but no commitment.' },
    leanings: {
      goOn: { identify: 0.8, propensity: 0.6, consent: 0.35, proposal: 0.7 },
      objects: 2,
      objections: { privacy: 5, trust: 4 },
      convinced: 0.6,
      close: EVEN_CLOSE,
      consentChannel: { phone: 2, sms: 1, email: 2 },
      funnelChannel: { sms: 1, email: 1 },
      callback: 0.6,
      optOut: 4,
    },
  },
];

export function personaOf(id: string): Persona | undefined {
  return PERSONAS.find((p) => p.id === id);
}

// ---------------------------------------------------------------- the synthetic customer

/** Clearly not a person: a phone number starting 000, an e-mail at example.invalid, a tax code with the place Z999. */
export interface SyntheticCustomer {
  synthetic: true;
  firstName: string;
  lastName: string;
  /** YYYY-MM-DD */
  birthDate: string;
  /** shaped like an Italian tax code, with the place code Z999 that no place has */
  taxCode: string;
  phone: string;
  email: string;
  city: string;
  /** the record carries a marketing consent for the phone (the script skips its consent step) */
  hasMarketingConsent: boolean;
  /** catalogue codes the customer already holds */
  holds: string[];
}

const FIRST_NAMES = ['Giulia', 'Marco', 'Anna', 'Luca', 'Rosa', 'Paolo', 'Chiara', 'Franco', 'Elena', 'Sergio'];
const LAST_NAMES = ['Esposito', 'Ferri', 'Galli', 'Marino', 'Conti', 'Greco', 'Lombardi', 'Moretti', 'Fontana', 'Riva'];
const CITIES = ['Torino', 'Bari', 'Firenze', 'Palermo', 'Verona', 'Cagliari', 'Pescara', 'Trento'];
/** Practice ages are counted from this year, not from the clock, so a seed gives the same customer in any year. */
export const PRACTICE_REFERENCE_YEAR = 2026;
const MONTH_LETTERS = 'ABCDEHLMPRST';

const consonants = (s: string) =>
  (s.toUpperCase().replace(/[^B-DF-HJ-NP-TV-Z]/g, '') + s.toUpperCase().replace(/[^AEIOU]/g, '') + 'XXX').slice(0, 3);
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** The synthetic customer of a persona and a seed (always the same for the same pair). */
export function syntheticCustomer(persona: Persona, seed: number): SyntheticCustomer {
  const next = drawsFor(seed, persona.id, 'customer');
  const firstName = pickOne(next, FIRST_NAMES);
  const lastName = pickOne(next, LAST_NAMES);
  const age = persona.age[0] + Math.floor(next() * (persona.age[1] - persona.age[0] + 1));
  const month = 1 + Math.floor(next() * 12);
  const day = 1 + Math.floor(next() * 28);
  const year = PRACTICE_REFERENCE_YEAR - age;
  const taxCode = `${consonants(lastName)}${consonants(firstName)}${pad(year % 100, 2)}${MONTH_LETTERS[month - 1]}${pad(day, 2)}Z999X`;
  return {
    synthetic: true,
    firstName,
    lastName,
    birthDate: `${year}-${pad(month, 2)}-${pad(day, 2)}`,
    taxCode,
    phone: `000${pad(Math.floor(next() * 10_000_000), 7)}`,
    email: `${firstName}.${lastName}@example.invalid`.toLowerCase(),
    city: pickOne(next, CITIES),
    hasMarketingConsent: next() < persona.consentOnFile,
    holds: [...persona.holds],
  };
}

// ---------------------------------------------------------------- weights from aggregates

/** A step's counts over many real contacts (the step rollups: entered, and lost there without value). */
export interface StepAggregate {
  /** a step id, or `objection:<code>` for the objections by code */
  step: string;
  entered: number;
  lost: number;
}

/** The outcome counts of a flow over many real contacts (the conversion rollups). */
export interface OutcomeAggregate {
  handled: number;
  reached: number;
  proposals: number;
  appointments: number;
  funnelLinks: number;
  leads: number;
  optOuts: number;
}

/** Everything practice weights are made of: counts per flow, never a contact or a customer. */
export interface PracticeAggregates {
  flow: FlowId;
  steps: readonly StepAggregate[];
  outcomes: OutcomeAggregate;
}

export type ChoiceWeights = Partial<Record<FlowEventType, number>>;

/** What a persona does at each step of a flow: the aggregates of real contacts bent by the persona's leanings. */
export interface PracticeWeights {
  flow: FlowId;
  persona: PersonaId;
  /** per step: the chance of each choice the customer may make there (the step's choices sum to 1) */
  steps: Partial<Record<StepId, ChoiceWeights>>;
  /** which objection they raise at the proposal, relative weights */
  objections: Partial<Record<ObjectionKind, number>>;
  /** per objection kind: the chance a prepared rebuttal convinces them (0–1) */
  rebuttal: Record<ObjectionKind, number>;
  close: Record<ValueOutcome, number>;
  consentChannel: Record<ConsentChannel, number>;
  funnelChannel: Record<FunnelChannel, number>;
}

/**
 * Where a call ends at each step when it does not go on, without statistics (the prior, worth PRIOR_CONTACTS
 * contacts), and how a drop-off splits among the step's ways out (before the persona's callback and opt-out leanings).
 */
const STEP_MODEL: Partial<Record<StepId, { go: FlowEventType; lost: number; drops: ChoiceWeights }>> = {
  dialling: { go: 'contact.reached', lost: 0.3, drops: { 'contact.not_reached': 1 } },
  identify: {
    go: 'customer.identified',
    lost: 0.1,
    drops: { 'customer.not_eligible': 0.3, 'callback.requested': 0.5, 'customer.opted_out': 0.2 },
  },
  problem: { go: 'ocs.solved', lost: 0.25, drops: { 'ocs.unsolved': 0.85, 'customer.opted_out': 0.15 } },
  propensity: {
    go: 'propensity.accepted',
    lost: 0.35,
    drops: { 'propensity.declined': 0.7, 'callback.requested': 0.2, 'customer.opted_out': 0.1 },
  },
  consent: {
    go: 'consent.granted',
    lost: 0.3,
    drops: { 'consent.refused': 0.7, 'callback.requested': 0.15, 'customer.opted_out': 0.15 },
  },
  needs: { go: 'needs.identified', lost: 0.15, drops: { 'callback.requested': 0.6, 'customer.opted_out': 0.4 } },
  proposal: {
    go: 'proposal.accepted',
    lost: 0.4,
    drops: { 'proposal.declined': 0.75, 'callback.requested': 0.15, 'customer.opted_out': 0.1 },
  },
  objection: {
    go: 'objection.resolved',
    lost: 0.5,
    drops: { 'proposal.declined': 0.8, 'callback.requested': 0.15, 'customer.opted_out': 0.05 },
  },
  close: { go: 'outcome.appointment', lost: 0.1, drops: { 'callback.requested': 0.7, 'customer.opted_out': 0.3 } },
};
const PRIOR_CONTACTS = 20;
const PRIOR_OBJECTION_RATE = 0.3;
const PRIOR_REBUTTAL = 0.5;
const PRIOR_OPT_OUT_RATE = 0.02;

const VALUE_EVENTS: Record<ValueOutcome, FlowEventType> = {
  up_appointment: 'outcome.appointment',
  digital_funnel: 'outcome.funnel',
  lead: 'outcome.lead',
};

/** p with its odds multiplied by m. */
function bend(p: number, m: number): number {
  const q = Math.min(Math.max(p, 0), 1);
  const den = q * m + (1 - q);
  return den > 0 ? (q * m) / den : 0;
}
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
/** A smoothed rate: `k` of `n`, pulled towards `prior` as if PRIOR_CONTACTS contacts had shown it. */
const smoothed = (k: number, n: number, prior: number) =>
  (Math.max(0, k) + PRIOR_CONTACTS * prior) / (Math.max(0, n) + PRIOR_CONTACTS);

function normalise<K extends string>(weights: Partial<Record<K, number>>, total = 1): Partial<Record<K, number>> {
  const entries = Object.entries(weights) as [K, number][];
  const sum = entries.reduce((s, [, w]) => s + w, 0);
  const out: Partial<Record<K, number>> = {};
  for (const [k, w] of entries) out[k] = sum > 0 ? round6((w / sum) * total) : 0;
  return out;
}

/**
 * A persona's weights for a flow: per step, the chance to go on is the flow's real continue rate there (entered −
 * lost, smoothed towards a prior) with its odds bent by the persona's leaning for the step; a drop-off splits among the
 * step's ways out, the opt-out scaled by the flow's real opt-out rate and the persona's leaning. The proposal's
 * objections come from the real objection counts, the close from the real mix of value outcomes, each bent likewise.
 * A pure function of counts: no contact, customer or person goes in.
 */
export function stepWeights(aggregates: PracticeAggregates, persona: Persona): PracticeWeights {
  const counts = new Map<string, { entered: number; lost: number }>();
  for (const s of aggregates.steps) {
    const c = counts.get(s.step) ?? { entered: 0, lost: 0 };
    counts.set(s.step, { entered: c.entered + s.entered, lost: c.lost + s.lost });
  }
  const at = (step: string) => counts.get(step) ?? { entered: 0, lost: 0 };
  const o = aggregates.outcomes;
  const lean = persona.leanings;
  const optOutScale = smoothed(o.optOuts, o.handled, PRIOR_OPT_OUT_RATE) / PRIOR_OPT_OUT_RATE;
  const steps: Partial<Record<StepId, ChoiceWeights>> = {};
  for (const [step, model] of Object.entries(STEP_MODEL) as [StepId, NonNullable<(typeof STEP_MODEL)[StepId]>][]) {
    const c = at(step);
    const go = bend(1 - smoothed(c.lost, c.entered, model.lost), lean.goOn[step] ?? 1);
    const drops: ChoiceWeights = {};
    for (const [event, share] of Object.entries(model.drops) as [FlowEventType, number][]) {
      const m =
        event === 'callback.requested' ? lean.callback : event === 'customer.opted_out' ? lean.optOut * optOutScale : 1;
      drops[event] = share * m;
    }
    steps[step] = { [model.go]: round6(go), ...normalise(drops, 1 - go) };
  }
  // the proposal: an objection first (its rate from the real contacts that raised one), else accept or drop off
  const objectionRate = bend(
    smoothed(at('objection').entered, at('proposal').entered, PRIOR_OBJECTION_RATE),
    lean.objects,
  );
  const proposal = steps.proposal ?? {};
  steps.proposal = {
    ...normalise(proposal, 1 - objectionRate),
    'proposal.objection': round6(objectionRate),
  };
  // the close: the go-on share splits as the real value outcomes do, bent by the persona's preference
  const close = steps.close ?? {};
  const goClose = close['outcome.appointment'] ?? 0;
  const real: Record<ValueOutcome, number> = {
    up_appointment: o.appointments,
    digital_funnel: o.funnelLinks,
    lead: o.leads,
  };
  const valueTotal = VALUE_OUTCOMES.reduce((s, v) => s + real[v], 0);
  const mix = Object.fromEntries(
    VALUE_OUTCOMES.map((v) => [v, smoothed(real[v], valueTotal, 1 / 3) * lean.close[v]]),
  ) as Record<ValueOutcome, number>;
  const closeMix = normalise(mix) as Record<ValueOutcome, number>;
  const { 'outcome.appointment': _go, ...closeDrops } = close;
  steps.close = {
    ...closeDrops,
    ...Object.fromEntries(VALUE_OUTCOMES.map((v) => [VALUE_EVENTS[v], round6(goClose * closeMix[v])])),
  };
  return {
    flow: aggregates.flow,
    persona: persona.id,
    steps,
    ...objectionWeights(at, lean),
    close: closeMix,
    consentChannel: normalise(lean.consentChannel) as Record<ConsentChannel, number>,
    funnelChannel: normalise(lean.funnelChannel) as Record<FunnelChannel, number>,
  };
}

/** Which objections, from the real objection counts by code, and how often a prepared rebuttal keeps the customer. */
function objectionWeights(
  at: (step: string) => { entered: number; lost: number },
  lean: PersonaLeanings,
): Pick<PracticeWeights, 'objections' | 'rebuttal'> {
  const total = OBJECTION_KINDS.reduce((s, k) => s + at(`objection:${k}`).entered, 0);
  const objections: Partial<Record<ObjectionKind, number>> = {};
  const rebuttal = {} as Record<ObjectionKind, number>;
  for (const kind of OBJECTION_KINDS) {
    const c = at(`objection:${kind}`);
    const lean_ = lean.objections[kind] ?? 0;
    if (lean_ > 0) objections[kind] = lean_ * smoothed(c.entered, total, 1 / OBJECTION_KINDS.length);
    rebuttal[kind] = round6(bend(1 - smoothed(c.lost, c.entered, 1 - PRIOR_REBUTTAL), lean.convinced));
  }
  return { objections: normalise(objections), rebuttal };
}

// ---------------------------------------------------------------- the replies

/** What the script offers at the step the customer answers (the console knows it from the machine). */
export interface ReplyOptions {
  /** the choices the step offers now (flows: availableEvents) */
  choices: readonly FlowEventType[];
  /** at the needs step: the products the step accepts now (flows: acceptedProducts) */
  products?: readonly string[] | undefined;
  /** the product the contact started with, if any */
  presetProductCode?: string | null | undefined;
  /** the objection codes the script version prepared (flows: objectionsOf) */
  preparedObjections?: readonly string[] | undefined;
  /** at the objection step: the objection being answered and whether the operator used the suggested rebuttal */
  objection?: { kind: string; rebuttalUsed: boolean } | null | undefined;
  /** objections the customer already raised in this contact */
  objectionsRaised?: number | undefined;
}

export interface ReplyDetails {
  /** consent.granted: the channel; outcome.funnel: where to send the link */
  channel?: ConsentChannel | FunnelChannel;
  /** needs.identified: the product they ask about */
  productCode?: string;
  /** contact.not_reached: why */
  reason?: NotReachedReason;
  /** proposal.objection: the kind, and the script's code for it (null: not one the script prepared: "other") */
  objection?: { kind: ObjectionKind; code: string | null };
}

export interface PersonaReply {
  step: StepId;
  turn: number;
  /** the choice the customer makes (the event the operator records), or null when none of theirs is offered */
  choice: FlowEventType | null;
  details: ReplyDetails;
  text: Prompt;
}

export interface ReplyRequest {
  seed: number;
  step: StepId;
  /** the number of the reply in the contact (0, 1, …): a step visited twice answers anew */
  turn: number;
  options: ReplyOptions;
}

/** After this many objections in a contact the customer raises no more. */
export const MAX_OBJECTIONS = 3;
const REPEAT_OBJECTION = 0.35;
/** How much a rebuttal's chance keeps when the operator does not use the prepared one, or none was prepared. */
const UNUSED_REBUTTAL = 0.5;
const IMPROVISED_REBUTTAL = 0.75;
const NOT_REACHED: Record<NotReachedReason, number> = { no_answer: 0.6, busy: 0.3, wrong_number: 0.1 };

/** The chances of each choice at the step, among those offered. */
function choiceWeights(weights: PracticeWeights, req: ReplyRequest): [FlowEventType, number][] {
  const { step, options } = req;
  let base: ChoiceWeights = { ...(weights.steps[step] ?? {}) };
  if (step === 'proposal') {
    const raised = options.objectionsRaised ?? 0;
    const w = base['proposal.objection'] ?? 0;
    base['proposal.objection'] = raised >= MAX_OBJECTIONS ? 0 : w * REPEAT_OBJECTION ** raised;
    if (Object.values(weights.objections).every((v) => !v)) base['proposal.objection'] = 0;
  }
  if (step === 'objection' && options.objection) {
    const kind = options.objection.kind as ObjectionKind;
    const prepared = (options.preparedObjections ?? []).includes(options.objection.kind);
    const chance =
      (weights.rebuttal[kind] ?? PRIOR_REBUTTAL) *
      (!prepared ? IMPROVISED_REBUTTAL : options.objection.rebuttalUsed ? 1 : UNUSED_REBUTTAL);
    const { 'objection.resolved': _resolved, ...drops } = base;
    base = { ...normalise(drops, 1 - chance), 'objection.resolved': chance };
  }
  if (!(options.products ?? []).length) base['needs.identified'] = 0;
  return options.choices.map((c) => [c, base[c] ?? 0]);
}

function productFor(persona: Persona, options: ReplyOptions, next: () => number): string | undefined {
  const offered = options.products ?? [];
  const weighted = offered.map((code): [string, number] => {
    const rank = persona.products.indexOf(code);
    let w = rank < 0 ? 1 : 2 + persona.products.length - rank;
    if (persona.holds.includes(code)) w = 0.01;
    if (code === options.presetProductCode) w *= 3;
    return [code, w];
  });
  return pickWeighted(next, weighted) ?? undefined;
}

function detailsFor(
  persona: Persona,
  weights: PracticeWeights,
  choice: FlowEventType | null,
  options: ReplyOptions,
  next: () => number,
): ReplyDetails {
  const entries = <K extends string>(w: Partial<Record<K, number>>, keys: readonly K[]) =>
    keys.map((k): [K, number] => [k, w[k] ?? 0]);
  switch (choice) {
    case 'contact.not_reached':
      return { reason: pickWeighted(next, entries(NOT_REACHED, NOT_REACHED_REASONS)) ?? 'no_answer' };
    case 'consent.granted':
      return { channel: pickWeighted(next, entries(weights.consentChannel, CONSENT_CHANNELS)) ?? 'phone' };
    case 'outcome.funnel':
      return { channel: pickWeighted(next, entries(weights.funnelChannel, FUNNEL_CHANNELS)) ?? 'sms' };
    case 'needs.identified': {
      const productCode = productFor(persona, options, next);
      return productCode ? { productCode } : {};
    }
    case 'proposal.objection': {
      const kind = pickWeighted(next, entries(weights.objections, OBJECTION_KINDS)) ?? 'think_about_it';
      return { objection: { kind, code: (options.preparedObjections ?? []).includes(kind) ? kind : null } };
    }
    default:
      return {};
  }
}

const productName = (code: string, lang: 'it' | 'en') =>
  PRODUCT_CATALOGUE.find((p) => p.code === code)?.name[lang] ?? code;

function textFor(
  persona: Persona,
  seed: number,
  choice: FlowEventType | null,
  details: ReplyDetails,
  next: () => number,
): Prompt {
  const customer = syntheticCustomer(persona, seed);
  const [y, m, d] = customer.birthDate.split('-');
  const values = { name: `${customer.firstName} ${customer.lastName}`, birth: `${d}/${m}/${y}` };
  if (choice === 'proposal.objection' && details.objection)
    return pickOne(next, OBJECTION_LINES[details.objection.kind]);
  if (choice === 'needs.identified' && details.productCode) {
    const code = details.productCode;
    const line = pickOne(next, REPLY_LINES['needs.identified'] ?? [WAITING_LINE]);
    const it = fillLine(line, { ...values, product: productName(code, 'it') }).it;
    const en = fillLine(line, { ...values, product: productName(code, 'en') }).en;
    return { it: `${persona.needsLine.it} ${it}`, en: `${persona.needsLine.en} ${en}` };
  }
  const lines = (choice && REPLY_LINES[choice]) || [WAITING_LINE];
  return fillLine(pickOne(next, lines), values);
}

/**
 * What the simulated customer says and chooses at a step: a draw among the choices the step offers, in proportion to
 * the persona's weights (an objection less likely each time one was raised; at the objection step the rebuttal's
 * chance, lower when the operator did not use the prepared one), the details of the choice (the product, the channel,
 * the objection) and their words. Deterministic: the draws are seeded by (seed, persona, step, turn) alone.
 */
export function simulateReply(persona: Persona, weights: PracticeWeights, req: ReplyRequest): PersonaReply {
  const next = drawsFor(req.seed, persona.id, req.step, req.turn);
  const choice = pickWeighted(next, choiceWeights(weights, req));
  const details = detailsFor(persona, weights, choice, req.options, next);
  const text = textFor(persona, req.seed, choice, details, next);
  return { step: req.step, turn: req.turn, choice, details, text };
}
