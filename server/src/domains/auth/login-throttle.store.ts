import { sql } from 'kysely';
import type { DB, Executor } from '../../db/database';
import { groupCommit } from '../../db/group-commit';
import { forUpdate } from '../../db/postgres-dialect';
import type { Failures, ThrottleKeys, ThrottleStore, ThrottleTable, ThrottleView } from './rate-limiter';

/** Entries untouched this long have faded out (or a known device has lapsed): dropped a few at a time. */
const STALE_MS = 7 * 86_400_000;
const PURGE_BATCH = 50;

type FailureTable = keyof Omit<ThrottleView, 'knownDevices'>;
const FAILURE_TABLES: readonly FailureTable[] = ['sources', 'accounts', 'addresses'];

/**
 * Sign-in throttling kept in the database (issue 21): every node behind a proxy reads and writes the same counts, and
 * a restart forgets nothing. A step is one write unit (group commit on SQLite, its own transaction on PostgreSQL).
 * On PostgreSQL it runs READ COMMITTED and locks the rows it will write, missing ones first created empty: a burst of
 * sign-ins from one site's address queues on that row instead of failing each other's SERIALIZABLE transactions
 * (a shift start is such a burst). Rows are keyed `<table> <limiter key>`.
 */
export function databaseThrottleStore(db: DB): ThrottleStore {
  return {
    step: (keys, fn, now) => groupCommit(db, (trx) => runStep(trx, keys, fn, now), { isolation: 'read committed' }),
  };
}

async function runStep<T>(trx: Executor, keys: ThrottleKeys, fn: (view: ThrottleView) => T, now: number): Promise<T> {
  const failureKeys = [...new Set(FAILURE_TABLES.flatMap((table) => keys[table].map((key) => `${table} ${key}`)))];
  const deviceKeys = [...new Set(keys.knownDevices)];
  // every row the step may write exists before it is locked (an INSERT of a missing row locks nothing for others)
  await trx
    .insertInto('login_throttle')
    .values(failureKeys.map((key) => ({ key, level: 0, at: now, pending: 0, pending_until: 0 })))
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const rows = await sql<{ key: string; level: number; at: number; pending: number; pending_until: number }>`
    SELECT key, level, at, pending, pending_until FROM login_throttle
    WHERE key IN (${sql.join(failureKeys)}) ORDER BY key${forUpdate(trx)}`.execute(trx);
  const failures = new Map<string, Failures>(
    rows.rows.map((r) => [r.key, { level: r.level, at: r.at, pending: r.pending, pendingUntil: r.pending_until }]),
  );
  const devices = new Map<string, number>();
  if (deviceKeys.length) {
    const known = await trx
      .selectFrom('login_known_devices')
      .select(['key', 'last_success'])
      .where('key', 'in', deviceKeys)
      .execute();
    for (const r of known) devices.set(r.key, r.last_success);
  }

  const changedFailures = new Map<string, Failures | null>();
  const changedDevices = new Map<string, number>();
  const failureTable = (table: FailureTable): ThrottleTable<Failures> => ({
    get: (key) => {
      const k = `${table} ${key}`;
      const changed = changedFailures.get(k);
      if (changed !== undefined) return changed ?? undefined;
      const f = failures.get(k);
      // an empty row (made above to be locked) is no entry
      return f && (f.level > 0 || f.pending > 0) ? { ...f } : undefined;
    },
    set: (key, value) => void changedFailures.set(`${table} ${key}`, { ...value }),
    delete: (key) => void changedFailures.set(`${table} ${key}`, null),
  });
  const view: ThrottleView = {
    sources: failureTable('sources'),
    accounts: failureTable('accounts'),
    addresses: failureTable('addresses'),
    knownDevices: {
      get: (key) => changedDevices.get(key) ?? devices.get(key),
      set: (key, value) => void changedDevices.set(key, value),
      delete: () => {
        throw new Error('known devices lapse; they are not deleted one by one');
      },
    },
  };
  const result = fn(view);

  for (const key of failureKeys) {
    const value = changedFailures.get(key);
    const untouchedEmpty = value === undefined && !(failures.get(key)?.level || failures.get(key)?.pending);
    if (value === null || untouchedEmpty) await trx.deleteFrom('login_throttle').where('key', '=', key).execute();
    else if (value)
      await trx
        .updateTable('login_throttle')
        .set({ level: value.level, at: value.at, pending: value.pending, pending_until: value.pendingUntil })
        .where('key', '=', key)
        .execute();
  }
  for (const [key, lastSuccess] of changedDevices)
    await trx
      .insertInto('login_known_devices')
      .values({ key, last_success: lastSuccess })
      .onConflict((oc) => oc.column('key').doUpdateSet({ last_success: lastSuccess }))
      .execute();
  await purgeStale(trx, now);
  return result;
}

/** A few entries nobody has touched for a week: the tables stay the size of recent activity. */
async function purgeStale(trx: Executor, now: number): Promise<void> {
  const before = now - STALE_MS;
  await sql`DELETE FROM login_throttle WHERE key IN (
    SELECT key FROM login_throttle WHERE at < ${before} AND pending_until < ${before} LIMIT ${PURGE_BATCH})`.execute(
    trx,
  );
  await sql`DELETE FROM login_known_devices WHERE key IN (
    SELECT key FROM login_known_devices WHERE last_success < ${now - 30 * 86_400_000} LIMIT ${PURGE_BATCH})`.execute(
    trx,
  );
}
