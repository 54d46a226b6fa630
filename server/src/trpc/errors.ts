import { TRPCError } from '@trpc/server';
import type { DomainErrorCode } from '@valore/shared/errors';

type TrpcCode = ConstructorParameters<typeof TRPCError>[0]['code'];

/** A TRPCError that also carries the domain code the client translates. */
export class DomainError extends TRPCError {
  readonly domainCode: DomainErrorCode;
  /** Per-field messages for bad input (BAD_REQUEST): the client shows each next to its field. */
  readonly fields: Record<string, string[]> | null;
  constructor(code: TrpcCode, domainCode: DomainErrorCode, message: string, fields: Record<string, string[]> | null = null) {
    super({ code, message });
    this.domainCode = domainCode;
    this.fields = fields;
  }
}

/** Bad input found after the schema passed, with a message per field: `400`, nothing written. */
export function fieldError(fields: Record<string, string[]>): DomainError {
  const message =
    'Some fields are not valid: ' +
    Object.entries(fields)
      .map(([field, messages]) => `${field}: ${messages.join(', ')}`)
      .join('; ');
  return new DomainError('BAD_REQUEST', 'VALIDATION', message, fields);
}

export const domainError = (code: TrpcCode, domainCode: DomainErrorCode, message: string) =>
  new DomainError(code, domainCode, message);
