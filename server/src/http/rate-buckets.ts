import { sql } from 'kysely';
import type { DB } from '../db/database';
import { groupCommit } from '../db/group-commit';
import { forUpdate, isPostgres } from '../db/postgres-dialect';
import { BoundedTable } from '../bounded-table';
import type { Clock } from '../clock';
import type { AppDeps } from '../deps';

export type BucketVerdict = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface TokenBucket {
  /** Takes one token; when none is left, how many seconds until one is. */
  take(key: string): BucketVerdict | Promise<BucketVerdict>;
}

/** Keys a token bucket remembers at most (a client address per entry for the self-service pages): ~10 MB. */
export const TOKEN_BUCKET_MAX_KEYS = 100_000;

/** A bucket's state: tokens left at `at` (epoch ms). */
export interface BucketState {
  tokens: number;
  at: number;
}

/**
 * The rule, one owner for both stores: a bucket holds up to `perMinute` tokens (the burst) and refills at `perMinute`
 * a minute; a take costs one. Returns the bucket after the take and the verdict.
 */
export function takeToken(
  state: BucketState | undefined,
  perMinute: number,
  now: number,
): { state: BucketState; verdict: BucketVerdict } {
  const perMs = perMinute / 60_000;
  const tokens = Math.min(perMinute, (state?.tokens ?? perMinute) + Math.max(0, now - (state?.at ?? now)) * perMs);
  if (tokens >= 1) return { state: { tokens: tokens - 1, at: now }, verdict: { ok: true } };
  return {
    state: { tokens, at: now },
    verdict: { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)) },
  };
}

/**
 * Buckets in this process's memory, bounded (bounded-table.ts): past `maxKeys` the least recently used is forgotten,
 * i.e. starts full again, as a new key would. What one node serving its SQLite file uses (http/rate-buckets.ts).
 */
export function createTokenBucket(
  perMinute: number,
  clock: Clock,
  maxKeys = TOKEN_BUCKET_MAX_KEYS,
): { take(key: string): BucketVerdict; readonly keys: number } {
  const buckets = new BoundedTable<BucketState>(maxKeys);
  return {
    get keys() {
      return buckets.size;
    },
    take(key) {
      const { state, verdict } = takeToken(buckets.get(key), perMinute, clock.now().getTime());
      buckets.set(key, state);
      return verdict;
    },
  };
}

/** Buckets untouched this long are full again (every limit refills within a minute): dropped a few at a take. */
const STALE_MS = 60 * 60_000;
const PURGE_BATCH = 20;

/**
 * A REST rate limit's token buckets where every node sees them: the `rate_buckets` table, one write unit per take
 * (READ COMMITTED, the bucket's row locked, on PostgreSQL: a burst from one key queues instead of failing each
 * other's SERIALIZABLE transactions). `name` keeps the limits' keys apart.
 */
export function createSharedTokenBucket(db: DB, name: string, perMinute: number, nowMs: () => number): TokenBucket {
  return {
    take: (client) =>
      groupCommit(
        db,
        async (trx): Promise<BucketVerdict> => {
          const key = `${name} ${client}`;
          const now = nowMs();
          await trx
            .insertInto('rate_buckets')
            .values({ key, tokens: perMinute, at: now })
            .onConflict((oc) => oc.column('key').doNothing())
            .execute();
          const row = await sql<{ tokens: number; at: number }>`
            SELECT tokens, at FROM rate_buckets WHERE key = ${key}${forUpdate(trx)}`.execute(trx);
          const { state, verdict } = takeToken(row.rows[0], perMinute, now);
          await trx.updateTable('rate_buckets').set(state).where('key', '=', key).execute();
          await sql`DELETE FROM rate_buckets WHERE key IN (
            SELECT key FROM rate_buckets WHERE at < ${now - STALE_MS} LIMIT ${PURGE_BATCH})`.execute(trx);
          return verdict;
        },
        { isolation: 'read committed' },
      ),
  };
}

/**
 * The bucket of one REST rate limit: in the database on PostgreSQL, where several nodes serve a centre and each
 * must count what the others let through; in memory on SQLite, whose file one node serves (no write per request).
 * The rule is the same (intake.ts, takeToken).
 */
export function tokenBucketFor(deps: Pick<AppDeps, 'db' | 'clock'>, name: string, perMinute: number): TokenBucket {
  return isPostgres(deps.db)
    ? createSharedTokenBucket(deps.db, name, perMinute, () => deps.clock.now().getTime())
    : createTokenBucket(perMinute, deps.clock);
}
