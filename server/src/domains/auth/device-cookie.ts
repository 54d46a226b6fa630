import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { parse } from 'cookie';

/**
 * The known-device cookie (OWASP "device cookies"): a random id for the browser, signed so that nobody can pick one.
 * It carries no account and grants nothing by itself; the sign-in limiter (rate-limiter.ts) remembers which accounts
 * signed in with which device id, and lets those through where an attacker's failures hold everyone else up. A
 * security cookie, strictly necessary, so no consent is asked; it outlives logout on purpose.
 */
export const DEVICE_COOKIE = 'valore_device';
/** Renewed at every successful sign-in; the limiter decides for how long a device stays known. */
const DEVICE_COOKIE_MAX_AGE_MS = 365 * 86_400_000;
const DEVICE_ID = /^[A-Za-z0-9_-]{22}$/;

// its own domain in the HMAC: a signed session token can never pass for a device id or the reverse
const sign = (id: string, secret: string) =>
  createHmac('sha256', secret).update(`valore-device:${id}`).digest('base64url');

export const newDeviceId = (): string => randomBytes(16).toString('base64url');

/** The browser's device id, or null when it has none or it was not signed by us. */
export function readDeviceId(req: Request, secret: string): string | null {
  const raw = parse(req.headers.cookie ?? '')[DEVICE_COOKIE];
  if (!raw) return null;
  const dot = raw.lastIndexOf('.');
  const id = raw.slice(0, Math.max(dot, 0));
  if (!DEVICE_ID.test(id)) return null;
  const given = Buffer.from(raw.slice(dot + 1));
  const expected = Buffer.from(sign(id, secret));
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
}

export function writeDeviceCookie(res: Response, id: string, secret: string): void {
  res.cookie(DEVICE_COOKIE, `${id}.${sign(id, secret)}`, {
    httpOnly: true,
    sameSite: 'strict',
    secure: res.req.secure,
    path: '/',
    maxAge: DEVICE_COOKIE_MAX_AGE_MS,
  });
}
