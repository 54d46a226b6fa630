import type { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';
import { sqliteWorker } from './sqlite-worker';

/**
 * WAL checkpoints off the event loop (issue 15). In WAL mode SQLite copies the log back into the database file (a
 * checkpoint) by itself, inside the COMMIT that takes the log past 1,000 pages: that COMMIT then copies the pages and
 * waits for the database file's fsync — on the main thread, where every request, stream and timer waited with it.
 * Measured in the mixed load at 10,000 operators (docs/performance.md, "5 Dec 2026, at the end: WAL checkpoints"):
 * the slowest bursts of a run came at the same moment of each step, where the log first reached 1,000 pages; with no
 * checkpoint on the main thread those were gone.
 *
 * So the main connection checkpoints nothing (`wal_autocheckpoint = 0`) and a worker thread with a connection of its
 * own runs a PASSIVE checkpoint every `intervalMs`: it copies what every reader has moved past and never waits for a
 * lock, so no write or read of the main thread waits for it. The next write after a complete checkpoint starts the log
 * over, so the log stays at about what `intervalMs` of writes add. Durability is untouched: a write is durable once
 * its COMMIT is in the log (synchronous = FULL), whoever copies it back later.
 *
 * If the thread stops (it should not: an I/O error, or the process out of memory), the main connection checkpoints
 * by itself again, as SQLite does by default, and `onStopped` is told. `:memory:` and the writer thread
 * (VALORE_WRITER=thread, whose own connection checkpoints in its own thread) do not use it.
 *
 * The worker is a plain CommonJS script passed as source, like the writer's (db/sqlite-worker.ts).
 */
const WORKER_SOURCE = String.raw`'use strict';
const { workerData, parentPort } = require('node:worker_threads');
const SQLite = require(workerData.sqlitePath);
const db = new SQLite(workerData.file);
// the checkpoint syncs the log before and the database file after copying, as the main connection's would
db.pragma('synchronous = FULL');
// it reads no pages but those it copies: no cache worth keeping
db.pragma('cache_size = -256');
db.pragma('wal_autocheckpoint = 0');
const checkpoint = () => db.pragma('wal_checkpoint(PASSIVE)')[0];
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message === 'checkpoint') {
    const result = checkpoint();
    parentPort.postMessage({ type: 'checkpointed', log: result.log, checkpointed: result.checkpointed });
  }
  if (message === 'close') {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
`;

/** SQLite's own default: a COMMIT that takes the log past this many pages checkpoints it. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1_000;

export interface CheckpointerOptions {
  /** How often the thread checkpoints (ms). */
  intervalMs: number;
  /** The thread stopped by itself; the main connection checkpoints again. */
  onStopped?: (error: Error) => void;
}

export const DEFAULT_CHECKPOINT_INTERVAL_MS = 1_000;

/** Pages a checkpoint found in the log and copied back (the last one's), for tests and diagnostics. */
export interface CheckpointResult {
  log: number;
  checkpointed: number;
}

export class CheckpointThread {
  readonly #worker: Worker;
  readonly #exited: Promise<void>;
  #closing = false;
  #waiting: ((result: CheckpointResult) => void)[] = [];

  constructor(file: string, main: SQLite.Database, options: CheckpointerOptions) {
    this.#worker = sqliteWorker(
      WORKER_SOURCE,
      file,
      { intervalMs: options.intervalMs },
      // it allocates next to nothing; a small heap keeps the server's memory where it was
      { resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 } },
    );
    // never what keeps a process alive (a script, a test, the server's last moments)
    this.#worker.unref();
    // the main connection leaves checkpoints to the thread from now on
    main.pragma('wal_autocheckpoint = 0');
    this.#worker.on('message', (message: { type: string } & CheckpointResult) => {
      if (message.type !== 'checkpointed') return;
      const waiting = this.#waiting;
      this.#waiting = [];
      for (const resolve of waiting) resolve({ log: message.log, checkpointed: message.checkpointed });
    });
    let failure: Error | null = null;
    this.#worker.on('error', (error) => (failure = error));
    this.#exited = new Promise((resolve) => {
      this.#worker.once('exit', (code) => {
        if (!this.#closing) {
          // stopped by itself: the main connection checkpoints again, as SQLite does by default
          if (main.open) main.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
          options.onStopped?.(failure ?? new Error(`the checkpoint thread stopped (exit code ${code})`));
        }
        resolve();
      });
    });
  }

  /** Checkpoints now, off the main thread, and says what it found (tests; the server never waits for one). */
  checkpointNow(): Promise<CheckpointResult> {
    // the answer is awaited: the thread keeps the process alive until it comes
    this.#worker.ref();
    return new Promise<CheckpointResult>((resolve) => {
      this.#waiting.push(resolve);
      this.#worker.postMessage('checkpoint');
    }).finally(() => {
      if (!this.#closing && this.#waiting.length === 0) this.#worker.unref();
    });
  }

  /** Stops the thread (its connection closed) before the main connection closes: the last one to close checkpoints. */
  async close(): Promise<void> {
    if (!this.#closing) {
      this.#closing = true;
      // held alive until the thread has closed its connection: a script's (or the server's) last act may be this
      // close, and with nothing else left the process would end before the main connection closes after it
      this.#worker.ref();
      this.#worker.postMessage('close');
    }
    await this.#exited;
  }

  /** Stops the thread as if it had failed (tests of the fallback). */
  async kill(): Promise<void> {
    await this.#worker.terminate();
    await this.#exited;
  }
}
