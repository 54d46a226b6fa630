import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { CACHE_KIB } from './cache';
import { CheckpointThread, DEFAULT_CHECKPOINT_INTERVAL_MS } from './checkpointer';
import type { Database } from './database';
import { DEFAULT_WRITER_OPTIONS, WriterThread, type WriterOptions } from './writer';
import { WriterDialect } from './writer-dialect';

export interface OpenedDatabase {
  db: Kysely<Database>;
  sqlite: SQLite.Database;
  /** The thread that checkpoints the WAL (`checkpoints: 'thread'`), or null: the connection checkpoints itself. */
  checkpointer: CheckpointThread | null;
  close: () => Promise<void>;
}

export interface OpenOptions {
  /**
   * Where writes run. `inline` (the default): on this connection, in this thread, as Kysely's SQLite driver does.
   * `thread`: in a writer thread that owns the only write connection (db/writer.ts); this connection then only reads
   * (and takes the direct better-sqlite3 writes of seeding and tests: `sqlite` below). The server takes it from
   * VALORE_WRITER. `:memory:` is always inline: a second connection would see another, empty database.
   */
  writer?: 'inline' | 'thread';
  /** With `thread`: how long the main thread may wait blocked for the writer (never for a COMMIT). */
  writerOptions?: Partial<WriterOptions>;
  /**
   * Who copies the WAL back into the database file. `inline` (the default): this connection, inside the COMMIT that
   * takes the log past 1,000 pages, as SQLite does. `thread`: a thread of its own, every `checkpointIntervalMs`, so
   * no COMMIT of the main thread does it (db/checkpointer.ts); the server takes it from VALORE_CHECKPOINTS. Ignored
   * for `:memory:` and with the writer thread (whose connection checkpoints in its own thread).
   */
  checkpoints?: 'inline' | 'thread';
  checkpointIntervalMs?: number;
  /** The checkpoint thread stopped by itself (the connection checkpoints again): for the log. */
  onCheckpointerStopped?: (error: Error) => void;
}

/**
 * Opens the SQLite file with the settings every writer relies on: WAL for concurrent readers,
 * synchronous=FULL so an acknowledged write survives power loss, foreign keys on, and a busy timeout
 * so a second process (a benchmark, a CLI import) waits instead of failing.
 */
export function openDatabase(file: string, options: OpenOptions = {}): OpenedDatabase {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma(`cache_size = -${CACHE_KIB}`);
  sqlite.pragma('temp_store = MEMORY');
  const cached = withStatementCache(sqlite);
  const writer =
    options.writer === 'thread' && file !== ':memory:'
      ? new WriterThread(file, { ...DEFAULT_WRITER_OPTIONS, ...options.writerOptions })
      : null;
  const checkpointer =
    options.checkpoints === 'thread' && !writer && file !== ':memory:'
      ? new CheckpointThread(file, sqlite, {
          intervalMs: options.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS,
          onStopped: options.onCheckpointerStopped,
        })
      : null;
  const dialect = writer ? new WriterDialect(cached, writer) : new SqliteDialect({ database: cached });
  const db = new Kysely<Database>({ dialect });
  return {
    db,
    sqlite,
    checkpointer,
    close: async () => {
      // the thread's connection first: the main one, closing last, checkpoints what is left and removes the log
      await checkpointer?.close();
      await db.destroy();
      // Kysely destroys its driver only if a query ever ran; the connection and the thread must end either way
      if (sqlite.open) sqlite.close();
      await writer?.close();
    },
  };
}

/**
 * Kysely prepares every statement again on each run; preparing costs about a third of a short write here.
 * The dialect gets a view of the connection whose `prepare` reuses statements by SQL text (bounded, least
 * recently used out). A statement still busy (an open iterator) is never handed out twice.
 */
function withStatementCache(sqlite: SQLite.Database, max = 512): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = (source: string): SQLite.Statement => {
    const cached = cache.get(source);
    if (cached && !cached.busy) {
      cache.delete(source);
      cache.set(source, cached);
      return cached;
    }
    const statement = sqlite.prepare(source);
    cache.set(source, statement);
    if (cache.size > max) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    return statement;
  };
  return new Proxy(sqlite, {
    get(target, property, receiver) {
      if (property === 'prepare') return prepare;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
