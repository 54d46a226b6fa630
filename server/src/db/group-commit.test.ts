import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTestDeps } from '../testing/test-deps';
import { groupCommit } from './group-commit';

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
});
