import { describe, expect, it } from 'vitest';
import { flowEvent, recordedEvent } from '../schemas/flow-events';
import { FLOW_EVENT_TYPES, FLOW_MACHINES, SAMPLE_EVENTS } from './index';
import { playEvents, stepOf, type Visit } from './play';
import { customerWith, on, recorded } from './test-helpers';
import type { FlowEvent } from './types';

const caller = customerWith({ consent: true });
const inbound = FLOW_MACHINES.inbound_sales;

describe('playEvents', () => {
  it('shows the start, then where the script stands after each event', () => {
    const visits: Visit<FlowEvent>[] = [];
    const played = playEvents(inbound, caller, [on.identify, on.need('CONTO')], (visit) => visits.push(visit));
    expect(visits.map((v) => [v.event?.type ?? null, stepOf(v.snapshot)])).toEqual([
      [null, 'identify'],
      ['customer.identified', 'needs'],
      ['needs.identified', 'proposal'],
    ]);
    expect(played.refused).toBeNull();
    expect(stepOf(played.snapshot)).toBe('proposal');
  });

  it('stops at the first event the script refuses, where it stood, and says why', () => {
    const visited: (string | null)[] = [];
    const played = playEvents(inbound, caller, recorded([on.identify, on.accept, on.need('CONTO')]), ({ event }) =>
      visited.push(event?.type ?? null),
    );
    expect(played.refused).toEqual({ reason: 'event proposal.accepted not allowed at step needs', atIndex: 1 });
    expect(stepOf(played.snapshot)).toBe('needs');
    expect(visited).toEqual([null, 'customer.identified']);
  });

  it('refuses an event the scripts do not know, and any event after the outcome', () => {
    const unknown = playEvents(inbound, caller, [{ type: 'customer.bribed', at: '2025-03-03T09:00:00.000Z' }]);
    expect(unknown.refused).toEqual({ reason: 'unknown event customer.bribed', atIndex: 0 });
    const sale = [on.identify, on.need('CONTO'), on.accept, on.appointment, on.optOut];
    expect(playEvents(inbound, caller, sale).refused).toEqual({
      reason: 'event customer.opted_out not allowed after outcome up_appointment',
      atIndex: 4,
    });
  });
});

describe('the flow events definition', () => {
  it('lists every event type once, in the order the console offers them', () => {
    expect(FLOW_EVENT_TYPES).toEqual(Object.keys(SAMPLE_EVENTS));
  });

  it('records an event as the machine event plus its time, and nothing else', () => {
    const at = '2025-03-03T09:00:00.000Z';
    expect(recordedEvent.parse({ ...on.lead, at })).toEqual({ ...on.lead, at });
    expect(flowEvent.parse(on.lead)).toEqual(on.lead);
    expect(flowEvent.safeParse({ ...on.lead, at }).success).toBe(false);
    expect(recordedEvent.safeParse(on.lead).success).toBe(false);
  });
});
