import { randomBytes } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import {
  userCreateInput,
  type AdminUser,
  type UserCreateInput,
  type UserCreateOutput,
  type UserResetPasswordOutput,
  type UsersImportOutput,
  type UsersListInput,
  type UserUpdateInput,
  type UserUpdateOutput,
} from '@valore/shared/schemas/admin';
import type { Role, SessionUser } from '@valore/shared/schemas/auth';
import type { AppDeps } from '../../deps';
import type { Executor } from '../../db/database';
import { DomainError, fieldError } from '../../errors';
import { insertAudit } from '../audit/audit.repository';
import { optionallyIdempotent, userCaller } from '../audit/idempotency';
import { hashPassword } from '../auth/password';
import { requireGoodPassword } from '../auth/password-policy';
import { announceStatus, changeOperatorStatus } from '../monitor/status.service';
import { CALLBACK_BACK_TO_QUEUE } from '../work/work.repository';
import { topics } from '../../realtime/event-bus';

/**
 * The admin's users screen (admin.users.*, docs/admin.md). Every change is audited and, given a requestId,
 * idempotent; a temporary password is returned once and never stored in the idempotency record.
 */

/** A temporary password: 18 characters from 108 random bits, in groups a person can read out. */
export function temporaryPassword(): string {
  const raw = randomBytes(18).toString('base64url').replace(/[-_]/g, 'x').slice(0, 18);
  return `${raw.slice(0, 6)}-${raw.slice(6, 12)}-${raw.slice(12, 18)}`;
}

function userQuery(db: Executor, at: string) {
  return db
    .selectFrom('users')
    .leftJoin('sites', 'sites.id', 'users.site_id')
    .leftJoin('teams', 'teams.id', 'users.team_id')
    .select((eb) => [
      'users.id',
      'users.username',
      'users.display_name',
      'users.role',
      'users.site_id',
      'sites.name as site_name',
      'users.team_id',
      'teams.name as team_name',
      'users.active',
      'users.must_change_password',
      'users.created_at',
      eb
        .selectFrom('sessions')
        .whereRef('sessions.user_id', '=', 'users.id')
        .where('sessions.expires_at', '>', at)
        .select((s) => s.fn.max('sessions.last_seen_at').as('m'))
        .as('last_seen_at'),
      eb
        .selectFrom('sessions')
        .whereRef('sessions.user_id', '=', 'users.id')
        .where('sessions.expires_at', '>', at)
        .select((s) => s.fn.countAll<number>().as('n'))
        .as('open_sessions'),
    ]);
}
type UserQueryRow = Awaited<ReturnType<ReturnType<typeof userQuery>['executeTakeFirstOrThrow']>>;

function toAdminUser(r: UserQueryRow): AdminUser {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    siteId: r.site_id,
    siteName: r.site_name,
    teamId: r.team_id,
    teamName: r.team_name,
    active: r.active === 1,
    mustChangePassword: r.must_change_password === 1,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at ?? null,
    openSessions: Number(r.open_sessions ?? 0),
  };
}

async function adminUserById(db: Executor, id: number, at: string): Promise<AdminUser> {
  const row = await userQuery(db, at).where('users.id', '=', id).executeTakeFirst();
  if (!row) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `User ${id} does not exist.`);
  return toAdminUser(row);
}

export async function listUsers(deps: AppDeps, input: UsersListInput): Promise<{ users: AdminUser[]; total: number }> {
  const at = deps.clock.now().toISOString();
  let q = userQuery(deps.db, at);
  if (input.role) q = q.where('users.role', '=', input.role);
  if (input.siteId !== undefined) q = q.where('users.site_id', '=', input.siteId);
  if (input.active !== undefined) q = q.where('users.active', '=', input.active ? 1 : 0);
  if (input.search) {
    const like = `%${input.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([
        sql<boolean>`users.username LIKE ${like} ESCAPE '\\'`,
        sql<boolean>`users.display_name LIKE ${like} ESCAPE '\\'`,
      ]),
    );
  }
  const rows = await q
    .orderBy('users.active', 'desc')
    .orderBy('users.username')
    .limit(input.limit + 1)
    .execute();
  let countQ = deps.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n'));
  if (input.role) countQ = countQ.where('role', '=', input.role);
  if (input.siteId !== undefined) countQ = countQ.where('site_id', '=', input.siteId);
  if (input.active !== undefined) countQ = countQ.where('active', '=', input.active ? 1 : 0);
  const total = input.search ? rows.length : Number((await countQ.executeTakeFirstOrThrow()).n);
  return { users: rows.slice(0, input.limit).map(toAdminUser), total };
}

export async function adminOptions(deps: AppDeps) {
  const [sites, teams] = await Promise.all([
    deps.db.selectFrom('sites').select(['id', 'code', 'name']).orderBy('name').execute(),
    deps.db.selectFrom('teams').select(['id', 'site_id', 'name']).orderBy('name').execute(),
  ]);
  return { sites, teams: teams.map((t) => ({ id: t.id, siteId: t.site_id, name: t.name })) };
}

/** The site and team of a user must exist and the team must be the site's. */
async function checkPlacement(db: Executor, siteId: number | null, teamId: number | null): Promise<void> {
  if (siteId !== null) {
    const site = await db.selectFrom('sites').select('id').where('id', '=', siteId).executeTakeFirst();
    if (!site) throw fieldError({ siteId: [`Site ${siteId} does not exist`] });
  }
  if (teamId !== null) {
    const team = await db.selectFrom('teams').select('site_id').where('id', '=', teamId).executeTakeFirst();
    if (!team) throw fieldError({ teamId: [`Team ${teamId} does not exist`] });
    if (team.site_id !== siteId) throw fieldError({ teamId: ['The team belongs to another site'] });
  }
}

async function requireFreeUsername(db: Executor, username: string): Promise<void> {
  const taken = await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
  if (taken) {
    throw new DomainError('CONFLICT', 'USERNAME_TAKEN', `The username "${username}" is already taken.`, {
      username: ['Already taken'],
    });
  }
}

/** Ends every session of a user; how many there were. */
async function endSessions(db: Executor, userId: number, except: string | null = null): Promise<number> {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (except) q = q.where('id', '!=', except);
  const result = await q.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Every item the user holds under a lease (live or run out) goes back to its queue; how many. */
export async function returnHeldWork(db: Executor, userId: number, at: string): Promise<number> {
  const contacts =
    await sql`UPDATE campaign_contacts SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL,
      updated_at = ${at} WHERE status = 'claimed' AND lease_owner = ${userId}`.execute(db);
  const callbacks = await sql`UPDATE callback_requests SET ${CALLBACK_BACK_TO_QUEUE(at)}
      WHERE status = 'claimed' AND lease_owner = ${userId}`.execute(db);
  const leads = await sql`UPDATE leads SET lease_owner = NULL, lease_expires_at = NULL, updated_at = ${at}
      WHERE status = 'open' AND lease_owner = ${userId}`.execute(db);
  return [contacts, callbacks, leads].reduce((n, r) => n + Number(r.numAffectedRows ?? 0), 0);
}

interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  siteId: number | null;
  teamId: number | null;
  passwordHash: string;
}

async function insertUser(trx: Executor, u: NewUser, at: string): Promise<number> {
  const row = await trx
    .insertInto('users')
    .values({
      username: u.username,
      display_name: u.displayName,
      role: u.role,
      site_id: u.siteId,
      team_id: u.teamId,
      password_hash: u.passwordHash,
      must_change_password: 1,
      created_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function createUser(
  deps: AppDeps,
  admin: SessionUser,
  input: UserCreateInput,
  ip: string | null,
): Promise<UserCreateOutput> {
  const at = deps.clock.now().toISOString();
  if (input.password) await requireGoodPassword('password', input.password, input);
  const secret = input.password ? null : temporaryPassword();
  const passwordHash = await hashPassword(input.password ?? secret ?? '');
  const run = async (trx: Executor) => {
    await requireFreeUsername(trx, input.username);
    await checkPlacement(trx, input.siteId, input.teamId ?? null);
    const id = await insertUser(
      trx,
      { ...input, teamId: input.teamId ?? null, siteId: input.siteId, passwordHash },
      at,
    );
    await insertAudit(trx, {
      at,
      actorId: admin.id,
      action: 'admin.user_created',
      entityType: 'user',
      entityId: id,
      details: { username: input.username, role: input.role, siteId: input.siteId, teamId: input.teamId ?? null },
      ip,
    });
    return { user: await adminUserById(trx, id, at), temporaryPassword: null };
  };
  const { response, replayed } = await optionallyIdempotent(
    deps,
    // the password is not part of what a retry compares (its hash would be the secret's)
    {
      caller: userCaller(admin),
      scope: 'admin.users.create',
      key: input.requestId,
      input: { ...input, password: !!input.password },
      at,
    },
    run,
  );
  return { user: response.user, temporaryPassword: replayed ? null : secret };
}

export async function updateUser(
  deps: AppDeps,
  admin: SessionUser,
  input: UserUpdateInput,
  ip: string | null,
): Promise<UserUpdateOutput> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const statuses: { siteId: number | null; row: Awaited<ReturnType<typeof changeOperatorStatus>> }[] = [];
  const run = async (trx: Executor): Promise<UserUpdateOutput> => {
    const before = await trx.selectFrom('users').selectAll().where('id', '=', input.id).executeTakeFirst();
    if (!before) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `User ${input.id} does not exist.`);
    const role = input.role ?? before.role;
    const siteId = input.siteId !== undefined ? input.siteId : role === 'admin' ? null : before.site_id;
    const teamId = input.teamId !== undefined ? input.teamId : siteId === before.site_id ? before.team_id : null;
    const active = input.active ?? before.active === 1;
    const site = userCreateInput.safeParse({ username: before.username, displayName: 'x', role, siteId });
    if (!site.success) {
      const siteIssue = site.error.issues.find((i) => i.path[0] === 'siteId');
      if (siteIssue) throw fieldError({ siteId: [siteIssue.message] });
    }
    await checkPlacement(trx, siteId, teamId);
    // the one rule that keeps an active admin: nobody removes their own access (whoever removes another admin's
    // stays one)
    if (before.id === admin.id && (role !== 'admin' || !active)) {
      throw fieldError({ [active ? 'role' : 'active']: ['You cannot take away your own admin access'] });
    }
    await trx
      .updateTable('users')
      .set({
        display_name: input.displayName ?? before.display_name,
        role,
        site_id: siteId,
        team_id: teamId,
        active: active ? 1 : 0,
      })
      .where('id', '=', before.id)
      .execute();
    const disabled = before.active === 1 && !active;
    const moved = before.site_id !== siteId || before.role !== role;
    const sessionsEnded = disabled ? await endSessions(trx, before.id) : 0;
    const workReturned = disabled || moved ? await returnHeldWork(trx, before.id, at) : 0;
    if ((disabled || moved) && before.role === 'operator') {
      const row = await changeOperatorStatus(
        trx,
        { id: before.id, siteId: before.site_id },
        { state: 'signed_out' },
        at,
        {
          force: true,
        },
      );
      statuses.push({ siteId: before.site_id, row });
    }
    const changes = Object.fromEntries(
      (
        [
          ['displayName', before.display_name, input.displayName ?? before.display_name],
          ['role', before.role, role],
          ['siteId', before.site_id, siteId],
          ['teamId', before.team_id, teamId],
          ['active', before.active === 1, active],
        ] as const
      )
        .filter(([, from, to]) => from !== to)
        .map(([field, from, to]) => [field, { from, to }]),
    );
    // an update that changes nothing (a retried form, "enable" on an active user) is no change to record
    if (Object.keys(changes).length > 0)
      await insertAudit(trx, {
        at,
        actorId: admin.id,
        action: disabled ? 'admin.user_disabled' : 'admin.user_updated',
        entityType: 'user',
        entityId: before.id,
        details: { username: before.username, changes, sessionsEnded, workReturned },
        ip,
      });
    return { user: await adminUserById(trx, before.id, at), sessionsEnded, workReturned };
  };
  const response = (
    await optionallyIdempotent(
      deps,
      { caller: userCaller(admin), scope: 'admin.users.update', key: input.requestId, input, at },
      run,
    )
  ).response;
  for (const s of statuses) await announceStatus(deps, s.siteId);
  if (response.sessionsEnded > 0) deps.bus.publish(topics.userSessionsEnded(input.id), {});
  return response;
}

export async function resetPassword(
  deps: AppDeps,
  admin: SessionUser,
  input: { requestId?: string; id: number },
  ip: string | null,
): Promise<UserResetPasswordOutput> {
  const at = deps.clock.now().toISOString();
  const secret = temporaryPassword();
  const passwordHash = await hashPassword(secret);
  const run = async (trx: Executor) => {
    const user = await trx.selectFrom('users').select(['id', 'username']).where('id', '=', input.id).executeTakeFirst();
    if (!user) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `User ${input.id} does not exist.`);
    await trx
      .updateTable('users')
      .set({ password_hash: passwordHash, must_change_password: 1 })
      .where('id', '=', user.id)
      .execute();
    // whoever held the old password is signed out (the admin's own other sessions too, when they reset their own)
    const sessionsEnded = await endSessions(trx, user.id);
    await insertAudit(trx, {
      at,
      actorId: admin.id,
      action: 'admin.user_password_reset',
      entityType: 'user',
      entityId: user.id,
      details: { username: user.username, sessionsEnded },
      ip,
    });
    return { user: await adminUserById(trx, user.id, at), temporaryPassword: null, sessionsEnded };
  };
  const { response, replayed } = await optionallyIdempotent(
    deps,
    { caller: userCaller(admin), scope: 'admin.users.resetPassword', key: input.requestId, input, at },
    run,
  );
  if (!replayed) deps.bus.publish(topics.userSessionsEnded(input.id), {});
  return { ...response, temporaryPassword: replayed ? null : secret };
}

const IMPORT_MAX_LINES = 1_000;

interface ImportCandidate {
  line: number;
  username: string | null;
  user: UserCreateInput | null;
  errors: string[];
}

/** Each line of a users CSV checked on its own (schema, site, team, repeated in the file). */
function importCandidates(records: string[][], options: Awaited<ReturnType<typeof adminOptions>>): ImportCandidate[] {
  const header = (records[0] ?? []).map((h) => h.toLowerCase().replace(/\s+/g, '_'));
  const missing = ['username', 'display_name', 'role'].filter((c) => !header.includes(c));
  if (missing.length > 0) throw fieldError({ csv: [`The header has no column ${missing.join(', ')}`] });
  if (records.length - 1 > IMPORT_MAX_LINES) throw fieldError({ csv: [`At most ${IMPORT_MAX_LINES} users per file`] });
  const col = (row: string[], name: string) => {
    const i = header.indexOf(name);
    return i >= 0 ? (row[i] ?? '').trim() : '';
  };
  const seen = new Set<string>();
  return records.slice(1).map((row, index) => {
    const siteCode = col(row, 'site_code');
    const site = siteCode ? options.sites.find((s) => s.code.toLowerCase() === siteCode.toLowerCase()) : undefined;
    const teamName = col(row, 'team');
    const team = teamName && site ? options.teams.find((t) => t.siteId === site.id && t.name === teamName) : undefined;
    const errors: string[] = [];
    if (siteCode && !site) errors.push(`site_code: no site "${siteCode}"`);
    if (teamName && site && !team) errors.push(`team: no team "${teamName}" at ${site.name}`);
    const parsed = userCreateInput.safeParse({
      username: col(row, 'username'),
      displayName: col(row, 'display_name'),
      role: col(row, 'role'),
      siteId: site?.id ?? null,
      teamId: team?.id ?? null,
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        if (issue.path[0] === 'siteId' && siteCode && !site) continue;
        errors.push(`${String(issue.path[0] ?? 'line')}: ${issue.message}`);
      }
    }
    const username = parsed.success ? parsed.data.username : col(row, 'username') || null;
    if (username && seen.has(username.toLowerCase())) errors.push('username: twice in this file');
    if (username) seen.add(username.toLowerCase());
    return { line: index + 2, username, user: parsed.success && errors.length === 0 ? parsed.data : null, errors };
  });
}

/**
 * Users from a CSV (header: username, display_name, role, site_code, optionally team): each line is checked on its
 * own and either created (with a temporary password shown once in the report) or refused with its reasons; a bad
 * line does not stop the others. The good lines are created in one transaction with one audit row for the import;
 * their passwords are hashed before it opens (a hash takes ~30 ms: writers must not wait for them).
 */
export async function importUsers(
  deps: AppDeps,
  admin: SessionUser,
  input: { requestId?: string; csv: string },
  ip: string | null,
): Promise<UsersImportOutput> {
  const at = deps.clock.now().toISOString();
  let records: string[][];
  try {
    const rows: unknown = parse(input.csv, {
      delimiter: [',', ';'],
      skip_empty_lines: true,
      trim: true,
      bom: true,
      relax_column_count: true,
    });
    records = rows as string[][];
  } catch (error) {
    throw fieldError({ csv: [`The file is not valid CSV: ${(error as Error).message}`] });
  }
  const candidates = importCandidates(records, await adminOptions(deps));
  const secrets = new Map<number, { secret: string; hash: string }>();
  for (const c of candidates) {
    if (!c.user) continue;
    const secret = temporaryPassword();
    secrets.set(c.line, { secret, hash: await hashPassword(secret) });
  }
  const run = async (trx: Executor): Promise<UsersImportOutput> => {
    const lines: UsersImportOutput['lines'] = [];
    const createdIds: number[] = [];
    for (const c of candidates) {
      const password = secrets.get(c.line);
      if (c.user && password) {
        const taken = await trx
          .selectFrom('users')
          .select('id')
          .where('username', '=', c.user.username)
          .executeTakeFirst();
        if (!taken) {
          createdIds.push(
            await insertUser(trx, { ...c.user, teamId: c.user.teamId ?? null, passwordHash: password.hash }, at),
          );
          lines.push({ line: c.line, username: c.username, status: 'created', temporaryPassword: null, errors: [] });
          continue;
        }
        c.errors.push('username: already taken');
      }
      lines.push({ line: c.line, username: c.username, status: 'rejected', temporaryPassword: null, errors: c.errors });
    }
    await insertAudit(trx, {
      at,
      actorId: admin.id,
      action: 'admin.users_imported',
      entityType: 'user',
      entityId: null,
      details: { created: createdIds.length, rejected: lines.length - createdIds.length, userIds: createdIds },
      ip,
    });
    return { created: createdIds.length, rejected: lines.length - createdIds.length, lines };
  };
  const { response, replayed } = await optionallyIdempotent(
    deps,
    { caller: userCaller(admin), scope: 'admin.users.import', key: input.requestId, input, at },
    run,
  );
  return {
    ...response,
    lines: response.lines.map((l) => ({
      ...l,
      temporaryPassword: !replayed && l.status === 'created' ? (secrets.get(l.line)?.secret ?? null) : null,
    })),
  };
}
