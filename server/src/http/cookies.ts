import type { IncomingMessage } from 'node:http';
import type { Request, Response } from 'express';
import { parse } from 'cookie';
import type { AppDeps } from '../deps';
import { resolveSession, type ResolvedSession } from '../domains/auth/auth.service';
import { DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE_MS, deviceCookieValue, deviceIdOf } from '../domains/auth/device-cookie';
import { SESSION_COOKIE, sessionCookieValue, sessionTokenOf } from '../domains/auth/session-cookie';

/**
 * The browser's cookies, read and written at the edge: the auth domain signs and checks their values
 * (session-cookie.ts, device-cookie.ts) and never sees a request or a response. Used by the tRPC context
 * (trpc/context.ts) and by the REST handlers that need the signed-in user.
 */

const cookieOf = (req: Pick<IncomingMessage, 'headers'>, name: string): string | undefined =>
  parse(req.headers.cookie ?? '')[name];

/** The session token from the signed cookie, or null when absent or tampered with. */
export const readSessionToken = (req: Pick<IncomingMessage, 'headers'>, secret: string): string | null =>
  sessionTokenOf(cookieOf(req, SESSION_COOKIE), secret);

export function writeSessionCookie(res: Response, token: string, secret: string, maxAgeMs: number): void {
  res.cookie(SESSION_COOKIE, sessionCookieValue(token, secret), {
    httpOnly: true,
    sameSite: 'strict',
    secure: res.req.secure,
    path: '/',
    maxAge: maxAgeMs,
  });
}

export function clearSessionCookie(res: Response): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: res.req.secure, path: '/' });
}

/** The browser's device id, or null when it has none or it was not signed by us. */
export const readDeviceId = (req: Request, secret: string): string | null =>
  deviceIdOf(cookieOf(req, DEVICE_COOKIE), secret);

export function writeDeviceCookie(res: Response, id: string, secret: string): void {
  res.cookie(DEVICE_COOKIE, deviceCookieValue(id, secret), {
    httpOnly: true,
    sameSite: 'strict',
    secure: res.req.secure,
    path: '/',
    maxAge: DEVICE_COOKIE_MAX_AGE_MS,
  });
}

/** The signed-in user of a request; an expired session's cookie is cleared on `res` when there is one. */
export async function sessionOfRequest(
  deps: AppDeps,
  req: Request,
  res: Response | null,
): Promise<ResolvedSession | null> {
  const { session, expired } = await resolveSession(deps, readSessionToken(req, deps.config.sessionSecret));
  if (expired && res) clearSessionCookie(res);
  return session;
}
