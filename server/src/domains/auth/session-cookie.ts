import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { parse } from 'cookie';

export const SESSION_COOKIE = 'valore_sid';

const sign = (token: string, secret: string) => createHmac('sha256', secret).update(token).digest('base64url');

/** The token from the signed cookie, or null when absent or tampered with. */
export function readSessionToken(req: Request, secret: string): string | null {
  const raw = parse(req.headers.cookie ?? '')[SESSION_COOKIE];
  if (!raw) return null;
  const dot = raw.lastIndexOf('.');
  if (dot <= 0) return null;
  const token = raw.slice(0, dot);
  const given = Buffer.from(raw.slice(dot + 1));
  const expected = Buffer.from(sign(token, secret));
  return given.length === expected.length && timingSafeEqual(given, expected) ? token : null;
}

export function writeSessionCookie(res: Response, token: string, secret: string, maxAgeMs: number): void {
  res.cookie(SESSION_COOKIE, `${token}.${sign(token, secret)}`, {
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
