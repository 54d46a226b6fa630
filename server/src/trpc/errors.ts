import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import type { DomainErrorCode } from '@valore/shared/errors';
import { DomainError, type DomainErrorKind, type FieldMessages } from '../errors';

/** The one mapping of domain error kinds to tRPC codes (HTTP statuses for REST: http/errors.ts). */
const TRPC_CODE: Record<DomainErrorKind, TRPC_ERROR_CODE_KEY> = {
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  PRECONDITION_FAILED: 'PRECONDITION_FAILED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
};

/** A DomainError as tRPC carries it: the mapped code, plus the domain code and fields the error formatter sends. */
export class DomainTRPCError extends TRPCError {
  readonly domainCode: DomainErrorCode;
  readonly fields: FieldMessages | null;
  /** how long a refused caller must wait (a refusal that says when: the sign-in throttle, a full write queue), else null */
  readonly retryAfterSeconds: number | null;
  /** the free times a refusal of a full time offers instead (a Call Me Back `SLOT_FULL`), else null */
  readonly alternatives: string[] | null;
  constructor(cause: DomainError) {
    super({ code: TRPC_CODE[cause.code], message: cause.message, cause });
    this.domainCode = cause.domainCode;
    this.fields = cause.fields;
    const wait: unknown = 'retryAfterMs' in cause ? cause.retryAfterMs : null;
    this.retryAfterSeconds = typeof wait === 'number' ? Math.max(1, Math.ceil(wait / 1000)) : null;
    const offered: unknown = 'alternatives' in cause ? cause.alternatives : null;
    this.alternatives =
      Array.isArray(offered) && offered.every((a): a is string => typeof a === 'string') ? offered : null;
  }
}

/**
 * The `Retry-After` header of an answer whose errors include a refusal that says when to try again (the longest wait
 * of a batch): set once here for every such error, so no procedure has to remember it.
 */
export function retryAfterHeaders(errors: readonly TRPCError[]): Record<string, string> | undefined {
  const waits = errors.map((e) => (e instanceof DomainTRPCError ? e.retryAfterSeconds : null));
  const seconds = Math.max(0, ...waits.map((w) => w ?? 0));
  return seconds > 0 ? { 'Retry-After': String(seconds) } : undefined;
}

/**
 * The tRPC error for anything a procedure failed with: tRPC wraps a thrown DomainError as an INTERNAL_SERVER_ERROR
 * with it as the cause; this gives it back its own code. Anything else passes unchanged.
 */
export function toTRPCError(error: TRPCError): TRPCError {
  if (error instanceof DomainTRPCError || !(error.cause instanceof DomainError)) return error;
  return new DomainTRPCError(error.cause);
}
