import express, { type NextFunction, type Request, type Response } from 'express';
import type { z } from 'zod';
import {
  CALLBACK_SLOTS_DEFAULT_DAYS,
  callbackRequestBody,
  callbackSlotsQuery,
  callbackSlotsWindowErrors,
} from '@valore/shared/schemas/callbacks';
import type { ApiKeyScope } from '@valore/shared/schemas/admin';
import { intakeConfig, type AppDeps } from '../deps';
import { authenticateApiKey } from '../domains/admin/api-keys.service';
import { freeCallbackSlots } from '../domains/callbacks/callback-capacity';
import { isActiveProduct } from '../domains/callbacks/callbacks.repository';
import {
  createCallbackRequest,
  IntakeFieldError,
  listIntakeProducts,
  SlotFullError,
  type FieldErrors,
} from '../domains/callbacks/callbacks.service';
import { DomainError } from '../errors';
import { BodyError, cappedJson } from './body-limit';
import { sendDomainError, sendError } from './errors';
import { refreshBoards } from '../domains/monitor/board.service';
import { tokenBucketFor, type TokenBucket } from './rate-buckets';

/**
 * The key-protected integration surface (docs/api.md): web/app intake of Call Me Back / Call Me Now requests.
 * Every answer is JSON with an error code and a message a developer can act on; bad input is never a 500.
 */

const BODY_LIMIT = '16kb';
const BODY_LIMIT_BYTES = 16 * 1024;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

// ---- API keys ----

export interface KeyedRequest extends Request {
  apiKey?: string;
}

const REALM: Record<ApiKeyScope, string> = {
  intake: 'valore-intake',
  cti: 'valore-cti',
  attendance: 'valore-attendance',
};

/**
 * Lets through a request whose `Authorization: Bearer` key may call endpoints of `scope` (an environment key or an
 * admin-made one: domains/admin/api-keys.service.ts); anything else gets 401 with what to send.
 */
export function requireApiKey(deps: AppDeps, scope: ApiKeyScope) {
  return (req: KeyedRequest, res: Response, next: NextFunction): void => {
    authenticateApiKey(deps, req.get('authorization'), scope).then(
      (key) => {
        if (key === null) {
          res.setHeader('WWW-Authenticate', `Bearer realm="${REALM[scope]}"`);
          return sendError(res, 401, {
            code: 'UNAUTHORIZED',
            message: `Send a valid API key with the ${scope} scope as "Authorization: Bearer <key>".`,
          });
        }
        req.apiKey = key;
        next();
      },
      (error: unknown) => next(error),
    );
  };
}

// ---- rate limit: a token bucket per key (rate-buckets.ts) ----

export function rateLimit(bucket: TokenBucket) {
  return (req: KeyedRequest, res: Response, next: NextFunction): void => {
    Promise.resolve(bucket.take(req.apiKey ?? '')).then(
      (verdict) => {
        if (verdict.ok) return next();
        res.setHeader('Retry-After', String(verdict.retryAfterSeconds));
        sendError(res, 429, {
          code: 'TOO_MANY_REQUESTS',
          message: `Too many requests for this API key. Retry after ${verdict.retryAfterSeconds} s.`,
        });
      },
      (error: unknown) => next(error),
    );
  };
}

// ---- JSON bodies ----

/**
 * Parses a JSON body (size-limited) only for these routes; refuses other content types. The parser stops reading at
 * the limit, also for a chunked body (express.json reads such a body to its end before answering 413).
 */
export function jsonBody() {
  const parse = cappedJson(BODY_LIMIT_BYTES);
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!req.is('application/json')) {
      return sendError(res, 415, {
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'Send the body as JSON with "Content-Type: application/json".',
      });
    }
    parse(req, res, next);
  };
}

/** Body-parser failures (malformed JSON, too large) answered in this API's shape, not as a 500. */
export function bodyErrorHandler(error: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) return next(error);
  const type = typeof error === 'object' && error !== null && 'type' in error ? error.type : null;
  if (type === 'entity.too.large') {
    return sendError(res, 413, {
      code: 'PAYLOAD_TOO_LARGE',
      message: `The request body is larger than ${BODY_LIMIT}.`,
    });
  }
  if (type === 'entity.text.malformed' && error instanceof BodyError) {
    return sendError(res, 400, {
      code: 'BAD_REQUEST',
      message: error.message,
      ...(error.fields ? { fields: error.fields } : {}),
    });
  }
  if (
    type === 'entity.parse.failed' ||
    type === 'encoding.unsupported' ||
    type === 'charset.unsupported' ||
    type === 'request.aborted'
  ) {
    return sendError(res, 400, { code: 'BAD_REQUEST', message: 'The request body is not valid JSON.' });
  }
  next(error);
}

/** Zod issues as per-field messages; unknown fields are named. */
export function fieldErrorsOf(error: z.ZodError, allowed: readonly string[]): { fields: FieldErrors; form: string[] } {
  // no prototype: a client may name a field "__proto__" (found by test/reliability/fuzz-procedures.test.ts)
  const fields: FieldErrors = Object.create(null) as FieldErrors;
  const form: string[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        (fields[key] ??= []).push(`Unknown field "${key}"; the accepted fields are ${allowed.join(', ')}`);
      continue;
    }
    const [field] = issue.path;
    if (field === undefined) form.push(issue.message);
    else (fields[String(field)] ??= []).push(issue.message);
  }
  return { fields, form };
}

export function validationError(res: Response, fields: FieldErrors, form: string[] = []): void {
  const parts = [...form, ...Object.entries(fields).map(([field, messages]) => `${field}: ${messages.join(', ')}`)];
  sendError(res, 400, { code: 'BAD_REQUEST', message: `The request is not valid. ${parts.join('; ')}`.trim(), fields });
}

/** Domain errors from a service, with their HTTP status; anything else is a real server fault. */
export function domainErrorHandler(error: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent || !(error instanceof DomainError)) return next(error);
  if (error instanceof IntakeFieldError) return validationError(res, error.fields);
  if (error instanceof SlotFullError) {
    // the REST error body, plus the next free half-hours beside it for the client to offer
    res.setHeader('Cache-Control', 'no-store');
    res.status(409).json({
      error: { code: error.code, domainCode: error.domainCode, message: error.message },
      alternatives: error.alternatives,
    });
    return;
  }
  sendDomainError(res, error);
}

// ---- routes ----

const CALLBACK_FIELDS = Object.keys(callbackRequestBody.shape);
const SLOTS_QUERY_FIELDS = Object.keys(callbackSlotsQuery.shape);
const DAY_MS = 86_400_000;

/**
 * `GET /api/v1/callback-slots`: the query checked field by field (the defaults need the clock), then the free
 * half-hours from the capacity rule the intake enforces (domains/callbacks/callback-capacity.ts).
 */
async function callbackSlotsHandler(deps: AppDeps, req: Request, res: Response): Promise<void> {
  const parsed = callbackSlotsQuery.safeParse(req.query);
  if (!parsed.success) {
    const { fields, form } = fieldErrorsOf(parsed.error, SLOTS_QUERY_FIELDS);
    return validationError(res, fields, form);
  }
  const now = deps.clock.now();
  const from = parsed.data.from === undefined ? now : new Date(parsed.data.from);
  const to =
    parsed.data.to === undefined
      ? new Date(from.getTime() + CALLBACK_SLOTS_DEFAULT_DAYS * DAY_MS)
      : new Date(parsed.data.to);
  const fields: FieldErrors = callbackSlotsWindowErrors(from, to);
  if (!(await isActiveProduct(deps.db, parsed.data.productCode))) {
    fields.productCode = [
      `"${parsed.data.productCode}" is not an active catalogue product; GET /api/v1/products lists the codes`,
    ];
  }
  if (Object.keys(fields).length > 0) return validationError(res, fields);
  const slots = await freeCallbackSlots(
    deps.db,
    { from, to, now },
    intakeConfig(deps.config).callbackContactsPerHalfHour,
  );
  res.setHeader('Cache-Control', 'no-store');
  res.json({ slots });
}

/** `GET /api/v1/products`, `GET /api/v1/callback-slots`, `POST /api/v1/callback-requests`. Mount before the `/api` 404. */
export function intakeRoutes(deps: AppDeps): express.Router {
  const routes = express.Router();
  const bucket = tokenBucketFor(deps, 'intake', intakeConfig(deps.config).intakeRatePerMinute);
  const guard = [requireApiKey(deps, 'intake'), rateLimit(bucket)];

  routes.get('/products', ...guard, async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await listIntakeProducts(deps));
  });

  routes.get('/callback-slots', ...guard, (req, res) => callbackSlotsHandler(deps, req, res));

  routes.post('/callback-requests', ...guard, jsonBody(), async (req: KeyedRequest, res) => {
    const idempotencyKey = req.get('idempotency-key') ?? null;
    if (idempotencyKey !== null && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      return validationError(res, { 'Idempotency-Key': ['Use 1–128 printable characters, e.g. a UUID'] });
    }
    const parsed = callbackRequestBody.safeParse(req.body);
    if (!parsed.success) {
      const { fields, form } = fieldErrorsOf(parsed.error, CALLBACK_FIELDS);
      return validationError(res, fields, form.length > 0 ? ['The body must be a JSON object.'] : []);
    }
    const { response, replayed } = await createCallbackRequest(deps, {
      body: parsed.data,
      apiKey: req.apiKey ?? '',
      idempotencyKey,
      ip: req.ip ?? null,
    });
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    // a web or app request is in every site's queues: the boards and wallboards show it now, not at their next tick
    else refreshBoards(deps, null);
    res.status(201).json(response);
  });

  routes.use(bodyErrorHandler);
  routes.use(domainErrorHandler);
  return routes;
}
