// Moves a centre's data from the embedded SQLite file to a PostgreSQL server (docs/operations.md, "PostgreSQL"):
// every table, parents before children (their foreign keys), in batches, then each identity column set past the
// highest id copied so new rows are numbered after them. The PostgreSQL database must be migrated to the same
// version and hold no users nor customers (what its migrations wrote is replaced by the file's). The same copy gives a PostgreSQL store its demo data (seeded on SQLite, then copied).
import type SQLite from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import type { Database } from './database';

/** PostgreSQL takes at most 65,535 parameters per statement. */
const MAX_PARAMETERS = 60_000;
const MAX_ROWS = 2_000;

export interface CopyReport {
  /** table → rows copied, in the order copied */
  tables: [string, number][];
  rows: number;
  ms: number;
}

/** The tables of a SQLite file, each after the tables its foreign keys name (the migrator's own left out). */
export function tablesInDependencyOrder(sqlite: SQLite.Database): string[] {
  const tables = (
    sqlite
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%'
         ORDER BY name`,
      )
      .all() as { name: string }[]
  ).map((t) => t.name);
  const parents = new Map(
    tables.map((t) => [
      t,
      new Set(
        (sqlite.pragma(`foreign_key_list("${t}")`) as { table: string }[]).map((f) => f.table).filter((p) => p !== t),
      ),
    ]),
  );
  const ordered: string[] = [];
  const placed = new Set<string>();
  while (ordered.length < tables.length) {
    const ready = tables.filter((t) => !placed.has(t) && [...(parents.get(t) ?? [])].every((p) => placed.has(p)));
    if (ready.length === 0) {
      const left = tables.filter((t) => !placed.has(t));
      throw new Error(`foreign keys form a cycle among: ${left.join(', ')}`);
    }
    for (const t of ready) {
      ordered.push(t);
      placed.add(t);
    }
  }
  return ordered;
}

/** Copies every row of `sqlite` into the migrated, empty PostgreSQL database `pg`, in one transaction. */
export async function copySqliteToPostgres(sqlite: SQLite.Database, pg: Kysely<Database>): Promise<CopyReport> {
  const started = performance.now();
  const tables = tablesInDependencyOrder(sqlite);
  const report: CopyReport = { tables: [], rows: 0, ms: 0 };
  await pg.transaction().execute(async (trx) => {
    // a centre's data has users; a database without users holds only what the migrations wrote (a cursor, settings)
    // and the same rows come from the file, which went through the same migrations
    for (const table of ['users', 'customers']) {
      const existing = await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(trx);
      if ((existing.rows[0]?.n ?? 0) > 0)
        throw new Error(`${table} is not empty on PostgreSQL: copy into a new database`);
    }
    for (const table of [...tables].reverse()) await sql`DELETE FROM ${sql.table(table)}`.execute(trx);
    for (const table of tables) {
      const columns = (sqlite.pragma(`table_info("${table}")`) as { name: string }[]).map((c) => c.name);
      const perBatch = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMETERS / columns.length)));
      let copied = 0;
      let batch: Record<string, unknown>[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        await trx
          .insertInto(table as keyof Database)
          .values(batch)
          .execute();
        copied += batch.length;
        batch = [];
      };
      // rowid order where there is one (the order rows were written), else the primary key's
      const select = sqlite.prepare(`SELECT * FROM "${table}"`);
      for (const row of select.iterate() as Iterable<Record<string, unknown>>) {
        batch.push(row);
        if (batch.length >= perBatch) await flush();
      }
      await flush();
      report.tables.push([table, copied]);
      report.rows += copied;
      // identity columns continue after the highest id copied
      const identities = await sql<{ column: string }>`
        SELECT column_name AS "column" FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = ${table} AND is_identity = 'YES'`.execute(trx);
      for (const { column } of identities.rows) {
        await sql`SELECT setval(pg_get_serial_sequence(${table}, ${column}),
          COALESCE((SELECT max(${sql.ref(column)}) FROM ${sql.table(table)}), 0) + 1, false)`.execute(trx);
      }
    }
  });
  report.ms = Math.round(performance.now() - started);
  return report;
}
