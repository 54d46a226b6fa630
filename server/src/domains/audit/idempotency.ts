import { createHash } from 'node:crypto';
import type { Executor } from '../../db/database';
import { precompiled } from '../../db/precompiled';
import { DomainError } from '../../trpc/errors';

/** Stable hash of a request body (zod-parsed inputs keep the schema's key order). */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

// run by every idempotent mutation, twice (precompiled: db/precompiled.ts)
const findKey = precompiled((db, v: { scope: string; key: string }) =>
  db.selectFrom('idempotency_keys').select(['request_hash', 'response']).where('scope', '=', v.scope).where('key', '=', v.key),
);
const insertKey = precompiled(
  (db, v: { scope: string; key: string; requestHash: string; response: string; createdAt: string }) =>
    db.insertInto('idempotency_keys').values({
      scope: v.scope,
      key: v.key,
      request_hash: v.requestHash,
      response: v.response,
      created_at: v.createdAt,
    }),
);

/**
 * Runs `effect` once per (scope, key) inside the caller's transaction, storing its response beside it:
 * a retry with the same body gets the first response back, a different body under the same key is refused.
 * Must be called inside a transaction so the effect, the key and the audit row commit together.
 */
export async function idempotent<T>(
  trx: Executor,
  scope: string,
  key: string,
  hash: string,
  at: string,
  effect: () => Promise<T>,
): Promise<{ response: T; replayed: boolean }> {
  const existing = await findKey.first(trx, { scope, key });
  if (existing) {
    if (existing.request_hash !== hash) {
      throw new DomainError(
        'CONFLICT',
        'IDEMPOTENCY_MISMATCH',
        `The request id ${key} was already used for a different request. Generate a new id for a new request.`,
      );
    }
    return { response: JSON.parse(existing.response) as T, replayed: true };
  }
  const response = await effect();
  await insertKey.execute(trx, { scope, key, requestHash: hash, response: JSON.stringify(response), createdAt: at });
  return { response, replayed: false };
}
