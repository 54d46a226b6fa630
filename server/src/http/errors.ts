import type { ServerResponse } from 'node:http';
import type { DomainErrorCode } from '@valore/shared/errors';
import type { DomainError, DomainErrorKind, FieldMessages } from '../errors';

/** The one mapping of domain error kinds to HTTP statuses for the REST handlers (tRPC codes: trpc/errors.ts). */
const HTTP_STATUS: Record<DomainErrorKind, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
};

export const httpStatusOf = (kind: DomainErrorKind): number => HTTP_STATUS[kind];

/** The body of every REST error answer: `{ error: { code, message, fields? } }` (plus the domain code where sent). */
export interface ApiError {
  code: string;
  domainCode?: DomainErrorCode;
  message: string;
  fields?: FieldMessages;
}

/** Written with Node's own response API, so Express handlers and the live streams (served before Express) share it. */
export function sendError(res: ServerResponse, status: number, error: ApiError): void {
  const body = JSON.stringify({ error });
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(body);
}

/**
 * A DomainError as a REST answer: its status, code and message; the domain code too when asked for. A refusal that
 * says when to try again (`retryAfterMs`: a full write queue, a throttle) also gets its `Retry-After`.
 */
export function sendDomainError(
  res: ServerResponse,
  error: DomainError,
  options: { domainCode?: boolean; fields?: boolean } = {},
): void {
  const wait: unknown = 'retryAfterMs' in error ? error.retryAfterMs : null;
  if (typeof wait === 'number') res.setHeader('Retry-After', String(Math.max(1, Math.ceil(wait / 1000))));
  sendError(res, httpStatusOf(error.code), {
    code: error.code,
    ...(options.domainCode ? { domainCode: error.domainCode } : {}),
    message: error.message,
    ...(options.fields && error.fields ? { fields: error.fields } : {}),
  });
}
