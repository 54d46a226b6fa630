import type { Kysely } from 'kysely';
import type { Clock } from './clock';
import type { Database } from './db/database';
import type { Logger } from './logger';
import type { LoginRateLimiter } from './domains/auth/rate-limiter';
import type { EventBus } from './realtime/event-bus';

/** Everything a request handler may need; built once in main.ts (or a test) and passed to createApp. */
export interface AppDeps {
  db: Kysely<Database>;
  logger: Logger;
  clock: Clock;
  config: AppConfig;
  loginLimiter: LoginRateLimiter;
  bus: EventBus;
}

export interface AppConfig {
  production: boolean;
  sessionSecret: string;
  sessionIdleMinutes: number;
  /** Absolute lifetime of a session, whatever the activity. */
  sessionMaxHours: number;
  intakeKeys: string[];
  publicUrl: string | null;
  clientDist: string | null;
}
