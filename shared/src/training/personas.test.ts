import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUILTIN_SCRIPTS, CAMPAIGN_1_0_0 } from '../flows/builtin-scripts';
import { compileScript } from '../flows/compile';
import { FLOW_EVENT_TYPES } from '../flows/event-names';
import { STEP_IDS, type FlowInput } from '../flows/types';
import { PRODUCT_CATALOGUE } from '../reference/products';
import {
  PERSONA_IDS,
  PERSONAS,
  simulateReply,
  stepWeights,
  syntheticCustomer,
  type Persona,
  type PracticeAggregates,
} from './personas';
import { playPractice } from './practice-play';
import { MAX_SEED } from './practice-random';

const PRODUCTS = Object.fromEntries(PRODUCT_CATALOGUE.map((p) => [p.code, [...p.outcomes]]));
const NO_STATS = { handled: 0, reached: 0, proposals: 0, appointments: 0, funnelLinks: 0, leads: 0, optOuts: 0 };
const empty = (flow: PracticeAggregates['flow']): PracticeAggregates => ({ flow, steps: [], outcomes: NO_STATS });
const persona = (i: number) => PERSONAS[i % PERSONAS.length] as Persona;
const copy = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

function inputFor(p: Persona, seed: number): FlowInput {
  const customer = syntheticCustomer(p, seed);
  return {
    customer: { id: null, hasMarketingConsent: customer.hasMarketingConsent },
    products: PRODUCTS,
    presetProductCode: null,
  };
}

/** A whole conversation, as text: the step, the choice and the customer's words of each turn, then the outcome. */
function conversation(defIndex: number, p: Persona, seed: number): string {
  const def = BUILTIN_SCRIPTS[defIndex % BUILTIN_SCRIPTS.length] ?? CAMPAIGN_1_0_0;
  const played = playPractice(compileScript(def), inputFor(p, seed), p, stepWeights(empty(def.flow), p), seed);
  return JSON.stringify([played.replies, played.path, played.outcome]);
}

describe('the persona catalogue', () => {
  it('has at least four personas, each named and described in Italian and English', () => {
    expect(PERSONAS.length).toBeGreaterThanOrEqual(4);
    expect(PERSONAS.map((p) => p.id)).toEqual([...PERSONA_IDS]);
    for (const p of PERSONAS) {
      for (const text of [p.name.it, p.name.en, p.description.it, p.description.en])
        expect(text.length).toBeGreaterThan(5);
      expect(p.products.every((code) => code in PRODUCTS)).toBe(true);
    }
    expect(PERSONAS.find((p) => p.id === 'busy_professional')?.holds).toContain('CONTO');
  });

  it('makes clearly synthetic customers, the same for the same seed', () => {
    for (const p of PERSONAS) {
      for (let seed = 0; seed < 50; seed++) {
        const c = syntheticCustomer(p, seed);
        expect(c).toEqual(syntheticCustomer(p, seed));
        expect(c.synthetic).toBe(true);
        expect(c.phone).toMatch(/^000\d{7}$/);
        expect(c.email).toMatch(/@example\.invalid$/);
        expect(c.taxCode).toMatch(/^[A-Z]{6}\d{2}[A-Z]\d{2}Z999X$/);
        const age = 2026 - Number(c.birthDate.slice(0, 4));
        expect(age).toBeGreaterThanOrEqual(p.age[0]);
        expect(age).toBeLessThanOrEqual(p.age[1]);
      }
    }
  });
});

describe('weights from aggregates', () => {
  it('are a pure function of the counts and the persona: each step’s choices sum to 1', () => {
    for (const p of PERSONAS) {
      const w = stepWeights(empty('campaign'), p);
      expect(w).toEqual(stepWeights(empty('campaign'), p));
      for (const [step, choices] of Object.entries(w.steps)) {
        const sum = Object.values(choices).reduce((s, x) => s + x, 0);
        expect(sum, step).toBeCloseTo(1, 4);
        expect(Object.values(choices).every((x) => x >= 0)).toBe(true);
      }
    }
  });

  it('follow the real drop-off: a step where many are lost keeps fewer customers', () => {
    const p = persona(0);
    const few = stepWeights({ ...empty('campaign'), steps: [{ step: 'consent', entered: 1000, lost: 50 }] }, p);
    const many = stepWeights({ ...empty('campaign'), steps: [{ step: 'consent', entered: 1000, lost: 800 }] }, p);
    expect(many.steps.consent?.['consent.granted'] ?? 1).toBeLessThan(few.steps.consent?.['consent.granted'] ?? 0);
    // the other steps do not move
    expect(many.steps.identify).toEqual(few.steps.identify);
  });

  it('follow the real value outcomes and objection counts', () => {
    const p = persona(3);
    const leads = stepWeights({ ...empty('callback'), outcomes: { ...NO_STATS, leads: 900, appointments: 10 } }, p);
    const visits = stepWeights({ ...empty('callback'), outcomes: { ...NO_STATS, appointments: 900, leads: 10 } }, p);
    expect(leads.close.lead).toBeGreaterThan(visits.close.lead);
    const kept = stepWeights({ ...empty('campaign'), steps: [{ step: 'objection:price', entered: 500, lost: 10 }] }, p);
    const lost = stepWeights(
      { ...empty('campaign'), steps: [{ step: 'objection:price', entered: 500, lost: 490 }] },
      p,
    );
    expect(kept.rebuttal.price).toBeGreaterThan(lost.rebuttal.price);
  });

  it('take nothing but counts: the aggregates are numbers per flow, step and outcome', () => {
    const aggregates: PracticeAggregates = {
      flow: 'campaign',
      steps: [{ step: 'identify', entered: 10, lost: 2 }],
      outcomes: { ...NO_STATS, handled: 10 },
    };
    expect(Object.keys(aggregates).sort()).toEqual(['flow', 'outcomes', 'steps']);
    expect(Object.keys(aggregates.steps[0] ?? {}).sort()).toEqual(['entered', 'lost', 'step']);
    expect(Object.values(aggregates.outcomes).every((v) => typeof v === 'number')).toBe(true);
    // the weights are numbers per choice: nothing else comes out, and nothing but the counts and the persona goes in
    const weights = stepWeights(aggregates, persona(1));
    expect(stepWeights.length).toBe(2);
    const { flow, persona: id, ...numbers } = weights;
    expect([flow, id]).toEqual(['campaign', persona(1).id]);
    const leaves = (v: unknown): unknown[] => (typeof v === 'object' && v ? Object.values(v).flatMap(leaves) : [v]);
    expect(leaves(numbers).every((v) => typeof v === 'number')).toBe(true);
  });

  it('bend the statistics by the persona: the privacy-minded refuse consent more than the young digital customer', () => {
    const privacy = stepWeights(empty('campaign'), PERSONAS.find((p) => p.id === 'privacy_minded') as Persona);
    const young = stepWeights(empty('campaign'), PERSONAS.find((p) => p.id === 'young_digital') as Persona);
    expect(privacy.steps.consent?.['consent.granted'] ?? 1).toBeLessThan(young.steps.consent?.['consent.granted'] ?? 0);
    expect(young.close.digital_funnel).toBeGreaterThan(privacy.close.digital_funnel);
  });
});

describe('simulated replies', () => {
  it('choose only among the choices offered', () => {
    const p = persona(0);
    const w = stepWeights(empty('campaign'), p);
    for (let seed = 0; seed < 200; seed++) {
      const reply = simulateReply(p, w, {
        seed,
        step: 'proposal',
        turn: 4,
        options: { choices: ['proposal.accepted', 'proposal.declined'] },
      });
      expect(['proposal.accepted', 'proposal.declined']).toContain(reply.choice);
      expect(reply.text.it.length).toBeGreaterThan(0);
      expect(reply.text.en.length).toBeGreaterThan(0);
    }
  });

  it('answer nothing when none of their choices is offered', () => {
    const reply = simulateReply(persona(1), stepWeights(empty('campaign'), persona(1)), {
      seed: 1,
      step: 'needs',
      turn: 0,
      options: { choices: [] },
    });
    expect(reply.choice).toBeNull();
  });

  it('are deterministic for any seed, step, turn and options (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_SEED }),
        fc.constantFrom(...STEP_IDS),
        fc.integer({ min: 0, max: 200 }),
        fc.subarray([...FLOW_EVENT_TYPES]),
        fc.integer({ min: 0, max: PERSONAS.length - 1 }),
        (seed, step, turn, choices, i) => {
          const p = persona(i);
          const w = stepWeights(empty('ocs_cross_sell'), p);
          const req = { seed, step, turn, options: { choices, products: ['CONTO', 'SIM'] } };
          const reply = simulateReply(p, w, req);
          expect(simulateReply(p, copy(w), copy(req))).toEqual(reply);
          expect(reply.choice === null || choices.includes(reply.choice)).toBe(true);
        },
      ),
    );
  });
});

describe('conversations', () => {
  it('the same seed gives the same conversation, always (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_SEED }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        (seed, d, i) => {
          expect(conversation(d, persona(i), seed)).toBe(conversation(d, persona(i), seed));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('different seeds give different conversations', () => {
    for (const p of PERSONAS) {
      const seen = new Set<string>();
      for (let seed = 0; seed < 60; seed++) seen.add(conversation(0, p, seed));
      // a handful of short ones (not reached at the first ring) repeat: most differ
      expect(seen.size, p.id).toBeGreaterThan(20);
    }
    const customers = new Set(
      Array.from({ length: 100 }, (_, seed) => JSON.stringify(syntheticCustomer(persona(0), seed))),
    );
    expect(customers.size).toBeGreaterThan(95);
  });

  it('every conversation ends in an outcome of the script, within the path limit', () => {
    for (const def of BUILTIN_SCRIPTS) {
      const machine = compileScript(def);
      for (const p of PERSONAS) {
        for (let seed = 0; seed < 25; seed++) {
          const played = playPractice(machine, inputFor(p, seed), p, stepWeights(empty(def.flow), p), seed);
          expect(played.outcome, `${def.flow} ${def.version} ${p.id} ${seed}`).not.toBeNull();
          expect(played.path.length).toBeLessThanOrEqual(200);
        }
      }
    }
  });
});
