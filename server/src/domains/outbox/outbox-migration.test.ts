import { Kysely, sql, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { createMigrator } from '../../db/migrator';
import * as outboxDelivery from '../../db/migrations/2026-12-02T1200-outbox-delivery';

async function databaseBeforeDelivery() {
  const database = openDatabase(':memory:');
  const { error } = await createMigrator(database.db).migrateTo('2026-12-02T1000-promises');
  expect(error).toBeUndefined();
  const insert = database.sqlite.prepare(
    `INSERT INTO outbox (channel, recipient, subject, body, status, attempts, last_error, created_at, next_attempt_at, sent_at)
     VALUES (?, ?, NULL, 'Ciao', ?, ?, ?, '2026-12-01T09:00:00.000Z', '2026-12-01T09:00:00.000Z', ?)`,
  );
  insert.run('sms', '+393331110001', 'sent', 1, null, '2026-12-01T09:00:01.000Z');
  insert.run('email', 'a@b.it', 'pending', 0, null, null);
  insert.run('sms', '+393331110002', 'failed', 5, 'gateway down', null);
  return database;
}

const indexes = (database: ReturnType<typeof openDatabase>) =>
  database.sqlite
    .prepare(
      `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox' AND sql IS NOT NULL ORDER BY name`,
    )
    .pluck()
    .all();

describe('migration 2026-12-02T1200-outbox-delivery', () => {
  it('keeps every message, adds the SMPP columns and the statuses delivered and unknown', async () => {
    const database = await databaseBeforeDelivery();
    // the migration as the migrator runs it: on a database of no particular schema
    const untyped = new Kysely<unknown>({ dialect: new SqliteDialect({ database: database.sqlite }) });
    await outboxDelivery.up(untyped);
    const rows = database.sqlite.prepare('SELECT * FROM outbox ORDER BY id').all();
    expect(rows).toEqual([
      expect.objectContaining({
        id: 1,
        status: 'sent',
        attempts: 1,
        sent_at: '2026-12-01T09:00:01.000Z',
        smsc_message_id: null,
      }),
      expect.objectContaining({ id: 2, channel: 'email', status: 'pending', submit_started_at: null }),
      expect.objectContaining({
        id: 3,
        status: 'failed',
        last_error: 'gateway down',
        receipt_stat: null,
        receipt_at: null,
      }),
    ]);
    expect(indexes(database)).toEqual(['outbox_pending', 'outbox_sending', 'outbox_smsc_message_id']);
    database.sqlite.prepare(`UPDATE outbox SET status = 'delivered', smsc_message_id = 'x' WHERE id = 1`).run();
    database.sqlite.prepare(`UPDATE outbox SET status = 'unknown' WHERE id = 3`).run();
    expect(() => database.sqlite.prepare(`UPDATE outbox SET status = 'lost' WHERE id = 2`).run()).toThrow(/CHECK/);
    // the partial index still serves the claim
    const plan = await sql<{
      detail: string;
    }>`EXPLAIN QUERY PLAN SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= '2027'`.execute(
      database.db,
    );
    expect(plan.rows.map((r) => r.detail).join()).toContain('outbox_pending');

    await outboxDelivery.down(untyped);
    expect(database.sqlite.prepare('SELECT id, status FROM outbox ORDER BY id').all()).toEqual([
      { id: 1, status: 'sent' },
      { id: 2, status: 'pending' },
      { id: 3, status: 'failed' },
    ]);
    expect(indexes(database)).toEqual(['outbox_pending']);
    await database.close();
  });
});
