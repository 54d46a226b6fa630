import { sql } from 'kysely';
import type { DB, Executor } from '../../db/database';
import { waitForWritersOf } from '../../db/postgres-dialect';
import type { Logger } from '../../logger';
import { repeatEvery } from '../../repeat';
import { CONTACT_COLUMNS, CONTACT_JOINS, countsOf, dimsOf, stepsOf, type ContactRow } from './stats.facts';
import { RollupAccumulator, writeAccumulated } from './stats.writer';

/**
 * The conversion rollups follow the interactions in batches, not inside each completion: a completion only inserts
 * its interaction, and `catchUpStats` later counts every interaction past `stats_cursor` and moves the cursor in the
 * same transaction as the counts — so each contact is counted exactly once, even across a crash (the cursor and the
 * counts commit together or not at all). On PostgreSQL, where ids are not given in commit order, a batch first waits
 * for the completions in flight (waitForWritersOf). Contacts sharing a day, site and flow cost one upsert per rollup row
 * instead of one per contact. The stats procedures catch up before they read, so what they show is exact; a
 * background tick (startStatsWorker) keeps the backlog short, so reads rarely have anything left to do.
 *
 * Realisations (an appointment attended, a link clicked, a lead won) are still counted where they happen
 * (stats.hooks.ts): they are separate additive counts, so their order with respect to the contact's own counts does
 * not matter.
 */
const PENDING_CONTACTS = `SELECT i.id, ${CONTACT_COLUMNS} FROM interactions i ${CONTACT_JOINS} WHERE i.id >`;
/** The same read for raw better-sqlite3 (the history generator): parameters are the cursor and a limit (-1: none). */
export const PENDING_CONTACTS_SQL = `${PENDING_CONTACTS} ? ORDER BY i.id LIMIT ?`;
const BATCH = 5_000;

export type PendingContactRow = ContactRow & { id: number };

/** Adds pending contacts' own counts (no realisations: those are counted as they happen) to an accumulator. */
export function accumulateContacts(acc: RollupAccumulator, rows: readonly ContactRow[]): void {
  for (const row of rows) acc.add(dimsOf(row), countsOf(row), stepsOf(row));
}

export async function statsCursor(db: Executor): Promise<number> {
  const row = await db.selectFrom('stats_cursor').select('last_interaction_id').where('id', '=', 1).executeTakeFirst();
  return row?.last_interaction_id ?? 0;
}

/** Counts up to `limit` pending contacts inside the caller's transaction; returns how many it counted. */
export async function catchUpStatsBatch(trx: Executor, limit = BATCH): Promise<number> {
  const cursor = await statsCursor(trx);
  const { rows } =
    await sql<PendingContactRow>`${sql.raw(PENDING_CONTACTS)} ${cursor} ORDER BY i.id LIMIT ${limit}`.execute(trx);
  const last = rows.at(-1);
  if (!last) return 0;
  const acc = new RollupAccumulator();
  accumulateContacts(acc, rows);
  await writeAccumulated(trx, acc);
  await trx.updateTable('stats_cursor').set({ last_interaction_id: last.id }).where('id', '=', 1).execute();
  return rows.length;
}

/**
 * Whether an interaction is past the cursor, outside a transaction: the highest id against the cursor, one step
 * down the primary key on both engines. (Written as EXISTS (… WHERE id > (cursor)), PostgreSQL's planner could not
 * see the cursor's value and scanned the whole table: 11 ms at 100,000 contacts, before every stats read.)
 */
async function hasPending(db: Executor): Promise<boolean> {
  const r = await sql<{ pending: number }>`SELECT COALESCE((SELECT max(id) FROM interactions), 0)
      > COALESCE((SELECT last_interaction_id FROM stats_cursor WHERE id = 1), 0) AS pending`.execute(db);
  return r.rows[0]?.pending === 1;
}

/**
 * Brings every rollup up to date (one transaction per batch); returns how many contacts it counted. When nothing is
 * pending (the usual case for a stats read, the background tick having caught up) it opens no transaction.
 */
export async function catchUpStats(db: DB): Promise<number> {
  if (!(await hasPending(db))) return 0;
  let total = 0;
  for (;;) {
    const counted = await db.transaction().execute(async (trx) => {
      // on PostgreSQL ids are not given in commit order: the completions in flight commit first, or one of them
      // could commit behind the cursor and never be counted (test/postgres/stats-catchup.test.ts)
      await waitForWritersOf(trx, 'interactions');
      return catchUpStatsBatch(trx);
    });
    total += counted;
    if (counted < BATCH) return total;
  }
}

export interface StatsWorker {
  stop: () => Promise<void>;
}

/** Catches the rollups up every `intervalMs` (default 1 s), so the stats pages rarely wait for it. */
export function startStatsWorker(deps: { db: DB; logger: Logger }, opts: { intervalMs?: number } = {}): StatsWorker {
  return repeatEvery(opts.intervalMs ?? 1_000, () => catchUpStats(deps.db), {
    logger: deps.logger,
    message: 'stats: could not catch up the rollups',
  });
}
