import { DOMAIN_ERRORS, type DomainErrorCode } from '@valore/shared/errors';
import { isAppClientError } from './trpc';

export type ErrorMessageKey = `errors.${DomainErrorCode | 'NETWORK' | 'SERVER' | 'UNKNOWN'}`;

function isDomainCode(value: unknown): value is DomainErrorCode {
  return typeof value === 'string' && (DOMAIN_ERRORS as readonly string[]).includes(value);
}

/** HTTP status of a tRPC failure, or null when the request never got an answer. */
export function errorHttpStatus(error: unknown): number | null {
  if (!isAppClientError(error)) return null;
  if (typeof error.data?.httpStatus === 'number') return error.data.httpStatus;
  const response: unknown = error.meta?.response;
  return response instanceof Response ? response.status : null;
}

/** The domain code the server attached to a failure, if any. */
export function errorDomainCode(error: unknown): DomainErrorCode | null {
  if (!isAppClientError(error)) return null;
  const fromData = error.data?.domainCode;
  if (isDomainCode(fromData)) return fromData;
  // Responses that never reached tRPC (the CSRF guard) carry the code in their own JSON body.
  const body: unknown = error.meta?.responseJSON;
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const inner: unknown = body.error;
    if (typeof inner === 'object' && inner !== null && 'domainCode' in inner && isDomainCode(inner.domainCode)) {
      return inner.domainCode;
    }
  }
  return null;
}

/** Seconds the server asked a throttled caller to wait (data.retryAfterSeconds), or null. */
export function errorRetryAfterSeconds(error: unknown): number | null {
  if (!isAppClientError(error)) return null;
  const seconds: unknown = error.data?.retryAfterSeconds;
  return typeof seconds === 'number' && seconds > 0 ? seconds : null;
}

/**
 * The free times a refusal offers instead of a full one (a Call Me Back `SLOT_FULL`: the next free half-hours, ISO
 * instants), or an empty list.
 */
export function errorAlternatives(error: unknown): string[] {
  if (!isAppClientError(error)) return [];
  const offered: unknown = error.data?.alternatives;
  return Array.isArray(offered) ? offered.filter((a): a is string => typeof a === 'string') : [];
}

/** Maps any failure to the translation key of a message a person can act on. */
export function errorMessageKey(error: unknown): ErrorMessageKey {
  const domainCode = errorDomainCode(error);
  if (domainCode) return `errors.${domainCode}`;
  if (!isAppClientError(error)) return 'errors.UNKNOWN';
  const status = errorHttpStatus(error);
  if (status === 429) return 'errors.RATE_LIMITED';
  if (status === 401) return 'errors.SESSION_EXPIRED';
  if (status === 403) return 'errors.FORBIDDEN_ROLE';
  if (status === 404) return 'errors.NOT_FOUND';
  if (status !== null && status >= 500) return 'errors.SERVER';
  // No status at all: fetch itself failed (offline, server down, proxy error page).
  if (status === null && error.cause instanceof TypeError) return 'errors.NETWORK';
  return 'errors.UNKNOWN';
}

/** True for failures that will fail the same way again: not worth retrying. */
export function isClientError(error: unknown): boolean {
  const status = errorHttpStatus(error);
  return status !== null && status >= 400 && status < 500;
}

/**
 * True when the session is missing or has expired. Wrong credentials are a 401 too, but they carry
 * their own domain code and say nothing about the session.
 */
export function isSessionExpired(error: unknown): boolean {
  const domainCode = errorDomainCode(error);
  return domainCode === 'SESSION_EXPIRED' || (domainCode === null && errorHttpStatus(error) === 401);
}
