import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The session cookie's value: the token and its HMAC, so a cookie we did not sign is ignored before any lookup.
 * Plain values in and out; reading and writing the cookie itself is the edge's (http/cookies.ts).
 */
export const SESSION_COOKIE = 'valore_sid';

const sign = (token: string, secret: string) => createHmac('sha256', secret).update(token).digest('base64url');

/** The token from a signed cookie value, or null when absent or tampered with. */
export function sessionTokenOf(value: string | undefined, secret: string): string | null {
  if (!value) return null;
  const dot = value.lastIndexOf('.');
  if (dot <= 0) return null;
  const token = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(sign(token, secret));
  return given.length === expected.length && timingSafeEqual(given, expected) ? token : null;
}

/** The cookie value that carries `token`. */
export const sessionCookieValue = (token: string, secret: string): string => `${token}.${sign(token, secret)}`;
