// The live board's per-site change numbers, kept in the database so that every node numbers a site's changes the
// same way and a board that reconnects to another node resumes after its last number (issue 21). The one owner of
// the numbering: a status change records itself here in its own transaction (recordBoardChange) and is announced
// once committed (announceBoardChange); boards read the numbered changes back (readBoardChanges).
// docs/operations.md, "Several nodes".
import type { OperatorStatus } from '@valore/shared/schemas/monitor';
import type { DB, Executor } from '../../db/database';
import { isPostgres } from '../../db/postgres-dialect';

/** How many numbered changes a site keeps: a board away for longer than that many changes gets a snapshot. */
export const BOARD_RETAIN = 5_000;
/**
 * How long a change is kept at most (the daily retention purge deletes older ones, domains/retention/purge.ts): a
 * board away for longer gets a snapshot; the changes name the customer of a contact in progress.
 */
export const BOARD_KEEP_MS = 86_400_000;
/** Pruned once every this many numbers, not at each change. */
const PRUNE_EVERY = 256;

export interface BoardChange {
  seq: number;
  status: OperatorStatus;
}

/** SQLite, in the change's transaction: bumps the site's counter (creating it), returning the new last number. */
async function bump(trx: Executor, siteId: number): Promise<number> {
  const row = await trx
    .insertInto('board_sequences')
    .values({ site_id: siteId, seq: 1 })
    .onConflict((oc) => oc.column('site_id').doUpdateSet((eb) => ({ seq: eb('board_sequences.seq', '+', 1) })))
    .returning('seq')
    .executeTakeFirstOrThrow();
  return row.seq;
}

async function prune(trx: Executor, siteId: number, from: number, to: number): Promise<void> {
  // a multiple of PRUNE_EVERY passed between from (exclusive) and to (inclusive)
  if (Math.floor(to / PRUNE_EVERY) === Math.floor(from / PRUNE_EVERY)) return;
  await trx
    .deleteFrom('board_changes')
    .where('site_id', '=', siteId)
    .where('seq', '<=', to - BOARD_RETAIN)
    .execute();
}

/**
 * In the status change's own transaction: the change as the site's board will show it. Numbered at once on SQLite,
 * whose one writer commits changes in the order it numbers them; on PostgreSQL left unnumbered, for
 * announceBoardChange to number after the commit.
 */
export async function recordBoardChange(trx: Executor, siteId: number, status: OperatorStatus, at: string) {
  const seq = isPostgres(trx) ? null : await bump(trx, siteId);
  await trx
    .insertInto('board_changes')
    .values({ site_id: siteId, seq, user_id: status.userId, status: JSON.stringify(status), at })
    .execute();
  if (seq !== null) await prune(trx, siteId, seq - 1, seq);
}

/**
 * Numbers a site's committed, unnumbered changes (PostgreSQL; on SQLite they are numbered already) and returns the
 * site's last number. READ COMMITTED with the counter row locked first: two nodes numbering the same site take
 * turns, the second finds nothing left, and numbers are handed out in the order their transactions commit — a
 * board that reads number N sees every number below it. A change whose node died before numbering it is numbered
 * by the next change of its site, or by a board's periodic catch-up.
 */
export async function numberBoardChanges(db: DB, siteId: number): Promise<number> {
  if (!isPostgres(db)) return lastBoardSeq(db, siteId);
  return db
    .transaction()
    .setIsolationLevel('read committed')
    .execute(async (trx) => {
      // the counter row exists before it is locked: two first numberings of a site would otherwise lock nothing
      await trx
        .insertInto('board_sequences')
        .values({ site_id: siteId, seq: 0 })
        .onConflict((oc) => oc.column('site_id').doNothing())
        .execute();
      const { seq: from } = await trx
        .selectFrom('board_sequences')
        .select('seq')
        .where('site_id', '=', siteId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const pending = await trx
        .selectFrom('board_changes')
        .select('id')
        .where('site_id', '=', siteId)
        .where('seq', 'is', null)
        .orderBy('id')
        .execute();
      if (pending.length === 0) return from;
      const to = from + pending.length;
      for (const [i, { id }] of pending.entries()) {
        await trx
          .updateTable('board_changes')
          .set({ seq: from + i + 1 })
          .where('id', '=', id)
          .execute();
      }
      await trx.updateTable('board_sequences').set({ seq: to }).where('site_id', '=', siteId).execute();
      await prune(trx, siteId, from, to);
      return to;
    });
}

/** Whether the site has changes not yet numbered (PostgreSQL: a node died between a change and its numbering). */
export async function hasUnnumberedChanges(db: Executor, siteId: number): Promise<boolean> {
  if (!isPostgres(db)) return false;
  const row = await db
    .selectFrom('board_changes')
    .select('id')
    .where('site_id', '=', siteId)
    .where('seq', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The site's last change number (0 before its first change). */
export async function lastBoardSeq(db: Executor, siteId: number): Promise<number> {
  const row = await db.selectFrom('board_sequences').select('seq').where('site_id', '=', siteId).executeTakeFirst();
  return row?.seq ?? 0;
}

/** The site's numbered changes after `after`, in order (at most `limit`). */
export async function readBoardChanges(
  db: Executor,
  siteId: number,
  after: number,
  limit = BOARD_RETAIN,
): Promise<BoardChange[]> {
  const rows = await db
    .selectFrom('board_changes')
    .select(['seq', 'status'])
    .where('site_id', '=', siteId)
    .where('seq', '>', after)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ seq: r.seq ?? 0, status: JSON.parse(r.status) as OperatorStatus }));
}
