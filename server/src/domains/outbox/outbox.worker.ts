import type { Kysely } from 'kysely';
import type { Clock } from '../../clock';
import type { Database } from '../../db/database';
import type { Logger } from '../../logger';
import type { DeliveryAdapter } from './delivery';
import { claimDueMessages, markFailed, markSent, releaseExpiredClaims, type OutboxRow } from './outbox.repository';

export interface OutboxWorkerDeps {
  db: Kysely<Database>;
  logger: Logger;
  clock: Clock;
}

export interface OutboxWorker {
  /** Stops the timer and waits for the batch in flight. */
  stop(): Promise<void>;
  /** Delivers everything due now; resolves with the number of messages sent. */
  drain(): Promise<number>;
}

const BATCH = 25;

/**
 * Polls the outbox and hands each due message to the adapter of its channel. Messages are claimed in a short
 * statement of their own and sent outside any transaction, so a slow SMTP server never holds the write lock.
 */
export function startOutboxWorker(
  deps: OutboxWorkerDeps,
  adapters: { sms: DeliveryAdapter; email: DeliveryAdapter },
  opts: { intervalMs?: number } = {},
): OutboxWorker {
  const intervalMs = opts.intervalMs ?? 2_000;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  // Runs never overlap: a timer tick and a test's drain() queue behind each other.
  let chain: Promise<unknown> = releaseExpiredClaims(deps.db, deps.clock.now()).catch((err: unknown) => {
    deps.logger.error({ err }, 'outbox: could not release expired claims');
  });

  async function deliver(row: OutboxRow): Promise<boolean> {
    const adapter = row.channel === 'email' ? adapters.email : adapters.sms;
    try {
      await adapter.send({
        id: row.id,
        channel: row.channel,
        recipient: row.recipient,
        subject: row.subject,
        body: row.body,
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const status = await markFailed(deps.db, row, message, deps.clock.now());
      deps.logger[status === 'failed' ? 'error' : 'warn'](
        { outboxId: row.id, channel: row.channel, attempts: row.attempts + 1, err: message },
        status === 'failed' ? 'outbox: delivery failed for good' : 'outbox: delivery failed, will retry',
      );
      return false;
    }
    await markSent(deps.db, row.id, deps.clock.now());
    return true;
  }

  async function runOnce(): Promise<number> {
    let sent = 0;
    // A message that fails goes back with a later next_attempt_at, so this loop always ends.
    for (;;) {
      const batch = await claimDueMessages(deps.db, deps.clock.now(), BATCH);
      if (batch.length === 0) return sent;
      for (const row of batch) if (await deliver(row)) sent++;
      if (stopped) return sent;
    }
  }

  function enqueueRun(): Promise<number> {
    const run = chain.then(runOnce);
    chain = run.catch((err: unknown) => {
      deps.logger.error({ err }, 'outbox: delivery run failed');
    });
    return run;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      void enqueueRun()
        .catch(() => undefined)
        .finally(schedule);
    }, intervalMs);
    timer.unref();
  }
  schedule();

  return {
    drain: enqueueRun,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await chain;
      await Promise.all([...new Set([adapters.sms, adapters.email])].map((a) => a.close?.()));
    },
  };
}
