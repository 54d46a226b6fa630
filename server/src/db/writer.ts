import { deserialize, serialize } from 'node:v8';
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import type { QueryResult } from 'kysely';
import { CACHE_KIB } from './cache';
import { sqliteWorker } from './sqlite-worker';

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
 * Requests and answers travel through shared memory, not messages: the main thread writes the statement
 * (v8-serialised) into a shared box and bumps a shared counter; the worker, which does nothing else, sleeps on that
 * counter (`Atomics.wait`), runs the statement, writes the answer into the other box and bumps the "done" counter.
 * A message cost ~60–100 µs a statement here (two event-loop wake-ups and copies); this costs two thread wake-ups.
 * A statement inside a transaction (not the COMMIT) is usually answered in tens of microseconds, so the main thread
 * waits for it blocked (`Atomics.wait`), bounded (`syncWaitMs`, and `sliceMs` per turn of the event loop): a unit
 * of work then does not pay a turn of a busy event loop per statement. Past the bound, and always for a COMMIT or a
 * write outside a transaction (both fsync), it awaits the answer (`Atomics.waitAsync`): the main thread never waits
 * for the disk. Anything too big for a box (a large read) goes as a message on a port, read synchronously.
 */
const WORKER_SOURCE = String.raw`'use strict';
const { workerData } = require('node:worker_threads');
const v8 = require('node:v8');
const SQLite = require(workerData.sqlitePath);
const db = new SQLite(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');
db.pragma('cache_size = -${CACHE_KIB}');
db.pragma('temp_store = MEMORY');
const control = new Int32Array(workerData.control);
const requestBox = new Uint8Array(workerData.requests);
const replyBox = new Uint8Array(workerData.replies);
const REQUEST = 0, DONE = 1, REQUEST_LENGTH = 2, REPLY_LENGTH = 3;
const overflow = workerData.overflow;
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
function readRequest() {
  const length = Atomics.load(control, REQUEST_LENGTH);
  if (length >= 0) return v8.deserialize(requestBox.subarray(0, length));
  // too big for the shared box: it came as a message
  const { receiveMessageOnPort } = require('node:worker_threads');
  return receiveMessageOnPort(overflow).message;
}
function writeReply(reply) {
  const bytes = v8.serialize(reply);
  if (bytes.length <= replyBox.length) {
    replyBox.set(bytes);
    Atomics.store(control, REPLY_LENGTH, bytes.length);
  } else {
    overflow.postMessage(reply);
    Atomics.store(control, REPLY_LENGTH, -1);
  }
}
let seen = 0;
const SPIN_NS = BigInt(workerData.spinMicros) * 1000n;
for (;;) {
  // the worker does nothing else: it waits on the request counter, runs what comes, and answers in shared memory.
  // Inside a transaction the next statement follows within microseconds: look for it a moment before sleeping
  // (a thread's wake-up costs ~50 µs on this kind of VM).
  if (SPIN_NS > 0n && Atomics.load(control, REQUEST) === seen) {
    const until = process.hrtime.bigint() + SPIN_NS;
    while (Atomics.load(control, REQUEST) === seen && process.hrtime.bigint() < until);
  }
  Atomics.wait(control, REQUEST, seen);
  seen = Atomics.load(control, REQUEST);
  const request = readRequest();
  if (request.close) {
    db.close();
    Atomics.store(control, DONE, seen);
    Atomics.notify(control, DONE);
    break;
  }
  let reply;
  try {
    reply = { ok: true, ...run(request) };
  } catch (error) {
    reply = {
      ok: false,
      name: error && error.name ? String(error.name) : 'Error',
      message: error && error.message ? String(error.message) : String(error),
      code: error && typeof error.code === 'string' ? error.code : undefined,
    };
  }
  writeReply(reply);
  Atomics.store(control, DONE, seen);
  Atomics.notify(control, DONE);
}
`;

type Reply =
  | { ok: true; reader: boolean; rows: unknown[]; changes?: number; lastInsertRowid?: number | bigint }
  | { ok: false; name: string; message: string; code: string | undefined };

export interface WriterOptions {
  /**
   * How long the main thread may wait, blocked, for the answer to a statement inside a transaction (not a COMMIT)
   * before it awaits the answer instead. 0: never block.
   */
  syncWaitMs: number;
  /**
   * At most this long (ms) of one turn of the event loop is spent waiting blocked for the writer (a batch of units
   * waits statement after statement); past it the next statement is awaited, so timers, streams and other requests
   * get their turn before the batch goes on.
   */
  sliceMs: number;
  /** How long either side looks for the other's next word before sleeping (µs; 0: sleep at once). */
  spinMicros: number;
}

export const DEFAULT_WRITER_OPTIONS: WriterOptions = { syncWaitMs: 1, sliceMs: 5, spinMicros: 200 };

/** How a statement is sent: inside a transaction the writer holds for this caller, or alone (it commits itself). */
export interface WriteRequest {
  sql: string;
  params: readonly unknown[];
  /** A statement outside any transaction: it commits (fsyncs) on its own, so it is never waited for blocked. */
  standalone: boolean;
  /** A COMMIT: it fsyncs, so it is never waited for blocked. */
  commits?: boolean;
}

// the control words shared with the worker
const REQUEST = 0; // sequence number of the last request (main → worker)
const DONE = 1; // sequence number of the last request answered (worker → main)
const REQUEST_LENGTH = 2; // bytes of the request in the request box, or -1: sent as a message
const REPLY_LENGTH = 3; // bytes of the reply in the reply box, or -1: sent as a message
/** Requests and replies up to this size travel in shared memory; bigger ones (rare: a large read) as messages. */
const BOX_BYTES = 1 << 20;

export class WriterThread {
  readonly #worker: Worker;
  readonly #overflow: MessagePort;
  readonly #control: Int32Array;
  readonly #requestBox: Uint8Array;
  readonly #replyBox: Uint8Array;
  readonly #exited: Promise<void>;
  readonly #options: WriterOptions;
  #seq = 0;
  /** Statements being awaited: while there are any, the thread keeps the process alive (a script's last write). */
  #awaiting = 0;
  #failed: Error | null = null;
  #closed: Promise<void> | null = null;
  /** performance.now() when this turn of the event loop first waited blocked for the writer; 0: not yet. */
  #turnStarted = 0;

  constructor(file: string, options: WriterOptions = DEFAULT_WRITER_OPTIONS) {
    this.#options = options;
    const control = new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT);
    const requests = new SharedArrayBuffer(BOX_BYTES);
    const replies = new SharedArrayBuffer(BOX_BYTES);
    this.#control = new Int32Array(control);
    this.#requestBox = new Uint8Array(requests);
    this.#replyBox = new Uint8Array(replies);
    const { port1, port2 } = new MessageChannel();
    this.#worker = sqliteWorker(
      WORKER_SOURCE,
      file,
      { control, requests, replies, overflow: port2, spinMicros: options.spinMicros },
      { transferList: [port2] },
    );
    this.#overflow = port1;
    // the thread never keeps the process alive by itself; a statement waiting for its answer does (waitAsync)
    this.#worker.unref();
    this.#exited = new Promise((resolve) => {
      this.#worker.once('exit', (code) => {
        this.#fail(new Error(`the writer thread stopped (exit code ${code})`));
        resolve();
      });
    });
    this.#worker.on('error', (error) => this.#fail(error));
  }

  /**
   * Runs one statement on the write connection; settles once the writer has run it (a COMMIT: once it is durable).
   * Callers send one statement at a time (the write lock, writer-dialect.ts), each after the previous one's answer.
   */
  execute(request: WriteRequest): Promise<QueryResult<unknown>> {
    if (this.#failed) return Promise.reject(this.#failed);
    const seq = (this.#seq = (this.#seq + 1) | 0);
    this.#send(seq, { sql: request.sql, params: request.params, standalone: request.standalone });
    const mayBlock = !request.standalone && !request.commits && this.#options.syncWaitMs > 0 && this.#mayBlock();
    if (mayBlock && this.#waitBlocked(seq, this.#options.syncWaitMs)) {
      // a failed statement (toResult throws the rebuilt SQLite error) rejects the promise
      return new Promise((resolve) => resolve(toResult(this.#takeReply())));
    }
    if (this.#awaiting++ === 0) this.#worker.ref();
    return this.#waitAsync(seq)
      .finally(() => {
        if (--this.#awaiting === 0 && !this.#closed) this.#worker.unref();
      })
      .then(() => toResult(this.#takeReply()));
  }

  /** Closes the write connection (after every statement already sent) and waits for the thread to end. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      // held alive until the thread has closed the file: a script's last act may be this close
      this.#worker.ref();
      if (!this.#failed) this.#send((this.#seq = (this.#seq + 1) | 0), { close: true });
      await this.#exited;
      this.#overflow.close();
    })();
    return this.#closed;
  }

  #send(seq: number, message: unknown): void {
    const bytes = serialize(message);
    if (bytes.length <= this.#requestBox.length) {
      this.#requestBox.set(bytes);
      Atomics.store(this.#control, REQUEST_LENGTH, bytes.length);
    } else {
      this.#overflow.postMessage(message);
      Atomics.store(this.#control, REQUEST_LENGTH, -1);
    }
    Atomics.store(this.#control, REQUEST, seq);
    Atomics.notify(this.#control, REQUEST);
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

  /** Blocks for at most `ms` until the writer has answered `seq`; false when it has not (it is then awaited). */
  #waitBlocked(seq: number, ms: number): boolean {
    const deadline = performance.now() + ms;
    // most answers come within the spin: no sleep, no wake-up
    const spinUntil = performance.now() + this.#options.spinMicros / 1000;
    while (Atomics.load(this.#control, DONE) !== seq && performance.now() < spinUntil);
    for (;;) {
      const seen = Atomics.load(this.#control, DONE);
      if (seen === seq) return true;
      const left = deadline - performance.now();
      if (left <= 0) return false;
      Atomics.wait(this.#control, DONE, seen, left);
    }
  }

  /** Resolves once the writer has answered `seq` (or rejects if the thread is gone); the event loop runs meanwhile. */
  async #waitAsync(seq: number): Promise<void> {
    for (;;) {
      if (this.#failed) throw this.#failed;
      const seen = Atomics.load(this.#control, DONE);
      if (seen === seq) return;
      // bounded, so a writer that died (no notify will come) is noticed through #failed
      const { async, value } = Atomics.waitAsync(this.#control, DONE, seen, 1_000);
      if (async) await value;
    }
  }

  #takeReply(): Reply {
    const length = Atomics.load(this.#control, REPLY_LENGTH);
    if (length >= 0) return deserialize(this.#replyBox.subarray(0, length)) as Reply;
    const got = receiveMessageOnPort(this.#overflow);
    if (!got) throw new Error('writer: the answer did not arrive');
    return got.message as Reply;
  }

  #fail(error: Error): void {
    this.#failed ??= error;
  }
}

/** The same shapes as Kysely's own SQLite connection gives; a failure as the error better-sqlite3 would throw. */
function toResult(reply: Reply): QueryResult<unknown> {
  if (!reply.ok) throw rebuildError(reply);
  if (reply.reader) return { rows: reply.rows };
  return {
    numAffectedRows: reply.changes === undefined ? undefined : BigInt(reply.changes),
    insertId: reply.lastInsertRowid === undefined ? undefined : BigInt(reply.lastInsertRowid),
    rows: [],
  };
}

/** The error as the caller would have had it from better-sqlite3 in-process (callers test `code`, e.g. a unique key). */
function rebuildError(reply: Extract<Reply, { ok: false }>): Error {
  if (reply.code !== undefined) return new SQLite.SqliteError(reply.message, reply.code);
  const error = reply.name === 'TypeError' ? new TypeError(reply.message) : new Error(reply.message);
  if (error.name !== reply.name) error.name = reply.name;
  return error;
}
