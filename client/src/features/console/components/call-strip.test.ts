import { describe, expect, it } from 'vitest';
import { nextStripCall, type StripCall } from '../hooks/use-screen-pops';
import { callTimes } from './call-strip';

const T0 = Date.parse('2026-12-03T10:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const base: StripCall['call'] = {
  state: 'answered',
  direction: 'inbound',
  offeredAt: at(0),
  answeredAt: at(5),
  endedAt: null,
  heldSince: null,
  heldMs: 0,
};

describe('call strip timers', () => {
  it('counts ringing until the answer, then talk time without the holds', () => {
    expect(callTimes({ ...base, state: 'offered', answeredAt: null }, T0 + 3_000)).toMatchObject({
      ringing: 3_000,
      talk: 0,
    });
    expect(callTimes(base, T0 + 65_000)).toMatchObject({ ringing: 5_000, talk: 60_000, holdNow: 0 });
    // on hold since 20 s, 4 s held before: talk stands at 11 s whatever the clock says
    const held = { ...base, heldSince: at(20), heldMs: 4_000 };
    expect(callTimes(held, T0 + 30_000)).toEqual({ ringing: 5_000, talk: 11_000, holdNow: 10_000, held: 14_000 });
    expect(callTimes(held, T0 + 90_000).talk).toBe(11_000);
    // a console clock behind the server's shows no negative hold
    expect(callTimes(held, T0 + 15_000).holdNow).toBe(0);
    const ended = { ...base, state: 'ended' as const, endedAt: at(100), heldMs: 30_000 };
    expect(callTimes(ended, T0 + 500_000)).toEqual({ ringing: 5_000, talk: 65_000, holdNow: 0, held: 30_000 });
  });
});

describe('which call the strip follows', () => {
  const call = (callId: string, state: StripCall['call']['state']): StripCall => ({
    callId,
    customerId: null,
    customerName: null,
    ani: null,
    call: { ...base, state },
  });
  it('takes each newer event, but not the late end of another call over one in progress', () => {
    const a = nextStripCall(null, call('a', 'answered'));
    expect(nextStripCall(a, call('b', 'ended')).callId).toBe('a');
    expect(nextStripCall(a, call('b', 'offered')).callId).toBe('b');
    expect(nextStripCall(a, call('a', 'ended')).call.state).toBe('ended');
    expect(nextStripCall(nextStripCall(a, call('a', 'ended')), call('b', 'ended')).callId).toBe('b');
  });
});
