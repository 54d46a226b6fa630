import type { SessionUser } from '@valore/shared/schemas/auth';
import type { AppDeps } from '../../deps';
import type { Executor } from '../../db/database';
import { DomainError } from '../../errors';
import { insertAudit } from '../audit/audit.repository';

/**
 * The centre's settings an admin changes on the screen (admin.settings.*): for now whether local passwords sign in.
 * They can be switched off only while a company identity provider is configured (else nobody could sign in), and
 * `npm run admin:create -- --local-passwords on` switches them back on from the command line.
 */
export interface CentreSettings {
  /** sign-in with a username and password (the demo, a fallback); off: only through the identity provider */
  localPasswords: boolean;
}

export async function centreSettings(db: Executor): Promise<CentreSettings> {
  const row = await db
    .selectFrom('app_settings')
    .select('value')
    .where('key', '=', 'local_passwords')
    .executeTakeFirst();
  return { localPasswords: row ? (JSON.parse(row.value) as boolean) : true };
}

export async function setLocalPasswords(
  db: Executor,
  enabled: boolean,
  actorId: number | null,
  at: string,
  ip: string | null = null,
): Promise<void> {
  await db
    .insertInto('app_settings')
    .values({ key: 'local_passwords', value: JSON.stringify(enabled), updated_by: actorId, updated_at: at })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({ value: JSON.stringify(enabled), updated_by: actorId, updated_at: at }),
    )
    .execute();
  await insertAudit(db, {
    at,
    actorId,
    action: 'admin.settings_changed',
    entityType: 'settings',
    entityId: 'local_passwords',
    details: { localPasswords: enabled, ...(actorId === null ? { via: 'cli' } : {}) },
    ip,
  });
}

export async function updateSettings(
  deps: AppDeps,
  admin: SessionUser,
  input: { localPasswords: boolean },
  ip: string | null,
): Promise<CentreSettings & { oidc: boolean }> {
  if (!input.localPasswords && !deps.config.oidc) {
    throw new DomainError(
      'BAD_REQUEST',
      'VALIDATION',
      'Local passwords can be switched off only while a company identity provider (VALORE_OIDC_*) is configured.',
      { localPasswords: ['Configure the identity provider first'] },
    );
  }
  await deps.db
    .transaction()
    .execute((trx) => setLocalPasswords(trx, input.localPasswords, admin.id, deps.clock.now().toISOString(), ip));
  return { ...(await centreSettings(deps.db)), oidc: !!deps.config.oidc };
}
