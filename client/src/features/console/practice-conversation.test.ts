import { BUILTIN_SCRIPTS } from '@valore/shared/flows/builtin-scripts';
import { compileScript } from '@valore/shared/flows/compile';
import type { FlowInput } from '@valore/shared/flows/types';
import { PRODUCT_CATALOGUE } from '@valore/shared/reference/products';
import { PERSONAS, stepWeights, syntheticCustomer, type Persona } from '@valore/shared/training/personas';
import { playPractice, practiceEvent } from '@valore/shared/training/practice-play';
import { describe, expect, it } from 'vitest';
import { practiceConversation } from './practice-conversation';

const PRODUCTS = Object.fromEntries(PRODUCT_CATALOGUE.map((p) => [p.code, [...p.outcomes]]));
const NO_STATS = { handled: 0, reached: 0, proposals: 0, appointments: 0, funnelLinks: 0, leads: 0, optOuts: 0 };
const STARTED = Date.parse('2026-12-04T10:00:00.000Z');

describe('the practice conversation the console keeps', () => {
  it('answers and records every turn exactly as playPractice (the reference the server scores by) does', () => {
    let compared = 0;
    for (const def of BUILTIN_SCRIPTS) {
      const machine = compileScript(def);
      for (const [i, persona] of PERSONAS.entries()) {
        for (const seed of [1, 17, 4242 + i]) {
          const p: Persona = persona;
          const customer = syntheticCustomer(p, seed);
          const input: FlowInput = {
            customer: { id: null, hasMarketingConsent: customer.hasMarketingConsent },
            products: PRODUCTS,
            presetProductCode: def.flow === 'campaign' ? (p.products[0] ?? null) : null,
            leadFollowUp: false,
          };
          const weights = stepWeights({ flow: def.flow, steps: [], outcomes: NO_STATS }, p);
          const played = playPractice(machine, input, p, weights, seed);
          // the events the console records for that path, at the times it took
          const events = played.path.map((e) => ({
            ...practiceEvent(e),
            at: new Date(STARTED + e.at).toISOString(),
          }));
          const half = practiceConversation(machine, input, { persona: p, weights, seed }, events.slice(0, 1), STARTED);
          expect(half.reply).toEqual(played.replies[1] ?? null);
          const whole = practiceConversation(machine, input, { persona: p, weights, seed }, events, STARTED);
          expect(whole.path).toEqual(
            played.path.map((e) =>
              e.choice === 'contact.not_reached' ? { ...e, reason: e.reason ?? 'no_answer' } : e,
            ),
          );
          expect(whole.objections).toEqual(played.objections);
          expect(whole.consentAsked).toBe(played.consentAsked);
          expect(whole.reply).toBeNull();
          expect(whole.snapshot.status).toBe('done');
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(20);
  });
});
