import { describe, expect, it } from 'vitest';
import { FLOW_MACHINES } from './index';
import { customerWith, on } from './test-helpers';
import type { FlowEvent, FlowInput } from './types';
import { accepts, belongsTo, flowPlayer, metaOf, type FlowSnapshot } from './xstate-adapter';

/**
 * The contract between the scripts and XState: what the adapter relies on XState doing. When an XState upgrade
 * changes one of these, this file fails before the replay, the timeline or the console do.
 */
const campaign = FLOW_MACHINES.campaign;
const consenting = customerWith({ consent: true });
const withoutConsent = customerWith({ consent: false });

function play(input: FlowInput, events: readonly FlowEvent[]): FlowSnapshot {
  const player = flowPlayer(campaign, input);
  return events.reduce((snapshot, event) => player.next(snapshot, event), player.initial);
}

describe('the XState adapter', () => {
  it('starts a script at its initial state, with the context built from the input and the step in its meta', () => {
    const { initial } = flowPlayer(campaign, consenting);
    expect(initial.status).toBe('active');
    expect(initial.value).toBe('dialling');
    expect(initial.context).toMatchObject({ customer: { id: 42, hasMarketingConsent: true }, outcome: null });
    expect(metaOf(initial)?.step).toBe('dialling');
  });

  it('builds each start from its own input, though the actor scope is made once per machine', () => {
    const first = flowPlayer(campaign, consenting).initial;
    const second = flowPlayer(campaign, { ...withoutConsent, presetProductCode: 'CONTO' }).initial;
    expect(first.context).toMatchObject({ hasMarketingConsent: true, productCode: null });
    expect(second.context).toMatchObject({ hasMarketingConsent: false, productCode: 'CONTO' });
  });

  it('applies assign actions inside the pure transition, with no actor started', () => {
    const identified = play(consenting, [on.answer, { type: 'customer.identified', customerId: 7 }]);
    expect(identified.context.customer.id).toBe(7);
  });

  it('returns a new snapshot and leaves the one it was given as it was', () => {
    const player = flowPlayer(campaign, consenting);
    const reached = player.next(player.initial, on.answer);
    const identified = player.next(reached, { type: 'customer.identified', customerId: 7 });
    expect(reached.value).toBe('identify');
    expect(reached.context.customer.id).toBe(42);
    expect(identified).not.toBe(reached);
  });

  it('takes eventless (always) transitions within the same step', () => {
    expect(play(consenting, [on.answer, on.identify]).value).toBe('needs');
    expect(play(withoutConsent, [on.answer, on.identify]).value).toBe('consent');
  });

  it('accepts an event with a target, or with actions only, and refuses one without a transition or whose guard fails', () => {
    const atConsent = play(withoutConsent, [on.answer, on.identify]);
    expect(accepts(atConsent, on.consentByPhone)).toBe(true);
    // a targetless transition with an action counts as accepted, and keeps the step
    expect(accepts(atConsent, { type: 'consent.granted', channel: 'email' })).toBe(true);
    expect(
      flowPlayer(campaign, withoutConsent).next(atConsent, { type: 'consent.granted', channel: 'email' }).value,
    ).toBe('consent');
    expect(accepts(atConsent, on.accept)).toBe(false);
    const atNeeds = play(consenting, [on.answer, on.identify]);
    expect(accepts(atNeeds, on.need('CONTO'))).toBe(true);
    expect(accepts(atNeeds, on.need('NOT_A_PRODUCT'))).toBe(false);
  });

  it('leaves the snapshot where it was for an event the step does not take', () => {
    const player = flowPlayer(campaign, consenting);
    const after = player.next(player.initial, on.accept);
    expect(after.value).toBe(player.initial.value);
    expect(after.context).toEqual(player.initial.context);
  });

  it('ends on a final state with the machine output, no step and nothing more accepted', () => {
    const done = play(consenting, [on.answer, on.identify, on.need('CONTO'), on.accept, on.appointment]);
    expect(done.status).toBe('done');
    expect(done.output).toEqual({
      outcome: 'up_appointment',
      productCode: 'CONTO',
      details: { postOfficeId: 7, slotId: 301 },
    });
    expect(metaOf(done)).toBeNull();
    expect(accepts(done, on.optOut)).toBe(false);
  });

  it('knows which machine made a snapshot', () => {
    const { initial } = flowPlayer(campaign, consenting);
    expect(belongsTo(initial, campaign)).toBe(true);
    expect(belongsTo(initial, FLOW_MACHINES.callback)).toBe(false);
  });
});
