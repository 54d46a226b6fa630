import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { openDatabase } from '@valore/server/db/client';
import type { Database } from '@valore/server/db/database';
import { migrateToLatest } from '@valore/server/db/migrator';
import { openPostgres } from '@valore/server/db/postgres';
import { postgresDatabaseFrom, seededTemplate, TEST_ENGINE, TEST_INTAKE_KEY, TEST_SESSION_SECRET } from './server';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ChildServer {
  url: string;
  port: number;
  process: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs the real server (server/src/main.ts) in its own process, so a test can SIGKILL it mid-write. */
export async function spawnServer(opts: {
  dbFile: string;
  port?: number;
  env?: Record<string, string>;
  /** Extra node flags, e.g. ['--cpu-prof'] to profile the server under a benchmark's load. */
  nodeArgs?: string[];
  /** Run this bundle (scripts/build-server.mjs, what npm start runs) instead of the sources through tsx. */
  bundle?: string;
}): Promise<ChildServer> {
  const entry = opts.bundle ? [opts.bundle] : ['--import', 'tsx', 'server/src/main.ts'];
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...entry], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(opts.port ?? 0),
      HOST: '127.0.0.1',
      VALORE_DB: opts.dbFile,
      VALORE_SEED: 'none',
      VALORE_INTAKE_KEYS: TEST_INTAKE_KEY,
      VALORE_SESSION_SECRET: TEST_SESSION_SECRET,
      LOG_LEVEL: 'error',
      // as startTestServer: the suites written for pull stay deterministic (pushed work has its own tests)
      VALORE_OFFER_DISPATCH: 'off',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on http:\/\/localhost:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
  return {
    url: `http://localhost:${port}`,
    port,
    process: child,
    exited,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/**
 * A database of a test's own on the engine the tests run on (TEST_ENGINE, issue 21), which outlives the servers started
 * on it: a child process killed and started again, or a test server whose store is closed by its shutdown, while the
 * test reads what they left through `use`. SQLite: a file in `dir`. PostgreSQL: a database of its own on the test
 * cluster (test/helpers/server.ts), the file then unused.
 */
export interface TestDatabase {
  /** spawnServer's `dbFile` (on PostgreSQL a path nothing uses) */
  dbFile: string;
  /** The server's env for it, VALORE_DB or VALORE_DATABASE_URL: spawnServer's (with `dbFile`) or startTestServer's. */
  env: Record<string, string>;
  /** Runs `f` on a connection of the test's own (Kysely, either engine), closed after. */
  use<T>(f: (db: Kysely<Database>) => Promise<T>): Promise<T>;
}

/** `seeded`: a copy of the demo template (2,000 customers, today); else only the schema. */
export async function testDatabase(dir: string, opts: { seeded: boolean }): Promise<TestDatabase> {
  const dbFile = path.join(dir, 'valore.sqlite');
  const template = opts.seeded ? await seededTemplate(2_000, new Date()) : null;
  if (TEST_ENGINE === 'postgres') {
    const url = await postgresDatabaseFrom(template);
    return {
      dbFile,
      env: { VALORE_DATABASE_URL: url },
      async use(f) {
        const store = openPostgres(url, { maxConnections: 1 });
        try {
          return await f(store.db);
        } finally {
          await store.close();
        }
      },
    };
  }
  if (template) fs.copyFileSync(template, dbFile);
  const use = async <T>(f: (db: Kysely<Database>) => Promise<T>): Promise<T> => {
    const opened = openDatabase(dbFile);
    try {
      return await f(opened.db);
    } finally {
      await opened.close();
    }
  };
  if (!template) await use((db) => migrateToLatest(db));
  return { dbFile, env: { VALORE_DB: dbFile }, use };
}
