/**
 * The conversion funnel and its rates, defined once (DOMAIN.md, "Conversion funnel"). The server's rollups store the
 * additive counts below; every rate is a ratio of two of them, so any grouping (day, week, site, operator…) is just
 * a sum of counts followed by `computeRates`. The human definitions feed the hover help of the stats page.
 */

/** Additive counts kept per rollup row. Column names in the rollup tables are the snake_case `column`. */
export const MEASURES = [
  { key: 'handled', column: 'handled' },
  { key: 'reached', column: 'reached' },
  { key: 'proposals', column: 'proposals' },
  { key: 'appointments', column: 'value_appointment' },
  { key: 'funnelLinks', column: 'value_funnel' },
  { key: 'leads', column: 'value_lead' },
  { key: 'appointmentsAttended', column: 'realised_appointment' },
  { key: 'linksClicked', column: 'realised_funnel' },
  { key: 'leadsWon', column: 'realised_lead' },
  { key: 'optOuts', column: 'opt_outs' },
  { key: 'ocsAsked', column: 'ocs_asked' },
  { key: 'ocsSolved', column: 'ocs_solved' },
  { key: 'propensityAsked', column: 'propensity_asked' },
  { key: 'propensityYes', column: 'propensity_yes' },
  { key: 'cmnRequests', column: 'cmn_total' },
  { key: 'cmnWithinTarget', column: 'cmn_within' },
  { key: 'handleMs', column: 'handle_ms' },
  { key: 'acwMs', column: 'acw_ms' },
] as const;

export type MeasureKey = (typeof MEASURES)[number]['key'];
export type Counts = Record<MeasureKey, number>;

export function emptyCounts(): Counts {
  const counts = {} as Counts;
  for (const m of MEASURES) counts[m.key] = 0;
  return counts;
}

/** Adds `b` into `a` (mutates and returns `a`), times `sign` (-1 to take a contribution back). */
export function addCounts(a: Counts, b: Partial<Counts>, sign = 1): Counts {
  for (const m of MEASURES) a[m.key] += (b[m.key] ?? 0) * sign;
  return a;
}

export type Text = { it: string; en: string };

/** Funnel stages in order; `count` derives the stage's number from the counts. */
export const FUNNEL_STAGES = [
  {
    id: 'handled',
    label: { it: 'Contatti gestiti', en: 'Contacts handled' },
    definition: {
      it: 'Contatti chiusi con un esito nel periodo (data di inizio del contatto, ora di Roma).',
      en: 'Contacts closed with an outcome in the period (contact start date, Rome time).',
    },
    count: (c: Counts) => c.handled,
  },
  {
    id: 'reached',
    label: { it: 'Clienti raggiunti', en: 'Customers reached' },
    definition: {
      it: 'Contatti in cui si è parlato con il cliente: tutti tranne l\'esito "non raggiunto".',
      en: 'Contacts where the customer was spoken to: all but the "not reached" outcome.',
    },
    count: (c: Counts) => c.reached,
  },
  {
    id: 'proposal',
    label: { it: 'Proposte fatte', en: 'Proposals made' },
    definition: {
      it: 'Contatti in cui lo script è arrivato al passo di proposta commerciale.',
      en: 'Contacts whose script reached the commercial proposal step.',
    },
    count: (c: Counts) => c.proposals,
  },
  {
    id: 'value',
    label: { it: 'Esiti di valore', en: 'Value outcomes' },
    definition: {
      it: 'Contatti chiusi con appuntamento in UP, link al funnel digitale o lead.',
      en: 'Contacts closed with a post-office appointment, a digital-funnel link or a lead.',
    },
    count: (c: Counts) => valueOutcomes(c),
  },
  {
    id: 'realised',
    label: { it: 'Realizzati', en: 'Realised' },
    definition: {
      it: 'Esiti di valore andati a buon fine: appuntamento svolto, link aperto, lead vinto. Contano nel giorno del contatto che li ha generati.',
      en: 'Value outcomes that came true: appointment attended, link clicked, lead won. They count on the day of the contact that produced them.',
    },
    count: (c: Counts) => realised(c),
  },
] as const;

export type FunnelStageId = (typeof FUNNEL_STAGES)[number]['id'];

export function valueOutcomes(c: Counts): number {
  return c.appointments + c.funnelLinks + c.leads;
}

export function realised(c: Counts): number {
  return c.appointmentsAttended + c.linksClicked + c.leadsWon;
}

/** A ratio, or null when its denominator is zero (shown as "—", never as 0 % or NaN). */
export function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

export interface RateDefinition {
  id: string;
  /** `percent`: a share in [0, 1]; `seconds`: an average duration. */
  kind: 'percent' | 'seconds';
  label: Text;
  definition: Text;
  numerator: (c: Counts) => number;
  denominator: (c: Counts) => number;
  /** Average durations are stored in ms and shown in seconds. */
  scale?: number;
}

export const RATES = [
  {
    id: 'reachRate',
    kind: 'percent',
    label: { it: 'Tasso di contatto', en: 'Reach rate' },
    definition: { it: 'Clienti raggiunti ÷ contatti gestiti.', en: 'Customers reached ÷ contacts handled.' },
    numerator: (c: Counts) => c.reached,
    denominator: (c: Counts) => c.handled,
  },
  {
    id: 'proposalRate',
    kind: 'percent',
    label: { it: 'Tasso di proposta', en: 'Proposal rate' },
    definition: { it: 'Proposte fatte ÷ clienti raggiunti.', en: 'Proposals made ÷ customers reached.' },
    numerator: (c: Counts) => c.proposals,
    denominator: (c: Counts) => c.reached,
  },
  {
    id: 'proposalConversion',
    kind: 'percent',
    label: { it: 'Conversione delle proposte', en: 'Proposal conversion' },
    definition: { it: 'Esiti di valore ÷ proposte fatte.', en: 'Value outcomes ÷ proposals made.' },
    numerator: valueOutcomes,
    denominator: (c: Counts) => c.proposals,
  },
  {
    id: 'conversionRate',
    kind: 'percent',
    label: { it: 'Conversione complessiva', en: 'Overall conversion' },
    definition: { it: 'Esiti di valore ÷ contatti gestiti.', en: 'Value outcomes ÷ contacts handled.' },
    numerator: valueOutcomes,
    denominator: (c: Counts) => c.handled,
  },
  {
    id: 'realisationRate',
    kind: 'percent',
    label: { it: 'Tasso di realizzazione', en: 'Realisation rate' },
    definition: {
      it: 'Realizzati (appuntamento svolto, link aperto, lead vinto) ÷ esiti di valore.',
      en: 'Realised (appointment attended, link clicked, lead won) ÷ value outcomes.',
    },
    numerator: realised,
    denominator: valueOutcomes,
  },
  {
    id: 'optOutRate',
    kind: 'percent',
    label: { it: 'Tasso di opposizione', en: 'Opt-out rate' },
    definition: {
      it: 'Contatti chiusi con revoca del consenso (opt-out) ÷ clienti raggiunti.',
      en: 'Contacts closed with the customer opting out ÷ customers reached.',
    },
    numerator: (c: Counts) => c.optOuts,
    denominator: (c: Counts) => c.reached,
  },
  {
    id: 'ocsRate',
    kind: 'percent',
    label: { it: 'Tasso OCS', en: 'OCS rate' },
    definition: {
      it: "Solo flusso cross-sell: problemi risolti nel primo contatto ÷ contatti in cui l'esito del problema è stato registrato.",
      en: "Cross-sell flow only: problems solved in the first contact ÷ contacts where the problem's result was recorded.",
    },
    numerator: (c: Counts) => c.ocsSolved,
    denominator: (c: Counts) => c.ocsAsked,
  },
  {
    id: 'propensityRate',
    kind: 'percent',
    label: { it: 'Tasso di propensione', en: 'Propensity rate' },
    definition: {
      it: 'Solo flusso cross-sell: clienti disposti ad ascoltare una proposta ÷ clienti a cui è stato chiesto (dopo un problema risolto).',
      en: 'Cross-sell flow only: customers willing to hear a proposal ÷ customers asked (after a solved problem).',
    },
    numerator: (c: Counts) => c.propensityYes,
    denominator: (c: Counts) => c.propensityAsked,
  },
  {
    id: 'cmnWithinTarget',
    kind: 'percent',
    label: { it: 'Call Me Now entro obiettivo', en: 'Call Me Now within target' },
    definition: {
      it: "Contatti di richieste Call Me Now risposti entro l'orario obiettivo della richiesta ÷ contatti di richieste Call Me Now.",
      en: "Contacts of Call Me Now requests answered by the request's target time ÷ contacts of Call Me Now requests.",
    },
    numerator: (c: Counts) => c.cmnWithinTarget,
    denominator: (c: Counts) => c.cmnRequests,
  },
  {
    id: 'avgHandleSeconds',
    kind: 'seconds',
    label: { it: 'Durata media del contatto', en: 'Average handle time' },
    definition: {
      it: 'Somma delle durate dei contatti (inizio → fine) ÷ contatti gestiti.',
      en: 'Total contact duration (start → end) ÷ contacts handled.',
    },
    numerator: (c: Counts) => c.handleMs,
    denominator: (c: Counts) => c.handled,
    scale: 1 / 1000,
  },
  {
    id: 'avgAcwSeconds',
    kind: 'seconds',
    label: { it: 'Post-chiamata medio', en: 'Average after-call work' },
    definition: {
      it: 'Somma del lavoro post-chiamata (note, esito) ÷ contatti gestiti.',
      en: 'Total after-call work (notes, outcome) ÷ contacts handled.',
    },
    numerator: (c: Counts) => c.acwMs,
    denominator: (c: Counts) => c.handled,
    scale: 1 / 1000,
  },
] as const satisfies readonly RateDefinition[];

export type RateId = (typeof RATES)[number]['id'];
export type Rates = Record<RateId, number | null>;

export function computeRates(c: Counts): Rates {
  const rates = {} as Rates;
  for (const r of RATES as readonly RateDefinition[]) {
    const value = ratio(r.numerator(c), r.denominator(c));
    rates[r.id as RateId] = value === null ? null : value * (r.scale ?? 1);
  }
  return rates;
}

/** Relative change from `previous` to `current`; null when there is nothing to compare with. */
export function change(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || previous === 0) return null;
  return (current - previous) / Math.abs(previous);
}
