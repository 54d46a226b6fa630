import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Executor } from '@valore/server/db/database';
import { migratePostgres, openPostgres, type OpenedPostgres } from '@valore/server/db/postgres';
import { claimNextWorkItem, claimNextWorkItemIn } from '@valore/server/domains/work/work.service';
import {
  createActiveCampaign,
  createCustomer,
  createUser,
  createWorld,
  type World,
} from '@valore/server/testing/fixtures';
import { startPostgresCluster, type PostgresCluster } from '../helpers/postgres-cluster';

/**
 * work.next on PostgreSQL with two app nodes (issue 21): each node its own pool and its own write queue, one database.
 * Operators on both nodes drain one campaign together; every contact is claimed exactly once, nobody holds two, and the
 * rules of a claim (consent, the registry, due time) hold as on SQLite.
 */
const CONTACTS = 600;
const OPERATORS = 40;

let cluster: PostgresCluster;
let nodeA: OpenedPostgres;
let nodeB: OpenedPostgres;
let world: World;
let campaignId: number;
let operators: number[];

/** A pending contact of the campaign, due at `due`; its id. */
async function addContact(db: Executor, customer: number, phone: string, due: Date): Promise<number> {
  const row = await db
    .insertInto('campaign_contacts')
    .values({
      campaign_id: campaignId,
      customer_id: customer,
      phone,
      status: 'pending',
      attempts: 0,
      due_at: due.toISOString(),
      updated_at: new Date().toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

beforeAll(async () => {
  cluster = await startPostgresCluster();
  const url = cluster.createDatabase('claims');
  nodeA = openPostgres(url);
  nodeB = openPostgres(url);
  const db = nodeA.db;
  await migratePostgres(db);
  const now = new Date();
  const at = now.toISOString();
  world = await createWorld(db, now);
  campaignId = await createActiveCampaign(db, world, now, { name: 'Libretto inverno' });
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < CONTACTS + 30; i++) {
      // the last 30: ten without consent, ten on the opt-out registry, ten not yet due — never handed out
      const kind = i < CONTACTS ? 'ok' : ['no_consent', 'registry', 'future'][(i - CONTACTS) % 3];
      const phone = `+39335${String(1_000_000 + i)}`;
      const customer = await createCustomer(trx, {
        provinceCode: 'RM',
        phone,
        marketingConsent: kind !== 'no_consent',
        now,
      });
      if (kind === 'registry')
        await trx.insertInto('optout_registry').values({ phone, registered_at: at, imported_at: at }).execute();
      await addContact(
        trx,
        customer,
        phone,
        new Date(now.getTime() + (kind === 'future' ? 86_400_000 : -60_000 - i * 1000)),
      );
    }
    operators = [];
    for (let i = 0; i < OPERATORS; i++) {
      const user = await createUser(trx, {
        username: `op${i}`,
        role: 'operator',
        siteId: world.sites.roma,
        now,
      });
      operators.push(user.id);
    }
  });
}, 120_000);

afterAll(async () => {
  await nodeA?.close();
  await nodeB?.close();
  cluster?.stop();
});

describe('work.next on PostgreSQL, two nodes', () => {
  it('hands every due contact out once across both nodes, and none it must not', async () => {
    const claimedBy = new Map<string, number[]>();
    let concurrentHolds = 0;
    const operatorLoop = async (userId: number, node: OpenedPostgres) => {
      for (;;) {
        const item = await claimNextWorkItem(node.db, { userId, siteId: world.sites.roma }, new Date(), 5);
        if (!item) return;
        const holders = claimedBy.get(item.sourceId) ?? [];
        holders.push(userId);
        claimedBy.set(item.sourceId, holders);
        // the call ends: the contact is done and no longer leased (what interactions.complete does to it)
        const done = await node.db
          .updateTable('campaign_contacts')
          .set({ status: 'done', lease_owner: null, lease_expires_at: null, updated_at: new Date().toISOString() })
          .where('id', '=', Number(item.sourceId))
          .where('status', '=', 'claimed')
          .where('lease_owner', '=', userId)
          .executeTakeFirst();
        if (done.numUpdatedRows !== 1n) concurrentHolds++;
      }
    };
    await Promise.all(operators.map((userId, i) => operatorLoop(userId, i % 2 ? nodeB : nodeA)));

    expect(concurrentHolds).toBe(0);
    const doubles = [...claimedBy].filter(([, holders]) => holders.length > 1);
    expect(doubles).toEqual([]);
    expect(claimedBy.size).toBe(CONTACTS);
    const left = await sql<{ status: string; reason: string | null; n: number }>`
      SELECT status, last_outcome AS reason, count(*) AS n FROM campaign_contacts GROUP BY status, last_outcome
      ORDER BY status, reason`.execute(nodeA.db);
    // the contacts it must not call were taken off the list at claim time (consent, registry); the future ones wait
    expect(left.rows).toEqual([
      { status: 'done', reason: null, n: CONTACTS },
      { status: 'pending', reason: null, n: 10 },
      { status: 'removed', reason: 'no_consent', n: 10 },
      { status: 'removed', reason: 'registry', n: 10 },
    ]);
    // both nodes did work
    const perNode = [0, 1].map((parity) =>
      [...claimedBy.values()].filter((holders) => operators.indexOf(holders[0] ?? -1) % 2 === parity),
    );
    expect(perNode[0]?.length).toBeGreaterThan(0);
    expect(perNode[1]?.length).toBeGreaterThan(0);
  });

  it('passes over a head another node is claiming (SKIP LOCKED) instead of waiting for it', async () => {
    const now = new Date();
    const contacts: number[] = [];
    for (let i = 0; i < 2; i++) {
      const phone = `+39336${String(1_000_000 + i)}`;
      const customer = await createCustomer(nodeA.db, { provinceCode: 'RM', phone, marketingConsent: true, now });
      contacts.push(await addContact(nodeA.db, customer, phone, new Date(now.getTime() - 3_600_000 + i)));
    }
    const [first, second] = operators;
    // node A claims the oldest head and holds its transaction open (a slow commit, a node about to die)
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let claimedOnA: string | undefined;
    const aDone = nodeA.db
      .transaction()
      .execute(async (trx) => {
        const item = await claimNextWorkItemIn(trx, nodeA.db, { userId: first ?? 0, siteId: world.sites.roma }, now, 5);
        claimedOnA = item?.sourceId;
        await held;
        throw new Error('node A gives up: its claim rolls back');
      })
      .catch(() => undefined);
    await expect.poll(() => claimedOnA).toBe(String(contacts[0]));
    // node B's operator gets the next contact at once, while A's transaction is still open
    const claimOnB = claimNextWorkItem(nodeB.db, { userId: second ?? 0, siteId: world.sites.roma }, new Date(), 5);
    const waited = await Promise.race([
      claimOnB.then(() => 'answered'),
      new Promise((resolve) => setTimeout(() => resolve('still waiting after 3 s'), 3_000)),
    ]);
    release();
    await aDone;
    expect(waited).toBe('answered');
    expect((await claimOnB)?.sourceId).toBe(String(contacts[1]));
    // A's claim rolled back: its contact is free again, and the next claim takes it
    const again = await claimNextWorkItem(nodeA.db, { userId: first ?? 0, siteId: world.sites.roma }, new Date(), 5);
    expect(again?.sourceId).toBe(String(contacts[0]));
  });

  it('runs a transaction again after a lost conflict, at READ COMMITTED too (the claims run so)', async () => {
    for (const builder of [
      () => nodeA.db.transaction(),
      () => nodeA.db.transaction().setIsolationLevel('read committed'),
    ]) {
      let attempts = 0;
      const result = await builder().execute(async () => {
        attempts++;
        // what PostgreSQL raises for a lost serialization conflict (40001) or a deadlock (40P01)
        if (attempts < 3)
          throw Object.assign(new Error('lost a conflict'), { code: attempts === 1 ? '40001' : '40P01' });
        return 'done';
      });
      expect({ result, attempts }).toEqual({ result: 'done', attempts: 3 });
    }
  });
});
