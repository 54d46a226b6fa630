import { TRPCError } from '@trpc/server';
import type { DomainErrorCode } from '@valore/shared/errors';

type TrpcCode = ConstructorParameters<typeof TRPCError>[0]['code'];

/** A TRPCError that also carries the domain code the client translates. */
export class DomainError extends TRPCError {
  readonly domainCode: DomainErrorCode;
  constructor(code: TrpcCode, domainCode: DomainErrorCode, message: string) {
    super({ code, message });
    this.domainCode = domainCode;
  }
}

export const domainError = (code: TrpcCode, domainCode: DomainErrorCode, message: string) =>
  new DomainError(code, domainCode, message);
