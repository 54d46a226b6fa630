import { createHash, randomBytes } from 'node:crypto';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type { AppDeps } from '../../deps';
import { DomainError } from '../../errors';
import { insertAudit } from '../audit/audit.repository';
import { centreSettings } from '../admin/settings.service';
import { findOperatorStatus } from '../monitor/monitor.repository';
import { announceStatus, changeOperatorStatus } from '../monitor/status.service';
import { deleteSession, findSessionWithUser, findUserByUsername, insertSession, type UserRow } from './auth.repository';
import { lastSeenOf, recordLastSeen } from './last-seen';
import { newDeviceId } from './device-cookie';
import { dummyPasswordHash, hashPassword, verifyPassword } from './password';
import { requireGoodPassword } from './password-policy';
import type { LoginOutcome } from './rate-limiter';

/** Sessions are stored by the hash of their token: a leaked database does not leak live sessions. */
export const sessionIdOf = (token: string) => createHash('sha256').update(token).digest('hex');
/** last_seen_at is written at most this often, so reads don't turn into writes. */
const TOUCH_EVERY_MS = 60_000;

export function toSessionUser(row: UserRow): SessionUser {
  const user: SessionUser = {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    siteId: row.site_id,
  };
  // only when it is so: the contract's user shape stays as it was for everyone else
  if (row.must_change_password === 1) user.mustChangePassword = true;
  return user;
}

export interface LoginRequest {
  username: string;
  password: string;
  ip: string | null;
  userAgent: string | null;
  /** The session the browser had before, dropped so a planted session id cannot survive login. */
  previousToken: string | null;
  /** The browser's id from its signed device cookie (device-cookie.ts), or null. */
  deviceId: string | null;
}

export interface LoginResult {
  token: string;
  user: SessionUser;
  maxAgeMs: number;
  /** The browser's device id, new if it had none: the device cookie to (re)write, now known for this account. */
  deviceId: string;
}

export async function login(deps: AppDeps, input: LoginRequest): Promise<LoginResult> {
  const now = deps.clock.now();
  // an admin may leave the company identity provider as the only way in (admin/settings.service.ts)
  if (deps.config.oidc && !(await centreSettings(deps.db)).localPasswords) {
    throw new DomainError(
      'FORBIDDEN',
      'LOCAL_LOGIN_DISABLED',
      'Sign in with your company account: passwords of this console are switched off.',
    );
  }
  const deviceId = input.deviceId ?? newDeviceId();
  const admission = await deps.loginLimiter.admit(
    { account: input.username.toLowerCase(), address: input.ip ?? 'unknown', device: deviceId },
    now.getTime(),
  );
  if (!admission.admitted) {
    throw new RateLimitedError(
      admission.retryAfterMs,
      `Too many failed sign-in attempts. Try again in ${waitText(admission.retryAfterMs)}.`,
    );
  }
  let user: UserRow | undefined;
  let outcome: LoginOutcome = 'abandoned';
  try {
    user = await findUserByUsername(deps.db, input.username);
    const ok = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), input.password);
    outcome = user && ok ? 'succeeded' : 'failed';
  } finally {
    await admission.settle(outcome, deps.clock.now().getTime());
  }
  if (!user || outcome !== 'succeeded') {
    await insertAudit(deps.db, {
      at: now.toISOString(),
      actorId: user?.id ?? null,
      action: 'auth.login_failed',
      entityType: 'user',
      entityId: user?.id ?? null,
      details: { username: input.username.slice(0, 64) },
      ip: input.ip,
    });
    throw new DomainError('UNAUTHORIZED', 'INVALID_CREDENTIALS', 'Wrong username or password.');
  }
  return openSession(deps, user, { ...input, deviceId, via: 'password' });
}

/**
 * A new session for a user who proved who they are (a password here, the company's identity provider in
 * oidc.service.ts): the browser's previous session dropped, the session row, the audit row and an operator's state
 * in one transaction.
 */
export async function openSession(
  deps: AppDeps,
  user: UserRow,
  input: { ip: string | null; userAgent: string | null; previousToken: string | null; deviceId: string; via: string },
): Promise<LoginResult> {
  const now = deps.clock.now();
  const token = randomBytes(32).toString('base64url');
  const maxAgeMs = deps.config.sessionMaxHours * 3_600_000;
  const at = now.toISOString();
  const status = await deps.db.transaction().execute(async (trx) => {
    if (input.previousToken) await deleteSession(trx, sessionIdOf(input.previousToken));
    await insertSession(trx, {
      id: sessionIdOf(token),
      user_id: user.id,
      created_at: at,
      last_seen_at: at,
      expires_at: new Date(now.getTime() + maxAgeMs).toISOString(),
      user_agent: input.userAgent?.slice(0, 256) ?? null,
      ip: input.ip,
    });
    await insertAudit(trx, {
      at,
      actorId: user.id,
      action: 'auth.login',
      entityType: 'user',
      entityId: user.id,
      ...(input.via === 'password' ? {} : { details: { via: input.via } }),
      ip: input.ip,
    });
    // An operator who signs in is ready for work; one who was mid-contact (a crashed browser) keeps that state.
    if (user.role !== 'operator') return null;
    const current = await findOperatorStatus(trx, user.id);
    return !current || current.state === 'signed_out'
      ? changeOperatorStatus(trx, { id: user.id, siteId: user.site_id }, { state: 'ready' }, at)
      : null;
  });
  if (status) await announceStatus(deps, user.site_id);
  return { token, user: toSessionUser(user), maxAgeMs, deviceId: input.deviceId };
}

function waitText(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  return seconds < 60 ? `${seconds} second(s)` : `${Math.ceil(seconds / 60)} minute(s)`;
}

export class RateLimitedError extends DomainError {
  constructor(
    readonly retryAfterMs: number,
    message: string,
  ) {
    super('TOO_MANY_REQUESTS', 'RATE_LIMITED', message);
  }
}

export interface ResolvedSession {
  sessionId: string;
  user: SessionUser;
}

/**
 * The signed-in user of a session token (from the signed cookie, checked at the edge): checks idle and absolute
 * expiry and refreshes last-seen. `expired` tells the caller to clear the browser's cookie.
 */
export async function resolveSession(
  deps: AppDeps,
  token: string | null,
): Promise<{ session: ResolvedSession | null; expired: boolean }> {
  if (!token) return { session: null, expired: false };
  const sessionId = sessionIdOf(token);
  const row = await findSessionWithUser(deps.db, sessionId);
  if (!row || row.user.active !== 1) return { session: null, expired: false };
  const now = deps.clock.now();
  const lastSeen = Date.parse(lastSeenOf(deps.db, sessionId, row.last_seen_at));
  const idleLimit = lastSeen + deps.config.sessionIdleMinutes * 60_000;
  if (now.getTime() > idleLimit || now.getTime() > Date.parse(row.expires_at)) {
    await deleteSession(deps.db, sessionId);
    return { session: null, expired: true };
  }
  if (now.getTime() - lastSeen > TOUCH_EVERY_MS) {
    // SQLite: gathered with the other sessions' and written every two seconds, the request not waiting for it
    // (last-seen.ts: one fsync for them all instead of one each); PostgreSQL: written now and awaited, as the next
    // request, on this node or another, could otherwise read the old last-seen time first
    await recordLastSeen(deps.db, deps.logger, sessionId, now.toISOString());
  }
  return { session: { sessionId, user: toSessionUser(row.user) }, expired: false };
}

export async function logout(deps: AppDeps, sessionId: string, actor: SessionUser, ip: string | null): Promise<void> {
  const at = deps.clock.now().toISOString();
  const status = await deps.db.transaction().execute(async (trx) => {
    await deleteSession(trx, sessionId);
    await insertAudit(trx, {
      at,
      actorId: actor.id,
      action: 'auth.logout',
      entityType: 'user',
      entityId: actor.id,
      ip,
    });
    return actor.role === 'operator'
      ? changeOperatorStatus(trx, actor, { state: 'signed_out' }, at, { force: true })
      : null;
  });
  if (status) await announceStatus(deps, actor.siteId);
}

/**
 * A signed-in user chooses a new password (required after an admin made or reset theirs): the current one is checked
 * (throttled like sign-in), the new one must pass the policy and differ from it; the user's other sessions end,
 * this one stays. Audited.
 */
export async function changePassword(
  deps: AppDeps,
  actor: SessionUser,
  sessionId: string | null,
  input: { currentPassword: string; newPassword: string },
  ip: string | null,
): Promise<SessionUser> {
  const now = deps.clock.now();
  const admission = await deps.loginLimiter.admit(
    { account: actor.username.toLowerCase(), address: ip ?? 'unknown', device: `user:${actor.id}` },
    now.getTime(),
  );
  if (!admission.admitted) {
    throw new RateLimitedError(
      admission.retryAfterMs,
      `Too many attempts. Try again in ${waitText(admission.retryAfterMs)}.`,
    );
  }
  let outcome: LoginOutcome = 'abandoned';
  let user: UserRow | undefined;
  try {
    user = await findUserByUsername(deps.db, actor.username);
    outcome = user && (await verifyPassword(user.password_hash, input.currentPassword)) ? 'succeeded' : 'failed';
  } finally {
    await admission.settle(outcome, deps.clock.now().getTime());
  }
  if (!user || outcome !== 'succeeded') {
    throw new DomainError('BAD_REQUEST', 'VALIDATION', 'The current password is not right.', {
      currentPassword: ['Not your current password'],
    });
  }
  if (input.newPassword === input.currentPassword) {
    throw new DomainError('BAD_REQUEST', 'VALIDATION', 'Choose a password you have not used now.', {
      newPassword: ['Must differ from the current one'],
    });
  }
  await requireGoodPassword('newPassword', input.newPassword, {
    username: user.username,
    displayName: user.display_name,
  });
  const hash = await hashPassword(input.newPassword);
  const at = now.toISOString();
  const userId = user.id;
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ password_hash: hash, must_change_password: 0, password_changed_at: at })
      .where('id', '=', userId)
      .execute();
    let others = trx.deleteFrom('sessions').where('user_id', '=', userId);
    if (sessionId) others = others.where('id', '!=', sessionId);
    await others.execute();
    await insertAudit(trx, {
      at,
      actorId: userId,
      action: 'auth.password_changed',
      entityType: 'user',
      entityId: userId,
      details: { required: user.must_change_password === 1 },
      ip,
    });
  });
  return toSessionUser({ ...user, must_change_password: 0, password_changed_at: at });
}
