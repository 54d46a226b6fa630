import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupCommit } from '@valore/server/db/group-commit';
import { migratePostgres, openPostgres, type OpenedPostgres } from '@valore/server/db/postgres';
import { startPostgresCluster, type PostgresCluster } from '../helpers/postgres-cluster';

/**
 * The write queue on PostgreSQL (db/group-commit.ts): a node's units run one transaction at a time, in arrival order;
 * a unit marked `besideQueue` (an operator's status change) runs at once beside them instead of waiting behind them.
 */
let cluster: PostgresCluster;
let node: OpenedPostgres;

beforeAll(async () => {
  cluster = await startPostgresCluster();
  node = openPostgres(cluster.createDatabase('group_commit'));
  await migratePostgres(node.db);
}, 60_000);
afterAll(async () => {
  await node?.close();
  cluster?.stop();
});

describe('the write queue on PostgreSQL', () => {
  it('runs a besideQueue unit while a long unit holds the queue; an ordinary unit waits its turn', async () => {
    const order: string[] = [];
    const slow = groupCommit(node.db, async (trx) => {
      await sql`SELECT pg_sleep(0.6)`.execute(trx);
      order.push('slow');
    });
    const queued = groupCommit(node.db, async (trx) => {
      await sql`SELECT 1`.execute(trx);
      order.push('queued');
    });
    const beside = groupCommit(
      node.db,
      async (trx) => {
        await sql`SELECT 1`.execute(trx);
        order.push('beside');
      },
      { besideQueue: true },
    );
    await beside;
    // done while the slow unit still holds the queue: it did not wait behind it
    expect(order).toEqual(['beside']);
    await Promise.all([slow, queued]);
    expect(order).toEqual(['beside', 'slow', 'queued']);
  });

  it('a besideQueue unit that throws rolls back alone and its caller hears the error', async () => {
    await sql`CREATE TABLE IF NOT EXISTS gc_probe (n INTEGER)`.execute(node.db);
    const failed = groupCommit(
      node.db,
      async (trx) => {
        await sql`INSERT INTO gc_probe (n) VALUES (1)`.execute(trx);
        throw new Error('refused');
      },
      { besideQueue: true },
    );
    await expect(failed).rejects.toThrow('refused');
    const rows = await sql<{ n: number }>`SELECT n FROM gc_probe`.execute(node.db);
    expect(rows.rows).toEqual([]);
  });
});
