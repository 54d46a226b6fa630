import { describe, expect, it } from 'vitest';
import { FLOWS } from '../reference/outcomes';
import { FLOW_MACHINES, FLOW_STEPS, FLOW_VERSIONS, replayFlow, SAMPLE_EVENTS, stepOf } from './index';
import { EVENT_LABELS } from './steps';
import { customerWith, on, playTo, recorded, replay } from './test-helpers';

const caller = customerWith({ consent: true });
const appointmentSale = [on.identify, on.need('CONTO'), on.accept, on.appointment];

describe('flow registry', () => {
  it.each(FLOWS)('registers the %s script under its own id and version', (flow) => {
    const machine = FLOW_MACHINES[flow];
    expect(machine.id).toBe(flow);
    expect(machine.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(FLOW_VERSIONS[flow]).toBe(machine.version);
  });

  it.each(FLOWS)('gives every step of the %s script a prompt in both languages', (flow) => {
    const states = Object.entries(FLOW_MACHINES[flow].states);
    const steps = states
      .filter(([, node]) => node.type !== 'final')
      .map(([key, node]) => {
        expect(node.meta?.step).toBe(key);
        expect(node.meta?.prompt.it).not.toBe('');
        expect(node.meta?.prompt.en).not.toBe('');
        return key;
      });
    expect(steps.filter((step) => step !== 'objection')).toEqual(FLOW_STEPS[flow]);
  });

  it('labels every event in both languages', () => {
    expect(Object.keys(EVENT_LABELS).sort()).toEqual(Object.keys(SAMPLE_EVENTS).sort());
  });

  it('reports no step once the call has an outcome', () => {
    expect(stepOf(playTo('inbound_sales', caller, appointmentSale))).toBeNull();
  });
});

describe('replaying a recorded call', () => {
  it('reaches the same outcome the operator saw, without the recording timestamps in the details', () => {
    expect(replay('inbound_sales', caller, appointmentSale)).toEqual({
      ok: true,
      outcome: 'up_appointment',
      productCode: 'CONTO',
      details: { postOfficeId: 7, slotId: 301 },
      path: ['identify', 'needs', 'proposal', 'close'],
    });
  });

  it('rejects a script version that was never released', () => {
    expect(replayFlow('inbound_sales', '0.9.0', caller, recorded(appointmentSale))).toEqual({
      ok: false,
      reason: 'unknown version 0.9.0 of flow inbound_sales',
    });
  });

  it('rejects a call that never reached an outcome', () => {
    expect(replay('inbound_sales', caller, [on.identify, on.need('CONTO')])).toEqual({
      ok: false,
      reason: 'flow not finished: stopped at step proposal',
    });
  });

  it('rejects events after the outcome', () => {
    expect(replay('inbound_sales', caller, [...appointmentSale, on.optOut])).toEqual({
      ok: false,
      reason: 'event customer.opted_out not allowed after outcome up_appointment',
      atIndex: 4,
    });
  });

  it('rejects an event the scripts do not know', () => {
    const events = [...recorded([on.identify]), { type: 'customer.bribed', at: '2025-03-03T09:00:05.000Z' }];
    expect(replayFlow('inbound_sales', FLOW_VERSIONS.inbound_sales, caller, events)).toEqual({
      ok: false,
      reason: 'unknown event customer.bribed',
      atIndex: 1,
    });
  });
});
