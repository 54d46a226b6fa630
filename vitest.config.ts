import fs from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

// One run covers the pure core, the server, the client and the cross-package API tests.
// Browser (Chromium) tests have their own config in test/e2e because they need a built client.
/** API suites that reach the database only through the server or Kysely, so run on either engine. */
const POSTGRES_API_SUITES = fs
  .readdirSync(path.join(import.meta.dirname, 'test/api'))
  .filter((f) => f.endsWith('.test.ts'))
  .filter(
    (f) => !/\.sqlite\b|dbFile|fromFile/.test(fs.readFileSync(path.join(import.meta.dirname, 'test/api', f), 'utf8')),
  )
  .map((f) => `api/${f}`);

export default defineConfig({
  test: {
    // Vitest's default in a run is one worker less than the cores: one worker on a 2-core machine, where most of these
    // files wait on SQLite's fsync and on HTTP rather than on the CPU. Two workers: 504 → 383 s here, same results.
    maxWorkers: 2,
    projects: [
      { test: { name: 'shared', root: 'shared', environment: 'node', include: ['src/**/*.test.ts'] } },
      {
        test: {
          name: 'server',
          root: 'server',
          environment: 'node',
          include: ['src/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        extends: 'client/vite.config.ts',
        test: {
          name: 'client',
          root: 'client',
          environment: 'jsdom',
          include: ['src/**/*.test.{ts,tsx}'],
          setupFiles: ['src/test/setup.ts'],
          // a page test loads lazy chunks and waits up to 15 s for each text (asyncUtilTimeout, src/test/setup.ts): a
          // whole test needs more than Vitest's default 5 s when the 2-core machine is busy (routes.test's admin home
          // took over 5 s in a clean-clone CI with the lint running beside the tests)
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'api',
          root: 'test',
          environment: 'node',
          include: ['api/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        // the migrations (and, as issue 21 goes on, the API and reliability suites) on PostgreSQL: each file starts a
        // throwaway cluster of its own (test/helpers/postgres-cluster.ts)
        test: {
          name: 'postgres',
          root: 'test',
          environment: 'node',
          include: ['postgres/**/*.test.ts'],
          globalSetup: ['helpers/postgres-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // the API suites again, on PostgreSQL: every one that does not read the SQLite file behind the server directly
        // (the others are SQLite's own until they read through the API or Kysely); test/helpers/server.ts gives each
        // server a database cloned from a seeded template on a throwaway cluster
        test: {
          name: 'postgres-api',
          root: 'test',
          environment: 'node',
          include: POSTGRES_API_SUITES,
          globalSetup: ['helpers/postgres-global-setup.ts'],
          env: { VALORE_TEST_DATABASE: 'postgres' },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'reliability',
          root: 'test',
          environment: 'node',
          include: ['reliability/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
