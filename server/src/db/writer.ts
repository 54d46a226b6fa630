import { createRequire } from 'node:module';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import type { QueryResult } from 'kysely';

/**
 * The writer thread: one `worker_threads` worker owns the database's only write connection, and every write runs
 * there, statement by statement, COMMIT included. Why: better-sqlite3 is synchronous and with synchronous=FULL each
 * COMMIT waits for the disk (fsync); on the main thread every request, stream and timer waited with it, and the p99
 * followed the disk's worst moment (issue 15). Here the fsync blocks only this thread; the main thread reads on its
 * own connection (WAL: readers never wait for the writer) and awaits the writer's answers.
 *
 * The worker is a plain CommonJS script passed as source (`eval`), not a file: the same code then runs from the
 * sources (vitest, tsx) and from the esbuild bundle npm start runs, with no second entry point to build or find. It
 * loads better-sqlite3 from the path the main thread resolved. It is kept small: open, set the same pragmas as
 * openDatabase, run each statement it is sent, in order, and answer.
 *
 * Answers come back on a MessagePort. A statement inside a transaction (not the COMMIT) is usually answered in tens
 * of microseconds, so the main thread waits for it on a shared counter (`Atomics.wait`), bounded (`syncWaitMs`), and
 * takes the answer synchronously (`receiveMessageOnPort`): a unit of work then does not pay a turn of a busy event
 * loop per statement. Past the bound, and always for a COMMIT or a write outside a transaction (both fsync), it gets
 * the answer as an ordinary message: the main thread never waits for the disk.
 */
const WORKER_SOURCE = String.raw`'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.sqlitePath);
const db = new SQLite(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');
db.pragma('cache_size = -65536');
db.pragma('temp_store = MEMORY');
const done = new Int32Array(workerData.done);
const replies = workerData.replies;
const cache = new Map();
function prepare(sql) {
  const cached = cache.get(sql);
  if (cached) {
    cache.delete(sql);
    cache.set(sql, cached);
    return cached;
  }
  const statement = db.prepare(sql);
  cache.set(sql, statement);
  if (cache.size > 512) cache.delete(cache.keys().next().value);
  return statement;
}
function run(request) {
  if (request.standalone && db.inTransaction) {
    throw new Error('writer: a write outside any transaction arrived while a transaction is open');
  }
  const statement = prepare(request.sql);
  if (statement.reader) return { reader: true, rows: statement.all(request.params) };
  const result = statement.run(request.params);
  return { reader: false, rows: [], changes: result.changes, lastInsertRowid: result.lastInsertRowid };
}
parentPort.on('message', (request) => {
  if (request.close) {
    db.close();
    process.exit(0);
  }
  let reply;
  try {
    reply = { seq: request.seq, ok: true, ...run(request) };
  } catch (error) {
    reply = {
      seq: request.seq,
      ok: false,
      name: error && error.name ? String(error.name) : 'Error',
      message: error && error.message ? String(error.message) : String(error),
      code: error && typeof error.code === 'string' ? error.code : undefined,
    };
  }
  replies.postMessage(reply);
  Atomics.store(done, 0, request.seq);
  Atomics.notify(done, 0);
});
`;

type Reply =
  | {
      seq: number;
      ok: true;
      reader: boolean;
      rows: unknown[];
      changes?: number;
      lastInsertRowid?: number | bigint;
    }
  | { seq: number; ok: false; name: string; message: string; code: string | undefined };

interface Pending {
  resolve: (result: QueryResult<unknown>) => void;
  reject: (error: unknown) => void;
}

export interface WriterOptions {
  /**
   * How long the main thread may wait, blocked, for the answer to a statement inside a transaction (not a COMMIT)
   * before it takes the answer as a message instead. 0: never block.
   */
  syncWaitMs: number;
  /**
   * At most this long (ms) of one turn of the event loop is spent waiting blocked for the writer (a batch of units
   * waits statement after statement); past it the next statement is awaited as a message, so timers, streams and
   * other requests get their turn before the batch goes on.
   */
  sliceMs: number;
}

export const DEFAULT_WRITER_OPTIONS: WriterOptions = { syncWaitMs: 1, sliceMs: 5 };

/** How a statement is sent: inside a transaction the writer holds for this caller, or alone (it commits itself). */
export interface WriteRequest {
  sql: string;
  params: readonly unknown[];
  /** A statement outside any transaction: it commits (fsyncs) on its own, so it is never waited for blocked. */
  standalone: boolean;
  /** A COMMIT: it fsyncs, so it is never waited for blocked. */
  commits?: boolean;
}

export class WriterThread {
  readonly #worker: Worker;
  readonly #replies: MessagePort;
  readonly #done: Int32Array;
  readonly #pending = new Map<number, Pending>();
  readonly #exited: Promise<void>;
  readonly #options: WriterOptions;
  #seq = 0;
  #failed: Error | null = null;
  #closed: Promise<void> | null = null;
  /** performance.now() when this turn of the event loop first waited blocked for the writer; 0: not yet. */
  #turnStarted = 0;

  constructor(file: string, options: WriterOptions = DEFAULT_WRITER_OPTIONS) {
    this.#options = options;
    const shared = new SharedArrayBuffer(4);
    this.#done = new Int32Array(shared);
    const { port1, port2 } = new MessageChannel();
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // a plain script: none of the parent's loaders (tsx, vitest) are needed, nor worth their start-up
      execArgv: [],
      workerData: {
        file,
        sqlitePath: createRequire(import.meta.url).resolve('better-sqlite3'),
        done: shared,
        replies: port2,
      },
      transferList: [port2],
    });
    this.#replies = port1;
    port1.on('message', (reply: Reply) => this.#deliver(reply));
    // neither the thread nor its port keeps the process alive when idle; a statement waiting for its answer does
    // (the port is ref'd while anything is pending), so a script's last write is not cut off
    port1.unref();
    this.#worker.unref();
    this.#exited = new Promise((resolve) => {
      this.#worker.once('exit', (code) => {
        this.#fail(new Error(`the writer thread stopped (exit code ${code})`));
        resolve();
      });
    });
    this.#worker.on('error', (error) => this.#fail(error));
  }

  /** Runs one statement on the write connection; settles once the writer has run it (a COMMIT: once it is durable). */
  execute(request: WriteRequest): Promise<QueryResult<unknown>> {
    if (this.#failed) return Promise.reject(this.#failed);
    this.#seq = (this.#seq + 1) | 0;
    const seq = this.#seq;
    const answered = new Promise<QueryResult<unknown>>((resolve, reject) => {
      this.#pending.set(seq, { resolve, reject });
    });
    if (this.#pending.size === 1) this.#replies.ref();
    this.#worker.postMessage({ seq, sql: request.sql, params: request.params, standalone: request.standalone });
    if (!request.standalone && !request.commits && this.#options.syncWaitMs > 0 && this.#mayBlock()) {
      this.#waitFor(seq, this.#options.syncWaitMs);
    }
    return answered;
  }

  /** Closes the write connection (after every statement already sent) and waits for the thread to end. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      // held alive until the thread has closed the file: a script's last act may be this close
      this.#worker.ref();
      if (!this.#failed) this.#worker.postMessage({ close: true });
      await this.#exited;
      this.#replies.close();
    })();
    return this.#closed;
  }

  /** Whether this turn of the event loop may still wait blocked for the writer (its `sliceMs` not used up). */
  #mayBlock(): boolean {
    const now = performance.now();
    if (this.#turnStarted === 0) {
      this.#turnStarted = now;
      setImmediate(() => (this.#turnStarted = 0));
      return true;
    }
    return now - this.#turnStarted < this.#options.sliceMs;
  }

  /**
   * Blocks for at most `ms` until the writer has answered `seq`, then takes the answer off the port. Only one
   * statement is ever in the writer at a time (callers hold the write lock, writer-dialect.ts), so `seq` is the
   * last one sent and the counter reaches exactly it.
   */
  #waitFor(seq: number, ms: number): void {
    const deadline = performance.now() + ms;
    for (;;) {
      const seen = Atomics.load(this.#done, 0);
      if (seen === seq) break;
      const left = deadline - performance.now();
      if (left <= 0) return; // slow this time: the answer comes as a message
      Atomics.wait(this.#done, 0, seen, left);
    }
    for (let got = receiveMessageOnPort(this.#replies); got; got = receiveMessageOnPort(this.#replies)) {
      this.#deliver(got.message as Reply);
      if (!this.#pending.has(seq)) return;
    }
  }

  #deliver(reply: Reply): void {
    const pending = this.#pending.get(reply.seq);
    if (!pending) return;
    this.#pending.delete(reply.seq);
    if (this.#pending.size === 0) this.#replies.unref();
    if (!reply.ok) {
      pending.reject(rebuildError(reply));
      return;
    }
    // the same shapes as Kysely's own SQLite connection gives
    if (reply.reader) {
      pending.resolve({ rows: reply.rows });
      return;
    }
    pending.resolve({
      numAffectedRows: reply.changes === undefined ? undefined : BigInt(reply.changes),
      insertId: reply.lastInsertRowid === undefined ? undefined : BigInt(reply.lastInsertRowid),
      rows: [],
    });
  }

  #fail(error: Error): void {
    this.#failed ??= error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
    this.#replies.unref();
  }
}

/** The error as the caller would have had it from better-sqlite3 in-process (callers test `code`, e.g. a unique key). */
function rebuildError(reply: Extract<Reply, { ok: false }>): Error {
  if (reply.code !== undefined) return new SQLite.SqliteError(reply.message, reply.code);
  const error = reply.name === 'TypeError' ? new TypeError(reply.message) : new Error(reply.message);
  if (error.name !== reply.name) error.name = reply.name;
  return error;
}
