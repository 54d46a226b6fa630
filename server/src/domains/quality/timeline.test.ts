import { flowMachine } from '@valore/shared/flows/index';
import { FLOW_VERSIONS } from '@valore/shared/flows/index';
import { customerWith, on, recorded } from '@valore/shared/flows/test-helpers';
import { describe, expect, it } from 'vitest';
import { stepTimeline } from './timeline';

const caller = customerWith({ consent: true });
const version = FLOW_VERSIONS.inbound_sales;
const startedAt = '2025-03-03T08:59:50.000Z';
const endedAt = '2025-03-03T09:05:00.000Z';

describe('stepTimeline', () => {
  it('puts each event under the step it was taken at and times the steps by the events that left them', () => {
    // recorded() stamps the events one second apart from 09:00:00
    const events = recorded([
      on.identify,
      on.need('CONTO'),
      on.objection,
      on.objectionResolved,
      on.accept,
      on.appointment,
    ]);
    expect(stepTimeline(flowMachine('inbound_sales', version), caller, events, startedAt, endedAt)).toEqual([
      {
        step: 'identify',
        enteredAt: startedAt,
        leftAt: '2025-03-03T09:00:00.000Z',
        events: [{ type: 'customer.identified', at: '2025-03-03T09:00:00.000Z' }],
      },
      {
        step: 'needs',
        enteredAt: '2025-03-03T09:00:00.000Z',
        leftAt: '2025-03-03T09:00:01.000Z',
        events: [{ type: 'needs.identified', at: '2025-03-03T09:00:01.000Z' }],
      },
      {
        step: 'proposal',
        enteredAt: '2025-03-03T09:00:01.000Z',
        leftAt: '2025-03-03T09:00:02.000Z',
        events: [{ type: 'proposal.objection', at: '2025-03-03T09:00:02.000Z' }],
      },
      {
        step: 'objection',
        enteredAt: '2025-03-03T09:00:02.000Z',
        leftAt: '2025-03-03T09:00:03.000Z',
        events: [{ type: 'objection.resolved', at: '2025-03-03T09:00:03.000Z' }],
      },
      {
        step: 'proposal',
        enteredAt: '2025-03-03T09:00:03.000Z',
        leftAt: '2025-03-03T09:00:04.000Z',
        events: [{ type: 'proposal.accepted', at: '2025-03-03T09:00:04.000Z' }],
      },
      // the closing event ends the call at no step: the close span runs to the end of the contact
      {
        step: 'close',
        enteredAt: '2025-03-03T09:00:04.000Z',
        leftAt: endedAt,
        events: [{ type: 'outcome.appointment', at: '2025-03-03T09:00:05.000Z' }],
      },
    ]);
  });

  it('gives a contact without events one span, its first step, for the whole contact', () => {
    expect(stepTimeline(flowMachine('inbound_sales', version), caller, [], startedAt, endedAt)).toEqual([
      { step: 'identify', enteredAt: startedAt, leftAt: endedAt, events: [] },
    ]);
  });

  it('has no timeline when the events do not replay with this input or version', () => {
    const sale = recorded([on.identify, on.need('CONTO'), on.accept, on.appointment]);
    const unknownEvent = [...recorded([on.identify]), { type: 'customer.bribed', at: '2025-03-03T09:00:05.000Z' }];
    expect(
      stepTimeline(
        flowMachine('inbound_sales', version),
        caller,
        [...sale, ...recorded([on.optOut])],
        startedAt,
        endedAt,
      ),
    ).toBeNull();
    expect(
      stepTimeline(flowMachine('inbound_sales', version), caller, recorded([on.accept]), startedAt, endedAt),
    ).toBeNull();
    expect(stepTimeline(flowMachine('inbound_sales', version), caller, unknownEvent, startedAt, endedAt)).toBeNull();
    expect(stepTimeline(flowMachine('inbound_sales', '0.9.0'), caller, sale, startedAt, endedAt)).toBeNull();
  });
});
