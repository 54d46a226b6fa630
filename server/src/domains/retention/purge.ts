import { sql } from 'kysely';
import type { Clock } from '../../clock';
import type { DB, Executor } from '../../db/database';
import type { Logger } from '../../logger';
import { insertAudit } from '../audit/audit.repository';
import { BOARD_KEEP_MS } from '../monitor/board-sequence';
import { DEFAULT_RETENTION, type RetentionConfig } from './retention.config';

/**
 * The daily purge: each class of data goes when its retention period is over (retention.config.ts). It owns only the
 * rule "how long"; what a purged row keeps is chosen per class so that statistics and proofs survive:
 *
 * - outbox messages keep their row (status, channel, times, attempts, the SMSC's id) and lose recipient, subject, text
 *   and error text (an SMTP error quotes the address) — delivery statistics stay, the content goes;
 * - idempotency records are deleted. A request id retried after that is treated as a new request: every client
 *   retries within minutes (the console's offline queue within VALORE_OFFLINE_MAX_HOURS, after which the completion
 *   refuses the contact as too late anyway), the intake API's Idempotency-Key is also kept on the callback request
 *   itself (a replay still finds it), an attendance report repeated changes nothing, and an erasure keeps its own
 *   record for good (data-subject.service.ts). Blanking the answer instead would keep a row per request forever;
 *   docs/reliability.md;
 * - a campaign import's rejects are deleted (the import keeps its counts);
 * - sessions past their idle or absolute expiry are deleted at every run (they can never be used again);
 * - audit rows older than the period are deleted, and so are access grants (why an operator could see a customer, a
 *   break-glass reason) that expired before it: they are a record of access like the audit log;
 * - the live board's numbered changes (an operator's status: state, step, the customer id of the contact in progress)
 *   are deleted a day after they were made: they serve only a board that reconnects, which after a day gets a
 *   snapshot anyway (monitor/board-sequence.ts, BOARD_KEEP_MS). They are also pruned by count as they are numbered.
 *
 * Everything goes in batches of `batchSize` rows, one short transaction each, with the event loop free between them,
 * so requests never wait behind the purge for more than one batch. Each run ends with an audit row of its counts.
 */

export interface PurgeCounts {
  outboxMessages: number;
  idempotencyRecords: number;
  importRejects: number;
  sessions: number;
  auditRows: number;
  accessGrants: number;
  boardChanges: number;
}

export interface PurgeCutoffs {
  /** messages sent or failed before this lose their content */
  outbox: string;
  idempotency: string;
  /** rejects of imports ended before this go */
  importRejects: string;
  /** sessions whose absolute expiry is before this (now) */
  sessionExpiry: string;
  /** sessions last seen before this (now − the idle period) */
  sessionIdle: string;
  audit: string;
  /** board changes made before this (now − BOARD_KEEP_MS) */
  boardChanges: string;
}

export interface PurgeResult {
  counts: PurgeCounts;
  cutoffs: PurgeCutoffs;
  /** false when the run was stopped (the server shutting down) before every class was done */
  complete: boolean;
}

const DAY = 86_400_000;
/** Outbox states after which a message is never sent again: its content is no longer needed. */
const FINAL_OUTBOX_STATES = ['sent', 'delivered', 'failed', 'unknown'] as const;

/** The same instant `months` calendar months earlier (UTC), the day clamped to the shorter month (31 Mar → 28/29 Feb). */
export function monthsBefore(now: Date, months: number): Date {
  const d = new Date(now.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - months);
  const daysInMonth = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, daysInMonth));
  return d;
}

export function purgeCutoffs(now: Date, config: RetentionConfig, sessionIdleMinutes: number): PurgeCutoffs {
  const before = (ms: number) => new Date(now.getTime() - ms).toISOString();
  return {
    outbox: before(config.outboxDays * DAY),
    idempotency: before(config.idempotencyDays * DAY),
    importRejects: before(config.importRejectsDays * DAY),
    sessionExpiry: now.toISOString(),
    sessionIdle: before(sessionIdleMinutes * 60_000),
    audit: monthsBefore(now, config.auditMonths).toISOString(),
    boardChanges: before(BOARD_KEEP_MS),
  };
}

/**
 * One batch of each class: returns how many rows it changed. Each selects at most `limit` rows through an index on
 * the time that decides (migrations 2026-12-04T1200-retention, audit_log_at), so a batch never walks the table.
 * A row exactly at the cutoff stays: "older than the period" is strict.
 */
export const purgeBatch: Record<keyof PurgeCounts, (trx: Executor, c: PurgeCutoffs, limit: number) => Promise<number>> =
  {
    outboxMessages: async (trx, c, limit) => {
      const r = await sql`UPDATE outbox SET recipient = '', subject = NULL, body = '', last_error = NULL
      WHERE id IN (SELECT id FROM outbox WHERE recipient <> '' AND COALESCE(sent_at, next_attempt_at) < ${c.outbox}
        AND status IN (${sql.join(FINAL_OUTBOX_STATES)}) LIMIT ${limit})`.execute(trx);
      return Number(r.numAffectedRows ?? 0n);
    },
    idempotencyRecords: async (trx, c, limit) => {
      const r = await sql`DELETE FROM idempotency_keys WHERE (scope, key) IN
      (SELECT scope, key FROM idempotency_keys WHERE created_at < ${c.idempotency} LIMIT ${limit})`.execute(trx);
      return Number(r.numAffectedRows ?? 0n);
    },
    importRejects: async (trx, c, limit) => {
      // imports are few (a handful a week); their rejects are read through the primary key (import_id, line)
      const r = await sql`DELETE FROM campaign_import_rejects WHERE (import_id, line) IN
      (SELECT r.import_id, r.line FROM campaign_imports i JOIN campaign_import_rejects r ON r.import_id = i.id
        WHERE COALESCE(i.finished_at, i.created_at) < ${c.importRejects} LIMIT ${limit})`.execute(trx);
      // the import's report stays true: every reject is still counted, none is stored any more
      await sql`UPDATE campaign_imports SET rejects_not_stored = rejected
      WHERE COALESCE(finished_at, created_at) < ${c.importRejects} AND rejects_not_stored <> rejected`.execute(trx);
      return Number(r.numAffectedRows ?? 0n);
    },
    sessions: async (trx, c, limit) => {
      // the same two limits resolveSession applies (auth.service.ts); run daily, the table holds about a day of sessions
      const r = await sql`DELETE FROM sessions WHERE id IN (SELECT id FROM sessions
      WHERE expires_at < ${c.sessionExpiry} OR last_seen_at < ${c.sessionIdle} LIMIT ${limit})`.execute(trx);
      return Number(r.numAffectedRows ?? 0n);
    },
    auditRows: async (trx, c, limit) => {
      const r = await sql`DELETE FROM audit_log WHERE id IN
      (SELECT id FROM audit_log WHERE at < ${c.audit} LIMIT ${limit})`.execute(trx);
      return Number(r.numAffectedRows ?? 0n);
    },
    accessGrants: async (trx, c, limit) => {
      const r = await sql`DELETE FROM customer_access_grants WHERE id IN
      (SELECT id FROM customer_access_grants WHERE expires_at < ${c.audit} LIMIT ${limit})`.execute(trx);
      return Number(r.numAffectedRows ?? 0n);
    },
    boardChanges: async (trx, c, limit) => {
      // no index on the time: the table holds at most BOARD_RETAIN changes per site (pruned as they are numbered)
      const r = await sql`DELETE FROM board_changes WHERE id IN
      (SELECT id FROM board_changes WHERE at < ${c.boardChanges} LIMIT ${limit})`.execute(trx);
      return Number(r.numAffectedRows ?? 0n);
    },
  };

const CLASSES = Object.keys(purgeBatch) as (keyof PurgeCounts)[];

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface PurgeDeps {
  db: DB;
  clock: Clock;
  logger: Logger;
  config: { sessionIdleMinutes: number; retention?: RetentionConfig };
}

/**
 * Purges every class once, batch by batch, and writes the run's audit row ('retention.purged', the counts and the
 * cutoffs). `shouldStop` is asked between batches: a stopped run records what it did and ends.
 */
export async function purgeExpiredData(
  deps: PurgeDeps,
  opts: { shouldStop?: () => boolean } = {},
): Promise<PurgeResult> {
  const config = deps.config.retention ?? DEFAULT_RETENTION;
  const now = deps.clock.now();
  const cutoffs = purgeCutoffs(now, config, deps.config.sessionIdleMinutes);
  const counts: PurgeCounts = {
    outboxMessages: 0,
    idempotencyRecords: 0,
    importRejects: 0,
    sessions: 0,
    auditRows: 0,
    accessGrants: 0,
    boardChanges: 0,
  };
  let complete = true;
  classes: for (const name of CLASSES) {
    for (;;) {
      if (opts.shouldStop?.()) {
        complete = false;
        break classes;
      }
      const changed = await deps.db.transaction().execute((trx) => purgeBatch[name](trx, cutoffs, config.batchSize));
      counts[name] += changed;
      if (changed < config.batchSize) break;
      await nextTurn();
    }
  }
  await insertAudit(deps.db, {
    at: deps.clock.now().toISOString(),
    actorId: null,
    action: 'retention.purged',
    entityType: 'retention',
    entityId: null,
    details: { counts, cutoffs, complete },
  });
  deps.logger.info({ counts, complete }, 'retention: purge done');
  return { counts, cutoffs, complete };
}
