// The PostgreSQL store (VALORE_DATABASE_URL=postgres://…): Kysely's PostgreSQL dialect over a `pg` pool.
// docs/operations.md, "PostgreSQL".
import {
  Kysely,
  PostgresDialect,
  PostgresDriver,
  sql,
  type CompiledQuery,
  type DatabaseConnection,
  type QueryResult,
  type Driver,
  type Migrator,
  type PostgresDialectConfig,
  type Transaction,
  TransactionBuilder,
  type TransactionSettings,
} from 'kysely';
import pg from 'pg';
import { MALFORMED_TEXT_MESSAGE } from '@valore/shared/schemas/common';
import { DomainError } from '../errors';
import type { OpenedDatabase } from './client';
import type { Database } from './database';
import { WriteQueueFullError } from './group-commit';
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

/**
 * Every transaction SERIALIZABLE: the domains were written against SQLite, where a transaction runs alone, and read,
 * check and write in one (a session's seats, a slot's capacity, a lead's state). On PostgreSQL, where transactions of
 * this node and of others run side by side, SERIALIZABLE keeps that meaning: a transaction whose reads another one
 * changed fails at its write or commit instead of acting on a stale read, and is run again (SerializableRetries).
 */
class SerializablePostgresDriver extends PostgresDriver {
  override async acquireConnection(): Promise<DatabaseConnection> {
    return refusingUnstorableText(await super.acquireConnection());
  }

  override beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return super.beginTransaction(connection, {
      ...settings,
      isolationLevel: settings.isolationLevel ?? 'serializable',
    });
  }
}

/**
 * PostgreSQL refuses a NUL in every text (22021) and a character its encoding lacks (22P05); SQLite keeps both. The
 * edges refuse such text before it gets here (shared/schemas/common.ts, one rule for tRPC, JSON, forms and URLs);
 * one that slips through — a new input that skipped them — is still the sender's bad input: a 400, not a 500.
 */
const UNSTORABLE_TEXT = new Set(['22021', '22P05']);

const refusing = new WeakSet<DatabaseConnection>();

/**
 * The driver's own connection (it keeps it per pooled client and releases it by private fields, so no wrapper
 * object): its `executeQuery` answers such a failure as bad input; done once per connection.
 */
function refusingUnstorableText(connection: DatabaseConnection): DatabaseConnection {
  if (refusing.has(connection)) return connection;
  refusing.add(connection);
  const execute = connection.executeQuery.bind(connection);
  connection.executeQuery = <R>(query: CompiledQuery): Promise<QueryResult<R>> =>
    execute<R>(query).catch((error: unknown) => {
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code === 'string' && UNSTORABLE_TEXT.has(code)) {
        throw new DomainError('BAD_REQUEST', 'VALIDATION', MALFORMED_TEXT_MESSAGE);
      }
      throw error;
    });
  return connection;
}

class SerializablePostgresDialect extends PostgresDialect {
  constructor(private readonly settings: PostgresDialectConfig) {
    super(settings);
  }

  override createDriver(): Driver {
    return new SerializablePostgresDriver(this.settings);
  }
}

/** A serialization failure or a deadlock: the transaction did nothing and may simply run again. */
export function isRetryableConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40001' || code === '40P01';
}

const MAX_ATTEMPTS = 8;

/**
 * `db.transaction().execute(fn)` on a PostgreSQL store runs `fn` again when its transaction lost a conflict (up to 8
 * times, after a short random pause); past that the caller hears "busy, nothing saved, retry" (503 with
 * Retry-After), as from a full write queue. One place for every transaction of the application.
 */
class SerializableRetries<DB> extends Kysely<DB> {
  override transaction(): TransactionBuilder<DB> {
    return withRetries(super.transaction());
  }
}

/** The builder with its `execute` run again on a lost conflict; builders it makes (setIsolationLevel…) too. */
function withRetries<DB>(builder: TransactionBuilder<DB>): TransactionBuilder<DB> {
  return new Proxy(builder, {
    get(target, property) {
      if (property !== 'execute') {
        // the builder's own methods on the builder itself (they read its private fields); a builder they return
        // (setIsolationLevel gives a new one: the claims' READ COMMITTED) retries as this one does
        const value = Reflect.get(target, property) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          return result instanceof TransactionBuilder ? withRetries(result as TransactionBuilder<DB>) : result;
        };
      }
      return async <T>(fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> => {
        for (let attempt = 1; ; attempt++) {
          try {
            return await target.execute(fn);
          } catch (error) {
            if (!isRetryableConflict(error)) throw error;
            if (attempt >= MAX_ATTEMPTS) throw new WriteQueueFullError('conflict');
            await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 8 * attempt));
          }
        }
      };
    },
  });
}

export function openPostgres(url: string, options: { maxConnections?: number } = {}): OpenedPostgres {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    // No parallel workers for the console's queries: each is small (an index range, a few hundred rollup rows), and
    // starting two workers cost ~40 ms on this machine against ~5 ms of work — the stats dashboard's p95 went from
    // 49–80 ms to a few ms without them (docs/performance.md). The server's own setting is left to other clients.
    options: '-c max_parallel_workers_per_gather=0',
  });
  // an idle connection the server closed (a restart, a failover): the pool drops it and opens another when needed;
  // without a listener the event would end the process
  pool.on('error', () => {});
  const db = new SerializableRetries<Database>({
    dialect: new SerializablePostgresDialect({ pool }),
    plugins: [new PostgresDialectPlugin()],
  });
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

/** An advisory lock key of Valore's own (a 64-bit number used nowhere else in the database). */
const COLLATION_LOCK = 7_261_034_511;

/** Applies every pending migration to a PostgreSQL database (first the collation the schema names). */
export async function migratePostgres(db: Kysely<Database>): Promise<string[]> {
  // CREATE … IF NOT EXISTS is not safe against itself: two nodes starting together would both try (one fails on
  // the catalogue's unique index); a transaction-scoped advisory lock puts them one after the other
  await db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${COLLATION_LOCK})`.execute(trx);
    await sql.raw(NOCASE_COLLATION).execute(trx);
  });
  return runToLatest(postgresMigrator(db));
}

/**
 * A PostgreSQL store in the shape the server holds its database in. There is no SQLite connection behind it: code
 * that reaches for one (the demo seed writes through a file of its own; some tests read the file directly) is told
 * so instead of reading another database.
 */
export function postgresStore(url: string): OpenedDatabase {
  const opened = openPostgres(url);
  return {
    db: opened.db,
    close: opened.close,
    // PostgreSQL checkpoints in its own processes
    checkpointer: null,
    get sqlite(): never {
      throw new Error('this store is PostgreSQL (VALORE_DATABASE_URL): there is no SQLite connection');
    },
  };
}
