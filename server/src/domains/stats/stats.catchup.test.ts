import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { declinedSale } from '../../testing/completions';
import { createWorld } from '../../testing/fixtures';
import { MovableClock } from '../../testing/movable-clock';
import { createTestDeps } from '../../testing/test-deps';
import { completeInteraction } from '../interactions/interactions.service';
import { catchUpStats, catchUpStatsBatch, startStatsWorker, statsCursor } from './stats.catchup';
import { compareRollupsWithRecount } from './stats.recount';

async function setup() {
  const clock = new MovableClock('2026-11-26T09:00:00Z');
  const { deps } = await createTestDeps({ clock });
  const world = await createWorld(deps.db, clock.now());
  const complete = (customerId: number) => {
    const input = declinedSale(customerId, {
      startMs: clock.now().getTime() - 300_000,
      handleMs: 200_000,
      acwMs: 10_000,
    });
    return completeInteraction(deps, world.users.operator, input, null);
  };
  const handled = async () => {
    const { rows } = await sql<{ n: number | null }>`SELECT SUM(handled) AS n FROM stats_site_day`.execute(deps.db);
    return rows[0]?.n ?? 0;
  };
  return { deps, world, complete, handled };
}

describe('stats catch-up (rollups in batches behind stats_cursor)', () => {
  it('counts completed contacts once, in the batch that moves the cursor', async () => {
    const { deps, world, complete, handled } = await setup();
    await complete(world.customers.mario);
    const second = await complete(world.customers.giulia);
    // the completion itself leaves the rollups alone
    expect(await handled()).toBe(0);
    expect(await statsCursor(deps.db)).toBe(0);

    expect(await catchUpStats(deps.db)).toBe(2);
    expect(await handled()).toBe(2);
    expect(await statsCursor(deps.db)).toBe(second.interactionId);
    // nothing pending: a second run counts nothing and changes nothing
    expect(await catchUpStats(deps.db)).toBe(0);
    expect(await handled()).toBe(2);
    expect(await compareRollupsWithRecount(deps.db)).toEqual([]);
  });

  it('moves the cursor and the counts together: a batch rolled back leaves both as they were', async () => {
    const { deps, world, complete, handled } = await setup();
    await complete(world.customers.mario);
    await expect(
      deps.db.transaction().execute(async (trx) => {
        expect(await catchUpStatsBatch(trx)).toBe(1);
        throw new Error('crash before commit');
      }),
    ).rejects.toThrow('crash before commit');
    expect(await handled()).toBe(0);
    expect(await statsCursor(deps.db)).toBe(0);
    expect(await catchUpStats(deps.db)).toBe(1);
    expect(await handled()).toBe(1);
  });

  it('reads in batches of the given size until the backlog is gone', async () => {
    const { deps, world, complete, handled } = await setup();
    for (let i = 0; i < 5; i++) await complete(i % 2 ? world.customers.mario : world.customers.giulia);
    const counted: number[] = [];
    for (;;) {
      const n = await deps.db.transaction().execute((trx) => catchUpStatsBatch(trx, 2));
      if (n === 0) break;
      counted.push(n);
    }
    expect(counted).toEqual([2, 2, 1]);
    expect(await handled()).toBe(5);
    expect(await compareRollupsWithRecount(deps.db)).toEqual([]);
  });

  it('is kept current by the background worker', async () => {
    const { deps, world, complete, handled } = await setup();
    const worker = startStatsWorker(deps, { intervalMs: 20 });
    try {
      await complete(world.customers.mario);
      await expect.poll(handled, { timeout: 5_000 }).toBe(1);
    } finally {
      await worker.stop();
    }
  });
});
