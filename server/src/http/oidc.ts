import express, { type Request, type Response } from 'express';
import { parse } from 'cookie';
import { ROLE_HOME } from '@valore/shared/reference/enums';
import type { AppDeps } from '../deps';
import { finishOidc, pendingCookieValue, pendingOf, startOidc } from '../domains/auth/oidc.service';
import { readDeviceId, readSessionToken, writeDeviceCookie, writeSessionCookie } from './cookies';

/**
 * `GET /auth/oidc/start` sends the browser to the company's identity provider; `GET /auth/oidc/callback` is where it
 * comes back (domains/auth/oidc.service.ts). Both answer 404 when no provider is configured. A refusal goes back to
 * the sign-in page with `?sso=<reason>`, which the page explains.
 */
const PENDING_COOKIE = 'valore_oidc';
const START = '/auth/oidc/start';
const CALLBACK = '/auth/oidc/callback';

/** Only a path of this site (no scheme, no host, no protocol-relative //): never an open redirect. */
function safeReturnTo(value: unknown): string | null {
  return typeof value === 'string' && /^\/(?![/\\])[\w\-./?=&%]*$/.test(value) && value.length <= 200 ? value : null;
}

export function oidcRoutes(deps: AppDeps): express.Router {
  const routes = express.Router();
  const base = () => (deps.config.publicUrl ?? '').replace(/\/+$/, '');

  routes.get(START, async (req: Request, res: Response) => {
    const cfg = deps.config.oidc;
    if (!cfg)
      return res.status(404).json({ error: { code: 'NOT_FOUND', message: 'No identity provider is configured.' } });
    try {
      const now = deps.clock.now().getTime();
      const { url, pending } = await startOidc(cfg, `${base()}${CALLBACK}`, safeReturnTo(req.query.returnTo), now);
      // Lax: the provider sends the browser back with a top-level navigation from its own site
      res.cookie(PENDING_COOKIE, pendingCookieValue(pending, deps.config.sessionSecret), {
        httpOnly: true,
        sameSite: 'lax',
        secure: req.secure,
        path: '/auth/oidc',
        maxAge: 10 * 60_000,
      });
      res.setHeader('Cache-Control', 'no-store');
      res.redirect(302, url);
    } catch (error) {
      deps.logger.error({ err: error }, 'oidc: the identity provider cannot be reached');
      res.redirect(302, '/login?sso=unavailable');
    }
  });

  routes.get(CALLBACK, async (req: Request, res: Response) => {
    const cfg = deps.config.oidc;
    if (!cfg)
      return res.status(404).json({ error: { code: 'NOT_FOUND', message: 'No identity provider is configured.' } });
    const now = deps.clock.now().getTime();
    const pending = pendingOf(parse(req.headers.cookie ?? '')[PENDING_COOKIE], deps.config.sessionSecret, now);
    res.clearCookie(PENDING_COOKIE, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/auth/oidc' });
    res.setHeader('Cache-Control', 'no-store');
    if (!pending) return res.redirect(302, '/login?sso=expired');
    try {
      const result = await finishOidc(deps, cfg, {
        currentUrl: new URL(`${base()}${req.originalUrl}`),
        pending,
        ip: req.ip ?? null,
        userAgent: req.get('user-agent') ?? null,
        previousToken: readSessionToken(req, deps.config.sessionSecret),
        deviceId: readDeviceId(req, deps.config.sessionSecret),
      });
      if (!result.ok) return res.redirect(302, `/login?sso=${result.reason}`);
      writeSessionCookie(res, result.login.token, deps.config.sessionSecret, result.login.maxAgeMs);
      writeDeviceCookie(res, result.login.deviceId, deps.config.sessionSecret);
      res.redirect(302, result.returnTo ?? ROLE_HOME[result.login.user.role]);
    } catch (error) {
      deps.logger.error({ err: error }, 'oidc: the sign-in could not be completed');
      res.redirect(302, '/login?sso=failed');
    }
  });
  return routes;
}
