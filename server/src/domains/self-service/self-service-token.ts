import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed links of the customer's self-service pages (`/s/:token`): one link lets whoever holds it see, move or
 * cancel one appointment or one callback, until shortly after it was due. Own secret (not the funnel's), so a
 * leaked or rotated funnel key does not touch these links and vice versa.
 */
export const SELF_SERVICE_SECRET_NAME = 'self_service_link_hmac';

/** `a`: a post-office appointment (integer id); `c`: a callback request (UUID). */
export type SelfServicePurpose = 'a' | 'c';
export type SelfServiceSubject = { purpose: 'a'; id: number } | { purpose: 'c'; id: string };

const SIG_CHARS = 16; // 96 bits of HMAC-SHA256: plenty against online guessing, short enough for an SMS
const TOKEN_RE = /^([ac])\.([0-9a-z]{1,11}|[A-Za-z0-9_-]{22})\.([0-9a-z]{1,9})\.([A-Za-z0-9_-]{16})$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** After its time, a link still opens this long (the page then says the appointment/callback is past). */
export const LINK_GRACE_MS = 6 * 3_600_000;
/** Whatever the due time, no link lives longer than this (a forwarded SMS should not work for months). */
export const LINK_MAX_LIFETIME_MS = 62 * 86_400_000;

/** When the link of something due at `dueAt` stops working: a little after it, never more than the cap from now. */
export function selfServiceExpiry(dueAt: string | Date, now: Date): Date {
  const due = typeof dueAt === 'string' ? Date.parse(dueAt) : dueAt.getTime();
  return new Date(Math.min(due + LINK_GRACE_MS, now.getTime() + LINK_MAX_LIFETIME_MS));
}

/** The id as it travels in the token: an appointment id in base 36, a callback UUID as 22 base64url characters. */
function encodeId(subject: SelfServiceSubject): string {
  if (subject.purpose === 'a') {
    if (!Number.isSafeInteger(subject.id) || subject.id <= 0) throw new Error(`not an appointment id: ${subject.id}`);
    return subject.id.toString(36);
  }
  if (!UUID_RE.test(subject.id)) throw new Error(`not a callback id: ${subject.id}`);
  return Buffer.from(subject.id.replace(/-/g, ''), 'hex').toString('base64url');
}

function decodeId(purpose: SelfServicePurpose, raw: string): SelfServiceSubject | null {
  if (purpose === 'a') {
    if (!/^[0-9a-z]{1,11}$/.test(raw)) return null;
    const id = parseInt(raw, 36);
    return Number.isSafeInteger(id) && id > 0 ? { purpose, id } : null;
  }
  if (raw.length !== 22) return null;
  const hex = Buffer.from(raw, 'base64url').toString('hex');
  if (hex.length !== 32) return null;
  return {
    purpose,
    id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
  };
}

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url').slice(0, SIG_CHARS);
}

/**
 * `purpose.id.expiry.signature` (an appointment's ~30 characters, a callback's ~50): the HMAC covers the purpose,
 * so an appointment's token can never be read as a callback's; the expiry is in epoch seconds, base 36.
 */
export function mintSelfServiceToken(secret: string, subject: SelfServiceSubject, expiresAt: Date): string {
  const expiresSec = Math.floor(expiresAt.getTime() / 1000);
  const payload = `${subject.purpose}.${encodeId(subject)}.${expiresSec.toString(36)}`;
  return `${payload}.${sign(secret, payload)}`;
}

export type SelfServiceTokenCheck =
  | { ok: true; subject: SelfServiceSubject; expiresAt: Date }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'wrong_purpose' | 'expired' };

/**
 * Checks shape, signature (constant time), purpose and expiry, without touching the database: a forged token costs
 * one HMAC. `expect` narrows the purposes accepted where the caller knows which one it wants.
 */
export function verifySelfServiceToken(
  secret: string,
  token: string,
  now: Date,
  expect?: SelfServicePurpose,
): SelfServiceTokenCheck {
  const m = TOKEN_RE.exec(token);
  if (!m) return { ok: false, reason: 'malformed' };
  const [, purpose = '', rawId = '', exp36 = '', sig = ''] = m;
  const expected = Buffer.from(sign(secret, `${purpose}.${rawId}.${exp36}`));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: 'bad_signature' };
  const subject = decodeId(purpose as SelfServicePurpose, rawId);
  if (!subject) return { ok: false, reason: 'malformed' };
  if (expect !== undefined && subject.purpose !== expect) return { ok: false, reason: 'wrong_purpose' };
  const expiresAt = new Date(parseInt(exp36, 36) * 1000);
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, subject, expiresAt };
}

/** A per-form token bound to the link and to the page's request id: a form post needs both, and the secret. */
export function formToken(secret: string, linkToken: string, requestId: string): string {
  return createHmac('sha256', secret).update(`form.${linkToken}.${requestId}`).digest('base64url').slice(0, 22);
}

export function checkFormToken(secret: string, linkToken: string, requestId: string, given: string): boolean {
  const expected = Buffer.from(formToken(secret, linkToken, requestId));
  const got = Buffer.from(given);
  return expected.length === got.length && timingSafeEqual(expected, got);
}
