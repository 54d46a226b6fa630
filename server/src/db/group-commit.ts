import { CompiledQuery } from 'kysely';
import { isPostgres } from './postgres-dialect';
import { DomainError } from '../errors';
import type { DB, Executor } from './database';

/**
 * Group commit: write units that arrive while a transaction is committing wait for it, then run together in the
 * next transaction, each inside its own SAVEPOINT, and share one COMMIT (one fsync under synchronous=FULL).
 *
 * Why: with synchronous=FULL every commit waits for the disk, and the single connection serialises transactions,
 * so under concurrent requests the fsync, not the work, bounded the throughput of claims and completions. Each unit
 * keeps its own outcome: a unit that throws is rolled back to its savepoint (its writes vanish, the others stay) and
 * its caller gets the error; a unit's promise settles only after the COMMIT that made it durable, so nothing is
 * acknowledged before it is on disk. Units run one after another, in arrival order, never interleaved.
 * A unit must use only the executor it is given (like any code inside a transaction here).
 *
 * Where it runs: the units' code runs here, on the main thread; with the writer thread (db/writer.ts, VALORE_WRITER=thread)
 * the batch's transaction, every statement of it and its COMMIT run on the writer's connection, so the
 * fsync holds that thread, not the event loop, and new units gather for the next batch meanwhile.
 */
interface Unit {
  run: (trx: Executor) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** performance.now() when it joined the queue */
  since: number;
  /** PostgreSQL: the unit's isolation when not the store's SERIALIZABLE (db/postgres.ts) */
  isolation?: 'read committed';
}

export interface GroupCommitOptions {
  /**
   * A unit written for READ COMMITTED on PostgreSQL: claims, whose heads are read SKIP LOCKED and taken by a
   * conditional update (`… AND status = 'pending'`), so concurrent claimers pass each other instead of failing each
   * other's SERIALIZABLE transactions. SQLite has one writer and ignores it.
   */
  isolation?: 'read committed';
  /**
   * PostgreSQL: the unit runs at once in a transaction of its own beside the queue, not behind the node's other
   * writes — for a small unit on its caller's own rows that others are waiting to see: an operator's status change,
   * which under a drain had waited behind every claim and completion of its node before a board could show it
   * (up to ~1 s, issue 21). The database runs it beside the others (a conflict is run again, db/postgres.ts); the
   * pool's size bounds how many. SQLite ignores it (one writer: the unit joins the shared commit as before).
   */
  besideQueue?: boolean;
}

/**
 * Backpressure: how many units may wait for a commit, and for how long. With a slow disk every commit takes long and
 * an unbounded queue turned that into requests waiting 11 s (issue 15); past these bounds a write is refused at once
 * (or, past the wait, before it runs), nothing of it written, and the caller is told to come back (503, Retry-After).
 */
export interface GroupCommitLimits {
  /** Units waiting for their transaction (not counting the batch being committed); the next one is refused. */
  maxWaiting: number;
  /** A unit that waited this long before its batch began is refused instead of run (0: no limit). */
  maxWaitMs: number;
}

export const DEFAULT_GROUP_COMMIT_LIMITS: GroupCommitLimits = { maxWaiting: 1_000, maxWaitMs: 10_000 };

/** Seconds a refused writer is asked to wait (Retry-After): about what a backed-up queue needs to drain. */
const RETRY_AFTER_MS = 1_000;

/** A write refused because the write queue is full (or waited past its bound): nothing was written; retry later. */
export class WriteQueueFullError extends DomainError {
  readonly retryAfterMs = RETRY_AFTER_MS;
  constructor(reason: 'full' | 'waited' | 'conflict') {
    super(
      'SERVICE_UNAVAILABLE',
      'SERVER_BUSY',
      reason === 'full'
        ? 'The server is busy writing: nothing was saved. Try again in a moment.'
        : reason === 'waited'
          ? 'The server is busy writing and this request waited too long: nothing was saved. Try again in a moment.'
          : // PostgreSQL: the write kept meeting others changing the same rows (db/postgres.ts)
            'Others are changing the same records right now: nothing was saved. Try again in a moment.',
    );
  }
}

interface Queue {
  pending: Unit[];
  running: boolean;
  limits: GroupCommitLimits;
}

/** Bounds one shared transaction, so a burst does not hold the connection (and every reader) for long. */
const MAX_UNITS = 64;
const queues = new WeakMap<DB, Queue>();
// fixed statements, compiled once (two of them run around every unit of a shared transaction)
const SAVEPOINT = CompiledQuery.raw('SAVEPOINT unit');
const RELEASE = CompiledQuery.raw('RELEASE unit');
const ROLLBACK_TO = CompiledQuery.raw('ROLLBACK TO unit');

function queueOf(db: DB): Queue {
  let queue = queues.get(db);
  if (!queue) {
    queue = { pending: [], running: false, limits: DEFAULT_GROUP_COMMIT_LIMITS };
    queues.set(db, queue);
  }
  return queue;
}

/** Sets the bounds of this database's write queue (server start-up: VALORE_WRITE_QUEUE_MAX, VALORE_WRITE_WAIT_MAX_MS). */
export function configureGroupCommit(db: DB, limits: Partial<GroupCommitLimits>): void {
  const queue = queueOf(db);
  queue.limits = { ...queue.limits, ...limits };
}

export function groupCommit<T>(
  db: DB,
  run: (trx: Executor) => Promise<T>,
  options: GroupCommitOptions = {},
): Promise<T> {
  if (options.besideQueue && isPostgres(db)) {
    const transaction = options.isolation ? db.transaction().setIsolationLevel(options.isolation) : db.transaction();
    return transaction.execute(run);
  }
  const q = queueOf(db);
  // refused before it is queued, so it never holds a place nor waits: the caller hears at once
  if (q.pending.length >= q.limits.maxWaiting) return Promise.reject(new WriteQueueFullError('full'));
  return new Promise<T>((resolve, reject) => {
    q.pending.push({
      run,
      resolve: resolve as (value: unknown) => void,
      reject,
      since: performance.now(),
      isolation: options.isolation,
    });
    if (!q.running) {
      q.running = true;
      // Start two turns of the event loop later, so the requests read in this turn join the same commit. A tRPC
      // request can reach its procedure a turn after its headers (its body is read as a stream); with one turn,
      // 50 concurrent work.next callers made batches of ~30 on average, with two ~42, so fewer commits (each
      // fsync holds the event loop) and ~10% more claims per second. Two turns cost microseconds when idle.
      setImmediate(() => setImmediate(() => void drain(db, q)));
    }
  });
}

/** The next units to run together; those that waited past the bound are refused instead (they never ran). */
function takeBatch(q: Queue, maxUnits: number): Unit[] {
  const batch = q.pending.splice(0, maxUnits);
  if (q.limits.maxWaitMs <= 0) return batch;
  const oldest = performance.now() - q.limits.maxWaitMs;
  const late = batch.filter((unit) => unit.since < oldest);
  late.forEach((unit) => unit.reject(new WriteQueueFullError('waited')));
  return late.length ? batch.filter((unit) => unit.since >= oldest) : batch;
}

async function drain(db: DB, q: Queue): Promise<void> {
  try {
    while (q.pending.length > 0) {
      // On PostgreSQL each unit is a transaction of its own: a unit that loses a serialization conflict is run again
      // alone (db/postgres.ts) instead of failing with its batch, and the server groups the commits' flushes itself
      const batch = takeBatch(q, isPostgres(db) ? 1 : MAX_UNITS);
      if (batch.length === 0) continue;
      const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
      try {
        const isolation = batch.length === 1 ? batch[0]?.isolation : undefined;
        const transaction =
          isolation && isPostgres(db) ? db.transaction().setIsolationLevel(isolation) : db.transaction();
        await transaction.execute(async (trx) => {
          if (batch.length === 1) {
            // alone: no savepoint needed, an error rolls the whole transaction back as before
            const [only] = batch;
            if (only) outcomes.push({ ok: true, value: await only.run(trx) });
            return;
          }
          for (const unit of batch) {
            await trx.executeQuery(SAVEPOINT);
            try {
              const value = await unit.run(trx);
              await trx.executeQuery(RELEASE);
              outcomes.push({ ok: true, value });
            } catch (error) {
              await trx.executeQuery(ROLLBACK_TO);
              await trx.executeQuery(RELEASE);
              outcomes.push({ ok: false, error });
            }
          }
        });
      } catch (error) {
        // the transaction itself failed (or the lone unit threw): nothing of this batch was committed
        batch.forEach((unit) => unit.reject(error));
        continue;
      }
      batch.forEach((unit, i) => {
        const outcome = outcomes[i];
        if (!outcome) unit.reject(new Error('group commit: unit did not run'));
        else if (outcome.ok) unit.resolve(outcome.value);
        else unit.reject(outcome.error);
      });
    }
  } finally {
    q.running = false;
  }
}
