import type { DomainErrorCode } from '@valore/shared/errors';

/**
 * What kind of refusal a domain error is, independent of any transport. The names follow the HTTP/tRPC vocabulary
 * people already read, but the mapping to a transport lives at its edge: trpc/errors.ts for tRPC codes,
 * http/errors.ts for HTTP statuses. A kind added here makes both mappings fail to compile until they know it.
 */
export const DOMAIN_ERROR_KINDS = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'PRECONDITION_FAILED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'TOO_MANY_REQUESTS',
  'INTERNAL_SERVER_ERROR',
  /** the server cannot take it now (the write queue is full): nothing done, retry after the wait it names */
  'SERVICE_UNAVAILABLE',
] as const;
export type DomainErrorKind = (typeof DOMAIN_ERROR_KINDS)[number];

/** Per-field messages for bad input: the client shows each next to its field. */
export type FieldMessages = Record<string, string[]>;

/**
 * A refusal by the domain: its kind (`code`), the domain code the client translates (shared/src/errors.ts) and, for
 * bad input, messages per field. Knows no transport: services, repositories and REST handlers all throw it, and
 * each edge maps it once.
 */
export class DomainError extends Error {
  /** The kind; named `code` as on the wire (data.code in tRPC, error.code in REST answers). */
  readonly code: DomainErrorKind;
  readonly domainCode: DomainErrorCode;
  readonly fields: FieldMessages | null;
  constructor(
    code: DomainErrorKind,
    domainCode: DomainErrorCode,
    message: string,
    fields: FieldMessages | null = null,
  ) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.domainCode = domainCode;
    this.fields = fields;
  }
}

/** Bad input found after the schema passed, with a message per field: `400`, nothing written. */
export function fieldError(fields: FieldMessages): DomainError {
  const message =
    'Some fields are not valid: ' +
    Object.entries(fields)
      .map(([field, messages]) => `${field}: ${messages.join(', ')}`)
      .join('; ');
  return new DomainError('BAD_REQUEST', 'VALIDATION', message, fields);
}
