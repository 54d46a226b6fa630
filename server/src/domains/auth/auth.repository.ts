import type { Selectable } from 'kysely';
import type { Executor } from '../../db/database';
import { precompiled } from '../../db/precompiled';
import type { SessionsTable, UsersTable } from './auth.table';

export type UserRow = Selectable<UsersTable>;

export async function findUserByUsername(db: Executor, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', username).where('active', '=', 1).executeTakeFirst();
}

export async function insertSession(db: Executor, row: SessionsTable): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

/** The session and its user, read on every signed-in request: built once (db/precompiled.ts). */
const sessionWithUser = precompiled((db, v: { sessionId: string }) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id as session_id',
      'sessions.user_id',
      'sessions.created_at as session_created_at',
      'sessions.last_seen_at',
      'sessions.expires_at',
      'sessions.user_agent',
      'sessions.ip',
      'users.id',
      'users.username',
      'users.display_name',
      'users.role',
      'users.site_id',
      'users.team_id',
      'users.password_hash',
      'users.active',
      'users.created_at',
      'users.must_change_password',
      'users.password_changed_at',
      'users.oidc_subject',
    ])
    .where('sessions.id', '=', v.sessionId),
);

export async function findSessionWithUser(
  db: Executor,
  sessionId: string,
): Promise<(Selectable<SessionsTable> & { user: UserRow }) | undefined> {
  const row = await sessionWithUser.first(db, { sessionId });
  if (!row) return undefined;
  return {
    id: row.session_id,
    user_id: row.user_id,
    created_at: row.session_created_at,
    last_seen_at: row.last_seen_at,
    expires_at: row.expires_at,
    user_agent: row.user_agent,
    ip: row.ip,
    user: {
      id: row.id,
      username: row.username,
      display_name: row.display_name,
      role: row.role,
      site_id: row.site_id,
      team_id: row.team_id,
      password_hash: row.password_hash,
      active: row.active,
      created_at: row.created_at,
      must_change_password: row.must_change_password,
      password_changed_at: row.password_changed_at,
      oidc_subject: row.oidc_subject,
    },
  };
}

export async function touchSession(db: Executor, sessionId: string, at: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', sessionId).execute();
}

export async function deleteSession(db: Executor, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}
