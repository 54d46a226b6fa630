import { isIP } from 'node:net';
import { z } from 'zod';
import type { OidcConfig, SmppConfig } from './deps';
import { DEFAULT_RETENTION, type RetentionConfig } from './domains/retention/retention.config';

const DEFAULT_CTI_NUMBERS = '800100100=inbound_sales,800200200=ocs_cross_sell';
const CTI_NUMBERS_FORMAT =
  /^\s*\+?\d{3,15}\s*=\s*(inbound_sales|ocs_cross_sell)\s*(,\s*\+?\d{3,15}\s*=\s*(inbound_sales|ocs_cross_sell)\s*)*$/;

/** The only place that reads process.env. */
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  VALORE_DB: z.string().min(1).default('data/valore.sqlite'),
  /**
   * A PostgreSQL server instead of the SQLite file (docs/operations.md, "PostgreSQL"): where several nodes share one
   * database. Unset: the SQLite file VALORE_DB.
   */
  VALORE_DATABASE_URL: z
    .string()
    .optional()
    .refine(
      (value) => !value || /^postgres(ql)?:\/\/[^/]+\/[^/?]+/.test(value),
      'VALORE_DATABASE_URL is a postgres://user:password@host:port/database URL',
    ),
  VALORE_SEED: z.enum(['demo', 'none']).default('none'),
  VALORE_INTAKE_KEYS: z.string().optional(),
  VALORE_ATTENDANCE_KEYS: z.string().optional(),
  VALORE_INTAKE_RATE_PER_MINUTE: z.coerce.number().int().positive().default(600),
  VALORE_CTI_RATE_PER_MINUTE: z.coerce.number().int().positive().default(6000),
  VALORE_CALL_ME_NOW_TARGET_MINUTES: z.coerce.number().int().min(1).max(1440).default(5),
  VALORE_CALLBACK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  VALORE_CALLBACK_RETRY_MINUTES: z.coerce.number().int().min(0).max(10080).default(15),
  /** Call Me Back capacity (domains/callbacks/callback-capacity.ts): scheduled contacts one person on shift takes a half-hour. */
  VALORE_CALLBACK_CONTACTS_PER_HALF_HOUR: z.coerce.number().int().min(1).max(100).default(2),
  VALORE_CTI_NUMBERS: z
    .string()
    .regex(
      CTI_NUMBERS_FORMAT,
      'VALORE_CTI_NUMBERS is a comma-separated list of number=flow, flow inbound_sales or ocs_cross_sell, e.g. 800100100=inbound_sales,800200200=ocs_cross_sell',
    )
    .default(DEFAULT_CTI_NUMBERS),
  VALORE_SESSION_SECRET: z.string().min(16, 'VALORE_SESSION_SECRET must be at least 16 characters').optional(),
  VALORE_WORK_LEASE_MINUTES: z.coerce.number().int().min(1).max(120).default(5),
  /** Pushed work (domains/work/offers.ts): how long an offer rings before it goes to the next Ready operator. */
  VALORE_OFFER_SECONDS: z.coerce.number().int().min(3).max(300).default(15),
  /** `off`: no offers at all (every site pulls with work.next); `on`: sites whose dispatch mode is push get offers. */
  VALORE_OFFER_DISPATCH: z.enum(['on', 'off']).default('on'),
  VALORE_PERSONAL_CALLBACK_GRACE_MINUTES: z.coerce.number().int().min(0).max(1440).default(15),
  VALORE_OFFLINE_MAX_HOURS: z.coerce.number().int().min(1).max(168).default(12),
  /** How often the conversion rollups catch up with new contacts in the background (0: only when stats are read). */
  VALORE_STATS_CATCHUP_MS: z.coerce.number().int().min(0).max(3_600_000).default(1_000),
  /** Retention (domains/retention/): outbox content, idempotency records, import rejects, audit rows. */
  VALORE_RETENTION_OUTBOX_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  // at least a day: the console's offline queue retries within VALORE_OFFLINE_MAX_HOURS (≤ 168 h)
  VALORE_RETENTION_IDEMPOTENCY_DAYS: z.coerce.number().int().min(1).max(3650).default(7),
  VALORE_RETENTION_IMPORT_REJECTS_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  // the Italian DPA asks access logs of system administrators be kept at least six months
  VALORE_RETENTION_AUDIT_MONTHS: z.coerce.number().int().min(6).max(600).default(24),
  VALORE_RETENTION_HOUR: z
    .string()
    .regex(/^(off|[01]?\d|2[0-3])$/, 'VALORE_RETENTION_HOUR is an hour 0–23 (Rome time) or off')
    .default('3'),
  /** Largest request body in KB (tRPC and every route without a smaller limit of its own); past it → 413 unread. */
  VALORE_MAX_BODY_KB: z.coerce.number().int().min(16).max(1_048_576).default(1024),
  /** Largest CSV import in MB (campaign lists, opt-out registry); past it → 413. */
  VALORE_IMPORT_MAX_MB: z.coerce.number().int().min(1).max(10_240).default(100),
  /** Reject rows kept per import for the per-line report; the rest are counted only. */
  VALORE_IMPORT_MAX_STORED_REJECTS: z.coerce.number().int().min(0).max(10_000_000).default(10_000),
  /**
   * Backpressure on the write path (db/group-commit.ts): writes waiting for their commit at most; the next one is
   * refused at once with 503 and Retry-After, nothing written. At least 1: 0 would refuse every write.
   */
  VALORE_WRITE_QUEUE_MAX: z.coerce.number().int().min(1).max(1_000_000).default(1_000),
  /** A write that waited this long for its commit to begin is refused (503) instead of run; 0: no limit. */
  /** Sign-in with the company's identity provider (OpenID Connect, authorization code + PKCE); all three or none. */
  VALORE_OIDC_ISSUER: z.url().optional(),
  VALORE_OIDC_CLIENT_ID: z.string().min(1).optional(),
  VALORE_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** The claim naming the user's role (operator, tutor, team_lead, admin; also valore-<role> in a list of groups). */
  VALORE_OIDC_ROLE_CLAIM: z.string().min(1).default('valore_role'),
  /** The claim naming the user's site by its code (RM1…); admins need none. */
  VALORE_OIDC_SITE_CLAIM: z.string().min(1).default('valore_site'),
  VALORE_WRITE_WAIT_MAX_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  /**
   * Where writes run (db/writer.ts): `inline` (default), on the main thread's connection as before; `thread`, a worker
   * thread owning the write connection, so no COMMIT's fsync holds the event loop. Not the default yet: its round trip
   * per statement costs more than the fsync it saves on this machine (docs/performance.md, "The writer").
   */
  VALORE_WRITER: z.enum(['thread', 'inline']).default('inline'),
  /**
   * Who checkpoints the SQLite WAL (db/checkpointer.ts): `thread` (default), a thread of its own every second, so no
   * COMMIT on the event loop copies the log back and waits for the database file's fsync; `inline`, SQLite's own way
   * (the COMMIT that takes the log past 1,000 pages). Ignored on PostgreSQL and with VALORE_WRITER=thread.
   */
  VALORE_CHECKPOINTS: z.enum(['thread', 'inline']).default('thread'),
  /** How often that thread checkpoints (ms); the crash rounds make it often, so kills land inside checkpoints. */
  VALORE_CHECKPOINT_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(1_000),
  /** On SIGTERM/SIGINT, how long requests in progress may take to finish before their connections are cut. */
  VALORE_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(300).default(10),
  VALORE_SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(30),
  VALORE_PUBLIC_URL: z.string().url().optional(),
  VALORE_SMTP_URL: z.string().optional(),
  /** Call commands (domains/cti/cti-commands.ts): the telephony platform's webhook; unset, commands go to the log. */
  VALORE_CTI_COMMAND_URL: z
    .url({ error: 'VALORE_CTI_COMMAND_URL is the http(s) URL commands are posted to' })
    .optional(),
  /** The shared secret the webhook's requests are signed with (HMAC-SHA256); at least 32 characters. */
  VALORE_CTI_COMMAND_SECRET: z
    .string()
    .min(32, 'VALORE_CTI_COMMAND_SECRET must be at least 32 characters (e.g. openssl rand -hex 32)')
    .optional(),
  VALORE_SMPP_URL: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      const parsed = value ? parseSmppUrl(value) : null;
      if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
    }),
  VALORE_CLIENT_DIST: z.string().optional(),
  /** Proxies whose X-Forwarded-For / -Proto are believed (addresses, CIDR ranges, loopback…); unset: none. */
  VALORE_TRUSTED_PROXIES: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      const wrong = (value ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p && !isProxySpec(p));
      if (wrong.length) ctx.addIssue({ code: 'custom', message: `${wrong.join(', ')}: ${TRUSTED_PROXIES_FORMAT}` });
    }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof envSchema>;

export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** Intake keys: explicit list, or the demo key when the demo seed is on. */
export function intakeKeys(env: Pick<Env, 'VALORE_INTAKE_KEYS' | 'VALORE_SEED'>): string[] {
  if (env.VALORE_INTAKE_KEYS !== undefined) {
    return env.VALORE_INTAKE_KEYS.split(',')
      .map((k) => k.trim())
      .filter(Boolean);
  }
  return env.VALORE_SEED === 'demo' ? ['demo-intake-key'] : [];
}

/** Keys of the post offices' systems reporting attendance: explicit list, or the demo key when the demo seed is on. */
export function attendanceKeys(env: Pick<Env, 'VALORE_ATTENDANCE_KEYS' | 'VALORE_SEED'>): string[] {
  if (env.VALORE_ATTENDANCE_KEYS !== undefined) {
    return env.VALORE_ATTENDANCE_KEYS.split(',')
      .map((k) => k.trim())
      .filter(Boolean);
  }
  return env.VALORE_SEED === 'demo' ? ['demo-attendance-key'] : [];
}

/** Dialled number (digits) → the inbound flow it preselects on the screen pop. */
export function ctiNumbers(env: Pick<Env, 'VALORE_CTI_NUMBERS'>): Record<string, 'inbound_sales' | 'ocs_cross_sell'> {
  const map: Record<string, 'inbound_sales' | 'ocs_cross_sell'> = {};
  for (const pair of env.VALORE_CTI_NUMBERS.split(',')) {
    const [number = '', flow = ''] = pair.split('=').map((p) => p.trim());
    if (flow === 'inbound_sales' || flow === 'ocs_cross_sell') map[number.replace(/\D/g, '')] = flow;
  }
  return map;
}

const SMPP_URL_FORMAT =
  'expected smpp://system_id:password@host[:port][?from=sender], e.g. smpp://valore:secret@smsc.example:2775?from=Valore';

/**
 * The SMSC account of VALORE_SMPP_URL, or a message saying what is wrong with it. SMPP 3.4 limits system_id to 15
 * characters and the password to 8; the sender (`from`, default "Valore") is a number (+ for international) or up to
 * 11 letters and digits, as handsets show an alphanumeric sender.
 */
export function parseSmppUrl(raw: string): SmppConfig | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return SMPP_URL_FORMAT;
  }
  if (url.protocol !== 'smpp:' || !url.hostname || (url.pathname !== '' && url.pathname !== '/'))
    return SMPP_URL_FORMAT;
  let systemId: string;
  let password: string;
  try {
    systemId = decodeURIComponent(url.username);
    password = decodeURIComponent(url.password);
  } catch {
    return 'the user or password has a broken %-escape';
  }
  if (!systemId || systemId.length > 15) return 'the system_id (user) must be 1 to 15 characters';
  if (password.length > 8) return 'the password must be at most 8 characters (SMPP 3.4)';
  // read by hand: URLSearchParams would turn the + of an international sender number into a space
  let sourceAddr = 'Valore';
  for (const pair of url.search.slice(1).split('&').filter(Boolean)) {
    const [key = '', value = ''] = pair.split('=', 2);
    if (key !== 'from') return `unknown parameter "${key}" (only "from" is read)`;
    try {
      sourceAddr = decodeURIComponent(value);
    } catch {
      return 'from has a broken %-escape';
    }
  }
  if (!/^(\+?\d{1,20}|[A-Za-z0-9][A-Za-z0-9 ]{0,10})$/.test(sourceAddr)) {
    return 'from must be a number (+ for international) or up to 11 letters and digits';
  }
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : 2775,
    systemId,
    password,
    sourceAddr,
  };
}

/** The SMSC SMS go through, or null when VALORE_SMPP_URL is unset or empty (SMS are then only logged). */
export function smppConfig(env: Pick<Env, 'VALORE_SMPP_URL'>): SmppConfig | null {
  if (!env.VALORE_SMPP_URL) return null;
  const parsed = parseSmppUrl(env.VALORE_SMPP_URL);
  if (typeof parsed === 'string') throw new Error(`VALORE_SMPP_URL: ${parsed}`);
  return parsed;
}

/** Retention periods and the purge's hour (null: the purge never runs on its own). */
export function retentionConfig(
  env: Pick<
    Env,
    | 'VALORE_RETENTION_OUTBOX_DAYS'
    | 'VALORE_RETENTION_IDEMPOTENCY_DAYS'
    | 'VALORE_RETENTION_IMPORT_REJECTS_DAYS'
    | 'VALORE_RETENTION_AUDIT_MONTHS'
    | 'VALORE_RETENTION_HOUR'
  >,
): RetentionConfig {
  return {
    ...DEFAULT_RETENTION,
    outboxDays: env.VALORE_RETENTION_OUTBOX_DAYS,
    idempotencyDays: env.VALORE_RETENTION_IDEMPOTENCY_DAYS,
    importRejectsDays: env.VALORE_RETENTION_IMPORT_REJECTS_DAYS,
    auditMonths: env.VALORE_RETENTION_AUDIT_MONTHS,
    hour: env.VALORE_RETENTION_HOUR === 'off' ? null : Number(env.VALORE_RETENTION_HOUR),
  };
}

const TRUSTED_PROXIES_FORMAT =
  'expected a comma-separated list of IP addresses, CIDR ranges (10.0.0.0/8, fd00::/8) or loopback, linklocal, uniquelocal';

function isProxySpec(spec: string): boolean {
  if (spec === 'loopback' || spec === 'linklocal' || spec === 'uniquelocal') return true;
  const [address = '', prefix, extra] = spec.split('/');
  const family = isIP(address);
  if (!family || extra !== undefined) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

/**
 * The reverse proxies in front of the server (VALORE_TRUSTED_PROXIES; express's `trust proxy`). The client address is
 * then the nearest X-Forwarded-For entry not added by one of them; unset, the socket's peer is the client and any
 * X-Forwarded-For is ignored — a client cannot pick the address the sign-in limiter and the audit see.
 */
export function trustedProxies(env: Pick<Env, 'VALORE_TRUSTED_PROXIES'>): string[] {
  return (env.VALORE_TRUSTED_PROXIES ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

/** The company identity provider (VALORE_OIDC_ISSUER, _CLIENT_ID, _CLIENT_SECRET), or null when it is not configured; half a configuration is refused. */
export function oidcConfig(env: Env): OidcConfig | null {
  const { VALORE_OIDC_ISSUER: issuer, VALORE_OIDC_CLIENT_ID: clientId, VALORE_OIDC_CLIENT_SECRET: clientSecret } = env;
  if (!issuer && !clientId && !clientSecret) return null;
  if (!issuer || !clientId || !clientSecret) {
    throw new Error(
      'Invalid configuration:\n  VALORE_OIDC_ISSUER, VALORE_OIDC_CLIENT_ID and VALORE_OIDC_CLIENT_SECRET go together: set all three or none',
    );
  }
  return {
    issuer,
    clientId,
    clientSecret,
    roleClaim: env.VALORE_OIDC_ROLE_CLAIM,
    siteClaim: env.VALORE_OIDC_SITE_CLAIM,
  };
}

/** Where call commands go (VALORE_CTI_COMMAND_URL + _SECRET), or null: to the log. Half a configuration is refused. */
export function ctiCommandConfig(
  env: Pick<Env, 'VALORE_CTI_COMMAND_URL' | 'VALORE_CTI_COMMAND_SECRET'>,
): { url: string; secret: string } | null {
  const { VALORE_CTI_COMMAND_URL: url, VALORE_CTI_COMMAND_SECRET: secret } = env;
  if (!url && !secret) return null;
  if (!url || !secret) {
    throw new Error(
      'Invalid configuration:\n  VALORE_CTI_COMMAND_URL and VALORE_CTI_COMMAND_SECRET go together: set both or none',
    );
  }
  if (!/^https?:\/\//.test(url)) throw new Error('Invalid configuration:\n  VALORE_CTI_COMMAND_URL is an http(s) URL');
  return { url, secret };
}
