import fs from 'node:fs';
import SQLite from 'better-sqlite3';
import os from 'node:os';
import path from 'node:path';
import type { Clock } from '@valore/server/clock';
import { openDatabase } from '@valore/server/db/client';
import { migrateToLatest } from '@valore/server/db/migrator';
import { seedDemo } from '@valore/server/db/seed/demo';
import { copySqliteToPostgres } from '@valore/server/db/copy-to-postgres';
import { migratePostgres, openPostgres } from '@valore/server/db/postgres';
import { parseEnv } from '@valore/server/env';
import { startServer, type RunningServer } from '@valore/server/server';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster';

export const TEST_SESSION_SECRET = 'test-session-secret-0123456789abcdef';
export const TEST_INTAKE_KEY = 'test-intake-key';

const templates = new Map<string, Promise<string>>();

/**
 * A migrated and demo-seeded SQLite file, built once per worker process and copied for each server,
 * so every test gets a real database file of its own without paying for the seed each time.
 */
export function seededTemplate(customers: number, now: Date): Promise<string> {
  const key = `${customers}:${now.toISOString().slice(0, 10)}`;
  let template = templates.get(key);
  if (!template) {
    template = (async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'valore-template-'));
      const file = path.join(dir, 'template.sqlite');
      const database = openDatabase(file);
      await migrateToLatest(database.db);
      await seedDemo(database.sqlite, { customers, now });
      database.sqlite.pragma('wal_checkpoint(TRUNCATE)');
      await database.close();
      return file;
    })();
    templates.set(key, template);
  }
  return template;
}

export interface TestServerOptions {
  /** Seed demo data (default true). */
  seed?: boolean;
  customers?: number;
  clock?: Clock;
  env?: Record<string, string>;
  /**
   * Start from a copy of this database file (one a test prepared once, e.g. with its own fixtures and signed-in
   * sessions) instead of the demo template; `seed` and `customers` are then ignored.
   */
  fromFile?: string;
  /** Receives the server's log lines (with `env: { LOG_LEVEL }`; the default level is silent). */
  logDestination?: { write: (line: string) => void };
}

export interface TestServer extends RunningServer {
  dbFile: string;
}

/**
 * The engine the test servers run on: SQLite files by default; PostgreSQL when VALORE_TEST_DATABASE=postgres (the
 * `postgres` project of vitest.config.ts runs API suites so). There, each worker process starts one throwaway
 * cluster, the seeded SQLite template is copied once into a template database, and every server gets a database
 * of its own cloned from it (CREATE DATABASE … TEMPLATE), as every SQLite server gets a copy of the file.
 */
export const TEST_ENGINE: 'sqlite' | 'postgres' =
  process.env.VALORE_TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';

let cluster: Promise<PostgresCluster> | null = null;
const pgTemplates = new Map<string, Promise<string>>();

/** The run's cluster (vitest's global set-up), or one of this process's own, stopped when it exits. */
function testCluster(): Promise<PostgresCluster> {
  cluster ??= startPostgresCluster().then((started) => {
    process.once('exit', () => started.stop());
    return started;
  });
  return cluster;
}

/** A PostgreSQL database of its own holding what the SQLite `file` holds (or only the schema, without a file). */
export async function postgresDatabaseFrom(file: string | null): Promise<string> {
  const pg = await testCluster();
  const key = file ?? '(schema only)';
  let template = pgTemplates.get(key);
  if (!template) {
    template = (async () => {
      const url = pg.createDatabase('template');
      const name = new URL(url).pathname.slice(1);
      const store = openPostgres(url, { maxConnections: 1 });
      try {
        await migratePostgres(store.db);
        if (file) {
          const sqlite = new SQLite(file, { readonly: true });
          try {
            await copySqliteToPostgres(sqlite, store.db);
          } finally {
            sqlite.close();
          }
        }
      } finally {
        await store.close();
      }
      return name;
    })();
    pgTemplates.set(key, template);
  }
  return pg.createDatabase('test', await template);
}

/** Starts the real application on a free port over a fresh SQLite file (or PostgreSQL database: TEST_ENGINE). */
export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'valore-test-'));
  const dbFile = path.join(dir, 'valore.sqlite');
  const source =
    opts.fromFile ??
    (opts.seed !== false ? await seededTemplate(opts.customers ?? 2_000, opts.clock?.now() ?? new Date()) : null);
  let databaseUrl: string | undefined;
  if (TEST_ENGINE === 'postgres') databaseUrl = await postgresDatabaseFrom(source);
  else if (source) fs.copyFileSync(source, dbFile);
  const env = parseEnv({
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    VALORE_DB: dbFile,
    ...(databaseUrl ? { VALORE_DATABASE_URL: databaseUrl } : {}),
    VALORE_SEED: 'none',
    VALORE_INTAKE_KEYS: TEST_INTAKE_KEY,
    VALORE_SESSION_SECRET: TEST_SESSION_SECRET,
    LOG_LEVEL: 'silent',
    // the suites written for pull (work.next) stay deterministic; pushed work is tested with it on (offers tests)
    VALORE_OFFER_DISPATCH: 'off',
    // VALORE_TEST_LOG_LEVEL=error (or warn…) prints the test servers' log lines: what a 500 was, while debugging
    ...(process.env.VALORE_TEST_LOG_LEVEL ? { LOG_LEVEL: process.env.VALORE_TEST_LOG_LEVEL } : {}),
    ...opts.env,
  });
  const running = await startServer(env, { clock: opts.clock, logDestination: opts.logDestination });
  const server: TestServer = {
    ...running,
    dbFile,
    close: async () => {
      await running.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  restartable.set(server, { env, clock: opts.clock, dir, stop: running.close });
  return server;
}

const restartable = new WeakMap<
  TestServer,
  { env: ReturnType<typeof parseEnv>; clock?: Clock; dir: string; stop: () => Promise<void> }
>();

/**
 * Stops a test server while keeping its database file, runs `whileDown` (the outage), then starts it again on the
 * same file and port with the same env (same session secret, so signed-in browsers stay signed in).
 * Use the returned server from then on; the one passed in is stopped.
 */
export async function restartTestServer(server: TestServer, whileDown?: () => Promise<void>): Promise<TestServer> {
  const info = restartable.get(server);
  if (!info) throw new Error('not a server started by startTestServer, or already restarted');
  restartable.delete(server);
  await info.stop();
  await whileDown?.();
  const env = { ...info.env, PORT: server.port };
  const running = await startServer(env, { clock: info.clock });
  const restarted: TestServer = {
    ...running,
    dbFile: server.dbFile,
    close: async () => {
      await running.close();
      fs.rmSync(info.dir, { recursive: true, force: true });
    },
  };
  restartable.set(restarted, { ...info, env, stop: running.close });
  return restarted;
}
