import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OpenedDatabase } from '../../db/client';
import type { AppDeps } from '../../deps';
import { createWorld, type World } from '../../testing/fixtures';
import { MovableClock } from '../../testing/movable-clock';
import { createTestDeps } from '../../testing/test-deps';
import { flowForDnis, openScreenPopStream, recordCtiEvent, type ScreenPopEvent } from './cti.service';

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

describe('the screen-pop stream', () => {
  it('resumes after a reconnect with the calls still ringing that the client has not seen, then goes live', async () => {
    const operator = world.users.operator.username;
    const controller = new AbortController();
    const first = openScreenPopStream(deps, world.users.operator.id, null, controller.signal);
    await recordCtiEvent(deps, { type: 'offered', callId: 'a', ani: '3470000001', dnis: '800100100', operator });
    const seen = (await first.next()).value as ScreenPopEvent;
    expect(seen).toMatchObject({ callId: 'a', type: 'offered' });
    controller.abort(); // the browser lost its connection

    clock.advance(1_000);
    await recordCtiEvent(deps, { type: 'offered', callId: 'b', ani: '3470000002', dnis: '800200200', operator });
    clock.advance(1_000);
    await recordCtiEvent(deps, { type: 'offered', callId: 'c', ani: '3470000003', dnis: '800100100', operator });
    await recordCtiEvent(deps, { type: 'ended', callId: 'c', ani: '3470000003', dnis: '800100100', operator });

    const resumed = openScreenPopStream(deps, world.users.operator.id, seen.eventId, new AbortController().signal);
    // b was missed; a was seen; c is over
    expect((await resumed.next()).value).toMatchObject({ callId: 'b', flow: 'ocs_cross_sell' });
    const live = resumed.next();
    await recordCtiEvent(deps, { type: 'answered', callId: 'b', ani: '3470000002', dnis: '800200200', operator });
    expect((await live).value).toMatchObject({ callId: 'b', type: 'answered' });
    await resumed.return(undefined);
  });

  it('stops listening on the bus when the request is aborted, even if nothing was ever read', async () => {
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
    const controller = new AbortController();
    openScreenPopStream(counting, world.users.operator.id, null, controller.signal);
    expect(listeners).toBe(1);
    controller.abort();
    expect(listeners).toBe(0);
  });
});
