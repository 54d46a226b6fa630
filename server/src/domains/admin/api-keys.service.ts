import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  API_KEY_SCOPES,
  type ApiKeyCreateInput,
  type ApiKeyCreateOutput,
  type ApiKeyScope,
  type ApiKeySummary,
} from '@valore/shared/schemas/admin';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type { AppDeps } from '../../deps';
import type { Executor } from '../../db/database';
import { groupCommit } from '../../db/group-commit';
import { DomainError, fieldError } from '../../errors';
import { insertAudit } from '../audit/audit.repository';
import { optionallyIdempotent, userCaller } from '../audit/idempotency';

/**
 * API keys for the integrations (admin.apiKeys.*, docs/admin.md): made on the admin screen, shown once, stored as the
 * SHA-256 of the key (a key is 192 random bits: a fast hash is enough, unlike a password), found by its public
 * prefix. A key works as `Authorization: Bearer` on the `/api/v1` endpoints of its scopes until it expires or is
 * revoked — checked against the database on every request, so a revocation holds from the next request on. The keys
 * of the environment (VALORE_INTAKE_KEYS: intake and CTI; VALORE_ATTENDANCE_KEYS: attendance) keep working beside them.
 */

const KEY = /^vk_([0-9a-f]{12})_([A-Za-z0-9_-]{32})$/;
const LAST_USED_EVERY_MS = 60_000;
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export function newApiKey(): { key: string; prefix: string; hash: string } {
  const prefix = randomBytes(6).toString('hex');
  const key = `vk_${prefix}_${randomBytes(24).toString('base64url')}`;
  return { key, prefix, hash: sha256(key) };
}

type ApiKeyRow = {
  id: number;
  name: string;
  prefix: string;
  scopes: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  created_at: string;
  created_by_name: string | null;
};

function scopesOf(json: string): ApiKeyScope[] {
  const parsed = JSON.parse(json) as unknown;
  return Array.isArray(parsed) ? API_KEY_SCOPES.filter((s) => parsed.includes(s)) : [];
}

function toSummary(r: ApiKeyRow, now: string): ApiKeySummary {
  return {
    id: r.id,
    name: r.name,
    prefix: `vk_${r.prefix}_`,
    scopes: scopesOf(r.scopes),
    status: r.revoked_at ? 'revoked' : r.expires_at !== null && r.expires_at <= now ? 'expired' : 'active',
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
    createdAt: r.created_at,
    createdBy: r.created_by_name,
  };
}

function keyQuery(db: Executor) {
  return db
    .selectFrom('api_keys')
    .leftJoin('users', 'users.id', 'api_keys.created_by')
    .select([
      'api_keys.id',
      'api_keys.name',
      'api_keys.prefix',
      'api_keys.scopes',
      'api_keys.expires_at',
      'api_keys.last_used_at',
      'api_keys.revoked_at',
      'api_keys.created_at',
      'users.display_name as created_by_name',
    ]);
}

async function summaryById(db: Executor, id: number, now: string): Promise<ApiKeySummary> {
  const row = await keyQuery(db).where('api_keys.id', '=', id).executeTakeFirst();
  if (!row) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `API key ${id} does not exist.`);
  return toSummary(row, now);
}

export async function listApiKeys(deps: AppDeps): Promise<ApiKeySummary[]> {
  const now = deps.clock.now().toISOString();
  const rows = await keyQuery(deps.db).orderBy('api_keys.created_at', 'desc').orderBy('api_keys.id', 'desc').execute();
  return rows.map((r) => toSummary(r, now));
}

export async function createApiKey(
  deps: AppDeps,
  admin: SessionUser,
  input: ApiKeyCreateInput,
  ip: string | null,
): Promise<ApiKeyCreateOutput> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const expiresAt = input.expiresAt ? new Date(input.expiresAt).toISOString() : null;
  if (expiresAt !== null && expiresAt <= at) throw fieldError({ expiresAt: ['Must be in the future'] });
  const made = newApiKey();
  const run = async (trx: Executor): Promise<ApiKeyCreateOutput> => {
    const row = await trx
      .insertInto('api_keys')
      .values({
        name: input.name,
        prefix: made.prefix,
        key_hash: made.hash,
        scopes: JSON.stringify(input.scopes),
        expires_at: expiresAt,
        last_used_at: null,
        revoked_at: null,
        revoked_by: null,
        created_by: admin.id,
        created_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await insertAudit(trx, {
      at,
      actorId: admin.id,
      action: 'admin.api_key_created',
      entityType: 'api_key',
      entityId: row.id,
      details: { name: input.name, prefix: made.prefix, scopes: input.scopes, expiresAt },
      ip,
    });
    // the key itself is not part of the stored answer: a retry gets the summary, not the secret
    return { id: row.id, key: null, apiKey: await summaryById(trx, row.id, at) };
  };
  const { response, replayed } = await optionallyIdempotent(
    deps,
    { caller: userCaller(admin), scope: 'admin.apiKeys.create', key: input.requestId, input, at },
    run,
  );
  return { ...response, key: replayed ? null : made.key };
}

export async function revokeApiKey(
  deps: AppDeps,
  admin: SessionUser,
  input: { requestId?: string; id: number },
  ip: string | null,
): Promise<ApiKeySummary> {
  const at = deps.clock.now().toISOString();
  const run = async (trx: Executor): Promise<ApiKeySummary> => {
    const before = await summaryById(trx, input.id, at);
    // revoking a revoked key changes nothing (and says when it was revoked)
    if (before.status === 'revoked') return before;
    await trx
      .updateTable('api_keys')
      .set({ revoked_at: at, revoked_by: admin.id })
      .where('id', '=', input.id)
      .execute();
    await insertAudit(trx, {
      at,
      actorId: admin.id,
      action: 'admin.api_key_revoked',
      entityType: 'api_key',
      entityId: input.id,
      details: { name: before.name, prefix: before.prefix },
      ip,
    });
    return summaryById(trx, input.id, at);
  };
  return (
    await optionallyIdempotent(
      deps,
      { caller: userCaller(admin), scope: 'admin.apiKeys.revoke', key: input.requestId, input, at },
      run,
    )
  ).response;
}

/** The environment's keys by scope (intake keys also post CTI events, as before admin-made keys). */
function envKeys(deps: AppDeps, scope: ApiKeyScope): readonly string[] {
  switch (scope) {
    case 'intake':
    case 'cti':
      return deps.config.intakeKeys;
    case 'attendance':
      return deps.config.attendanceKeys ?? [];
  }
}

const digest = (value: string) => createHash('sha256').update(value).digest();
const lastUsedWritten = new Map<string, number>();

/**
 * The presented key (`Authorization: Bearer <key>`) when it may call an endpoint of `scope`, else null: an
 * environment key (compared in constant time, every one checked), or an admin-made key that has the scope and is
 * neither revoked nor expired. Its last use is recorded at most once a minute, with the next shared commit.
 */
export async function authenticateApiKey(
  deps: AppDeps,
  header: string | undefined,
  scope: ApiKeyScope,
): Promise<string | null> {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  const presented = match?.[1];
  if (!presented || presented.length > 256) return null;
  const presentedDigest = digest(presented);
  let found: string | null = null;
  for (const key of envKeys(deps, scope)) {
    if (timingSafeEqual(presentedDigest, digest(key)) && found === null) found = key;
  }
  if (found !== null) return found;
  const parts = KEY.exec(presented);
  if (!parts) return null;
  const row = await deps.db
    .selectFrom('api_keys')
    .select(['id', 'key_hash', 'scopes', 'expires_at', 'revoked_at'])
    .where('prefix', '=', parts[1] ?? '')
    .executeTakeFirst();
  if (!row) return null;
  const stored = Buffer.from(row.key_hash, 'hex');
  if (stored.length !== presentedDigest.length || !timingSafeEqual(stored, presentedDigest)) return null;
  const now = deps.clock.now();
  if (row.revoked_at !== null) return null;
  if (row.expires_at !== null && row.expires_at <= now.toISOString()) return null;
  if (!scopesOf(row.scopes).includes(scope)) return null;
  const last = lastUsedWritten.get(row.key_hash) ?? 0;
  if (now.getTime() - last >= LAST_USED_EVERY_MS) {
    lastUsedWritten.set(row.key_hash, now.getTime());
    const at = now.toISOString();
    void groupCommit(deps.db, (trx) =>
      trx.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', row.id).execute(),
    ).catch((err: unknown) => deps.logger.warn({ err }, 'api key: could not record last use'));
  }
  return presented;
}
