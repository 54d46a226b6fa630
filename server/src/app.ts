import fs from 'node:fs';
import type { RequestListener } from 'node:http';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { SerializedRequest, SerializedResponse } from 'pino';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import { limitsConfig, type AppDeps } from './deps';
import { closeAfterChunkedBody, declaredBodyLimit, trpcBody } from './http/body-limit';
import { campaignImportRoutes } from './http/campaign-import';
import { rotaIcsRoutes } from './http/rota-ics';
import { attendanceRoutes } from './http/attendance';
import { ctiRoutes } from './http/cti';
import { createDrain, type Drain } from './http/drain';
import { funnelRedirectHandler } from './http/funnel';
import { healthHandler } from './http/health';
import { intakeRoutes } from './http/intake';
import { createHttpMetrics } from './http/metrics';
import { sendError } from './http/errors';
import { csrfGuard } from './http/security';
import { oidcRoutes } from './http/oidc';
import { selfServiceRoutes } from './http/self-service';
import { refuseMalformedUrl } from './http/well-formed';
import { createContext } from './trpc/context';
import { createStreamHandler } from './http/streams';
import { retryAfterHeaders, toTRPCError } from './trpc/errors';
import { appRouter } from './trpc/root';

/** The streamed CSV uploads, whose size cap is VALORE_IMPORT_MAX_MB rather than the general body limit. */
const IMPORT_PATH = /^\/api\/v1\/(campaigns\/[^/]+\/import|optout-registry\/import)\/?$/i;

/**
 * Builds the HTTP application without listening, so tests can mount it on any port: the live streams
 * (http/streams.ts, served by Node alone: an open stream keeps no per-request state of Express's), then Express.
 */
export function createApp(deps: AppDeps, drain: Drain = createDrain()): RequestListener {
  const app = express();
  const metrics = createHttpMetrics();
  app.disable('x-powered-by');
  // only the configured proxies may say who the client is: the sign-in limiter and the audit key on req.ip
  app.set('trust proxy', deps.config.trustedProxies?.length ? deps.config.trustedProxies : false);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          fontSrc: ["'self'", 'data:'],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: null,
        },
      },
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.use(
    pinoHttp({
      logger: deps.logger,
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
      // one short line per request at info (method, route, status, time, user); the query string (a tRPC query's
      // input: what was searched) and the headers only at debug
      serializers: {
        req: (req: SerializedRequest) =>
          deps.logger.isLevelEnabled('debug')
            ? req
            : { method: req.method, route: (req.url ?? '').split('?')[0] ?? '' },
        res: (res: SerializedResponse) => (deps.logger.isLevelEnabled('debug') ? res : { statusCode: res.statusCode }),
      },
      customProps: (_req, res) => {
        const userId: unknown = res.locals?.userId;
        return typeof userId === 'number' ? { userId } : {};
      },
      // a 401 is the sign-in page asking who is there (auth.me), not a warning
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 && res.statusCode !== 401 ? 'warn' : 'info',
    }),
  );
  app.use(metrics.middleware);
  const limits = limitsConfig(deps.config);
  // every route: a declared body over its limit is refused before anything reads it (CSV imports have their own cap)
  app.use(declaredBodyLimit((req) => (IMPORT_PATH.test(req.path) ? limits.importMaxBytes : limits.maxBodyBytes)));
  app.use(closeAfterChunkedBody);

  // a node that is stopping says so on every answer: the client's next request goes out on a new connection
  app.use((_req, res, next) => {
    if (drain.draining) res.setHeader('Connection', 'close');
    next();
  });
  app.get('/healthz', healthHandler(deps, drain));
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  app.get('/f/:token', funnelRedirectHandler(deps));
  // the customer's public pages behind the signed link of a confirmation (own form CSRF check, rate-limited)
  app.use(selfServiceRoutes(deps));
  // sign-in with the company's identity provider (404 when none is configured)
  app.use(oidcRoutes(deps));

  app.use(
    '/trpc',
    csrfGuard,
    // read here, capped, so a chunked body is cut at the limit too (tRPC would buffer any size)
    trpcBody(limits.maxBodyBytes),
    createExpressMiddleware({
      router: appRouter,
      createContext: ({ req, res }) => createContext(deps, req, res),
      maxBatchSize: 20,
      // a refusal that says when to come back (a full write queue: 503; the sign-in throttle: 429) carries Retry-After
      responseMeta: ({ errors }) => ({ headers: retryAfterHeaders(errors) }),
      onError: ({ error, path: procedure }) => {
        // a refusal raised inside a subscription's stream arrives here still wrapped as internal: not a fault
        if (toTRPCError(error).code === 'INTERNAL_SERVER_ERROR')
          deps.logger.error({ err: error.cause ?? error, procedure }, 'procedure failed');
      },
    }),
  );

  // key-protected integration endpoints (intake, CTI); each parses its own JSON body, size-limited
  app.use('/api/v1', intakeRoutes(deps), ctiRoutes(deps));
  // the post offices' systems report attendance (keys with the attendance scope)
  app.use('/api/v1', attendanceRoutes(deps));

  // streamed CSV imports (session cookie, same origin): campaign lists, opt-out registry, reject reports
  app.use('/api/v1', campaignImportRoutes(deps));
  // the signed-in person's published shifts as a calendar file (session cookie)
  app.use('/api/v1', rotaIcsRoutes(deps));

  app.use('/api', (_req, res) => {
    sendError(res, 404, { code: 'NOT_FOUND', message: 'No such endpoint.' });
  });

  const dist = deps.config.clientDist;
  if (dist && fs.existsSync(path.join(dist, 'index.html'))) {
    app.use(express.static(dist, { index: false, maxAge: '1h', immutable: false }));
    app.get('/{*splat}', (_req, res) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(path.join(dist, 'index.html'));
    });
  }

  // Last resort: a JSON error with a code, never a stack trace or SQL.
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = errorStatus(error);
    if (status >= 500) req.log?.error({ err: error }, 'request failed');
    if (res.headersSent) return;
    sendError(
      res,
      status,
      status === 400
        ? { code: 'BAD_REQUEST', message: 'The request body is not valid JSON.' }
        : status === 413
          ? { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large.' }
          : { code: 'INTERNAL_SERVER_ERROR', message: 'Something went wrong on the server. Try again later.' },
    );
  });
  const streams = createStreamHandler(deps, metrics.registry, drain);
  return (req, res) => {
    if (refuseMalformedUrl(req, res)) return;
    if (!streams(req, res)) void app(req, res);
  };
}

function errorStatus(error: unknown): number {
  if (typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number') {
    return error.status >= 400 && error.status < 600 ? error.status : 500;
  }
  return 500;
}
