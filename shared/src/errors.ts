/** Closed union of domain error codes; the client maps each to a translated message. */
export const DOMAIN_ERRORS = [
  'INVALID_CREDENTIALS',
  'RATE_LIMITED',
  'SESSION_EXPIRED',
  'FORBIDDEN_ROLE',
  'FORBIDDEN_SCOPE',
  'NOT_FOUND',
  'VALIDATION',
  'IDEMPOTENCY_MISMATCH',
  'REPLAY_REJECTED',
  'SLOT_FULL',
  'CONSENT_MISSING',
  'OPTED_OUT',
  'OUTSIDE_CALLING_WINDOW',
  'CSRF',
  'REGISTRY_STALE',
  'CAMPAIGN_STATE',
  'SERVER_BUSY',
  'PASSWORD_CHANGE_REQUIRED',
  'USERNAME_TAKEN',
  'LOCAL_LOGIN_DISABLED',
] as const;
export type DomainErrorCode = (typeof DOMAIN_ERRORS)[number];
