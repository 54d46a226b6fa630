import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { errorMessageKey, isClientError, isSessionExpired } from './errors';
import type { AppRouter } from './trpc';

function serverError(code: string, httpStatus: number, domainCode: string | null) {
  return TRPCClientError.from<AppRouter>({
    error: { message: 'x', code: -32000, data: { code, httpStatus, path: 'p', domainCode, zodError: null } },
  });
}

describe('errorMessageKey', () => {
  it('translates by the domain code the server sent', () => {
    expect(errorMessageKey(serverError('UNAUTHORIZED', 401, 'INVALID_CREDENTIALS'))).toBe('errors.INVALID_CREDENTIALS');
    expect(errorMessageKey(serverError('TOO_MANY_REQUESTS', 429, 'RATE_LIMITED'))).toBe('errors.RATE_LIMITED');
    expect(errorMessageKey(serverError('CONFLICT', 409, 'SLOT_FULL'))).toBe('errors.SLOT_FULL');
  });

  it('falls back on the HTTP status when there is no domain code', () => {
    expect(errorMessageKey(serverError('TOO_MANY_REQUESTS', 429, null))).toBe('errors.RATE_LIMITED');
    expect(errorMessageKey(serverError('INTERNAL_SERVER_ERROR', 500, null))).toBe('errors.SERVER');
    expect(errorMessageKey(serverError('BAD_REQUEST', 400, 'NOT_A_CODE'))).toBe('errors.UNKNOWN');
  });

  it('recognises a request that never reached the server', () => {
    const offline = TRPCClientError.from(new TypeError('fetch failed'));
    expect(errorMessageKey(offline)).toBe('errors.NETWORK');
    expect(isClientError(offline)).toBe(false);
  });

  it('tells an expired session apart from wrong credentials', () => {
    expect(isSessionExpired(serverError('UNAUTHORIZED', 401, 'SESSION_EXPIRED'))).toBe(true);
    expect(isSessionExpired(serverError('UNAUTHORIZED', 401, 'INVALID_CREDENTIALS'))).toBe(false);
    expect(isClientError(serverError('UNAUTHORIZED', 401, 'INVALID_CREDENTIALS'))).toBe(true);
  });
});
