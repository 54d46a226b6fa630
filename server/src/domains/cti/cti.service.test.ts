import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OpenedDatabase } from '../../db/client';
import type { AppDeps } from '../../deps';
import { createWorld, type World } from '../../testing/fixtures';
import { anyString } from '../../testing/matchers';
import { MovableClock } from '../../testing/movable-clock';
import { createTestDeps } from '../../testing/test-deps';
import type { ScreenPop } from '@valore/shared/schemas/cti';
import { flowForDnis, openScreenPopFeed, recordCtiEvent } from './cti.service';

let deps: AppDeps;
let database: OpenedDatabase;
let world: World;
const clock = new MovableClock('2026-12-01T09:00:00Z');

beforeEach(async () => {
  ({ deps, database } = await createTestDeps({ clock }));
  world = await createWorld(deps.db, clock.now());
});
afterEach(async () => {
  await database.close();
});

const NUMBERS = { '800100100': 'inbound_sales', '800200200': 'ocs_cross_sell' } as const;

describe('the dialled number preselects the flow', () => {
  it.each([
    ['800100100', '800100100', 'inbound_sales'],
    ['+39 800 200 200', '800200200', 'ocs_cross_sell'],
    ['0039800100100', '800100100', 'inbound_sales'],
    ['06 5555 1234', '0655551234', null],
  ])('%s → %s, %s', (dnis, digits, flow) => {
    expect(flowForDnis(dnis, NUMBERS)).toEqual({ dnis: digits, flow });
  });
});

describe('the screen-pop feed', () => {
  /** Opens a feed and collects what it sends, with the ids a client would give back. */
  async function openFeed(target: AppDeps, lastEventId: string | null) {
    const got: (ScreenPop & { id: string })[] = [];
    const marks: string[] = [];
    const stop = await openScreenPopFeed(
      target,
      world.users.operator.id,
      lastEventId,
      (pop, id) => got.push({ ...pop, id }),
      (id) => marks.push(id),
    );
    return { got, marks, stop };
  }

  it('resumes after a reconnect with the calls still ringing that the client has not seen, then goes live', async () => {
    const operator = world.users.operator.username;
    const first = await openFeed(deps, null);
    await recordCtiEvent(deps, { type: 'offered', callId: 'a', ani: '3470000001', dnis: '800100100', operator });
    expect(first.got).toEqual([expect.objectContaining({ callId: 'a', type: 'offered' })]);
    const seen = first.got[0]?.id ?? '';
    first.stop(); // the browser lost its connection

    clock.advance(1_000);
    await recordCtiEvent(deps, { type: 'offered', callId: 'b', ani: '3470000002', dnis: '800200200', operator });
    clock.advance(1_000);
    await recordCtiEvent(deps, { type: 'offered', callId: 'c', ani: '3470000003', dnis: '800100100', operator });
    await recordCtiEvent(deps, { type: 'ended', callId: 'c', ani: '3470000003', dnis: '800100100', operator });

    const resumed = await openFeed(deps, seen);
    // b was missed; a was seen; c is over
    expect(resumed.got.map((p) => [p.callId, p.flow])).toEqual([['b', 'ocs_cross_sell']]);
    await recordCtiEvent(deps, { type: 'answered', callId: 'b', ani: '3470000002', dnis: '800200200', operator });
    expect(resumed.got.map((p) => [p.callId, p.type])).toEqual([
      ['b', 'offered'],
      ['b', 'answered'],
    ]);
    expect(first.got).toHaveLength(1); // a stopped feed hears nothing more
    resumed.stop();
  });

  it('replays the end of a call the client saw, and every hold change, with the call as it stands', async () => {
    const operator = world.users.operator.username;
    const call = { callId: 'h', ani: '3470000009', dnis: '800100100', operator };
    const first = await openFeed(deps, null);
    await recordCtiEvent(deps, { type: 'offered', ...call });
    clock.advance(2_000);
    await recordCtiEvent(deps, { type: 'answered', ...call });
    clock.advance(5_000);
    await recordCtiEvent(deps, { type: 'held', ...call });
    // a retry of the hold changes nothing and pushes nothing
    expect(await recordCtiEvent(deps, { type: 'held', ...call })).toMatchObject({ duplicate: true, onHold: true });
    clock.advance(3_000);
    await recordCtiEvent(deps, { type: 'resumed', ...call });
    expect(first.got.map((p) => p.type)).toEqual(['offered', 'answered', 'held', 'resumed']);
    expect(first.got[2]?.call).toMatchObject({ state: 'answered', heldMs: 0, heldSince: anyString() });
    expect(first.got[3]?.call).toMatchObject({ state: 'answered', heldMs: 3_000, heldSince: null });
    const seen = first.got[3]?.id ?? '';
    first.stop();

    clock.advance(1_000);
    await recordCtiEvent(deps, { type: 'held', ...call });
    clock.advance(4_000);
    await recordCtiEvent(deps, { type: 'ended', ...call }); // the end of the call ends its hold
    const resumed = await openFeed(deps, seen);
    expect(resumed.got).toHaveLength(1);
    expect(resumed.got[0]).toMatchObject({
      callId: 'h',
      type: 'ended',
      call: { state: 'ended', heldMs: 7_000, heldSince: null },
    });
    resumed.stop();
  });

  it('refuses a hold before the answer, and a hold of a call it never heard of', async () => {
    const operator = world.users.operator.username;
    const call = { callId: 'r', ani: '3470000008', dnis: '800100100', operator };
    await recordCtiEvent(deps, { type: 'offered', ...call });
    await expect(recordCtiEvent(deps, { type: 'held', ...call })).rejects.toMatchObject({ domainCode: 'CALL_STATE' });
    await expect(recordCtiEvent(deps, { type: 'resumed', ...call, callId: 'nope' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('marks a fresh feed with the present, so a client that saw no pop before a drop still gets the calls since', async () => {
    const operator = world.users.operator.username;
    const fresh = await openFeed(deps, null);
    expect(fresh.got).toEqual([]);
    expect(fresh.marks).toEqual([`${clock.now().getTime()}.0.1`]);
    fresh.stop(); // dropped before anything came

    clock.advance(1_000);
    await recordCtiEvent(deps, { type: 'offered', callId: 'd', ani: '3470000004', dnis: '800100100', operator });
    const resumed = await openFeed(deps, fresh.marks[0] ?? null);
    expect(resumed.got.map((p) => [p.callId, p.type])).toEqual([['d', 'offered']]);
    expect(resumed.marks).toEqual([]); // a resumed feed goes on from its id
    resumed.stop();
  });

  it('stops listening on the bus when stopped, even if nothing was ever sent', async () => {
    let listeners = 0;
    const bus = deps.bus;
    const counting: AppDeps = {
      ...deps,
      bus: {
        publish: (topic, event) => bus.publish(topic, event),
        subscribe: (topic, handler) => {
          listeners++;
          const off = bus.subscribe(topic, handler);
          return () => {
            listeners--;
            off();
          };
        },
      },
    };
    const feed = await openFeed(counting, null);
    expect(listeners).toBe(1);
    feed.stop();
    expect(listeners).toBe(0);
  });
});
