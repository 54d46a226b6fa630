import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OpenedDatabase } from '../../db/client';
import type { AppDeps } from '../../deps';
import { createWorld, type World } from '../../testing/fixtures';
import { anyString } from '../../testing/matchers';
import { MovableClock } from '../../testing/movable-clock';
import { createTestDeps } from '../../testing/test-deps';
import { createCallbackRequest } from '../callbacks/callbacks.service';
import { dispatchOffers } from './offers';

/**
 * An offer is one unit of work: the claim of the item and the offer's row commit together or not at all. Before, the
 * claim committed first and the offer after it, so a failure (or a crash) between them left the item leased to an
 * operator who had no offer on file — shown to them as their own item on a reload — until the lease ran out.
 */
let database: OpenedDatabase;
let deps: AppDeps;
let world: World;
// a Tuesday, 10:00 in Rome: inside the centre's service hours, so a Call Me Now is due at once
const clock = new MovableClock('2026-12-01T09:00:00.000Z');

beforeEach(async () => {
  ({ deps, database } = await createTestDeps({ clock }));
  world = await createWorld(deps.db, clock.now());
  database.sqlite
    .prepare(`UPDATE operator_status SET state = 'ready', since = ? WHERE user_id = ?`)
    .run(clock.now().toISOString(), world.users.operator.id);
  const customer = database.sqlite
    .prepare('SELECT id, phone FROM customers WHERE id = ?')
    .get(world.customers.mario) as {
    id: number;
    phone: string;
  };
  await createCallbackRequest(deps, {
    body: { phone: customer.phone, customerId: String(customer.id), product: 'CONTO', mode: 'now', channel: 'web' },
    apiKey: 'unit-key',
    idempotencyKey: null,
    ip: null,
  });
});

afterEach(async () => {
  await database.close();
});

const request = () =>
  database.sqlite.prepare('SELECT status, lease_owner FROM callback_requests').get() as {
    status: string;
    lease_owner: number | null;
  };
const offerRows = () => database.sqlite.prepare('SELECT operator_id, source_id, status FROM work_offers').all();

describe('the offer dispatcher', () => {
  it('offers the due Call Me Now to the Ready operator: claim and offer row together', async () => {
    expect(await dispatchOffers(deps)).toBe(1);
    expect(request()).toEqual({ status: 'claimed', lease_owner: world.users.operator.id });
    expect(offerRows()).toEqual([{ operator_id: world.users.operator.id, source_id: anyString(), status: 'offered' }]);
  });

  it('leaves the item in the queue, unleased, when the offer cannot be recorded', async () => {
    database.sqlite.exec(
      `CREATE TRIGGER no_offer BEFORE INSERT ON work_offers BEGIN SELECT RAISE(ABORT, 'disk full'); END`,
    );
    await expect(dispatchOffers(deps)).rejects.toThrow('disk full');
    expect(request()).toEqual({ status: 'pending', lease_owner: null });
    expect(offerRows()).toEqual([]);

    // once offers can be written again, the next round offers it as if nothing had happened
    database.sqlite.exec('DROP TRIGGER no_offer');
    expect(await dispatchOffers(deps)).toBe(1);
    expect(request()).toEqual({ status: 'claimed', lease_owner: world.users.operator.id });
  });
});
