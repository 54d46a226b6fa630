import { defineConfig } from 'vitest/config';

// Real Chromium against the real server serving the built client. Two files at a time, each with its own server,
// database file and browser: a file waits on timers, the network and the page far more than it computes — two at a
// time still used under one core on average (8.4 CPU-minutes in 9 minutes of wall clock, 4 Dec), against 12+ minutes
// one at a time.
export default defineConfig({
  test: {
    name: 'e2e',
    root: 'test/e2e',
    include: ['**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: true,
    maxWorkers: 2,
    // expect.poll's own default is 1 s: with two files at a time a page can take longer to settle (a focus moved
    // after a server refusal missed it once in CI, admin.e2e, 4 Dec); a poll that holds returns at once anyway
    expect: { poll: { timeout: 10_000 } },
  },
});
