import { defineConfig } from 'vitest/config';
import base from './vitest.config';

// The browser tests that run again on PostgreSQL (`npm run test:postgres`): the four flows end to end, the console's
// sign-in, the queue and CTI pop, the live board and its streams, appointments in real slots and the lead pipeline —
// the paths where the engine decides what the operator sees (claims, slots, board numbers, sessions). Each file's
// server gets a database cloned from the seeded template on the run's throwaway cluster (test/helpers/server.ts).
export const ON_POSTGRES = [
  'login.e2e.test.ts',
  'console-campaign.e2e.test.ts',
  'console-inbound-sales.e2e.test.ts',
  'console-ocs-cross-sell.e2e.test.ts',
  'console-callback.e2e.test.ts',
  'queue-cti.e2e.test.ts',
  'appointments.e2e.test.ts',
  'lead-pipeline.e2e.test.ts',
  'monitor.e2e.test.ts',
  'live-streams.e2e.test.ts',
];

// spread, not mergeConfig: that would add the list to the base's include of every file
export default defineConfig({
  test: {
    ...base.test,
    name: 'e2e-postgres',
    include: ON_POSTGRES,
    globalSetup: ['../helpers/postgres-global-setup.ts'],
    setupFiles: ['helpers/on-postgres.ts'],
    env: { VALORE_TEST_DATABASE: 'postgres' },
  },
});
