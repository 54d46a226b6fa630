import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Clock } from '@valore/server/clock';
import { openDatabase } from '@valore/server/db/client';
import { migrateToLatest } from '@valore/server/db/migrator';
import { seedDemo } from '@valore/server/db/seed/demo';
import { parseEnv } from '@valore/server/env';
import { startServer, type RunningServer } from '@valore/server/server';

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

/** Starts the real application on a free port over a fresh SQLite file. */
export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'valore-test-'));
  const dbFile = path.join(dir, 'valore.sqlite');
  if (opts.fromFile !== undefined) {
    fs.copyFileSync(opts.fromFile, dbFile);
  } else if (opts.seed !== false) {
    fs.copyFileSync(await seededTemplate(opts.customers ?? 2_000, opts.clock?.now() ?? new Date()), dbFile);
  }
  const env = parseEnv({
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    VALORE_DB: dbFile,
    VALORE_SEED: 'none',
    VALORE_INTAKE_KEYS: TEST_INTAKE_KEY,
    VALORE_SESSION_SECRET: TEST_SESSION_SECRET,
    LOG_LEVEL: 'silent',
    // the suites written for pull (work.next) stay deterministic; pushed work is tested with it on (offers tests)
    VALORE_OFFER_DISPATCH: 'off',
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
