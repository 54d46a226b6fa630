import type { Request, Response } from 'express';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type { AppDeps } from '../deps';
import {
  clearSessionCookie,
  readDeviceId,
  readSessionToken,
  sessionOfRequest,
  writeDeviceCookie,
  writeSessionCookie,
} from '../http/cookies';

export interface Context {
  deps: AppDeps;
  req: Request | null;
  res: Response | null;
  user: SessionUser | null;
  sessionId: string | null;
  ip: string | null;
}

export async function createContext(deps: AppDeps, req: Request, res: Response): Promise<Context> {
  const session = await sessionOfRequest(deps, req, res);
  // the request's log line names who made it (app.ts)
  if (session) res.locals.userId = session.user.id;
  return { deps, req, res, user: session?.user ?? null, sessionId: session?.sessionId ?? null, ip: req.ip ?? null };
}

// The request and response stay here: procedures read what they need of the browser and say what to set on it
// through these, in plain values (all null / no-ops for server-side callers, which have neither).

/** What sign-in needs from the browser: its user agent, the session it had before, its device id. */
export function browserOf(ctx: Context): {
  userAgent: string | null;
  previousToken: string | null;
  deviceId: string | null;
} {
  const { req, deps } = ctx;
  return {
    userAgent: req?.headers['user-agent'] ?? null,
    previousToken: req ? readSessionToken(req, deps.config.sessionSecret) : null,
    deviceId: req ? readDeviceId(req, deps.config.sessionSecret) : null,
  };
}

/** After sign-in: the new session's cookie and the (renewed) device cookie. */
export function setSignInCookies(ctx: Context, signedIn: { token: string; maxAgeMs: number; deviceId: string }): void {
  if (!ctx.res) return;
  writeSessionCookie(ctx.res, signedIn.token, ctx.deps.config.sessionSecret, signedIn.maxAgeMs);
  writeDeviceCookie(ctx.res, signedIn.deviceId, ctx.deps.config.sessionSecret);
}

export function clearSessionOf(ctx: Context): void {
  if (ctx.res) clearSessionCookie(ctx.res);
}
