import { createHash } from 'node:crypto';
import type { Executor } from '../../db/database';
import { precompiled } from '../../db/precompiled';
import { DomainError } from '../../errors';

/** Stable hash of a request body (zod-parsed inputs keep the schema's key order). */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

// run by every idempotent mutation, twice (precompiled: db/precompiled.ts)
const findKey = precompiled((db, v: { scope: string; key: string }) =>
  db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'response', 'actor'])
    .where('scope', '=', v.scope)
    .where('key', '=', v.key),
);
const insertKey = precompiled(
  (db, v: { scope: string; key: string; actor: string; requestHash: string; response: string; createdAt: string }) =>
    db.insertInto('idempotency_keys').values({
      scope: v.scope,
      key: v.key,
      actor: v.actor,
      request_hash: v.requestHash,
      response: v.response,
      created_at: v.createdAt,
    }),
);

/**
 * Who presents an idempotency key. A key is its caller's own: the same key from another caller is refused (409), never
 * answered with the first caller's response (which may hold data the second may not see). Refusing, rather than
 * treating it as a new key, keeps the effects' own unique ids (interactions.client_id) from clashing.
 */
export interface Caller {
  readonly actor: string;
}
/** A signed-in user. */
export const userCaller = (user: { id: number }): Caller => ({ actor: `user:${user.id}` });
/** An integration calling with an API key (by its short id: callbacks.service apiKeyId). */
export const apiKeyCaller = (keyId: string): Caller => ({ actor: `key:${keyId}` });
/** A customer acting through a signed self-service link (by what the link is for). */
export const linkCaller = (subject: string): Caller => ({ actor: `link:${subject}` });

/**
 * Runs `effect` once per (scope, key) inside the caller's transaction, storing its response beside it:
 * a retry by the same caller with the same body gets the first response back; a different body under the same key,
 * or the same key from another caller, is refused.
 * Must be called inside a transaction so the effect, the key and the audit row commit together.
 */
export async function idempotent<T>(
  trx: Executor,
  caller: Caller,
  scope: string,
  key: string,
  hash: string,
  at: string,
  effect: () => Promise<T>,
): Promise<{ response: T; replayed: boolean }> {
  const existing = await findKey.first(trx, { scope, key });
  if (existing) {
    // rows from before keys had owners (actor NULL) are nobody's: refused like another caller's
    if (existing.actor !== caller.actor) {
      throw new DomainError(
        'CONFLICT',
        'IDEMPOTENCY_MISMATCH',
        `The request id ${key} is already taken by another request. Generate a new id for a new request.`,
      );
    }
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
  await insertKey.execute(trx, {
    scope,
    key,
    actor: caller.actor,
    requestHash: hash,
    response: JSON.stringify(response),
    createdAt: at,
  });
  return { response, replayed: false };
}
