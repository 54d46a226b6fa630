// Shared pieces of the benchmarks (npm run bench): result rows, percentiles, bench databases, minted sessions.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { FLOW_VERSIONS } from '@valore/shared/flows/index';
import { openDatabase } from '@valore/server/db/client';
import { migrateToLatest } from '@valore/server/db/migrator';
import { seedDemo } from '@valore/server/db/seed/demo';
import { TEST_SESSION_SECRET } from '../helpers/server';

/** One line of the table: a figure, the limit it is measured beside (same run), and the target. */
export interface Figure {
  section: string;
  name: string;
  value: number;
  unit: string;
  /** p50/p99 and other details, printed after the figure */
  detail?: string;
  limitName?: string;
  limitValue?: number;
  /** value / limit as a share of the limit (throughput), or limit / value as "times faster" when `times` */
  ratio?: number;
  times?: boolean;
  target: string;
  met: boolean | null;
  extra?: Record<string, unknown>;
}

export interface BenchOptions {
  full: boolean;
  statsDb: string | null;
  statsInteractions: number;
  contacts: number;
  only: Set<string> | null;
  workDir: string;
  /** The server bundle the HTTP benchmarks run (built at the start, as npm start does). */
  serverBundle: string;
  /** Extra node flags for those servers (--server-args="--cpu-prof --cpu-prof-dir=/tmp/prof", to profile them). */
  serverArgs: string[];
  log: (line: string) => void;
}

export const ROOT = path.resolve(import.meta.dirname, '../..');

export function quantile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

export const ms = (n: number) => (Number.isFinite(n) ? `${n < 10 ? n.toFixed(2) : n.toFixed(0)} ms` : '–');
export const num = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en') : '–');

/** A fresh, migrated, demo-seeded SQLite file in the bench's work dir (demo seed: 11 sites, 44 operators…). */
export async function freshDatabase(dir: string, name: string, customers = 2_000): Promise<string> {
  const file = path.join(dir, `${name}.sqlite`);
  for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  const database = openDatabase(file);
  await migrateToLatest(database.db);
  await seedDemo(database.sqlite, { customers, now: new Date() });
  database.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  await database.close();
  return file;
}

export function openRaw(file: string): SQLite.Database {
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('cache_size = -65536');
  return sqlite;
}

export const ALWAYS_OPEN_WINDOW = JSON.stringify({
  timeZone: 'Europe/Rome',
  days: Object.fromEntries(['0', '1', '2', '3', '4', '5', '6'].map((d) => [d, [['00:00', '24:00']]])),
  excludeNationalHolidays: false,
});

/**
 * Adds `count` customers with marketing consent (phone ids above the demo's) and returns the first new id.
 * Raw inserts in big transactions: this is set-up, not a figure.
 */
export function addCustomers(sqlite: SQLite.Database, count: number): number {
  const at = new Date().toISOString();
  const first = ((sqlite.prepare('SELECT max(id) AS m FROM customers').get() as { m: number }).m ?? 0) + 1;
  const customer = sqlite.prepare(
    `INSERT INTO customers (id, first_name, last_name, tax_code, phone, email, birth_date, city, province_code, created_at)
     VALUES (?, 'Bench', ?, ?, ?, NULL, '1980-01-01', 'Roma', 'RM', ?)`,
  );
  const consent = sqlite.prepare(
    `INSERT INTO consents (customer_id, purpose, channel, granted, source, recorded_at) VALUES (?, 'marketing', 'any', 1, 'import', ?)`,
  );
  const chunk = 50_000;
  for (let start = 0; start < count; start += chunk) {
    sqlite.transaction(() => {
      for (let i = start; i < Math.min(count, start + chunk); i++) {
        const id = first + i;
        customer.run(id, `C${id}`, `BNCH${String(id).padStart(12, '0')}`, `+39399${String(id).padStart(7, '0')}`, at);
        consent.run(id, at);
      }
    })();
  }
  return first;
}

/** An active campaign worked by site 1, open around the clock, with a fresh registry check. */
export function addCampaign(sqlite: SQLite.Database, name: string): number {
  const at = new Date().toISOString();
  const today = at.slice(0, 10);
  const r = sqlite
    .prepare(
      `INSERT INTO campaigns (name, business_unit, product_code, starts_on, ends_on, calling_window, max_attempts,
         retry_delay_minutes, script_version, status, registry_checked_at, created_at)
       VALUES (?, 'BU bench', 'FIBRA', ?, '2099-12-31', ?, 3, 60, ?, 'active', ?, ?)`,
    )
    .run(name, today, ALWAYS_OPEN_WINDOW, FLOW_VERSIONS.campaign, at, at);
  const id = Number(r.lastInsertRowid);
  sqlite.prepare('INSERT INTO campaign_sites (campaign_id, site_id) VALUES (?, 1)').run(id);
  return id;
}

/** Contacts for customers [firstCustomer, firstCustomer+count), due in the past (or at `dueAt`). */
export function addContacts(
  sqlite: SQLite.Database,
  campaignId: number,
  firstCustomer: number,
  count: number,
  dueAt?: (i: number) => string,
): void {
  const at = new Date().toISOString();
  const past = new Date(Date.now() - 86_400_000);
  const insert = sqlite.prepare(
    `INSERT INTO campaign_contacts (campaign_id, customer_id, phone, status, attempts, due_at, updated_at)
     VALUES (?, ?, ?, 'pending', 0, ?, ?)`,
  );
  const chunk = 50_000;
  for (let start = 0; start < count; start += chunk) {
    sqlite.transaction(() => {
      for (let i = start; i < Math.min(count, start + chunk); i++) {
        const id = firstCustomer + i;
        const due = dueAt ? dueAt(i) : new Date(past.getTime() + (i % 3_600) * 1000).toISOString();
        insert.run(campaignId, id, `+39399${String(id).padStart(7, '0')}`, due, at);
      }
    })();
  }
}

/** Operators (site 1) created directly in the table; returns their ids. */
export function addOperators(sqlite: SQLite.Database, prefix: string, count: number, role = 'operator'): number[] {
  const at = new Date().toISOString();
  const insert = sqlite.prepare(
    `INSERT INTO users (username, display_name, role, site_id, team_id, password_hash, created_at) VALUES (?, ?, ?, 1, NULL, 'x', ?)`,
  );
  const ids: number[] = [];
  sqlite.transaction(() => {
    for (let i = 0; i < count; i++)
      ids.push(Number(insert.run(`${prefix}${i}`, `${prefix} ${i}`, role, at).lastInsertRowid));
  })();
  return ids;
}

/** Operators shown as ready on the board (the state a signed-in console reports first). */
export function markReady(sqlite: SQLite.Database, userIds: number[]): void {
  const at = new Date().toISOString();
  const status = sqlite.prepare(
    `INSERT OR REPLACE INTO operator_status (user_id, state, reason, since, flow, step, step_since, interaction_client_id, customer_id, updated_at)
     VALUES (?, 'ready', NULL, ?, NULL, NULL, NULL, NULL, NULL, ?)`,
  );
  sqlite.transaction(() => userIds.forEach((id) => status.run(id, at, at)))();
}

/**
 * Signed-in sessions minted straight into the sessions table (the login's password hashing is not what these
 * figures measure); returns the Cookie header of each, signed with the test servers' secret.
 */
export function mintSessions(sqlite: SQLite.Database, userIds: number[], secret = TEST_SESSION_SECRET): string[] {
  const now = new Date();
  const at = now.toISOString();
  const expires = new Date(now.getTime() + 12 * 3_600_000).toISOString();
  const insert = sqlite.prepare(
    `INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, user_agent, ip) VALUES (?, ?, ?, ?, ?, 'bench', '127.0.0.1')`,
  );
  const cookies: string[] = [];
  sqlite.transaction(() => {
    for (const userId of userIds) {
      const token = randomBytes(32).toString('base64url');
      insert.run(createHash('sha256').update(token).digest('hex'), userId, at, at, expires);
      const sig = createHmac('sha256', secret).update(token).digest('base64url');
      cookies.push(`valore_sid=${token}.${sig}`);
    }
  })();
  return cookies;
}

export function benchWorkDir(): string {
  const dir = path.join(os.tmpdir(), 'valore-bench');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Peak and current resident set of a process (Linux /proc), in MB. */
export function rssOf(pid: number): { rssMb: number; peakMb: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 'NaN');
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
  } catch {
    return { rssMb: Number.NaN, peakMb: Number.NaN };
  }
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSecondsOf(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}
