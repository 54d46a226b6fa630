import { defineConfig } from 'vitest/config';

// Real Chromium against the real server serving the built client. Files run one at a time: two cores.
export default defineConfig({
  test: {
    name: 'e2e',
    root: 'test/e2e',
    include: ['**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
