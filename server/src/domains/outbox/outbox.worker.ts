import type { Kysely } from 'kysely';
import type { Clock } from '../../clock';
import type { Database } from '../../db/database';
import { isPostgres } from '../../db/postgres-dialect';
import type { Logger } from '../../logger';
import type { DeliveryAdapter, SendHooks } from './delivery';
import { DeliveryError } from './delivery-error';
import {
  claimDueMessages,
  markAccepted,
  markFailed,
  markRejected,
  markSent,
  markSubmitting,
  markUnknown,
  recordReceipt,
  releaseExpiredClaims,
  settleInterruptedSubmissions,
  type OutboxRow,
} from './outbox.repository';

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
 * Adapters that use the SendHooks (SMPP) get at-most-once delivery and receipts; the others at-least-once.
 */
/** How often a running worker takes back the expired claims of a stopped one. */
const RECOVER_EVERY_MS = 60_000;

export function startOutboxWorker(
  deps: OutboxWorkerDeps,
  adapters: { sms: DeliveryAdapter; email: DeliveryAdapter },
  opts: { intervalMs?: number } = {},
): OutboxWorker {
  const intervalMs = opts.intervalMs ?? 2_000;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  // Runs never overlap: a timer tick and a test's drain() queue behind each other. Before the first: what a previous
  // process left half done (settled before released, so a submit that may have gone out never becomes pending).
  // On SQLite this process is the file's only server, so every interrupted submit is a previous process's; on
  // PostgreSQL another live node may be mid-submit, so only those whose lease ran out.
  let recoveredAt = -Infinity;
  const recover = async (leaseOver: boolean) => {
    const now = deps.clock.now();
    recoveredAt = now.getTime();
    const settled = await settleInterruptedSubmissions(deps.db, now, { leaseOver });
    if (settled > 0) {
      deps.logger.warn(
        { messages: settled },
        'outbox: SMS caught between submit and answer by a stopped process marked unknown',
      );
    }
    await releaseExpiredClaims(deps.db, now);
  };
  let chain: Promise<unknown> = recover(isPostgres(deps.db)).catch((err: unknown) => {
    deps.logger.error({ err }, 'outbox: could not settle or release the claims of a previous run');
  });

  for (const adapter of new Set([adapters.sms, adapters.email])) {
    adapter.onReceipt?.(async (receipt) => {
      const matched = await recordReceipt(deps.db, receipt, deps.clock.now());
      deps.logger[matched ? 'info' : 'warn'](
        { smscMessageId: receipt.gatewayMessageId, stat: receipt.stat },
        matched ? `outbox: delivery receipt ${receipt.outcome}` : 'outbox: a delivery receipt matched no sent message',
      );
    });
  }

  async function deliver(row: OutboxRow): Promise<boolean> {
    const adapter = row.channel === 'email' ? adapters.email : adapters.sms;
    let accepted: Promise<boolean> | null = null;
    const hooks: SendHooks = {
      async beforeSubmit() {
        if (!(await markSubmitting(deps.db, row.id, deps.clock.now()))) {
          throw new DeliveryError('retry', 'the message is no longer claimed by this worker');
        }
      },
      async accepted(gatewayMessageId) {
        accepted = markAccepted(deps.db, row.id, gatewayMessageId, deps.clock.now());
        await accepted;
      },
    };
    try {
      await adapter.send(
        { id: row.id, channel: row.channel, recipient: row.recipient, subject: row.subject, body: row.body },
        hooks,
      );
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const outcome = err instanceof DeliveryError ? err.outcome : 'retry';
      const at = deps.clock.now();
      const log = { outboxId: row.id, channel: row.channel, attempts: row.attempts + 1, err: message };
      if (outcome === 'unknown') {
        await markUnknown(deps.db, row, message, at);
        deps.logger.error(log, 'outbox: no answer to a submit that went out; not sent again (unknown)');
      } else if (outcome === 'rejected') {
        await markRejected(deps.db, row, message, at);
        deps.logger.error(log, 'outbox: the gateway refused the message for good');
      } else {
        const status = await markFailed(deps.db, row, message, at);
        deps.logger[status === 'failed' ? 'error' : 'warn'](
          log,
          status === 'failed' ? 'outbox: delivery failed for good' : 'outbox: delivery failed, will retry',
        );
      }
      return false;
    }
    // an adapter with an id for the message recorded it already (status and id in one statement)
    if (accepted === null) await markSent(deps.db, row.id, deps.clock.now());
    return true;
  }

  async function runOnce(): Promise<number> {
    // and while running, now and then: the claims of a node that died while this one runs (several nodes on one
    // database) come back once their lease is over, without waiting for a node to start
    if (deps.clock.now().getTime() - recoveredAt >= RECOVER_EVERY_MS) await recover(true);
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
      await Promise.all([...new Set([adapters.sms, adapters.email])].map((a) => a.close?.() ?? Promise.resolve()));
    },
  };
}
