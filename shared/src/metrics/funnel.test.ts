import { describe, expect, it } from 'vitest';
import { contactCounts, stepCounts, type ContactFacts } from './contribution';
import {
  addCounts,
  change,
  computeRates,
  emptyCounts,
  FUNNEL_STAGES,
  MEASURES,
  RATES,
  realised,
  valueOutcomes,
} from './funnel';

const base: ContactFacts = {
  flow: 'inbound_sales',
  outcome: 'not_interested',
  reached: true,
  proposalMade: true,
  ocsSolved: null,
  propensity: null,
  handleMs: 200_000,
  acwMs: 10_000,
  callMeNow: null,
};

/** A small day of a site: 10 contacts whose funnel we know by heart. */
function day() {
  const contacts: [ContactFacts, Parameters<typeof contactCounts>[1]?][] = [
    [{ ...base, outcome: 'not_reached', reached: false, proposalMade: false, handleMs: 30_000, acwMs: 0 }],
    [{ ...base, outcome: 'not_reached', reached: false, proposalMade: false, handleMs: 30_000, acwMs: 0 }],
    [{ ...base, outcome: 'not_interested' }],
    [{ ...base, outcome: 'opt_out', proposalMade: false }],
    [
      { ...base, outcome: 'up_appointment' },
      { appointmentAttended: true, linkClicked: false, leadWon: false },
    ],
    [{ ...base, outcome: 'up_appointment' }],
    [
      { ...base, outcome: 'digital_funnel' },
      { appointmentAttended: false, linkClicked: true, leadWon: false },
    ],
    [
      { ...base, outcome: 'lead' },
      { appointmentAttended: false, linkClicked: false, leadWon: true },
    ],
    [{ ...base, flow: 'ocs_cross_sell', outcome: 'no_proposal', proposalMade: false, ocsSolved: false }],
    [
      {
        ...base,
        flow: 'ocs_cross_sell',
        outcome: 'no_proposal',
        proposalMade: false,
        ocsSolved: true,
        propensity: false,
      },
    ],
  ];
  const total = emptyCounts();
  for (const [facts, realisation] of contacts) addCounts(total, contactCounts(facts, realisation));
  return total;
}

describe('the conversion funnel', () => {
  it('counts each stage of a known day', () => {
    const c = day();
    const stages = Object.fromEntries(FUNNEL_STAGES.map((s) => [s.id, s.count(c)]));
    expect(stages).toEqual({ handled: 10, reached: 8, proposal: 5, value: 4, realised: 3 });
  });

  it('computes every rate from its numerator and denominator', () => {
    const rates = computeRates(day());
    expect(rates.reachRate).toBeCloseTo(8 / 10);
    expect(rates.proposalRate).toBeCloseTo(5 / 8);
    expect(rates.proposalConversion).toBeCloseTo(4 / 5);
    expect(rates.conversionRate).toBeCloseTo(4 / 10);
    expect(rates.realisationRate).toBeCloseTo(3 / 4);
    expect(rates.optOutRate).toBeCloseTo(1 / 8);
    expect(rates.ocsRate).toBeCloseTo(1 / 2);
    expect(rates.propensityRate).toBeCloseTo(0 / 1);
    expect(rates.cmnWithinTarget).toBeNull();
    expect(rates.avgHandleSeconds).toBeCloseTo((2 * 30 + 8 * 200) / 10);
    expect(rates.avgAcwSeconds).toBeCloseTo((8 * 10) / 10);
  });

  it('shows no rate, rather than 0 % or NaN, when nothing was counted', () => {
    const rates = computeRates(emptyCounts());
    for (const r of RATES) expect(rates[r.id]).toBeNull();
  });

  it('counts a Call Me Now contact within target only when answered by its due time', () => {
    const on = contactCounts({
      ...base,
      flow: 'callback',
      callMeNow: { dueBy: '2026-11-20T10:05:00Z', answeredAt: '2026-11-20T10:05:00Z' },
    });
    const late = contactCounts({
      ...base,
      flow: 'callback',
      callMeNow: { dueBy: '2026-11-20T10:05:00Z', answeredAt: '2026-11-20T10:05:01Z' },
    });
    const sum = addCounts(addCounts(emptyCounts(), on), late);
    expect(sum.cmnRequests).toBe(2);
    expect(sum.cmnWithinTarget).toBe(1);
    expect(computeRates(sum).cmnWithinTarget).toBe(0.5);
  });

  it('credits a realisation only to the value outcome the contact produced', () => {
    const c = contactCounts(
      { ...base, outcome: 'lead' },
      { appointmentAttended: true, linkClicked: true, leadWon: false },
    );
    expect(realised(c)).toBe(0);
    expect(valueOutcomes(c)).toBe(1);
  });

  it('ignores OCS answers outside the cross-sell flow', () => {
    const c = contactCounts({ ...base, ocsSolved: true, propensity: true });
    expect(c.ocsAsked + c.ocsSolved + c.propensityAsked + c.propensityYes).toBe(0);
  });

  it('takes a contribution back with a negative sign', () => {
    const c = day();
    const back = addCounts({ ...c }, c, -1);
    for (const m of MEASURES) expect(back[m.key]).toBe(0);
  });

  it('measures relative change only against a non-zero previous value', () => {
    expect(change(0.3, 0.2)).toBeCloseTo(0.5);
    expect(change(5, 0)).toBeNull();
    expect(change(null, 1)).toBeNull();
  });

  it('has a definition in Italian and English for every stage and rate', () => {
    for (const d of [...FUNNEL_STAGES, ...RATES]) {
      expect(d.definition.it.length).toBeGreaterThan(10);
      expect(d.definition.en.length).toBeGreaterThan(10);
    }
  });
});

describe('script drop-off', () => {
  it('loses a customer at the last step reached before a non-value outcome', () => {
    expect(stepCounts(['identify', 'needs', 'proposal', 'objection', 'proposal'], 'not_interested')).toEqual([
      { step: 'identify', entered: 1, lost: 0 },
      { step: 'needs', entered: 1, lost: 0 },
      { step: 'proposal', entered: 1, lost: 1 },
      { step: 'objection', entered: 1, lost: 0 },
    ]);
  });

  it('loses nobody when the contact ends in a value outcome', () => {
    expect(stepCounts(['identify', 'needs', 'proposal', 'close'], 'lead').every((s) => s.lost === 0)).toBe(true);
  });
});
