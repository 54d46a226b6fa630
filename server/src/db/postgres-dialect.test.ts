import { Kysely, PostgresDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './client';
import type { Database } from './database';
import { PostgresDialectPlugin, isPostgres, skipLocked, sqliteSqlToPostgres } from './postgres-dialect';

/** Compiles only: no PostgreSQL server is reached. */
const postgres = new Kysely<Database>({
  dialect: new PostgresDialect({ pool: () => Promise.reject(new Error('not connected')) }),
  plugins: [new PostgresDialectPlugin()],
});

describe("the repositories' SQL on PostgreSQL", () => {
  it("drops SQLite's index hints, outside quotes only", () => {
    expect(
      sqliteSqlToPostgres(
        `SELECT id FROM campaign_contacts AS cc INDEXED BY campaign_contacts_queue WHERE note <> 'INDEXED BY x'`,
      ),
    ).toBe(`SELECT id FROM campaign_contacts AS cc WHERE note <> 'INDEXED BY x'`);
  });

  it('reads LIKE as ILIKE under the "C" collation (ASCII case ignored, as SQLite), NOT LIKE too, once', () => {
    const once = sqliteSqlToPostgres(
      `SELECT 1 FROM users WHERE users.username LIKE $1 ESCAPE '\\' OR first_name COLLATE NOCASE LIKE $2 OR name NOT LIKE 'x LIKE y'`,
    );
    expect(once).toBe(
      `SELECT 1 FROM users WHERE users.username COLLATE "C" ILIKE $1 ESCAPE '\\' OR first_name COLLATE "C" ILIKE $2 OR name COLLATE "C" NOT ILIKE 'x LIKE y'`,
    );
    expect(sqliteSqlToPostgres(once)).toBe(once);
  });

  it('reads heads with FOR UPDATE … SKIP LOCKED there, and with nothing on SQLite', async () => {
    const head = (db: Kysely<Database>) =>
      sql`SELECT id FROM campaign_contacts AS cc INDEXED BY campaign_contacts_queue ORDER BY due_at LIMIT 1${skipLocked(db, 'cc')}`.compile(
        db,
      ).sql;
    expect(isPostgres(postgres)).toBe(true);
    expect(head(postgres)).toBe(
      'SELECT id FROM campaign_contacts AS cc ORDER BY due_at LIMIT 1 FOR UPDATE OF cc SKIP LOCKED',
    );
    const sqlite = openDatabase(':memory:');
    try {
      expect(isPostgres(sqlite.db)).toBe(false);
      expect(head(sqlite.db)).toBe(
        'SELECT id FROM campaign_contacts AS cc INDEXED BY campaign_contacts_queue ORDER BY due_at LIMIT 1',
      );
      // in a transaction too (the claim runs in one)
      await sqlite.db.transaction().execute(async (trx) => {
        expect(isPostgres(trx)).toBe(false);
      });
    } finally {
      await sqlite.close();
    }
    expect(() => skipLocked(postgres, 'cc; DROP TABLE users')).toThrow(/not a table alias/);
  });
});
