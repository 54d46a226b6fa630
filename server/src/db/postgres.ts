// The PostgreSQL store (VALORE_DATABASE_URL=postgres://…): Kysely's PostgreSQL dialect over a `pg` pool.
// docs/operations.md, "PostgreSQL".
import { Kysely, PostgresDialect, sql, type Migrator } from 'kysely';
import pg from 'pg';
import type { Database } from './database';
import { createMigrator, runToLatest } from './migrator';
import { PostgresDialectPlugin } from './postgres-dialect';
import { NOCASE_COLLATION, PostgresMigrationPlugin } from './postgres-ddl';

// The schema's integers are 64-bit (BIGINT); `pg` returns those as strings unless told: every one of them fits a
// JavaScript number (ids, counts, amounts in minor units, epoch milliseconds), as on SQLite
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
// sum() and avg() of integers come back as NUMERIC
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));
// A truth value the SQL computes (EXISTS, a comparison) is 1 or 0, as SQLite gives it and as the code reads it
// (`row.on_registry === 1`); the schema's own flags are 0/1 integers on both engines
pg.types.setTypeParser(pg.types.builtins.BOOL, (value) => (value === 't' ? 1 : 0));

/** Whether a database setting names a PostgreSQL server rather than a SQLite file. */
export function isPostgresUrl(value: string | undefined): boolean {
  return value !== undefined && /^postgres(ql)?:\/\//.test(value);
}

export interface OpenedPostgres {
  db: Kysely<Database>;
  close: () => Promise<void>;
}

export function openPostgres(url: string, options: { maxConnections?: number } = {}): OpenedPostgres {
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10 });
  // an idle connection the server closed (a restart, a failover): the pool drops it and opens another when needed;
  // without a listener the event would end the process
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new PostgresDialectPlugin()] });
  return { db, close: () => db.destroy() };
}

/**
 * The migrator of a PostgreSQL database: the same migrations as SQLite's, their SQLite DDL read through
 * PostgresMigrationPlugin (db/postgres-ddl.ts). Kysely runs them in one transaction under an advisory lock there,
 * so two nodes starting together apply them once and a failure leaves the schema as it was.
 */
export function postgresMigrator(db: Kysely<Database>): Migrator {
  return createMigrator(db.withPlugin(new PostgresMigrationPlugin()));
}

/** Applies every pending migration to a PostgreSQL database (first the collation the schema names). */
export async function migratePostgres(db: Kysely<Database>): Promise<string[]> {
  await sql.raw(NOCASE_COLLATION).execute(db);
  return runToLatest(postgresMigrator(db));
}
