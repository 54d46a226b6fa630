import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTestDeps } from '../testing/test-deps';
import { precompiled } from './precompiled';

describe('precompiled queries', () => {
  it('runs with new values each time, the same as the builder would', async () => {
    const { deps } = await createTestDeps();
    for (const [i, [action, type]] of [
      ['x', 'user'],
      ['y', 'user'],
      ['x', 'lead'],
      ['x', 'user'],
    ].entries()) {
      await sql`INSERT INTO audit_log (at, actor_id, action, entity_type, entity_id, details, ip)
                VALUES (${`2026-11-26T10:00:0${i}.000Z`}, NULL, ${action}, ${type}, ${String(i)}, NULL, NULL)`.execute(
        deps.db,
      );
    }
    const byAction = precompiled((db, v: { action: string; type: string }) =>
      db
        .selectFrom('audit_log')
        .select(['entity_id'])
        .where('action', '=', v.action)
        .where('entity_type', '=', v.type)
        .orderBy('id'),
    );
    for (const [action, type, ids] of [
      ['x', 'user', ['0', '3']],
      ['y', 'user', ['1']],
      ['x', 'lead', ['2']],
    ] as const) {
      const expected = await deps.db
        .selectFrom('audit_log')
        .select(['entity_id'])
        .where('action', '=', action)
        .where('entity_type', '=', type)
        .orderBy('id')
        .execute();
      expect(expected.map((r) => r.entity_id)).toEqual(ids);
      expect(await byAction.execute(deps.db, { action, type })).toEqual(expected);
    }
    expect(await byAction.first(deps.db, { action: 'y', type: 'lead' })).toBeUndefined();
  });

  it('puts a value used twice in both places, keeps constants, and writes inside a transaction', async () => {
    const { deps } = await createTestDeps();
    const insert = precompiled((db, v: { action: string; at: string }) =>
      db.insertInto('audit_log').values({
        at: v.at,
        actor_id: null,
        action: v.action,
        entity_type: 'test',
        entity_id: (eb) => eb.selectFrom('audit_log').select(sql<string>`${v.action} || '-' || count(*)`.as('n')),
        details: null,
        ip: null,
      }),
    );
    await deps.db.transaction().execute(async (trx) => {
      await insert.execute(trx, { action: 'a', at: '2026-11-26T10:00:00.000Z' });
      await insert.execute(trx, { action: 'b', at: '2026-11-26T10:00:01.000Z' });
    });
    const rows = await deps.db
      .selectFrom('audit_log')
      .select(['action', 'entity_type', 'entity_id', 'at'])
      .where('entity_type', '=', 'test')
      .orderBy('id')
      .execute();
    expect(rows.map((r) => [r.action, r.entity_type, r.at])).toEqual([
      ['a', 'test', '2026-11-26T10:00:00.000Z'],
      ['b', 'test', '2026-11-26T10:00:01.000Z'],
    ]);
    expect(rows[0]?.entity_id).toMatch(/^a-\d+$/);
    expect(rows[1]?.entity_id).toMatch(/^b-\d+$/);
  });

  it('refuses, on its first run, a value that the builder inspected instead of passing it on', async () => {
    const { deps } = await createTestDeps();
    const misuse = precompiled((db, v: { name: string }) =>
      db.selectFrom('users').select('id').where('username', '=', v.name.toLowerCase()),
    );
    await expect(misuse.execute(deps.db, { name: 'X' })).rejects.toThrow();
    const unused = precompiled((db, v: { id: number }) => {
      const site = v.id > 0 ? 1 : 2; // a comparison with a placeholder: the value never reaches the query
      return db.selectFrom('users').select('id').where('site_id', '=', site);
    });
    await expect(unused.execute(deps.db, { id: 1 })).rejects.toThrow(/"id" is read but is not a parameter/);
  });
});
