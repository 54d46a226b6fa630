import { endsInValue, type FlowId, type Outcome } from '../reference/outcomes';
import { emptyCounts, type Counts } from './funnel';

/** What one logged contact records, as far as the funnel is concerned. */
export interface ContactFacts {
  flow: FlowId;
  outcome: Outcome;
  reached: boolean;
  proposalMade: boolean;
  /** Cross-sell only: null when the problem's result was not recorded (e.g. not reached). */
  ocsSolved: boolean | null;
  propensity: boolean | null;
  handleMs: number;
  acwMs: number;
  /** Set when the contact served a Call Me Now request: its target time and when it was answered. */
  callMeNow: { dueBy: string; answeredAt: string } | null;
}

/** Realisation of the contact's value outcome, learnt later (attendance, click, lead closed won). */
export interface Realisation {
  appointmentAttended: boolean;
  linkClicked: boolean;
  leadWon: boolean;
}

export const NOT_REALISED: Realisation = { appointmentAttended: false, linkClicked: false, leadWon: false };

/** The counts one contact adds to every rollup row it belongs to. */
export function contactCounts(f: ContactFacts, r: Realisation = NOT_REALISED): Counts {
  const c = emptyCounts();
  c.handled = 1;
  c.reached = f.reached ? 1 : 0;
  c.proposals = f.proposalMade ? 1 : 0;
  c.appointments = f.outcome === 'up_appointment' ? 1 : 0;
  c.funnelLinks = f.outcome === 'digital_funnel' ? 1 : 0;
  c.leads = f.outcome === 'lead' ? 1 : 0;
  // a realisation only counts for the value outcome the contact produced
  c.appointmentsAttended = c.appointments && r.appointmentAttended ? 1 : 0;
  c.linksClicked = c.funnelLinks && r.linkClicked ? 1 : 0;
  c.leadsWon = c.leads && r.leadWon ? 1 : 0;
  c.optOuts = f.outcome === 'opt_out' ? 1 : 0;
  const ocs = f.flow === 'ocs_cross_sell';
  c.ocsAsked = ocs && f.ocsSolved !== null ? 1 : 0;
  c.ocsSolved = ocs && f.ocsSolved === true ? 1 : 0;
  c.propensityAsked = ocs && f.propensity !== null ? 1 : 0;
  c.propensityYes = ocs && f.propensity === true ? 1 : 0;
  if (f.callMeNow) {
    c.cmnRequests = 1;
    c.cmnWithinTarget = Date.parse(f.callMeNow.answeredAt) <= Date.parse(f.callMeNow.dueBy) ? 1 : 0;
  }
  c.handleMs = f.handleMs;
  c.acwMs = f.acwMs;
  return c;
}

/** The realisation counts alone, for an event that comes after the contact (±1 on one stage). */
export function realisationCounts(kind: 'appointment' | 'funnel' | 'lead'): Partial<Counts> {
  return kind === 'appointment'
    ? { appointmentsAttended: 1 }
    : kind === 'funnel'
      ? { linksClicked: 1 }
      : { leadsWon: 1 };
}

export interface StepCount {
  step: string;
  entered: number;
  lost: number;
}

/** Objections are counted beside the steps (the step rollup), under this prefix and their code. */
export const OBJECTION_STEP_PREFIX = 'objection:';
/** The code counted for an objection the script version did not prepare. */
export const OTHER_OBJECTION = 'other';

/**
 * Objections by rebuttal: each objection code a contact raised counts once as entered (`objection:<code>`; one not
 * prepared by the script: `objection:other`), and as lost when the contact still ended without value — so entered −
 * lost is how often the prepared rebuttal kept the customer.
 */
export function objectionCounts(codes: readonly string[], outcome: Outcome): StepCount[] {
  const lost = endsInValue(outcome) ? 0 : 1;
  return [...new Set(codes)].map((code) => ({ step: `${OBJECTION_STEP_PREFIX}${code}`, entered: 1, lost }));
}

/**
 * Script drop-off: every step the contact passed through counts as entered once; when the contact ended without a
 * value outcome, its last step is where the customer was lost.
 */
export function stepCounts(path: readonly string[], outcome: Outcome): StepCount[] {
  const seen = new Set<string>();
  const out: StepCount[] = [];
  for (const step of path) {
    if (seen.has(step)) continue;
    seen.add(step);
    out.push({ step, entered: 1, lost: 0 });
  }
  const last = path[path.length - 1];
  if (last !== undefined && !endsInValue(outcome)) {
    const entry = out.find((s) => s.step === last);
    if (entry) entry.lost = 1;
  }
  return out;
}
