import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from './app';
import { createDrain } from './http/drain';
import { answerClientError } from './http/client-error';
import { systemClock, type Clock } from './clock';
import { openDatabase, type OpenedDatabase } from './db/client';
import { configureGroupCommit } from './db/group-commit';
import { startStatsWorker } from './domains/stats/stats.catchup';
import { startOfferDispatcher } from './domains/work/offers';
import {
  createLogCommandAdapter,
  createWebhookCommandAdapter,
  startCtiCommandDispatcher,
} from './domains/cti/cti-commands';
import { migrateToLatest } from './db/migrator';
import { seedLivingCentre } from './db/seed/living';
import { seedDemo, type DemoSeedSummary } from './db/seed/demo';
import { copySqliteToPostgres } from './db/copy-to-postgres';
import { migratePostgres, postgresStore } from './db/postgres';
import type { AppDeps } from './deps';
import { databaseThrottleStore } from './domains/auth/login-throttle.store';
import { createLoginRateLimiter, DEFAULT_LOGIN_THROTTLE } from './domains/auth/rate-limiter';
import { failInterruptedImports } from './domains/campaigns/list-import.service';
import { createDeliveryAdapters } from './domains/outbox/delivery';
import { startOutboxWorker, type OutboxWorker } from './domains/outbox/outbox.worker';
import { startRetentionWorker, type RetentionWorker } from './domains/retention/retention.worker';
import { startSlotGenerator } from './domains/admin/post-offices.service';
import {
  attendanceKeys,
  ctiCommandConfig,
  ctiNumbers,
  intakeKeys,
  oidcConfig,
  retentionConfig,
  smppConfig,
  trustedProxies,
  type Env,
} from './env';
import { createLogger, type Logger } from './logger';
import { createInProcessBus, type EventBus } from './realtime/event-bus';
import { createPostgresBus } from './realtime/postgres-bus';
import { flushLastSeen } from './domains/auth/last-seen';

export interface RunningServer {
  url: string;
  port: number;
  deps: AppDeps;
  database: OpenedDatabase;
  seeded: DemoSeedSummary | null;
  outbox: OutboxWorker;
  /** The daily purge (domains/retention/); `runNow()` runs it at once. */
  retention: RetentionWorker;
  /**
   * Stops the jobs that write on their own (outbox delivery, stats catch-up, the retention purge) and waits for a run
   * in progress; the server keeps answering. close() does it too. Tests that must tell a request's writes from the
   * jobs' use it.
   */
  stopBackgroundJobs: () => Promise<void>;
  /**
   * Stops gracefully (SIGTERM, SIGINT; docs/operations.md, "Stopping a node"): takes no new connections, says
   * `draining` on /healthz, ends the live streams, lets the requests in progress finish (at most `graceMs`, then
   * cuts what is left), stops the background jobs and closes the database. Resolves with how many connections were
   * still busy at the deadline (0: every request in progress got its answer).
   */
  shutdown: (graceMs: number) => Promise<{ cut: number }>;
  /** Closes at once: connections cut, then the jobs and the database (tests). */
  close: () => Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * One node: the bus is in this process. On PostgreSQL, where nodes share the database, it spans them
 * (realtime/postgres-bus.ts); the server starts only once this node listens.
 */
async function createBus(env: Env, logger: Logger): Promise<{ bus: EventBus; close: () => Promise<void> }> {
  if (!env.VALORE_DATABASE_URL) return { bus: createInProcessBus(), close: async () => {} };
  const bus = createPostgresBus(env.VALORE_DATABASE_URL, logger);
  const listening = await Promise.race([
    bus.ready.then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), 15_000).unref()),
  ]);
  if (!listening) {
    await bus.close();
    throw new Error('the event bus cannot LISTEN on the PostgreSQL server (VALORE_DATABASE_URL) within 15 s');
  }
  return { bus, close: () => bus.close() };
}

async function hasNoUsers(db: OpenedDatabase['db']): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0) === 0;
}
export const DEFAULT_CLIENT_DIST = path.resolve(here, '../../client/dist');

/** The server's database: PostgreSQL when VALORE_DATABASE_URL is set, else the SQLite file VALORE_DB. */
function openStore(env: Env, logger: Logger): OpenedDatabase {
  if (env.VALORE_DATABASE_URL) return postgresStore(env.VALORE_DATABASE_URL);
  return openDatabase(env.VALORE_DB, {
    writer: env.VALORE_WRITER,
    checkpoints: env.VALORE_CHECKPOINTS,
    checkpointIntervalMs: env.VALORE_CHECKPOINT_INTERVAL_MS,
    onCheckpointerStopped: (err) =>
      logger.error({ err }, 'database: the checkpoint thread stopped; the connection checkpoints the log itself'),
  });
}

/** Opens the database, migrates, seeds when asked, and listens. Used by main.ts and by API/e2e tests. */
export async function startServer(
  env: Env,
  opts: {
    clock?: Clock;
    seedCustomers?: number;
    /** default true: a month of history and live queues */ livingDemo?: boolean;
    /** where the log lines go (default stdout) */
    logDestination?: { write: (line: string) => void };
  } = {},
): Promise<RunningServer> {
  const logger = createLogger(env.LOG_LEVEL, opts.logDestination);
  const database = openStore(env, logger);
  configureGroupCommit(database.db, {
    maxWaiting: env.VALORE_WRITE_QUEUE_MAX,
    maxWaitMs: env.VALORE_WRITE_WAIT_MAX_MS,
  });
  if (env.VALORE_DATABASE_URL) await migratePostgres(database.db);
  else await migrateToLatest(database.db);
  let seeded: DemoSeedSummary | null = null;
  if (env.VALORE_SEED === 'demo' && (await hasNoUsers(database.db))) {
    const started = Date.now();
    const now = (opts.clock ?? systemClock).now();
    // the demo is written on SQLite (seed/demo.ts); a PostgreSQL store gets it through an in-memory file, copied
    const target = env.VALORE_DATABASE_URL ? openDatabase(':memory:') : database;
    if (target !== database) await migrateToLatest(target.db);
    seeded = await seedDemo(target.sqlite, { customers: opts.seedCustomers, now });
    // the demo as a living centre: a month of contacts, active campaigns, open requests, scorecards (seed/living.ts)
    const living = opts.livingDemo === false ? null : seedLivingCentre(target.sqlite, { now });
    if (target !== database) {
      await copySqliteToPostgres(target.sqlite, database.db);
      await target.close();
    }
    logger.info(
      { ms: Date.now() - started, ...seeded, logins: undefined, history: living?.history.interactions ?? 0 },
      'demo data seeded',
    );
  }
  const { bus, close: closeBus } = await createBus(env, logger).catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
  const deps: AppDeps = {
    db: database.db,
    logger,
    clock: opts.clock ?? systemClock,
    bus,
    // the counts in the database: every node behind a proxy throttles with the same ones (issue 21)
    loginLimiter: createLoginRateLimiter(DEFAULT_LOGIN_THROTTLE, databaseThrottleStore(database.db)),
    config: {
      production: env.NODE_ENV === 'production',
      sessionSecret: env.VALORE_SESSION_SECRET ?? randomBytes(32).toString('hex'),
      sessionIdleMinutes: env.VALORE_SESSION_IDLE_MINUTES,
      sessionMaxHours: 12,
      oidc: oidcConfig(env),
      intakeKeys: intakeKeys(env),
      attendanceKeys: attendanceKeys(env),
      publicUrl: env.VALORE_PUBLIC_URL ?? null,
      clientDist: env.VALORE_CLIENT_DIST ?? DEFAULT_CLIENT_DIST,
      workLeaseMinutes: env.VALORE_WORK_LEASE_MINUTES,
      offerSeconds: env.VALORE_OFFER_SECONDS,
      smpp: smppConfig(env),
      trustedProxies: trustedProxies(env),
      retention: retentionConfig(env),
      personalCallbackGraceMinutes: env.VALORE_PERSONAL_CALLBACK_GRACE_MINUTES,
      offlineMaxHours: env.VALORE_OFFLINE_MAX_HOURS,
      limits: {
        maxBodyBytes: env.VALORE_MAX_BODY_KB * 1024,
        importMaxBytes: env.VALORE_IMPORT_MAX_MB * 1024 * 1024,
        importMaxStoredRejects: env.VALORE_IMPORT_MAX_STORED_REJECTS,
      },
      intake: {
        callMeNowTargetMinutes: env.VALORE_CALL_ME_NOW_TARGET_MINUTES,
        scheduledToleranceMinutes: 15,
        callbackMaxAttempts: env.VALORE_CALLBACK_MAX_ATTEMPTS,
        callbackRetryDelayMinutes: env.VALORE_CALLBACK_RETRY_MINUTES,
        callbackContactsPerHalfHour: env.VALORE_CALLBACK_CONTACTS_PER_HALF_HOUR,
        intakeRatePerMinute: env.VALORE_INTAKE_RATE_PER_MINUTE,
        ctiRatePerMinute: env.VALORE_CTI_RATE_PER_MINUTE,
        ctiNumbers: ctiNumbers(env),
      },
    },
  };
  // an import still 'running' was cut off by the previous process's end: say so instead of leaving it running
  const interrupted = await failInterruptedImports(deps);
  if (interrupted > 0) logger.warn({ imports: interrupted }, 'imports interrupted by the last stop marked failed');
  const statsWorker =
    env.VALORE_STATS_CATCHUP_MS > 0 ? startStatsWorker(deps, { intervalMs: env.VALORE_STATS_CATCHUP_MS }) : null;
  const retention = startRetentionWorker(deps, { hour: deps.config.retention?.hour ?? null });
  const slots = startSlotGenerator(deps);
  const offers = env.VALORE_OFFER_DISPATCH === 'on' ? startOfferDispatcher(deps) : null;
  const ctiTarget = ctiCommandConfig(env);
  const ctiCommands = startCtiCommandDispatcher(
    deps,
    ctiTarget ? createWebhookCommandAdapter(ctiTarget) : createLogCommandAdapter(logger),
  );
  const outbox = startOutboxWorker(
    deps,
    createDeliveryAdapters(logger, { smtpUrl: env.VALORE_SMTP_URL, smpp: deps.config.smpp }),
  );
  const drain = createDrain();
  const app = createApp(deps, drain);
  const server: Server = await new Promise((resolve, reject) => {
    const s = createServer(app).listen(env.PORT, env.HOST, () => resolve(s));
    s.once('error', reject);
  });
  server.keepAliveTimeout = 65_000;
  server.on('clientError', answerClientError);
  const port = (server.address() as AddressInfo).port;
  const url = `http://localhost:${port}`;
  if (!deps.config.publicUrl) deps.config.publicUrl = url;
  let backgroundStopped: Promise<void> | null = null;
  const stopBackgroundJobs = () =>
    (backgroundStopped ??= Promise.all([
      outbox.stop(),
      statsWorker?.stop(),
      retention.stop(),
      slots.stop(),
      offers?.stop(),
      ctiCommands.stop(),
    ]).then(() => undefined));
  const shutdown = async (graceMs: number) => {
    drain.start();
    const cut = await stopListening(server, graceMs);
    await stopBackgroundJobs();
    await flushLastSeen(database.db);
    await closeBus();
    await database.close();
    return { cut };
  };
  return {
    url,
    port,
    deps,
    database,
    seeded,
    outbox,
    retention,
    stopBackgroundJobs,
    shutdown,
    close: async () => {
      await shutdown(0);
    },
  };
}

/**
 * Takes no new connections, closes the idle keep-alive ones now and each busy one once its answer is out; past
 * `graceMs`, cuts those still busy. Resolves, once every connection is closed, with how many were cut.
 */
function stopListening(server: Server, graceMs: number): Promise<number> {
  let cut = 0;
  return new Promise<number>((resolve) => {
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    const deadline = setTimeout(() => {
      server.getConnections((error, count) => {
        cut = error ? 0 : count;
        server.closeAllConnections();
      });
    }, graceMs);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(deadline);
      resolve(cut);
    });
    server.closeIdleConnections();
  });
}
