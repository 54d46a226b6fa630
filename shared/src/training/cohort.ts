import { compareProportions, wilson } from '../metrics/two-proportion';

/**
 * "Does training pay?" (docs/training.md, `training.cohort`): the conversion (value outcomes ÷ contacts handled, as
 * the statistics define it) of the operators who completed a course, in the days before their completion date and
 * in as many days after it. Each side is pooled over the cohort (every contact counts once) with Wilson's 95%
 * interval; the difference (after − before) has Newcombe's interval built from the two (metrics/two-proportion.ts).
 * The contacts of one operator are not independent draws, so read the intervals as a guide, not a verdict.
 */

export interface ConversionCounts {
  handled: number;
  /** value outcomes (appointments, funnel links, leads) */
  value: number;
}

export interface CohortMember {
  before: ConversionCounts;
  after: ConversionCounts;
}

export interface RateEstimate extends ConversionCounts {
  /** value ÷ handled; null without contacts */
  rate: number | null;
  /** Wilson's 95% interval; null without contacts */
  low: number | null;
  high: number | null;
}

export interface CohortEffect {
  operators: number;
  before: RateEstimate;
  after: RateEstimate;
  /** after − before with its 95% interval; null when a side has no contact */
  difference: { estimate: number; low: number; high: number; significant: boolean } | null;
}

function estimate(counts: ConversionCounts): RateEstimate {
  const { handled } = counts;
  // a value outcome is an outcome of a handled contact: never more of them than contacts
  const value = Math.min(counts.value, handled);
  if (handled <= 0) return { handled: 0, value: 0, rate: null, low: null, high: null };
  const [low, high] = wilson(value, handled);
  return { handled, value, rate: value / handled, low, high };
}

export function cohortEffect(members: readonly CohortMember[]): CohortEffect {
  const before: ConversionCounts = { handled: 0, value: 0 };
  const after: ConversionCounts = { handled: 0, value: 0 };
  for (const m of members) {
    before.handled += m.before.handled;
    before.value += Math.min(m.before.value, m.before.handled);
    after.handled += m.after.handled;
    after.value += Math.min(m.after.value, m.after.handled);
  }
  const compared = compareProportions(
    { successes: after.value, total: after.handled },
    { successes: before.value, total: before.handled },
  );
  return {
    operators: members.length,
    before: estimate(before),
    after: estimate(after),
    difference: compared
      ? { estimate: compared.difference, low: compared.low, high: compared.high, significant: compared.significant }
      : null,
  };
}

export type CohortVerdict = 'better' | 'unclear' | 'worse' | 'no_data';

/**
 * The plain-language reading of a difference: better or worse only when the whole 95% interval is on one side of 0
 * (an interval that crosses 0 is never called a change, whatever `significant` says), no data without a difference.
 */
export function cohortVerdict(difference: CohortEffect['difference']): CohortVerdict {
  if (difference === null) return 'no_data';
  if (difference.low > 0) return 'better';
  if (difference.high < 0) return 'worse';
  return 'unclear';
}
