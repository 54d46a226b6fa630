import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Executor } from '../../db/database';
import { DomainError } from '../../errors';
import { createTestDeps } from '../../testing/test-deps';
import { apiKeyCaller, idempotentTransaction, requestHash, userCaller, type IdempotentRequest } from './idempotency';

const AT = '2026-11-26T10:00:00.000Z';
const SCOPE = 'test.idempotent';

/** The effect's own row: an audit row, as most mutations write one beside their change. */
const writeEffect = (trx: Executor, marker: string) =>
  sql`INSERT INTO audit_log (at, actor_id, action, entity_type, entity_id, details, ip)
      VALUES (${AT}, NULL, ${marker}, 'test', '1', NULL, NULL)`.execute(trx);

async function countEffects(deps: Awaited<ReturnType<typeof createTestDeps>>['deps'], marker: string): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*) AS n FROM audit_log WHERE action = ${marker}`.execute(deps.db);
  return Number(r.rows[0]?.n ?? 0);
}

async function keysStored(deps: Awaited<ReturnType<typeof createTestDeps>>['deps'], key: string): Promise<number> {
  const rows = await deps.db
    .selectFrom('idempotency_keys')
    .select('key')
    .where('scope', '=', SCOPE)
    .where('key', '=', key)
    .execute();
  return rows.length;
}

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

describe.each(['own', 'group'] as const)('idempotentTransaction (commit: %s)', (commit) => {
  const request = (over: Partial<IdempotentRequest> = {}): IdempotentRequest => ({
    caller: userCaller({ id: 7 }),
    scope: SCOPE,
    key: 'req-1',
    input: { amount: 10 },
    at: AT,
    commit,
    ...over,
  });

  it('runs the effect once; the same caller with the same body gets the first response back, replayed', async () => {
    const { deps } = await createTestDeps();
    let runs = 0;
    const effect = async (trx: Executor, hash: string) => {
      runs += 1;
      await writeEffect(trx, 'effect');
      return { run: runs, hash };
    };
    const first = await idempotentTransaction(deps, request(), effect);
    expect(first).toEqual({ response: { run: 1, hash: requestHash({ amount: 10 }) }, replayed: false });
    const again = await idempotentTransaction(deps, request(), effect);
    expect(again).toEqual({ response: first.response, replayed: true });
    expect(runs).toBe(1);
    expect(await countEffects(deps, 'effect')).toBe(1);
    expect(await keysStored(deps, 'req-1')).toBe(1);
  });

  it('refuses the same key with a different body (CONFLICT IDEMPOTENCY_MISMATCH), without running the effect', async () => {
    const { deps } = await createTestDeps();
    let runs = 0;
    const effect = async (trx: Executor) => {
      runs += 1;
      await writeEffect(trx, 'effect');
      return runs;
    };
    await idempotentTransaction(deps, request(), effect);
    const error = await refusal(idempotentTransaction(deps, request({ input: { amount: 11 } }), effect));
    expect(error.code).toBe('CONFLICT');
    expect(error.domainCode).toBe('IDEMPOTENCY_MISMATCH');
    expect(runs).toBe(1);
    expect(await countEffects(deps, 'effect')).toBe(1);
  });

  it('refuses the same key from another caller (CONFLICT), never answering the first caller’s response', async () => {
    const { deps } = await createTestDeps();
    let runs = 0;
    const effect = async (trx: Executor) => {
      runs += 1;
      await writeEffect(trx, 'effect');
      return { secret: 'first caller' };
    };
    await idempotentTransaction(deps, request(), effect);
    for (const caller of [userCaller({ id: 8 }), apiKeyCaller('k1')]) {
      const error = await refusal(idempotentTransaction(deps, request({ caller }), effect));
      expect(error.code).toBe('CONFLICT');
      expect(error.domainCode).toBe('IDEMPOTENCY_MISMATCH');
    }
    expect(runs).toBe(1);
  });

  it('stores nothing when the effect throws: neither its writes nor the key, so a retry runs it again', async () => {
    const { deps } = await createTestDeps();
    const failure = new DomainError('CONFLICT', 'VALIDATION', 'refused after writing');
    const failing = async (trx: Executor) => {
      await writeEffect(trx, 'half-done');
      throw failure;
    };
    await expect(idempotentTransaction(deps, request(), failing)).rejects.toBe(failure);
    expect(await countEffects(deps, 'half-done')).toBe(0);
    expect(await keysStored(deps, 'req-1')).toBe(0);

    const retry = await idempotentTransaction(deps, request(), async (trx) => {
      await writeEffect(trx, 'done');
      return 'ok';
    });
    expect(retry).toEqual({ response: 'ok', replayed: false });
    expect(await countEffects(deps, 'done')).toBe(1);
  });

  it('keeps keys apart by scope', async () => {
    const { deps } = await createTestDeps();
    const a = await idempotentTransaction(deps, request(), () => Promise.resolve('a'));
    const b = await idempotentTransaction(deps, request({ scope: `${SCOPE}.other` }), () => Promise.resolve('b'));
    expect([a, b]).toEqual([
      { response: 'a', replayed: false },
      { response: 'b', replayed: false },
    ]);
  });
});
