import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { NO_MIGRATIONS, sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@valore/server/db/client';
import type { Database } from '@valore/server/db/database';
import { MIGRATION_NAMES, migrateToLatest } from '@valore/server/db/migrator';
import { migratePostgres, openPostgres, postgresMigrator, type OpenedPostgres } from '@valore/server/db/postgres';
import { startPostgresCluster, type PostgresCluster } from '../helpers/postgres-cluster';

/**
 * One definition of the schema for both engines (issue 21): the migrations, written in SQLite's DDL, applied to a real
 * PostgreSQL server (a throwaway cluster) give the same tables, columns, nullability and indexes as on SQLite, and
 * keep the same rules (case-blind unique user names, checks, foreign keys, numbered rows).
 */
let cluster: PostgresCluster;
const opened: OpenedPostgres[] = [];
const open = (url: string) => {
  const o = openPostgres(url);
  opened.push(o);
  return o.db;
};

beforeAll(async () => {
  cluster = await startPostgresCluster();
});
afterAll(async () => {
  for (const o of opened) await o.close();
  cluster?.stop();
});

interface Column {
  table: string;
  column: string;
  /** PostgreSQL's name of the type (information_schema.columns.data_type) */
  type: string;
  notNull: boolean;
}

/** The PostgreSQL type each SQLite declared type becomes (db/postgres-ddl.ts). */
const PG_TYPE: Record<string, string> = {
  TEXT: 'text',
  INTEGER: 'bigint',
  REAL: 'double precision',
  BLOB: 'bytea',
};
interface Index {
  name: string;
  table: string;
  unique: boolean;
}

/** SQLite's schema after every migration: tables, columns, named indexes (not its automatic ones). */
async function sqliteSchema(): Promise<{ columns: Column[]; indexes: Index[] }> {
  const database = openDatabase(':memory:');
  try {
    await migrateToLatest(database.db);
    const tables = database.sqlite
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%'`,
      )
      .all() as { name: string }[];
    const columns: Column[] = [];
    const indexes: Index[] = [];
    for (const { name } of tables) {
      const info = database.sqlite.pragma(`table_info(${name})`) as {
        name: string;
        type: string;
        notnull: number;
        pk: number;
      }[];
      // a single-column primary key is NOT NULL on PostgreSQL whatever SQLite's table_info says (its rowid alias)
      const pkColumns = info.filter((c) => c.pk > 0).length;
      for (const c of info)
        columns.push({
          table: name,
          column: c.name,
          type: PG_TYPE[c.type.toUpperCase()] ?? `unmapped ${c.type}`,
          notNull: c.notnull === 1 || (c.pk > 0 && pkColumns >= 1),
        });
      const list = database.sqlite.pragma(`index_list(${name})`) as { name: string; unique: number; origin: string }[];
      for (const i of list) if (i.origin === 'c') indexes.push({ name: i.name, table: name, unique: i.unique === 1 });
    }
    return { columns, indexes };
  } finally {
    await database.close();
  }
}

async function postgresSchema(db: Kysely<Database>): Promise<{ columns: Column[]; indexes: Index[] }> {
  const columns = await sql<{ table: string; column: string; type: string; nullable: string }>`
    SELECT table_name AS "table", column_name AS "column", data_type AS type, is_nullable AS nullable
    FROM information_schema.columns
    WHERE table_schema = 'public' AND table_name NOT LIKE 'kysely_%'`.execute(db);
  // a truth value reads 1 or 0 on a PostgreSQL store, as on SQLite (db/postgres.ts)
  const indexes = await sql<{ name: string; table: string; unique: number }>`
    SELECT i.relname AS name, t.relname AS "table", x.indisunique AS "unique"
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = 'public' AND t.relname NOT LIKE 'kysely_%'`.execute(db);
  return {
    columns: columns.rows.map((c) => ({
      table: c.table,
      column: c.column,
      type: c.type,
      notNull: c.nullable === 'NO',
    })),
    indexes: indexes.rows.map((i) => ({ name: i.name, table: i.table, unique: i.unique === 1 })),
  };
}

const byName =
  <T extends { table: string }>(key: (row: T) => string) =>
  (a: T, b: T) =>
    key(a).localeCompare(key(b));

describe('the migrations on PostgreSQL', () => {
  it('give the tables, columns, types, nullability and named indexes they give on SQLite', async () => {
    const db = open(cluster.createDatabase('parity'));
    expect(await migratePostgres(db)).toEqual(MIGRATION_NAMES);
    const lite = await sqliteSchema();
    const pg = await postgresSchema(db);
    const columnKey = (c: Column) => `${c.table}.${c.column}`;
    expect(pg.columns.sort(byName(columnKey))).toEqual(lite.columns.sort(byName(columnKey)));
    expect(lite.columns.length).toBeGreaterThan(500);
    // every index SQLite names exists on PostgreSQL on the same table, unique where it is; PostgreSQL adds only the
    // indexes of primary keys and UNIQUE constraints (SQLite's automatic ones)
    const pgIndexes = new Map(pg.indexes.map((i) => [i.name, i]));
    for (const index of lite.indexes) expect(pgIndexes.get(index.name), index.name).toEqual(index);
    expect(lite.indexes.length).toBeGreaterThan(80);
  });

  it('keep the rules: case-blind unique user names, checks, foreign keys, numbered rows', async () => {
    const db = open(cluster.createDatabase('rules'));
    await migratePostgres(db);
    await sql`INSERT INTO macro_areas (code, name) VALUES ('N', 'Nord')`.execute(db);
    await sql`INSERT INTO provinces (code, name) VALUES ('MI', 'Milano')`.execute(db);
    const site = await sql<{ id: number }>`
      INSERT INTO sites (code, name, city, province_code) VALUES ('MI1', 'Milano 1', 'Milano', 'MI') RETURNING id`.execute(
      db,
    );
    const siteId = site.rows[0]?.id;
    // numbered by the engine, and a number (not the string pg gives a BIGINT by default)
    expect(siteId).toBe(1);
    const user = (username: string, role = 'operator') =>
      sql`INSERT INTO users (username, display_name, role, site_id, password_hash, created_at)
          VALUES (${username}, 'Mario Rossi', ${role}, ${siteId}, 'x', '2026-12-05T00:00:00.000Z')`.execute(db);
    await user('mario.rossi');
    await expect(user('Mario.Rossi')).rejects.toThrow(/duplicate key value violates unique constraint/);
    await expect(user('anna.neri', 'boss')).rejects.toThrow(/violates check constraint/);
    await expect(sql`INSERT INTO teams (site_id, name) VALUES (999, 'Nessuno')`.execute(db)).rejects.toThrow(
      /violates foreign key constraint/,
    );
    // an explicit id is accepted (seeding, the table rebuilds copy their rows)
    await sql`INSERT INTO teams (id, site_id, name) VALUES (40, ${siteId}, 'Squadra A')`.execute(db);
    const found = await sql<{ n: number }>`SELECT count(*) AS n FROM users WHERE username = 'MARIO.ROSSI'`.execute(db);
    expect(found.rows[0]?.n).toBe(1);
  });

  it('answer text PostgreSQL cannot hold (a NUL) as bad input, in a transaction too, not as a server fault', async () => {
    // the edges refuse it first (test/api/data-access.test.ts); this is the net under an input that skipped them
    const db = open(cluster.createDatabase('nul'));
    await migratePostgres(db);
    const refused = { name: 'DomainError', code: 'BAD_REQUEST', domainCode: 'VALIDATION' };
    await expect(
      sql`INSERT INTO macro_areas (code, name) VALUES ('N', ${'No\u0000rd'})`.execute(db),
    ).rejects.toMatchObject(refused);
    await expect(
      db
        .transaction()
        .execute((trx) => trx.selectFrom('macro_areas').selectAll().where('code', '=', '\u0000').execute()),
    ).rejects.toMatchObject(refused);
    // the connection is still good, and nothing was written
    expect((await sql<{ n: number }>`SELECT count(*) AS n FROM macro_areas`.execute(db)).rows[0]?.n).toBe(0);
  });

  it('go down to an empty schema and up again', async () => {
    const db = open(cluster.createDatabase('updown'));
    await migratePostgres(db);
    const down = await postgresMigrator(db).migrateTo(NO_MIGRATIONS);
    expect(down.error).toBeUndefined();
    expect(down.results?.map((r) => r.migrationName)).toEqual([...MIGRATION_NAMES].reverse());
    const left = await sql<{ name: string }>`
      SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'`.execute(db);
    expect(left.rows.map((r) => r.name).sort()).toEqual(['kysely_migration', 'kysely_migration_lock']);
    expect(await migratePostgres(db)).toEqual(MIGRATION_NAMES);
  });

  it('are applied once when four nodes start together', async () => {
    const url = cluster.createDatabase('together');
    const applied = await Promise.all([1, 2, 3, 4].map(() => migratePostgres(open(url))));
    // one node applied them all under the migrator's lock; the others found nothing left to do (and none failed on
    // the collation they all create first)
    expect(applied.map((a) => a.length).sort((x, y) => x - y)).toEqual([0, 0, 0, MIGRATION_NAMES.length]);
    const rows = await sql<{ n: number }>`SELECT count(*) AS n FROM kysely_migration`.execute(open(url));
    expect(rows.rows[0]?.n).toBe(MIGRATION_NAMES.length);
  });
});

describe('npm run migrate on PostgreSQL', () => {
  const run = promisify(execFile);
  const root = path.resolve(import.meta.dirname, '../..');
  const cli = (env: NodeJS.ProcessEnv, ...args: string[]) =>
    run('npx', ['tsx', 'scripts/migrate.ts', ...args], { cwd: root, env: { ...process.env, ...env } }).then(
      (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
    );

  it('applies every migration to the database VALORE_DATABASE_URL names, then finds it up to date', async () => {
    const url = cluster.createDatabase('cli');
    const list = await cli({ VALORE_DATABASE_URL: url }, '--list');
    expect(list.code, list.err).toBe(0);
    expect(list.out).toContain(`0 applied, ${MIGRATION_NAMES.length} pending`);
    const first = await cli({ VALORE_DATABASE_URL: url });
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain(`${MIGRATION_NAMES.length} migrations applied; up to date.`);
    const again = await cli({}, '--db', url);
    expect(again.out.trim()).toBe(`${url}: already up to date.`);
  });

  it('says why when the server cannot be reached, exit 1', async () => {
    const url = `postgres://postgres:secret@127.0.0.1:${cluster.port}/no_such_database`;
    const failed = await cli({}, '--db', url);
    expect(failed.code).toBe(1);
    expect(failed.err).toMatch(/Not migrated: .*no_such_database/);
    expect(failed.err + failed.out).not.toContain('secret');
  });
});
