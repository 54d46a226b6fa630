import { CompiledQuery } from 'kysely';
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
 */
interface Unit {
  run: (trx: Executor) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface Queue {
  pending: Unit[];
  running: boolean;
}

/** Bounds one shared transaction, so a burst does not hold the connection (and every reader) for long. */
const MAX_UNITS = 64;
const queues = new WeakMap<DB, Queue>();
// fixed statements, compiled once (two of them run around every unit of a shared transaction)
const SAVEPOINT = CompiledQuery.raw('SAVEPOINT unit');
const RELEASE = CompiledQuery.raw('RELEASE unit');
const ROLLBACK_TO = CompiledQuery.raw('ROLLBACK TO unit');

export function groupCommit<T>(db: DB, run: (trx: Executor) => Promise<T>): Promise<T> {
  let queue = queues.get(db);
  if (!queue) {
    queue = { pending: [], running: false };
    queues.set(db, queue);
  }
  const q = queue;
  return new Promise<T>((resolve, reject) => {
    q.pending.push({ run, resolve: resolve as (value: unknown) => void, reject });
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

async function drain(db: DB, q: Queue): Promise<void> {
  try {
    while (q.pending.length > 0) {
      const batch = q.pending.splice(0, MAX_UNITS);
      const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
      try {
        await db.transaction().execute(async (trx) => {
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
