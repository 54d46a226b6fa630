import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Name of the app_secrets row holding the HMAC key of funnel links. */
export const FUNNEL_SECRET_NAME = 'funnel_link_hmac';

const SIG_CHARS = 16; // 96 bits of HMAC-SHA256: plenty against online guessing, short enough for an SMS
const TOKEN_RE = /^([A-Za-z0-9_-]{12})\.([0-9a-z]{1,9})\.([A-Za-z0-9_-]{16})$/;

function sign(secret: string, nonce: string, expiresSec: number): string {
  return createHmac('sha256', secret).update(`${nonce}.${expiresSec}`).digest('base64url').slice(0, SIG_CHARS);
}

/**
 * `nonce.expiry.signature`, ~36 characters: a random 9-byte nonce, the expiry in epoch seconds (base 36) and a
 * truncated HMAC over both. The server can refuse a forged or expired token before touching the database.
 */
export function mintFunnelToken(secret: string, expiresAt: Date): string {
  const nonce = randomBytes(9).toString('base64url');
  const expiresSec = Math.floor(expiresAt.getTime() / 1000);
  return `${nonce}.${expiresSec.toString(36)}.${sign(secret, nonce, expiresSec)}`;
}

export type TokenCheck =
  { ok: true; expiresAt: Date } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

export function verifyFunnelToken(secret: string, token: string, now: Date): TokenCheck {
  const m = TOKEN_RE.exec(token);
  if (!m) return { ok: false, reason: 'malformed' };
  const [, nonce = '', exp36 = '', sig = ''] = m;
  const expiresSec = parseInt(exp36, 36);
  const expected = Buffer.from(sign(secret, nonce, expiresSec));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: 'bad_signature' };
  const expiresAt = new Date(expiresSec * 1000);
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, expiresAt };
}
