import { Transform, type TransformCallback } from 'node:stream';
import type { NextFunction, Request, Response } from 'express';
import { MALFORMED_TEXT_MESSAGE, malformedTextPath } from '@valore/shared/schemas/common';
import { DomainError, type FieldMessages } from '../errors';
import { sendError } from './errors';

/**
 * Request body limits (issue 13). Nothing may make the server hold an unbounded body in memory: a body whose
 * declared length is over its route's limit is refused with 413 before anything reads a byte of it, and bodies
 * without a declared length (chunked) are counted while they stream and cut at the same limit.
 */

/** "1024 KB", "1 MB", "1.5 MB": a limit as a person reads it. */
export function sizeInWords(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 * 1024 * 10) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${Math.round(bytes / 1024)} KB`;
}

export function tooLargeMessage(limitBytes: number): string {
  return `The request body is larger than ${sizeInWords(limitBytes)}, the most this server takes here. Send less.`;
}

/** The error a capped stream fails with: a 413 with the limit in its message, for services and REST handlers alike. */
export class BodyTooLargeError extends DomainError {
  readonly limitBytes: number;
  constructor(limitBytes: number) {
    super('PAYLOAD_TOO_LARGE', 'VALIDATION', tooLargeMessage(limitBytes));
    this.limitBytes = limitBytes;
  }
}

/**
 * 413 with the limit in the message. The connection is closed after the answer: keeping it alive would mean reading
 * (and throwing away) the rest of a body we refused, which is exactly the work the limit exists to avoid.
 */
export function answerTooLarge(res: Response, limitBytes: number): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.setHeader('Connection', 'close');
  sendError(res, 413, { code: 'PAYLOAD_TOO_LARGE', message: tooLargeMessage(limitBytes) });
}

/**
 * App-wide, before any route: a declared Content-Length over the route's limit is answered 413 at once, unread.
 * Routes that read a body also cap what actually streams in (see `trpcBody`, `cappedStream`, the REST parsers).
 */
export function declaredBodyLimit(limitOf: (req: Request) => number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const declared = req.headers['content-length'];
    if (declared !== undefined) {
      const limit = limitOf(req);
      // Node's parser has already refused a Content-Length that is not a plain number
      if (Number(declared) > limit) return answerTooLarge(res, limit);
    }
    next();
  };
}

/** A body-parser-style failure (its `type` and status), so the REST handlers' existing mapping answers it. */
export class BodyError extends Error {
  readonly type: string;
  readonly status: number;
  /** the field that failed ('entity.text.malformed': the path of the string no store can hold) */
  readonly fields: FieldMessages | null;
  constructor(type: string, status: number, message: string, fields: FieldMessages | null = null) {
    super(message);
    this.type = type;
    this.status = status;
    this.fields = fields;
  }
}

/**
 * A parsed body holding a string no store can hold (a NUL, a lone surrogate: shared/schemas/common.ts) is refused
 * as a whole, with the field that holds it: the same rule as tRPC inputs, for every JSON and form body.
 */
function malformedTextError(body: unknown): BodyError | null {
  const path = malformedTextPath(body);
  if (path === null) return null;
  return new BodyError('entity.text.malformed', 400, MALFORMED_TEXT_MESSAGE, {
    [path === '' ? 'body' : path]: [MALFORMED_TEXT_MESSAGE],
  });
}

/** Whether the request carries a body at all (the rule of type-is: a length or a transfer encoding). */
function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || req.headers['content-length'] !== undefined;
}

/** The charset parameter of the Content-Type, lower case; UTF-8 when absent. */
function charsetOf(req: Request): string {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(req.headers['content-type'] ?? '');
  return (match?.[1] ?? 'utf-8').toLowerCase();
}

/**
 * Reads the whole body, at most `limitBytes` of it: rejects with `BodyTooLargeError` the moment more has arrived
 * and stops reading. (express's body parsers, past their limit, read the rest of the body to its end before
 * answering: with a chunked body that has no end, that is unbounded work.)
 */
export function readBody(req: Request, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (req.readableEnded) {
      resolve(Buffer.alloc(0));
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitBytes) {
        cleanup();
        req.pause();
        reject(new BodyTooLargeError(limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new BodyError('request.aborted', 400, error.message));
    };
    const onClose = () => {
      cleanup();
      reject(new BodyError('request.aborted', 400, 'The request ended before its body.'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

const INCOMPLETE = 'The request body arrived incomplete. Send it again.';

/**
 * Reads a tRPC POST body as text, capped, and leaves it in `req.body`, where tRPC's adapter takes it instead of
 * reading the stream itself, unbounded.
 */
export function trpcBody(limitBytes: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'POST' || !hasBody(req)) return next();
    readBody(req, limitBytes).then(
      (body) => {
        req.body = body.toString('utf8');
        next();
      },
      (error: unknown) => {
        if (error instanceof BodyTooLargeError) answerTooLarge(res, limitBytes);
        else if (!res.headersSent) sendError(res, 400, { code: 'BAD_REQUEST', message: INCOMPLETE });
      },
    );
  };
}

/**
 * `express.json({ strict: false })` with a cap that stops reading at the limit. Failures go to `next` as
 * `BodyError`s with body-parser's types (entity.too.large, entity.parse.failed, charset.unsupported); an empty body
 * is `{}`, as there.
 */
export function cappedJson(limitBytes: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!hasBody(req)) return next();
    const charset = charsetOf(req);
    if (charset !== 'utf-8' && charset !== 'utf8') {
      return next(new BodyError('charset.unsupported', 415, `Unsupported charset "${charset}": send UTF-8.`));
    }
    readBody(req, limitBytes).then(
      (body) => {
        const text = body.toString('utf8').replace(/^\uFEFF/, '');
        try {
          req.body = text.trim() === '' ? {} : (JSON.parse(text) as unknown);
        } catch {
          return next(new BodyError('entity.parse.failed', 400, 'The request body is not valid JSON.'));
        }
        next(malformedTextError(req.body) ?? undefined);
      },
      (error: unknown) => {
        if (!(error instanceof BodyTooLargeError)) return next(error);
        res.setHeader('Connection', 'close');
        next(new BodyError('entity.too.large', 413, error.message));
      },
    );
  };
}

/**
 * `express.urlencoded({ extended: false })` with a cap that stops reading at the limit: fields by name, a name given
 * twice becomes an array (as there), more than `parameterLimit` fields is a failure.
 */
export function cappedForm(limitBytes: number, parameterLimit: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!hasBody(req)) return next();
    const charset = charsetOf(req);
    if (charset !== 'utf-8' && charset !== 'utf8') {
      return next(new BodyError('charset.unsupported', 415, `Unsupported charset "${charset}": send UTF-8.`));
    }
    readBody(req, limitBytes).then(
      (body) => {
        const fields = Object.create(null) as Record<string, string | string[]>;
        let count = 0;
        for (const [name, value] of new URLSearchParams(body.toString('utf8'))) {
          if (++count > parameterLimit) {
            return next(new BodyError('parameters.too.many', 413, 'Too many form fields.'));
          }
          const seen = fields[name];
          fields[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
        }
        req.body = fields;
        next(malformedTextError(fields) ?? undefined);
      },
      (error: unknown) => {
        if (error instanceof BodyTooLargeError) res.setHeader('Connection', 'close');
        next(error);
      },
    );
  };
}

/**
 * App-wide: a request whose body has no declared length (chunked) is answered with `Connection: close`, so after
 * the answer the server never reads the rest of it just to reuse the connection (Node would otherwise drain it).
 */
export function closeAfterChunkedBody(req: Request, res: Response, next: NextFunction): void {
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] !== undefined) {
    res.setHeader('Connection', 'close');
  }
  next();
}

/**
 * Passes a request's bytes through and fails with `BodyTooLargeError` as soon as more than `limitBytes` have
 * arrived: streamed consumers (the CSV imports) stop at the limit whether or not the length was declared.
 */
export function cappedStream(limitBytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      seen += chunk.length;
      if (seen > limitBytes) callback(new BodyTooLargeError(limitBytes));
      else callback(null, chunk);
    },
  });
}
