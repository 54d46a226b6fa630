import type { Kysely } from 'kysely';
import type { Clock } from './clock';
import type { Database } from './db/database';
import type { Logger } from './logger';
import type { LoginRateLimiter } from './domains/auth/rate-limiter';
import type { RetentionConfig } from './domains/retention/retention.config';
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
  /** Keys with the `attendance` scope (POST /api/v1/appointments/:id/attendance); absent: none. */
  attendanceKeys?: string[];
  publicUrl: string | null;
  clientDist: string | null;
  /** Call Me Back / Call Me Now and CTI settings; `intakeConfig()` fills the defaults when absent. */
  intake?: IntakeConfig;
  /** Minutes an operator holds a work item from work.next before it returns to the queue (default 5). */
  workLeaseMinutes?: number;
  /** Seconds an offer of pushed work rings before it goes to the next Ready operator (default 15). */
  offerSeconds?: number;
  /** An agreed callback or lead follow-up is offered only to its operator until this long after it is due (default 15). */
  personalCallbackGraceMinutes?: number;
  /** A completion kept in the console's offline queue is accepted this long after the contact started (default 12). */
  offlineMaxHours?: number;
  /** Request body and import limits; `limitsConfig()` fills the defaults when absent. */
  limits?: LimitsConfig;
  /** The SMSC customers' SMS go through (VALORE_SMPP_URL); absent or null: SMS are only logged. */
  smpp?: SmppConfig | null;
  /** Express `trust proxy` (VALORE_TRUSTED_PROXIES): whose X-Forwarded-For to believe; absent or empty: nobody's. */
  trustedProxies?: string[];
  /** Retention periods and the purge's hour (VALORE_RETENTION_*); absent: DEFAULT_RETENTION. */
  retention?: RetentionConfig;
  /** The company identity provider (VALORE_OIDC_*); absent or null: local passwords only. */
  oidc?: OidcConfig | null;
}

/** Sign-in with the company's identity provider (domains/auth/oidc.service.ts). */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** the claim naming the role, and the one naming the site (by code) */
  roleClaim: string;
  siteClaim: string;
}

/** An SMPP account at an SMSC, bound as a transceiver (domains/outbox/smpp-adapter.ts). */
export interface SmppConfig {
  host: string;
  port: number;
  systemId: string;
  password: string;
  /** The sender customers see: digits (with + for an international number) or up to 11 letters and digits. */
  sourceAddr: string;
}

export interface IntakeConfig {
  /** Call Me Now: a request should be answered within this many minutes (its due-by). */
  callMeNowTargetMinutes: number;
  /** A scheduled callback is due at its slot and breaches this many minutes after it. */
  scheduledToleranceMinutes: number;
  /** Attempts before an unanswered callback request fails (stored per request in max_attempts). */
  callbackMaxAttempts: number;
  /** Delay before the next attempt after no answer. */
  callbackRetryDelayMinutes: number;
  /** Scheduled Call Me Back contacts one person on shift takes per half-hour: capacity = people on shift × this. */
  callbackContactsPerHalfHour: number;
  /** Token bucket per API key: sustained rate and burst of the intake endpoints. */
  intakeRatePerMinute: number;
  /** The same for CTI events (three per call). */
  ctiRatePerMinute: number;
  /** Dialled number (digits) → the inbound flow it preselects. */
  ctiNumbers: Record<string, 'inbound_sales' | 'ocs_cross_sell'>;
}

export const DEFAULT_INTAKE_CONFIG: IntakeConfig = {
  callMeNowTargetMinutes: 5,
  scheduledToleranceMinutes: 15,
  callbackMaxAttempts: 3,
  callbackRetryDelayMinutes: 15,
  callbackContactsPerHalfHour: 2,
  intakeRatePerMinute: 600,
  ctiRatePerMinute: 6000,
  ctiNumbers: { '800100100': 'inbound_sales', '800200200': 'ocs_cross_sell' },
};

export function intakeConfig(config: AppConfig): IntakeConfig {
  return config.intake ?? DEFAULT_INTAKE_CONFIG;
}

export interface LimitsConfig {
  /** Largest request body (bytes) of tRPC and of every route without a smaller limit of its own. */
  maxBodyBytes: number;
  /** Largest CSV import (bytes). */
  importMaxBytes: number;
  /** Reject rows stored per import; past it they are only counted. */
  importMaxStoredRejects: number;
}

export const DEFAULT_LIMITS: LimitsConfig = {
  maxBodyBytes: 1024 * 1024,
  importMaxBytes: 100 * 1024 * 1024,
  importMaxStoredRejects: 10_000,
};

export function limitsConfig(config: AppConfig): LimitsConfig {
  return config.limits ?? DEFAULT_LIMITS;
}
