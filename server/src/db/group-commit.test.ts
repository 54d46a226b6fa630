import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTestDeps } from '../testing/test-deps';
import { httpStatusOf } from '../http/errors';
import { configureGroupCommit, groupCommit, WriteQueueFullError } from './group-commit';

async function countAudit(
  db: Awaited<ReturnType<typeof createTestDeps>>['deps']['db'],
  action: string,
): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*) AS n FROM audit_log WHERE action = ${action}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

const write = (action: string) => (trx: Parameters<Parameters<typeof groupCommit>[1]>[0]) =>
  sql`INSERT INTO audit_log (at, actor_id, action, entity_type, entity_id, details, ip)
      VALUES ('2026-11-26T10:00:00.000Z', NULL, ${action}, 'test', '1', NULL, NULL)`.execute(trx);

describe('group commit', () => {
  it('runs writes that arrive together in arrival order and keeps each one', async () => {
    const { deps } = await createTestDeps();
    const order: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        groupCommit(deps.db, async (trx) => {
          order.push(i);
          await write('grouped')(trx);
          return i;
        }),
      ),
    );
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await countAudit(deps.db, 'grouped')).toBe(10);
  });

  it('rolls back only the write that failed, and gives its caller the error', async () => {
    const { deps } = await createTestDeps();
    const outcomes = await Promise.allSettled([
      groupCommit(deps.db, write('kept')),
      groupCommit(deps.db, async (trx) => {
        await write('dropped')(trx);
        throw new Error('refused');
      }),
      groupCommit(deps.db, write('kept')),
      groupCommit(deps.db, write('kept')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(outcomes[1]?.status === 'rejected' && (outcomes[1].reason as Error).message).toBe('refused');
    expect(await countAudit(deps.db, 'kept')).toBe(3);
    expect(await countAudit(deps.db, 'dropped')).toBe(0);
  });

  it('rolls back a write that runs alone and fails', async () => {
    const { deps } = await createTestDeps();
    await expect(
      groupCommit(deps.db, async (trx) => {
        await write('alone')(trx);
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(await countAudit(deps.db, 'alone')).toBe(0);
  });

  describe('backpressure (issue 15)', () => {
    /** A write that holds the connection until released: a slow disk, as far as the queue can tell. */
    function slowWrite(db: Awaited<ReturnType<typeof createTestDeps>>['deps']['db'], action: string) {
      let release: () => void = () => undefined;
      let started: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const running = new Promise<void>((resolve) => (started = resolve));
      const done = groupCommit(db, async (trx) => {
        started();
        await gate;
        await write(action)(trx);
      });
      return { running, release, done };
    }

    it('refuses the write past the bound at once with a 503 error, writes nothing of it, and accepts again once drained', async () => {
      const { deps } = await createTestDeps();
      configureGroupCommit(deps.db, { maxWaiting: 3 });
      const slow = slowWrite(deps.db, 'slow');
      await slow.running; // its batch is committing: the next writes wait
      const waiting = [1, 2, 3].map(() => groupCommit(deps.db, write('waited')));

      const refused = await groupCommit(deps.db, write('refused')).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(WriteQueueFullError);
      expect(refused).toMatchObject({ code: 'SERVICE_UNAVAILABLE', domainCode: 'SERVER_BUSY', retryAfterMs: 1_000 });
      expect(refused instanceof WriteQueueFullError && httpStatusOf(refused.code)).toBe(503);

      slow.release();
      await Promise.all([slow.done, ...waiting]);
      expect(await countAudit(deps.db, 'slow')).toBe(1);
      expect(await countAudit(deps.db, 'waited')).toBe(3);
      expect(await countAudit(deps.db, 'refused')).toBe(0);
      // drained: room again
      await groupCommit(deps.db, write('after'));
      expect(await countAudit(deps.db, 'after')).toBe(1);
    });

    it('refuses, without running it, a write that waited past the maximum wait', async () => {
      const { deps } = await createTestDeps();
      const slow = slowWrite(deps.db, 'slow');
      await slow.running;
      // bounded only now: on a busy machine the slow write itself could wait 30 ms for its batch to start, and be the
      // one refused (it then never runs and the test waits for it forever)
      configureGroupCommit(deps.db, { maxWaitMs: 30 });
      let ran = false;
      const late = groupCommit(deps.db, async (trx) => {
        ran = true;
        await write('late')(trx);
      });
      await new Promise((resolve) => setTimeout(resolve, 60));
      slow.release();
      await expect(late).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', domainCode: 'SERVER_BUSY' });
      await slow.done;
      expect(ran).toBe(false);
      expect(await countAudit(deps.db, 'late')).toBe(0);
      expect(await countAudit(deps.db, 'slow')).toBe(1);
    });
  });
});
