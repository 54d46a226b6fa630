import { createHmac, timingSafeEqual } from 'node:crypto';
import * as oidc from 'openid-client';
import { ROLES, type Role } from '@valore/shared/schemas/auth';
import type { AppDeps, OidcConfig } from '../../deps';
import { insertAudit } from '../audit/audit.repository';
import { openSession, type LoginResult } from './auth.service';
import type { UserRow } from './auth.repository';
import { newDeviceId } from './device-cookie';

/**
 * Sign-in with the company's identity provider: OpenID Connect, authorization code with PKCE (openid-client), the
 * provider found by discovery from VALORE_OIDC_ISSUER. The provider decides who the person is and, through two claims
 * (VALORE_OIDC_ROLE_CLAIM, VALORE_OIDC_SITE_CLAIM), their role and site: a person without a role claim we know, or
 * without a known site for a role that needs one, is refused. The first sign-in makes the user (linked by the
 * provider's subject, never by a username); later ones bring role, site and name up to date. A user an admin disabled
 * stays out. Routes: http/oidc.ts.
 */

export type OidcRefusal = 'no_role' | 'no_site' | 'disabled' | 'username_taken' | 'failed';

/** What the browser keeps between the start and the callback (signed, in a short-lived cookie). */
export interface OidcPending {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string | null;
  expiresAt: number;
}

const configurations = new Map<string, Promise<oidc.Configuration>>();

/** The provider's configuration from discovery, once per issuer (a failed discovery is tried again next time). */
function configurationOf(cfg: OidcConfig): Promise<oidc.Configuration> {
  const key = `${cfg.issuer} ${cfg.clientId}`;
  let found = configurations.get(key);
  if (!found) {
    const url = new URL(cfg.issuer);
    // plain http only to a provider on this machine (a test's, a developer's); anything else must be https
    const local = url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    found = oidc.discovery(url, cfg.clientId, cfg.clientSecret, undefined, {
      ...(local ? { execute: [oidc.allowInsecureRequests] } : {}),
      timeout: 10,
    });
    found.catch(() => configurations.delete(key));
    configurations.set(key, found);
  }
  return found;
}

/** Where to send the browser, and what to keep until it comes back. */
export async function startOidc(
  cfg: OidcConfig,
  redirectUri: string,
  returnTo: string | null,
  nowMs: number,
): Promise<{ url: string; pending: OidcPending }> {
  const config = await configurationOf(cfg);
  const verifier = oidc.randomPKCECodeVerifier();
  const pending: OidcPending = {
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    verifier,
    returnTo,
    expiresAt: nowMs + 10 * 60_000,
  };
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid profile email',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state: pending.state,
    nonce: pending.nonce,
  });
  return { url: url.href, pending };
}

/** The role a claim names: a role name, or in a list (groups) the first `<role>` / `valore-<role>` / `valore_<role>`. */
export function roleFromClaim(value: unknown): Role | null {
  const candidates = Array.isArray(value) ? value : [value];
  for (const c of candidates) {
    if (typeof c !== 'string') continue;
    const name = c
      .trim()
      .toLowerCase()
      .replace(/^valore[-_]/, '');
    const role = ROLES.find((r) => r === name);
    if (role) return role;
  }
  return null;
}

export async function finishOidc(
  deps: AppDeps,
  cfg: OidcConfig,
  args: {
    currentUrl: URL;
    pending: OidcPending;
    ip: string | null;
    userAgent: string | null;
    previousToken: string | null;
    deviceId: string | null;
  },
): Promise<{ ok: true; login: LoginResult; returnTo: string | null } | { ok: false; reason: OidcRefusal }> {
  const config = await configurationOf(cfg);
  let claims: oidc.IDToken;
  try {
    const tokens = await oidc.authorizationCodeGrant(config, args.currentUrl, {
      pkceCodeVerifier: args.pending.verifier,
      expectedState: args.pending.state,
      expectedNonce: args.pending.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims();
    if (!idClaims) return { ok: false, reason: 'failed' };
    // the role and site may come in the ID token or only from the userinfo endpoint
    const userinfo =
      idClaims[cfg.roleClaim] === undefined && tokens.access_token
        ? await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub)
        : {};
    claims = { ...userinfo, ...idClaims };
  } catch (error) {
    deps.logger.warn({ err: error }, 'oidc: the provider did not confirm the sign-in');
    return { ok: false, reason: 'failed' };
  }
  const at = deps.clock.now().toISOString();
  const subject = `${String(claims.iss)} ${claims.sub}`;
  const refuse = async (reason: OidcRefusal) => {
    await insertAudit(deps.db, {
      at,
      actorId: null,
      action: 'auth.login_failed',
      entityType: 'user',
      entityId: null,
      details: { via: 'oidc', subject, reason },
      ip: args.ip,
    });
    return { ok: false as const, reason };
  };
  const role = roleFromClaim(claims[cfg.roleClaim]);
  if (!role) return refuse('no_role');
  let siteId: number | null = null;
  if (role !== 'admin') {
    const code = claims[cfg.siteClaim];
    const site =
      typeof code === 'string'
        ? await deps.db
            .selectFrom('sites')
            .select('id')
            .where('code', '=', code.trim().toUpperCase())
            .executeTakeFirst()
        : undefined;
    if (!site) return refuse('no_site');
    siteId = site.id;
  }
  const displayName =
    [
      claims.name,
      [claims.given_name, claims.family_name].filter((part): part is string => typeof part === 'string').join(' '),
    ].find((n): n is string => typeof n === 'string' && n.trim().length > 0) ?? claims.sub;
  const username = (typeof claims.preferred_username === 'string' ? claims.preferred_username : claims.sub)
    .trim()
    .slice(0, 64);
  const user = await upsertOidcUser(deps, {
    subject,
    username,
    displayName: displayName.slice(0, 120),
    role,
    siteId,
    at,
  });
  if (user === 'disabled' || user === 'username_taken') return refuse(user);
  const login = await openSession(deps, user, {
    ip: args.ip,
    userAgent: args.userAgent,
    previousToken: args.previousToken,
    deviceId: args.deviceId ?? newDeviceId(),
    via: 'oidc',
  });
  return { ok: true, login, returnTo: args.pending.returnTo };
}

async function upsertOidcUser(
  deps: AppDeps,
  u: { subject: string; username: string; displayName: string; role: Role; siteId: number | null; at: string },
): Promise<UserRow | 'disabled' | 'username_taken'> {
  return deps.db.transaction().execute(async (trx) => {
    const known = await trx.selectFrom('users').selectAll().where('oidc_subject', '=', u.subject).executeTakeFirst();
    if (known) {
      if (known.active !== 1) return 'disabled';
      const changed = known.role !== u.role || known.site_id !== u.siteId || known.display_name !== u.displayName;
      if (!changed) return known;
      await trx
        .updateTable('users')
        .set({
          role: u.role,
          site_id: u.siteId,
          team_id: known.site_id === u.siteId ? known.team_id : null,
          display_name: u.displayName,
        })
        .where('id', '=', known.id)
        .execute();
      await insertAudit(trx, {
        at: u.at,
        actorId: null,
        action: 'admin.user_updated',
        entityType: 'user',
        entityId: known.id,
        details: { via: 'oidc', role: u.role, siteId: u.siteId },
      });
      return trx.selectFrom('users').selectAll().where('id', '=', known.id).executeTakeFirstOrThrow();
    }
    // a local user with the same username is not taken over: an admin links them (or renames one) deliberately
    const clash = await trx.selectFrom('users').select('id').where('username', '=', u.username).executeTakeFirst();
    if (clash) return 'username_taken';
    const row = await trx
      .insertInto('users')
      .values({
        username: u.username,
        display_name: u.displayName,
        role: u.role,
        site_id: u.siteId,
        team_id: null,
        // no local password: this user signs in through the provider only
        password_hash: '!oidc',
        oidc_subject: u.subject,
        created_at: u.at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await insertAudit(trx, {
      at: u.at,
      actorId: null,
      action: 'admin.user_created',
      entityType: 'user',
      entityId: row.id,
      details: { via: 'oidc', username: u.username, role: u.role, siteId: u.siteId },
    });
    return trx.selectFrom('users').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
  });
}

// ---- the pending sign-in's cookie: signed, so the browser cannot choose the verifier or the return address ----

const sign = (payload: string, secret: string) =>
  createHmac('sha256', `oidc:${secret}`).update(payload).digest('base64url');

export function pendingCookieValue(p: OidcPending, secret: string): string {
  const payload = Buffer.from(JSON.stringify(p)).toString('base64url');
  return `${payload}.${sign(payload, secret)}`;
}

export function pendingOf(value: string | undefined, secret: string, nowMs: number): OidcPending | null {
  const [payload, mac] = (value ?? '').split('.');
  if (!payload || !mac) return null;
  const expected = Buffer.from(sign(payload, secret));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const p = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as OidcPending;
    return typeof p.expiresAt === 'number' && p.expiresAt > nowMs ? p : null;
  } catch {
    return null;
  }
}
