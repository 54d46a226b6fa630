// Where a query's SQL must differ on PostgreSQL, the difference lives here (issue 21): the repositories write SQLite's
// SQL, the embedded default, and this module says how PostgreSQL reads it. Applied to every query of a PostgreSQL
// store (db/postgres.ts); the SQLite path never sees it.
import { PostgresAdapter, sql, type RawBuilder } from 'kysely';
import type { Executor } from './database';
import { RawSqlPlugin, rewriteOutsideQuotes } from './postgres-ddl';

const RULES: readonly (readonly [RegExp, string])[] = [
  // SQLite's planner hints (the hot claim and board reads name their index): PostgreSQL's planner chooses alone
  [/\s+INDEXED\s+BY\s+\w+/gi, ''],
  // SQLite's LIKE ignores the case of ASCII letters only (and NOCASE says so again): PostgreSQL's ILIKE under the "C"
  // collation is that LIKE. The collation is named because ILIKE refuses a column of the case-blind ICU collation
  // (postgres-ddl.ts: `nocase`, nondeterministic), the user names — the admin's user search failed so.
  [/\bCOLLATE\s+NOCASE\s+LIKE\b/gi, 'COLLATE "C" ILIKE'],
  [/\bNOT\s+LIKE\b/gi, 'COLLATE "C" NOT ILIKE'],
  [/\bLIKE\b/gi, 'COLLATE "C" ILIKE'],
];

/** A query's raw SQL as PostgreSQL reads it. Idempotent; quoted text is left as written. */
export function sqliteSqlToPostgres(text: string): string {
  return rewriteOutsideQuotes(text, RULES);
}

/** The plugin of a PostgreSQL store: every raw SQL fragment of every query through sqliteSqlToPostgres. */
export class PostgresDialectPlugin extends RawSqlPlugin {
  constructor() {
    super(sqliteSqlToPostgres);
  }
}

/** Whether a query runs on a PostgreSQL store (its adapter), rather than the embedded SQLite file. */
export function isPostgres(db: Executor): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

const NOTHING = sql.raw('');

/**
 * The lock a queue head is read with, at the end of its SELECT (`alias`: the queue table's). On PostgreSQL, where
 * nodes claim side by side, `FOR UPDATE OF alias SKIP LOCKED`: a head another node is claiming right now is passed
 * over for the next one instead of waited for and then lost. On SQLite nothing: the claim's transaction is the only
 * writer of the file, so no head is ever being claimed by another.
 */
export function skipLocked(db: Executor, alias: string): RawBuilder<unknown> {
  if (!isPostgres(db)) return NOTHING;
  if (!/^\w+$/.test(alias)) throw new Error(`not a table alias: ${alias}`);
  return sql.raw(` FOR UPDATE OF ${alias} SKIP LOCKED`);
}

/**
 * A bound value SQLite's planner does not look at: `(SELECT ?)` on SQLite, the plain parameter on PostgreSQL. Why:
 * better-sqlite3's SQLite is built with STAT4, and once ANALYZE has sampled an index, a statement whose WHERE compares
 * that index's column with a bound parameter is planned again at every execution (each new value might change the
 * plan) — the whole statement re-parsed and re-planned, ~6 µs per UNION arm here. A claim's probe of the queue
 * heads, seven arms compared with "now", cost 54 µs instead of 3.4 µs on an analysed database with 200,000 callbacks
 * not yet due (docs/performance.md). For statements that name their index (INDEXED BY) the plan cannot change
 * anyway; a scalar subquery still bounds the index range.
 */
export function opaque<T>(db: Executor, value: T): RawBuilder<T> {
  return isPostgres(db) ? sql<T>`${value}` : sql<T>`(SELECT ${value})`;
}

/**
 * Waits until every transaction writing `table` has ended and keeps new writers out until this transaction ends
 * (PostgreSQL's SHARE lock; the first statement of the transaction, so its snapshot is taken after: it sees every
 * row committed by then). For a reader that follows a table by its ids: on PostgreSQL an id is taken when a row is
 * inserted, not when it commits, so without it a row could commit behind a cursor already past its id. On SQLite
 * nothing: its one writer commits ids in order.
 */
export async function waitForWritersOf(db: Executor, table: 'interactions'): Promise<void> {
  if (isPostgres(db)) await sql.raw(`LOCK TABLE ${table} IN SHARE MODE`).execute(db);
}

/**
 * A lock on the rows a SELECT reads, until the transaction ends, at its end: `FOR UPDATE` on PostgreSQL (where
 * transactions of several connections run side by side); nothing on SQLite, whose one writer holds them all anyway.
 */
export function forUpdate(db: Executor): RawBuilder<unknown> {
  return isPostgres(db) ? sql.raw(' FOR UPDATE') : NOTHING;
}

/**
 * An ISO-8601 UTC time (the text every stored time is) plus whole minutes, as the same text: SQLite's strftime with a
 * modifier; on PostgreSQL the text read as a time, the interval added, written back to the same width.
 */
export function isoPlusMinutes(db: Executor, iso: RawBuilder<unknown>, minutes: number): RawBuilder<string> {
  if (!Number.isInteger(minutes)) throw new Error(`not whole minutes: ${minutes}`);
  return isPostgres(db)
    ? sql<string>`to_char((${iso})::timestamptz AT TIME ZONE 'UTC' + make_interval(mins => ${sql.lit(minutes)}), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
    : sql<string>`strftime('%Y-%m-%dT%H:%M:%fZ', ${iso}, ${`${minutes >= 0 ? '+' : ''}${minutes} minutes`})`;
}

/** A top-level field of a JSON text column, as text (a number reads as its digits): json_extract / ->>. */
export function jsonText(db: Executor, column: RawBuilder<unknown>, field: string): RawBuilder<string | null> {
  if (!/^\w+$/.test(field)) throw new Error(`not a plain JSON field: ${field}`);
  return isPostgres(db)
    ? sql<string | null>`((${column})::jsonb ->> ${sql.lit(field)})`
    : sql<string | null>`CAST(json_extract(${column}, ${sql.lit(`$.${field}`)}) AS TEXT)`;
}
