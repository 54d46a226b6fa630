import type { DB } from '../../db/database';
import { fieldError } from '../../errors';
import { userCreateInput } from '@valore/shared/schemas/admin';
import { insertAudit } from '../audit/audit.repository';
import { hashPassword } from '../auth/password';
import { requireGoodPassword } from '../auth/password-policy';
import { temporaryPassword } from './users.service';

/**
 * `npm run admin:create`: an admin made from the command line — the first one of an empty production database (no
 * demo seed: nobody could sign in to make one), or a way back in when every admin is locked out. Like an admin made
 * on the screen: the password (given, and then checked by the policy, or a temporary one printed once) must be
 * changed at first sign-in; audited with no actor ("cli").
 */
export async function createAdminFromCli(
  db: DB,
  input: { username: string; displayName: string; password?: string },
  now: Date,
): Promise<{ id: number; temporaryPassword: string | null }> {
  const parsed = userCreateInput.safeParse({ ...input, role: 'admin', siteId: null });
  if (!parsed.success) {
    throw fieldError(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] ?? 'input'), [i.message]])));
  }
  if (input.password) await requireGoodPassword('password', input.password, parsed.data);
  const secret = input.password ? null : temporaryPassword();
  const hash = await hashPassword(input.password ?? secret ?? '');
  const at = now.toISOString();
  const id = await db.transaction().execute(async (trx) => {
    const taken = await trx
      .selectFrom('users')
      .select('id')
      .where('username', '=', parsed.data.username)
      .executeTakeFirst();
    if (taken) throw fieldError({ username: [`"${parsed.data.username}" is already taken`] });
    const row = await trx
      .insertInto('users')
      .values({
        username: parsed.data.username,
        display_name: parsed.data.displayName,
        role: 'admin',
        site_id: null,
        team_id: null,
        password_hash: hash,
        must_change_password: 1,
        created_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await insertAudit(trx, {
      at,
      actorId: null,
      action: 'admin.user_created',
      entityType: 'user',
      entityId: row.id,
      details: { username: parsed.data.username, role: 'admin', via: 'cli' },
    });
    return row.id;
  });
  return { id, temporaryPassword: secret };
}
