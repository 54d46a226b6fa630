import fs from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

// One run covers the pure core, the server, the client and the cross-package API tests.
// Browser (Chromium) tests have their own config in test/e2e because they need a built client.
/**
 * The suites of `dir` that run on PostgreSQL too: all but those its sqlite-only.json names (each with the reason, e.g.
 * a suite that tests the SQLite side of a CLI, or one not yet moved from the SQLite file to Kysely).
 */
function onBothEngines(dir: string): string[] {
  const sqliteOnly = new Set(
    (
      JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'test', dir, 'sqlite-only.json'), 'utf8')) as {
        file: string;
      }[]
    ).map((entry) => entry.file),
  );
  return fs
    .readdirSync(path.join(import.meta.dirname, 'test', dir))
    .filter((f) => f.endsWith('.test.ts') && !sqliteOnly.has(f))
    .map((f) => `${dir}/${f}`);
}

/**
 * A suite of the api or reliability project run on PostgreSQL by hand (`VALORE_TEST_DATABASE=postgres npx vitest run
 * --project api test/api/<file>`) uses the run's one cluster too: a cluster a worker starts itself is stopped only
 * when the worker exits normally, and vitest ends its workers otherwise — dozens were left running so.
 */
const BY_HAND_ON_POSTGRES = process.env.VALORE_TEST_DATABASE === 'postgres' ? ['helpers/postgres-global-setup.ts'] : [];

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
          globalSetup: BY_HAND_ON_POSTGRES,
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        // PostgreSQL's own tests (migrations, claims across nodes, the server, several nodes behind nginx) on one
        // throwaway cluster for the run (test/helpers/postgres-global-setup.ts); `npm test` runs them
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
        // the API suites again, on PostgreSQL (`npm run test:postgres`): every one not named in test/api/sqlite-only.json;
        // test/helpers/server.ts gives each server a database cloned from a seeded template on the run's cluster
        test: {
          name: 'postgres-api',
          root: 'test',
          environment: 'node',
          include: onBothEngines('api'),
          globalSetup: ['helpers/postgres-global-setup.ts'],
          env: { VALORE_TEST_DATABASE: 'postgres' },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // the reliability suites on PostgreSQL (`npm run test:postgres`): all but those test/reliability/sqlite-only.json names
        test: {
          name: 'postgres-reliability',
          root: 'test',
          environment: 'node',
          include: onBothEngines('reliability'),
          globalSetup: ['helpers/postgres-global-setup.ts'],
          // the value-loop model: 40 sequences here (200 on SQLite in npm test, 5,000 in the soak) — each sequence
          // clones a database, about 2 s on PostgreSQL against 0.2 s for a file copy
          env: { VALORE_TEST_DATABASE: 'postgres', VALORE_MODEL_RUNS: '40' },
          testTimeout: 600_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'reliability',
          root: 'test',
          environment: 'node',
          include: ['reliability/**/*.test.ts'],
          globalSetup: BY_HAND_ON_POSTGRES,
          testTimeout: 600_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
