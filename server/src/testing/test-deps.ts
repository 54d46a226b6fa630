import type { Clock } from '../clock';
import { systemClock } from '../clock';
import { openDatabase, type OpenedDatabase } from '../db/client';
import { migrateToLatest } from '../db/migrator';
import type { AppDeps } from '../deps';
import { createLoginRateLimiter } from '../domains/auth/rate-limiter';
import { createLogger } from '../logger';
import { createInProcessBus } from '../realtime/event-bus';

/** A migrated in-memory database and the dependencies a service or createCaller needs. */
export async function createTestDeps(
  opts: { clock?: Clock } = {},
): Promise<{ deps: AppDeps; database: OpenedDatabase }> {
  const database = openDatabase(':memory:');
  await migrateToLatest(database.db);
  const deps: AppDeps = {
    db: database.db,
    logger: createLogger('silent'),
    clock: opts.clock ?? systemClock,
    bus: createInProcessBus(),
    loginLimiter: createLoginRateLimiter(),
    config: {
      production: true,
      sessionSecret: 'unit-test-secret-0123456789',
      sessionIdleMinutes: 30,
      sessionMaxHours: 12,
      intakeKeys: ['unit-key'],
      publicUrl: 'http://localhost:3000',
      clientDist: null,
    },
  };
  return { deps, database };
}
