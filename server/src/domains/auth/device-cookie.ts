import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The known-device cookie (OWASP "device cookies"): a random id for the browser, signed so that nobody can pick one.
 * It carries no account and grants nothing by itself; the sign-in limiter (rate-limiter.ts) remembers which accounts
 * signed in with which device id, and lets those through where an attacker's failures hold everyone else up. A
 * security cookie, strictly necessary, so no consent is asked; it outlives logout on purpose.
 * Plain values in and out; reading and writing the cookie itself is the edge's (http/cookies.ts).
 */
export const DEVICE_COOKIE = 'valore_device';
/** Renewed at every successful sign-in; the limiter decides for how long a device stays known. */
export const DEVICE_COOKIE_MAX_AGE_MS = 365 * 86_400_000;
const DEVICE_ID = /^[A-Za-z0-9_-]{22}$/;

// its own domain in the HMAC: a signed session token can never pass for a device id or the reverse
const sign = (id: string, secret: string) =>
  createHmac('sha256', secret).update(`valore-device:${id}`).digest('base64url');

export const newDeviceId = (): string => randomBytes(16).toString('base64url');

/** The device id in a cookie value, or null when there is none or it was not signed by us. */
export function deviceIdOf(value: string | undefined, secret: string): string | null {
  if (!value) return null;
  const dot = value.lastIndexOf('.');
  const id = value.slice(0, Math.max(dot, 0));
  if (!DEVICE_ID.test(id)) return null;
  const given = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(sign(id, secret));
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
}

/** The cookie value that carries device `id`. */
export const deviceCookieValue = (id: string, secret: string): string => `${id}.${sign(id, secret)}`;
