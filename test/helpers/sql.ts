import { sql, type Kysely } from 'kysely';
import type { Database } from '@valore/server/db/database';

/**
 * Raw SQL against a test server's database on either engine (issue 21): what a suite's set-up or check wrote with
 * better-sqlite3 (`server.database.sqlite.prepare(text).get(...)`) it writes here as `await db(server).get(text, ...)`,
 * and the suite runs on SQLite and PostgreSQL alike. The text is SQLite's, with `?` for each value; it goes through
 * the store's Kysely instance, so on PostgreSQL the server's own dialect rules apply (LIKE, index hints…) and values
 * are bound, never spliced. Where SQL must differ beyond those rules, prefer Kysely's query builder.
 *
 * Numbers come back as numbers on both engines (counts and 64-bit integers included), truth values as 1/0.
 */
export interface TestSql {
  /** The first row, or undefined. */
  get<T = Record<string, unknown>>(text: string, ...values: unknown[]): Promise<T | undefined>;
  all<T = Record<string, unknown>>(text: string, ...values: unknown[]): Promise<T[]>;
  /** A write; how many rows it changed. */
  run(text: string, ...values: unknown[]): Promise<{ changes: number }>;
  /** Statements without values, separated by `;` (split outside quotes), run in order. */
  exec(text: string): Promise<void>;
}

/** `?` outside quotes → a bound value, in order; the template Kysely's `sql` tag would have built. */
function statement(text: string, values: unknown[]) {
  const parts: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null;
      current += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      current += ch;
    } else if (ch === '?') {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  if (parts.length - 1 !== values.length)
    throw new Error(`${parts.length - 1} placeholders but ${values.length} values in: ${text}`);
  const strings = Object.assign([...parts], { raw: [...parts] }) as unknown as TemplateStringsArray;
  return sql<Record<string, unknown>>(strings, ...values);
}

/** Splits a script on `;` outside quotes; empty statements dropped. */
function statements(script: string): string[] {
  const out: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (const ch of script) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === ';') {
      out.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  out.push(current);
  return out.map((s) => s.trim()).filter(Boolean);
}

export function testSql(database: Kysely<Database>): TestSql {
  return {
    async get<T>(text: string, ...values: unknown[]) {
      const result = await statement(text, values).execute(database);
      return result.rows[0] as T | undefined;
    },
    async all<T>(text: string, ...values: unknown[]) {
      const result = await statement(text, values).execute(database);
      return result.rows as T[];
    },
    async run(text: string, ...values: unknown[]) {
      const result = await statement(text, values).execute(database);
      return { changes: Number(result.numAffectedRows ?? 0n) };
    },
    async exec(script: string) {
      for (const text of statements(script)) await statement(text, []).execute(database);
    },
  };
}

/** The SQL of a running test server's database (its store's Kysely instance). */
export function db(server: { database: { db: Kysely<Database> } }): TestSql {
  return testSql(server.database.db);
}
