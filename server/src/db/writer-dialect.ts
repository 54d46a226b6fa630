import type SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  SqliteDialect,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type { WriterThread } from './writer';

/**
 * Kysely over two connections to one SQLite file: reads on the main thread's connection, writes in the writer
 * thread (writer.ts). Services do not change: `db.transaction()`, `groupCommit` and single statements work as before.
 *
 * - A transaction (group commits included) runs wholly in the writer, its reads too (they see its own writes), from
 *   BEGIN to COMMIT. It holds the write lock below meanwhile, so nothing else reaches the write connection; its
 *   promise settles after COMMIT has returned in the writer, i.e. once it is durable (synchronous=FULL there).
 * - A statement outside a transaction runs on the main connection when SQLite says it cannot write
 *   (`sqlite3_stmt_readonly`, better-sqlite3's `statement.readonly`); any other (INSERT, UPDATE, DDL, PRAGMA,
 *   transaction control…) is sent to the writer, alone, under the write lock, and commits there.
 *
 * Reads no longer wait behind a transaction (Kysely's SQLite driver let one query or transaction at a time use its
 * single connection): under WAL a read sees the last committed state, never a unit's uncommitted writes.
 */
export class WriterDialect extends SqliteDialect {
  readonly #read: SQLite.Database;
  readonly #writer: WriterThread;

  constructor(read: SQLite.Database, writer: WriterThread) {
    super({ database: read });
    this.#read = read;
    this.#writer = writer;
  }

  override createDriver(): Driver {
    return new WriterDriver(this.#read, this.#writer);
  }
}

/** Statements that must reach the write connection even when SQLite calls them read-only. */
const WRITER_ONLY = /^\s*(pragma|begin|commit|end|rollback|savepoint|release|attach|detach|vacuum|analyze)\b/i;

class WriteLock {
  #tail: Promise<void> = Promise.resolve();

  /** Waits for every earlier holder (first come, first served); resolves to the release. */
  acquire(): Promise<() => void> {
    const previous = this.#tail;
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    this.#tail = previous.then(() => held);
    return previous.then(() => release);
  }
}

class WriterDriver implements Driver {
  readonly #read: SQLite.Database;
  readonly #writer: WriterThread;
  readonly #lock = new WriteLock();

  constructor(read: SQLite.Database, writer: WriterThread) {
    this.#read = read;
    this.#writer = writer;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new RoutedConnection(this.#read, this.#writer, this.#lock);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    if (settings.isolationLevel || settings.accessMode) {
      throw new Error('SQLite transactions take no isolation level or access mode');
    }
    await routed(connection).begin();
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await routed(connection).commit();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await routed(connection).rollback();
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoted(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to ${quoted(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release ${quoted(name)}`));
  }

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {
    // the main connection first: the writer's, closing last, then checkpoints the WAL in its own thread
    this.#read.close();
    await this.#writer.close();
  }
}

function quoted(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function routed(connection: DatabaseConnection): RoutedConnection {
  if (!(connection instanceof RoutedConnection)) throw new Error('writer dialect: not one of its connections');
  return connection;
}

class RoutedConnection implements DatabaseConnection {
  readonly #read: SQLite.Database;
  readonly #writer: WriterThread;
  readonly #lock: WriteLock;
  /** Set while this connection's transaction holds the write connection. */
  #release: (() => void) | null = null;

  constructor(read: SQLite.Database, writer: WriterThread, lock: WriteLock) {
    this.#read = read;
    this.#writer = writer;
    this.#lock = lock;
  }

  async begin(): Promise<void> {
    const release = await this.#lock.acquire();
    try {
      await this.#writer.execute({ sql: 'begin', params: [], standalone: false });
    } catch (error) {
      release(); // no transaction was opened: Kysely does not roll back one that did not begin
      throw error;
    }
    this.#release = release;
  }

  async commit(): Promise<void> {
    // on failure the lock stays held: Kysely rolls back next, and that releases it
    await this.#writer.execute({ sql: 'commit', params: [], standalone: false, commits: true });
    this.#end();
  }

  async rollback(): Promise<void> {
    // only the holder may roll back: the write connection may be in another caller's transaction otherwise
    if (!this.#release) return;
    try {
      await this.#writer.execute({ sql: 'rollback', params: [], standalone: false });
    } finally {
      this.#end();
    }
  }

  #end(): void {
    const release = this.#release;
    this.#release = null;
    release?.();
  }

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const { sql, parameters } = compiled;
    if (this.#release) {
      return this.#writer.execute({ sql, params: parameters, standalone: false }) as Promise<QueryResult<R>>;
    }
    const statement = this.#readOnly(sql);
    if (!statement) return this.#writeAlone(sql, parameters);
    // what Kysely's SQLite connection does, on the main thread's connection
    if (statement.reader) return Promise.resolve({ rows: statement.all(parameters) as R[] });
    const { changes, lastInsertRowid } = statement.run(parameters);
    return Promise.resolve({ numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] });
  }

  /** Not used by the services; rows are read whole and handed out one by one (an open iterator would hold the connection). */
  async *streamQuery<R>(compiled: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const { rows } = await this.executeQuery<R>(compiled);
    for (const row of rows) yield { rows: [row] };
  }

  /** The statement prepared on the main connection if it cannot write, else null (the writer runs it). */
  #readOnly(sql: string): SQLite.Statement | null {
    if (WRITER_ONLY.test(sql)) return null;
    try {
      const statement = this.#read.prepare(sql);
      return statement.readonly ? statement : null;
    } catch {
      return null; // the writer prepares it again and reports the error as it would have been
    }
  }

  async #writeAlone<R>(sql: string, parameters: readonly unknown[]): Promise<QueryResult<R>> {
    const release = await this.#lock.acquire();
    try {
      return (await this.#writer.execute({ sql, params: parameters, standalone: true })) as QueryResult<R>;
    } finally {
      release();
    }
  }
}
