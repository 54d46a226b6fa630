import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { errorMessageKey, isClientError } from '../../../lib/errors';
import type { AppRouter } from '../../../lib/trpc';
import { isRetryable } from './use-pending-delivery';

function serverError(
  code: string,
  httpStatus: number,
  domainCode: string | null,
  retryAfterSeconds: number | null = null,
) {
  return TRPCClientError.from<AppRouter>({
    error: {
      message: 'x',
      code: -32000,
      data: { code, httpStatus, path: 'interactions.complete', domainCode, zodError: null, retryAfterSeconds },
    },
  });
}

describe('the offline queue retries what may succeed later', () => {
  it('keeps a completion the server refused because its write queue was full (503 SERVER_BUSY, issue 15)', () => {
    const busy = serverError('SERVICE_UNAVAILABLE', 503, 'SERVER_BUSY', 1);
    expect(isRetryable(busy)).toBe(true);
    expect(isClientError(busy)).toBe(false); // queries retry it too
    expect(errorMessageKey(busy)).toBe('errors.SERVER_BUSY');
  });

  it('retries no answer, a throttle and an expired session; not a refusal that would repeat', () => {
    expect(isRetryable(TRPCClientError.from(new TypeError('fetch failed')))).toBe(true);
    expect(isRetryable(serverError('TOO_MANY_REQUESTS', 429, 'RATE_LIMITED', 2))).toBe(true);
    expect(isRetryable(serverError('UNAUTHORIZED', 401, 'SESSION_EXPIRED'))).toBe(true);
    expect(isRetryable(serverError('BAD_REQUEST', 400, 'REPLAY_REJECTED'))).toBe(false);
    expect(isRetryable(serverError('CONFLICT', 409, 'IDEMPOTENCY_MISMATCH'))).toBe(false);
  });
});
