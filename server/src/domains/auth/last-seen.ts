import type { DB } from '../../db/database';
import { groupCommit } from '../../db/group-commit';
import { isPostgres } from '../../db/postgres-dialect';
import type { Logger } from '../../logger';
import { touchSession } from './auth.repository';

/**
 * Sessions' last-seen times (written at most once a minute per session, auth.service.ts), gathered on SQLite and
 * written together every LAST_SEEN_FLUSH_MS.
 *
 * Why: every signed-in user's session is touched once a minute, so 10,000 operators make ~170 of these writes a
 * second. In an open load they arrive spread out and each one was alone in its group commit: its own COMMIT, its
 * own fsync on the event loop — 6,274 of the ~15,000 write units of a mixed-load run, the largest single kind (issue 15,
 * 5 Dec). Gathered, they are one unit every two seconds. A time not yet written when the process dies only brings
 * the session's idle expiry that much sooner (by seconds, against a minute's granularity); the request never
 * waited for it anyway.
 *
 * PostgreSQL: written at once and awaited, as before — other nodes read the same session and there is no fsync of
 * this process to save.
 */
export const LAST_SEEN_FLUSH_MS = 2_000;
/**
 * Sessions per write unit. A flush writes its units one after another, each once the one before has committed, so a
 * flush after a burst of sign-ins (or after a restart, or when sessions opened together all come due together) is
 * many small commits between the requests, not one large one: 1,300 sessions in one transaction had dirtied most of
 * the sessions table's pages and held the event loop for a COMMIT of megabytes (the mixed load's bench, 5 Dec).
 */
export const LAST_SEEN_PER_UNIT = 50;

interface Pending {
  seen: Map<string, string>;
  /** Taken by a flush and not yet committed: still what lastSeenOf answers until they are written. */
  writing: Map<string, string>;
  timer: NodeJS.Timeout | null;
  logger: Logger;
}
const pendingByDb = new WeakMap<DB, Pending>();

export async function recordLastSeen(db: DB, logger: Logger, sessionId: string, at: string): Promise<void> {
  if (isPostgres(db)) {
    await groupCommit(db, (trx) => touchSession(trx, sessionId, at)).catch((err: unknown) =>
      logger.warn({ err }, 'session: could not record last-seen'),
    );
    return;
  }
  let pending = pendingByDb.get(db);
  if (!pending) {
    pending = { seen: new Map(), writing: new Map(), timer: null, logger };
    pendingByDb.set(db, pending);
  }
  pending.seen.set(sessionId, at);
  if (!pending.timer) {
    const p = pending;
    p.timer = setTimeout(() => void flush(db, p), LAST_SEEN_FLUSH_MS);
    p.timer.unref();
  }
}

/**
 * The session's last-seen time as this server knows it: the stored one, or a later one gathered and not yet written
 * (the idle check must not read a time older than the last request it answered).
 */
export function lastSeenOf(db: DB, sessionId: string, stored: string): string {
  const pending = pendingByDb.get(db);
  const gathered = pending?.seen.get(sessionId) ?? pending?.writing.get(sessionId);
  return gathered !== undefined && Date.parse(gathered) > Date.parse(stored) ? gathered : stored;
}

/** Writes the gathered last-seen times now (the server's shutdown, before the database closes; tests). */
export function flushLastSeen(db: DB): Promise<void> {
  const pending = pendingByDb.get(db);
  return pending ? flush(db, pending) : Promise.resolve();
}

async function flush(db: DB, pending: Pending): Promise<void> {
  if (pending.timer) clearTimeout(pending.timer);
  pending.timer = null;
  const seen = [...pending.seen];
  for (const [sessionId, at] of seen) pending.writing.set(sessionId, at);
  pending.seen = new Map();
  for (let i = 0; i < seen.length; i += LAST_SEEN_PER_UNIT) {
    const chunk = seen.slice(i, i + LAST_SEEN_PER_UNIT);
    await groupCommit(db, async (trx) => {
      for (const [sessionId, at] of chunk) await touchSession(trx, sessionId, at);
    }).catch((err: unknown) =>
      pending.logger.warn({ err, sessions: chunk.length }, 'session: could not record last-seen'),
    );
    // written (or given up): the stored time answers from now on, unless a later one was gathered meanwhile
    for (const [sessionId, at] of chunk) if (pending.writing.get(sessionId) === at) pending.writing.delete(sessionId);
  }
}
