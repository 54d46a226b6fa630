import { Kysely, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { createMigrator } from '../../db/migrator';
import * as weekdayShifts from '../../db/migrations/2026-12-12T1200-weekday-shifts';

const AT = '2026-12-01T09:00:00.000Z';

/** A database at the Saturday rota (before weekday shifts), with a Saturday shift and its rest day. */
async function databaseBeforeWeekdays() {
  const database = openDatabase(':memory:');
  const { error } = await createMigrator(database.db).migrateTo('2026-12-11T1000-rota');
  expect(error).toBeUndefined();
  const sqlite = database.sqlite;
  sqlite.prepare(`INSERT INTO provinces (code, name) VALUES ('RM', 'Roma')`).run();
  sqlite
    .prepare(`INSERT INTO sites (id, code, name, city, province_code) VALUES (1, 'S1', 'Sede', 'Roma', 'RM')`)
    .run();
  sqlite
    .prepare(
      `INSERT INTO users (id, username, display_name, role, site_id, password_hash, active, created_at)
       VALUES (1, 'op', 'Op', 'operator', 1, 'x', 1, ?)`,
    )
    .run(AT);
  const insert = sqlite.prepare(
    `INSERT INTO rota_shifts (site_id, user_id, date, kind, starts, ends, rest_of, status, created_at, published_at)
     VALUES (1, 1, ?, ?, ?, ?, ?, 'published', ?, ?)`,
  );
  insert.run('2027-01-09', 'saturday', '07:30', '15:12', null, AT, AT);
  insert.run('2027-01-12', 'rest', null, null, 1, AT, AT);
  return database;
}

describe('migration 2026-12-12T1200-weekday-shifts', () => {
  it('keeps every row, allows weekday rows (several a day), keeps one Saturday a day and the rest cascade', async () => {
    const database = await databaseBeforeWeekdays();
    const sqlite = database.sqlite;
    const untyped = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
    await weekdayShifts.up(untyped);
    expect(sqlite.prepare('SELECT id, kind, rest_of FROM rota_shifts ORDER BY id').all()).toEqual([
      { id: 1, kind: 'saturday', rest_of: null },
      { id: 2, kind: 'rest', rest_of: 1 },
    ]);
    const weekday = sqlite.prepare(
      `INSERT INTO rota_shifts (site_id, user_id, date, kind, starts, ends, created_at)
       VALUES (1, 1, '2027-01-11', 'weekday', ?, ?, ?)`,
    );
    weekday.run('08:00', '12:00', AT);
    weekday.run('14:00', '18:00', AT);
    expect(() =>
      sqlite
        .prepare(
          `INSERT INTO rota_shifts (site_id, user_id, date, kind, created_at) VALUES (1, 1, '2027-01-09', 'saturday', ?)`,
        )
        .run(AT),
    ).toThrow(/UNIQUE/);
    expect(() =>
      sqlite
        .prepare(
          `INSERT INTO rota_shifts (site_id, user_id, date, kind, created_at) VALUES (1, 1, '2027-01-13', 'x', ?)`,
        )
        .run(AT),
    ).toThrow(/CHECK/);
    // the rest row still refers to its Saturday, and goes with it
    expect(sqlite.prepare('PRAGMA foreign_key_list(rota_shifts)').all()).toContainEqual(
      expect.objectContaining({ from: 'rest_of', table: 'rota_shifts', on_delete: 'CASCADE' }),
    );
    sqlite.prepare('DELETE FROM rota_shifts WHERE id = 1').run();
    expect(sqlite.prepare('SELECT kind FROM rota_shifts ORDER BY id').pluck().all()).toEqual(['weekday', 'weekday']);
    expect(sqlite.prepare('PRAGMA foreign_key_check').all()).toEqual([]);

    // and back: the weekday rows go, the rest stays as it was
    await weekdayShifts.down(untyped);
    expect(sqlite.prepare('SELECT count(*) FROM rota_shifts').pluck().get()).toBe(0);
    await database.close();
  });
});
