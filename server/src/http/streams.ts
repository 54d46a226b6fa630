import type { IncomingMessage, ServerResponse } from 'node:http';
import { Gauge, type Registry } from 'prom-client';
import { z } from 'zod';
import type { Role, SessionUser } from '@valore/shared/schemas/auth';
import { STREAMS, type StreamEvents, type StreamName } from '@valore/shared/streams';
import type { AppDeps } from '../deps';
import { openScreenPopFeed } from '../domains/cti/cti.service';
import { openBoardFeed } from '../domains/monitor/board.service';
import { openMessagesFeed } from '../domains/monitor/coaching.service';
import { openOffersFeed } from '../domains/work/offers';
import { DomainError, type FieldMessages } from '../errors';
import type { FeedMark, FeedSend } from '../realtime/feed';
import { topics } from '../realtime/event-bus';
import { resolveSession } from '../domains/auth/auth.service';
import { readSessionToken } from './cookies';
import type { Drain } from './drain';
import { sendDomainError, sendError } from './errors';

/**
 * The live streams as plain server-sent events (issue 15): one endpoint per kind, a bus listener and a `res.write`
 * per event. tRPC's SSE pipeline cost ~90 KB of heap per open stream (generators, promises and web streams around
 * each); here an open stream is its socket, Node's own request and response, and one listener (docs/performance.md,
 * "Live streams"). They are served before Express (app.ts): its router, the request logger and the security headers
 * would each keep per-request state for as long as a stream stays open, and none of it is of use to an event stream. Each event carries its id; a client that reconnects sends the last one back (`Last-Event-ID`, or
 * `?lastEventId=` when it opens a new EventSource itself) and the feed resumes after it.
 *
 * Who may open which stream is decided here, before anything is sent: no session → 401, wrong role → 403, bad query
 * → 400 with field messages; a feed's own refusal (a tutor asking for another site's board) likewise.
 */
interface StreamKind<K extends StreamName> {
  roles: readonly [Role, ...Role[]];
  /** Checks the query (400 with field messages) and starts the feed; returns the function that stops it. */
  start: (
    deps: AppDeps,
    user: SessionUser,
    query: Record<string, string>,
    lastEventId: string | null,
    send: FeedSend<StreamEvents[K]>,
    mark: FeedMark,
  ) => (() => void) | Promise<() => void>;
}

function streamKind<K extends StreamName, I>(
  roles: readonly [Role, ...Role[]],
  schema: z.ZodType<I>,
  open: (
    deps: AppDeps,
    user: SessionUser,
    input: I,
    lastEventId: string | null,
    send: FeedSend<StreamEvents[K]>,
    mark: FeedMark,
  ) => (() => void) | Promise<() => void>,
): StreamKind<K> {
  return {
    roles,
    start: (deps, user, query, lastEventId, send, mark) => {
      const parsed = schema.safeParse(query);
      if (!parsed.success) throw queryError(parsed.error);
      return open(deps, user, parsed.data, lastEventId, send, mark);
    },
  };
}

const lastEventId = z.string().max(64).optional();
const positiveId = z
  .string()
  .regex(/^\d{1,9}$/, 'a positive whole number')
  .transform(Number)
  .pipe(z.number().int().positive());

const KINDS: { [K in StreamName]: StreamKind<K> } = {
  board: streamKind(
    // the tutors' board, and the team lead's wallboard (their own site; boardSite)
    ['tutor', 'team_lead', 'admin'],
    z.object({ siteId: positiveId.optional(), lastEventId }).strict(),
    (deps, user, input, last, send) => openBoardFeed(deps, user, { siteId: input.siteId }, last, send),
  ),
  screenPops: streamKind(['operator'], z.object({ lastEventId }).strict(), (deps, user, _input, last, send, mark) =>
    openScreenPopFeed(deps, user.id, last, send, mark),
  ),
  coaching: streamKind(['operator'], z.object({ lastEventId }).strict(), (deps, user, _input, last, send) =>
    openMessagesFeed(deps, user, last, send),
  ),
  workOffers: streamKind(['operator'], z.object({ lastEventId }).strict(), (deps, user, _input, _last, send, mark) =>
    openOffersFeed(deps, user, send, mark),
  ),
};

/** A comment line on every open stream this often, so proxies and browsers do not drop an idle one. */
const HEARTBEAT_MS = 20_000;
/**
 * The heartbeats go out in this many slices over each HEARTBEAT_MS: writing one to each of 10,000 open streams at once
 * is 10,000 socket writes in one turn of the event loop (~130 ms here, the mixed load's worst stall: issue 15).
 */
const HEARTBEAT_SLICES = 40;
/** A client that stops reading is cut off past this much unsent data; it reconnects and resumes from its last id. */
const MAX_UNSENT_BYTES = 1 << 20;

/** The stream a path names, if any (the query string aside). */
const BY_PATH = new Map<string, StreamName>(Object.entries(STREAMS).map(([name, url]) => [url, name as StreamName]));

/** A Node request handler for the live streams: answers and returns true when the request is for one, else false. */
export function createStreamHandler(
  deps: AppDeps,
  registry: Registry,
  drain: Drain,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const open = new Set<ServerResponse>();
  // a node that is stopping ends its streams (the browser reconnects, through the proxy, to a node that is not) and
  // opens no more: a stream never ends by itself, and the node would wait for it
  drain.onStart(() => {
    for (const res of [...open]) res.end();
  });
  const gauge = new Gauge({
    name: 'valore_live_streams',
    help: 'Open live streams (server-sent events) by kind',
    labelNames: ['stream'] as const,
    registers: [registry],
  });
  startHeartbeats(open);

  return (req, res) => {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const name = BY_PATH.get(q < 0 ? url : url.slice(0, q));
    if (!name) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET');
      sendError(res, 405, { code: 'METHOD_NOT_SUPPORTED', message: 'Live streams are read with GET.' });
      return true;
    }
    if (drain.draining) {
      res.setHeader('Retry-After', '1');
      res.setHeader('Connection', 'close');
      sendError(res, 503, { code: 'SERVICE_UNAVAILABLE', message: 'This server is stopping; connect again.' });
      return true;
    }
    const query = Object.fromEntries(new URLSearchParams(q < 0 ? '' : url.slice(q + 1)));
    serve(deps, KINDS[name], req, res, query, {
      opened: () => {
        open.add(res);
        gauge.inc({ stream: name });
        if (drain.draining) res.end(); // began while the node started to stop
      },
      closed: () => {
        if (open.delete(res)) gauge.dec({ stream: name });
      },
    }).catch((error: unknown) => refuse(deps, req, res, error));
    return true;
  };
}

/**
 * One timer for every stream, not one per stream: every HEARTBEAT_MS / HEARTBEAT_SLICES it writes a comment line to the
 * next slice of the streams open when the round began, so each stream gets one every HEARTBEAT_MS and no turn of the
 * event loop writes more than a slice.
 */
function startHeartbeats(open: Set<ServerResponse>): void {
  let round: ServerResponse[] = [];
  let next = 0;
  let slice = 0;
  setInterval(() => {
    if (next >= round.length) {
      round = [...open];
      next = 0;
      slice = Math.ceil(round.length / HEARTBEAT_SLICES);
    }
    const end = Math.min(round.length, next + slice);
    for (; next < end; next++) {
      const res = round[next];
      if (res && open.has(res)) res.write(': ping\n\n');
    }
  }, HEARTBEAT_MS / HEARTBEAT_SLICES).unref();
}

async function serve<K extends StreamName>(
  deps: AppDeps,
  kind: StreamKind<K>,
  req: IncomingMessage,
  res: ServerResponse,
  query: Record<string, string>,
  hooks: { opened: () => void; closed: () => void },
): Promise<void> {
  const { session } = await resolveSession(deps, readSessionToken(req, deps.config.sessionSecret));
  if (!session)
    throw new DomainError('UNAUTHORIZED', 'SESSION_EXPIRED', 'You are not signed in, or your session has expired.');
  const { user } = session;
  if (user.mustChangePassword) {
    throw new DomainError('FORBIDDEN', 'PASSWORD_CHANGE_REQUIRED', 'Choose a new password before you go on.');
  }
  if (!kind.roles.includes(user.role)) {
    throw new DomainError('FORBIDDEN', 'FORBIDDEN_ROLE', `This stream is reserved to: ${kind.roles.join(', ')}.`);
  }
  const header = req.headers['last-event-id'];
  const last =
    typeof header === 'string' && header.length > 0 && header.length <= 64 ? header : (query.lastEventId ?? null);

  let closed = false;
  let stop: (() => void) | null = null;
  const close = () => {
    if (closed) return;
    closed = true;
    stop?.();
    hooks.closed();
    if (!res.writableEnded) res.end();
  };
  req.on('close', close);
  // a stream lives no longer than its session: ended by an admin (disabled, password reset), it closes at once
  const unsubscribe = deps.bus.subscribe(topics.userSessionsEnded(user.id), close);
  req.on('close', unsubscribe);
  // the headers go with the first event (or once the feed is open): a refusal by the feed is still a plain answer
  const begin = () => {
    if (res.headersSent) return;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no',
      'X-Content-Type-Options': 'nosniff',
      Connection: 'keep-alive',
    });
    // the browser retries this soon after a drop (EventSource's own reconnect, with Last-Event-ID)
    res.write('retry: 2000\n\n');
    hooks.opened();
  };
  const send: FeedSend<StreamEvents[K]> = (event, id) => {
    if (closed) return;
    begin();
    res.write(`id: ${id}\ndata: ${JSON.stringify(event)}\n\n`);
    if (res.writableLength > MAX_UNSENT_BYTES) res.destroy();
  };
  const mark: FeedMark = (id) => {
    if (closed) return;
    begin();
    res.write(`id: ${id}\n\n`);
  };
  try {
    stop = await kind.start(deps, user, query, last, send, mark);
  } catch (error) {
    req.off('close', close);
    closed = true;
    throw error;
  }
  if (closed) {
    stop();
    return;
  }
  begin();
}

function queryError(error: z.ZodError): DomainError {
  const fields: FieldMessages = {};
  for (const issue of error.issues) {
    const field = issue.path.length > 0 ? issue.path.join('.') : 'query';
    (fields[field] ??= []).push(issue.message);
  }
  return new DomainError('BAD_REQUEST', 'VALIDATION', 'The stream’s query is not valid.', fields);
}

function refuse(deps: AppDeps, req: IncomingMessage, res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    // the stream had begun: end it; the client reconnects and resumes
    if (!(error instanceof DomainError)) deps.logger.error({ err: error, url: req.url }, 'live stream failed');
    res.destroy();
    return;
  }
  if (error instanceof DomainError) {
    sendDomainError(res, error, { domainCode: true, fields: true });
    return;
  }
  deps.logger.error({ err: error, url: req.url }, 'live stream failed');
  sendError(res, 500, { code: 'INTERNAL_SERVER_ERROR', message: 'The stream could not be opened.' });
}
