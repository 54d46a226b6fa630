import { createHash } from 'node:crypto';
import type { DB, Executor } from '../../db/database';
import { groupCommit } from '../../db/group-commit';
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

/** One idempotent mutation: who asks, under which key, with which body, at what time. */
export interface IdempotentRequest {
  readonly caller: Caller;
  /** The mutation (keys are unique per scope). */
  readonly scope: string;
  /** The caller's request id (or Idempotency-Key). */
  readonly key: string;
  /**
   * What identifies the request's body: hashed (requestHash) and compared on a retry. Some mutations hash a tuple in a
   * fixed order instead of the whole input, so a direct service call and a zod-parsed input hash alike.
   */
  readonly input: unknown;
  /** The request's time, stored with the key (the effect stamps its own rows with the same). */
  readonly at: string;
  /**
   * 'group': the mutation joins the next shared commit (db/group-commit.ts), in a savepoint of its own — for the hot
   * write paths, where one fsync per request bounded the throughput. Default 'own': a transaction of its own.
   */
  readonly commit?: 'own' | 'group';
}

/**
 * The one idempotent transaction: opens the transaction, checks the key and, for a new key, runs `effect` and stores
 * its response beside the key. A retry by the same caller with the same body gets the first response back without
 * running the effect (`replayed`); a different body under the same key, or the same key from another caller, is
 * refused (CONFLICT IDEMPOTENCY_MISMATCH). The effect writes its rows and its audit row with the executor it is given,
 * so they, and the key, commit together or not at all. `hash` is the request's hash, for effects that keep it.
 */
export function idempotentTransaction<T>(
  deps: { readonly db: DB },
  request: IdempotentRequest,
  effect: (trx: Executor, hash: string) => Promise<T>,
): Promise<{ response: T; replayed: boolean }> {
  const hash = requestHash(request.input);
  const run = (trx: Executor) => runOnce(trx, request, hash, () => effect(trx, hash));
  return request.commit === 'group' ? groupCommit(deps.db, run) : deps.db.transaction().execute(run);
}

/**
 * Runs `effect` once per (scope, key) inside the given transaction, storing its response beside it
 * (idempotentTransaction's core).
 */
async function runOnce<T>(
  trx: Executor,
  { caller, scope, key, at }: IdempotentRequest,
  hash: string,
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

/**
 * A change whose idempotency key is optional (the admin procedures, whose contract shape has none): with a key, the
 * idempotent transaction above; without one, a plain transaction (`replayed` false).
 */
export async function optionallyIdempotent<T>(
  deps: { readonly db: DB },
  request: Omit<IdempotentRequest, 'key'> & { readonly key: string | undefined },
  effect: (trx: Executor) => Promise<T>,
): Promise<{ response: T; replayed: boolean }> {
  const { key } = request;
  if (key) return idempotentTransaction(deps, { ...request, key }, effect);
  return { response: await deps.db.transaction().execute(effect), replayed: false };
}
