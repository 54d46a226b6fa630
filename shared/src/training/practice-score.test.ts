import { describe, expect, it } from 'vitest';
import { CALLBACK_1_1_0, CAMPAIGN_1_0_0, INBOUND_SALES_1_0_0 } from '../flows/builtin-scripts';
import { compileScript } from '../flows/compile';
import { proposalGateOf, proposalNeedsConsent, type ScriptDefinition } from '../flows/definition';
import type { FlowInput } from '../flows/types';
import { PRODUCT_CATALOGUE } from '../reference/products';
import { replayPractice, type PracticePathEntry } from './practice-play';
import {
  CRITERION_POINTS,
  expectedSteps,
  MIN_STEP_DWELL_MS,
  practiceProblems,
  PRACTICE_TIME_TARGET_MS,
  scorePractice,
  type PracticeScoreInput,
} from './practice-score';

const PRODUCTS = Object.fromEntries(PRODUCT_CATALOGUE.map((p) => [p.code, [...p.outcomes]]));
const input = (consent = false): FlowInput => ({
  customer: { id: null, hasMarketingConsent: consent },
  products: PRODUCTS,
  presetProductCode: null,
});

/** Entries 20 s apart, as an operator who says every line. */
function path(...entries: Omit<PracticePathEntry, 'at'>[]): PracticePathEntry[] {
  return entries.map((e, i) => ({ ...e, at: (i + 1) * 20_000 }));
}

const CAMPAIGN_SALE = path(
  { step: 'dialling', choice: 'contact.reached' },
  { step: 'identify', choice: 'customer.identified' },
  { step: 'consent', choice: 'consent.granted', channel: 'phone' },
  { step: 'needs', choice: 'needs.identified', productCode: 'CONTO' },
  { step: 'proposal', choice: 'proposal.objection', objectionCode: 'price' },
  { step: 'objection', choice: 'objection.resolved' },
  { step: 'proposal', choice: 'proposal.accepted' },
  { step: 'close', choice: 'outcome.funnel', channel: 'sms' },
);

const WITH_PRICE: ScriptDefinition = {
  ...CAMPAIGN_1_0_0,
  version: '1.1.0',
  objections: [
    {
      code: 'price',
      label: { it: 'Costa troppo', en: 'Too expensive' },
      rebuttal: { it: 'Nessun canone il primo anno', en: 'No fee in the first year' },
    },
  ],
};

const base = (over: Partial<PracticeScoreInput> = {}): PracticeScoreInput => ({
  definition: WITH_PRICE,
  customerHadConsent: false,
  path: CAMPAIGN_SALE,
  outcome: 'digital_funnel',
  objections: [{ kind: 'price', rebuttalUsed: true }],
  durationMs: 200_000,
  ...over,
});
const pointsOf = (input: PracticeScoreInput, criterion: string) =>
  scorePractice(input).criteria.find((c) => c.criterion === criterion);

describe('the consent rule has one owner', () => {
  it('the proposal gate of each flow, plus the consent where the script asks it', () => {
    expect(proposalNeedsConsent(CAMPAIGN_1_0_0)).toBe(true);
    expect(proposalNeedsConsent(INBOUND_SALES_1_0_0)).toBe(false);
    expect(
      proposalNeedsConsent({ ...INBOUND_SALES_1_0_0, steps: ['identify', 'consent', 'needs', 'proposal', 'close'] }),
    ).toBe(true);
    expect(proposalGateOf({ flow: 'ocs_cross_sell', steps: [] })).toEqual([
      'ocsSolved',
      'propensityAccepted',
      'hasMarketingConsent',
    ]);
  });
});

describe('practice score', () => {
  it('a full, careful contact scores 100, each criterion at its maximum', () => {
    const score = scorePractice(base());
    expect(score.total).toBe(100);
    expect(score.criteria.map((c) => [c.criterion, c.points, c.reason])).toEqual([
      ['steps', 25, 'all_steps_covered'],
      ['consent', 20, 'consent_asked'],
      ['objections', 20, 'objections_handled'],
      ['value', 25, 'value_reached'],
      ['time', 10, 'within_target'],
    ]);
    expect(Object.values(CRITERION_POINTS).reduce((s, x) => s + x, 0)).toBe(100);
  });

  it('steps rushed through (under the minimum dwell) lose their share', () => {
    const rushed = CAMPAIGN_SALE.map((e, i) => ({ ...e, at: i < 3 ? (i + 1) * 1000 : 60_000 + i * 20_000 }));
    const steps = pointsOf(base({ path: rushed }), 'steps');
    expect(steps?.reason).toBe('steps_rushed');
    expect(steps?.steps).toEqual(['dialling', 'identify', 'consent']);
    expect(steps?.points).toBe(Math.round(25 * (3 / 6)));
    expect(MIN_STEP_DWELL_MS).toBeGreaterThan(1000);
  });

  it('expects the steps of the script on the way to where the contact ended, the consent skipped when on file', () => {
    const early = path(
      { step: 'dialling', choice: 'contact.reached' },
      { step: 'identify', choice: 'callback.requested' },
    );
    expect(expectedSteps({ definition: CAMPAIGN_1_0_0, customerHadConsent: false, path: early })).toEqual([
      'dialling',
      'identify',
    ]);
    expect(expectedSteps({ definition: CAMPAIGN_1_0_0, customerHadConsent: true, path: CAMPAIGN_SALE })).toEqual([
      'dialling',
      'identify',
      'needs',
      'proposal',
      'close',
    ]);
  });

  it('consent: not needed without a consent gate, or with consent on file; lost when the operator never asked', () => {
    expect(pointsOf(base({ definition: INBOUND_SALES_1_0_0 }), 'consent')?.reason).toBe('consent_not_needed');
    expect(pointsOf(base({ customerHadConsent: true }), 'consent')?.reason).toBe('consent_not_needed');
    const notAsked = path(
      { step: 'dialling', choice: 'contact.reached' },
      { step: 'identify', choice: 'customer.identified' },
      { step: 'consent', choice: 'customer.not_eligible' },
    );
    expect(pointsOf(base({ path: notAsked, outcome: 'not_eligible', objections: [] }), 'consent')).toMatchObject({
      points: 0,
      reason: 'consent_not_asked',
    });
    const hungUp = notAsked.map((e, i) => (i === 2 ? { ...e, choice: 'customer.opted_out' as const } : e));
    expect(pointsOf(base({ path: hungUp, outcome: 'opt_out', objections: [] }), 'consent')?.reason).toBe(
      'consent_customer_ended',
    );
  });

  it('objections: full with the prepared rebuttal, half without it, a quarter for trying and losing', () => {
    expect(pointsOf(base({ objections: [{ kind: 'price', rebuttalUsed: false }] }), 'objections')).toMatchObject({
      points: 10,
      reason: 'objections_partly_handled',
    });
    // an objection the script did not prepare, answered: full marks (there was no rebuttal to use)
    const other = CAMPAIGN_SALE.map((e) => (e.objectionCode ? { ...e, objectionCode: undefined } : e));
    expect(
      pointsOf(base({ path: other, objections: [{ kind: 'other', rebuttalUsed: false }] }), 'objections')?.points,
    ).toBe(20);
    const lost = path(
      { step: 'dialling', choice: 'contact.reached' },
      { step: 'identify', choice: 'customer.identified' },
      { step: 'consent', choice: 'consent.granted', channel: 'phone' },
      { step: 'needs', choice: 'needs.identified', productCode: 'CONTO' },
      { step: 'proposal', choice: 'proposal.objection', objectionCode: 'price' },
      { step: 'objection', choice: 'proposal.declined' },
    );
    const tried = base({ path: lost, outcome: 'not_interested' });
    expect(pointsOf(tried, 'objections')).toMatchObject({ points: 5, reason: 'objections_partly_handled' });
    expect(pointsOf({ ...tried, objections: [{ kind: 'price', rebuttalUsed: false }] }, 'objections')).toMatchObject({
      points: 0,
      reason: 'objections_not_handled',
    });
    expect(pointsOf(base({ objections: [] }), 'objections')?.reason).toBe('no_objection');
  });

  it('value: a value outcome, a callback, nothing', () => {
    expect(pointsOf(base({ outcome: 'lead' }), 'value')?.points).toBe(25);
    expect(pointsOf(base({ outcome: 'assisted_sale' }), 'value')?.points).toBe(25);
    expect(pointsOf(base({ outcome: 'callback_scheduled' }), 'value')).toMatchObject({
      points: 10,
      reason: 'callback_agreed',
    });
    expect(pointsOf(base({ outcome: 'not_interested' }), 'value')).toMatchObject({ points: 0, reason: 'no_value' });
  });

  it('time: within the flow’s target, half up to half as long again, none beyond', () => {
    const target = PRACTICE_TIME_TARGET_MS.campaign;
    expect(pointsOf(base({ durationMs: target }), 'time')?.points).toBe(10);
    expect(pointsOf(base({ durationMs: target * 1.4 }), 'time')).toMatchObject({ points: 5, reason: 'over_target' });
    expect(pointsOf(base({ durationMs: target * 2 }), 'time')).toMatchObject({ points: 0, reason: 'far_over_target' });
  });

  it('stays within 0–100 and is the sum of its criteria', () => {
    const worst = scorePractice(
      base({
        path: path(
          { step: 'dialling', choice: 'contact.reached' },
          { step: 'identify', choice: 'customer.not_eligible' },
        ).map((e) => ({ ...e, at: 1 })),
        outcome: 'not_eligible',
        objections: [],
        durationMs: 10 * 3_600_000,
      }),
    );
    expect(worst.total).toBe(worst.criteria.reduce((s, c) => s + c.points, 0));
    expect(worst.total).toBeGreaterThanOrEqual(0);
    expect(worst.total).toBeLessThanOrEqual(100);
  });
});

describe('practice path checks', () => {
  it('times, objections and the consent flag must agree with the path', () => {
    const ok = {
      path: CAMPAIGN_SALE,
      objections: [{ kind: 'price', rebuttalUsed: true }],
      consentAsked: true,
      durationMs: 200_000,
    };
    expect(practiceProblems(ok)).toEqual([]);
    const paths = (over: Partial<typeof ok>) => practiceProblems({ ...ok, ...over }).map((p) => p.path);
    expect(paths({ durationMs: 1000 })).toEqual(['durationMs']);
    expect(paths({ consentAsked: false })).toEqual(['consentAsked']);
    expect(paths({ objections: [] })).toEqual(['objections']);
    expect(paths({ objections: [{ kind: 'other', rebuttalUsed: false }] })).toEqual(['objections.0.kind']);
    const back = CAMPAIGN_SALE.map((e, i) => (i === 3 ? { ...e, at: 1 } : e));
    expect(paths({ path: back })).toEqual(['path.3.at']);
  });

  it('the server’s replay accepts a path the script allows, and names the first entry it refuses', () => {
    const machine = compileScript(WITH_PRICE);
    expect(replayPractice(machine, input(), CAMPAIGN_SALE)).toMatchObject({ ok: true, outcome: 'digital_funnel' });
    // a proposal before the consent: the script refuses it
    const skipped = CAMPAIGN_SALE.filter((e) => e.step !== 'consent');
    expect(replayPractice(machine, input(), skipped)).toEqual({
      ok: false,
      problem: { path: 'path.2.step', message: 'The script stands at "consent" here' },
    });
    const wrongChoice = CAMPAIGN_SALE.map((e, i) => (i === 1 ? { ...e, choice: 'ocs.solved' as const } : e));
    expect(replayPractice(machine, input(), wrongChoice)).toMatchObject({
      ok: false,
      problem: { path: 'path.1.choice' },
    });
    expect(replayPractice(machine, input(), CAMPAIGN_SALE.slice(0, 4))).toMatchObject({
      ok: false,
      problem: { path: 'path' },
    });
    // with consent on file the machine skips the consent step: the path goes straight to the needs
    expect(replayPractice(machine, input(true), skipped)).toMatchObject({ ok: true });
    // the callback flow's lead follow-up only: a practice never closes on a sale on the phone
    const sale = path(
      { step: 'dialling', choice: 'contact.reached' },
      { step: 'identify', choice: 'customer.identified' },
      { step: 'needs', choice: 'needs.identified', productCode: 'SIM' },
      { step: 'proposal', choice: 'proposal.accepted' },
      { step: 'close', choice: 'outcome.assisted_sale' },
    );
    expect(replayPractice(compileScript(CALLBACK_1_1_0), input(), sale)).toMatchObject({
      ok: false,
      problem: { path: 'path.4.choice' },
    });
  });
});
