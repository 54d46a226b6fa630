import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FLOW_VERSIONS } from '@valore/shared/flows/index';
import type { Outcome } from '@valore/shared/reference/outcomes';
import type { CompleteInteractionInput, CompleteInteractionOutput } from '@valore/shared/schemas/interactions';
import type { DrillStage } from '@valore/shared/schemas/stats';
import type { WorkItem } from '@valore/shared/schemas/work';
import { DEFAULT_CALLING_WINDOW, isInsideCallingWindow, nextWindowOpening } from '@valore/shared/time/calling-window';
import { addDays, romeParts, romeToUtc } from '@valore/shared/time/rome-time';
import { isWithinServiceCalendar, nextServiceHalfHour, nextServiceOpening } from '@valore/shared/time/service-calendar';
import type { Database } from '@valore/server/db/database';
import { openPostgres, type OpenedPostgres } from '@valore/server/db/postgres';
import { compareRollupsWithRecount } from '@valore/server/domains/stats/stats.recount';
import { completion, type EventWithoutTime } from '@valore/server/testing/completions';
import { createCustomer } from '@valore/server/testing/fixtures';
import { nextSaturdays } from '@valore/server/testing/agreed-time';
import { MovableClock } from '@valore/server/testing/movable-clock';
import { asTrpcError, createApiClient, trpcError, type ApiClient } from '../helpers/api-client';
import { postgresDatabaseFrom, seededTemplate, startTestServer, TEST_ENGINE, type TestServer } from '../helpers/server';
import { testSql } from '../helpers/sql';

/**
 * The value loop, model-based: fast-check generates sequences of real operations — contacts of all four flows with
 * every outcome, claims and follow-ups of the promises they make (work.next, work.take, the personal grace), funnel
 * clicks, attendance and its corrections (team lead and the post office's endpoint), cancellations, leads closed by
 * hand, retries under the same idempotency key — and runs them against a real listening server while a small model
 * predicts what each one must do. After every command the queues in the database must equal the model's; after every
 * sequence the value-loop invariants must hold:
 *   1. the conversion rollups equal a full recount from the raw tables;
 *   2. stats.conversion = the drill-down rows (stats.interactions) = the CSV export, for every stage, and the realised
 *      stages equal the raw rows (appointments attended, links clicked, leads won);
 *   3. every promise is exactly one open item: one agreed callback per callback_scheduled contact (none for a lead's
 *      follow-up, where the lead itself moves), one lead row per lead, no open agreed/reschedule item without its
 *      contact/appointment, work.mine = the open promises each operator owns, the SLA board = the site's promises;
 *   4. a retry under the same key answers the first answer and changes nothing; another body under it, or the same
 *      key from another user, is refused and changes nothing.
 *
 * Every sequence gets a fresh server over a copy of one prepared database (demo data, eight fresh customers, an active
 * campaign and signed-in sessions): sequences are independent, so a shrunk counterexample replays exactly.
 *   VALORE_MODEL_RUNS (200) sequences, VALORE_MODEL_COMMANDS (30) commands at most each; VALORE_MODEL_SEED,
 *   VALORE_MODEL_PATH and VALORE_MODEL_REPLAY replay a failure (the failure prints them); VALORE_MODEL_VERBOSE=1 tallies
 *   the paths taken.
 */
const RUNS = Number(process.env.VALORE_MODEL_RUNS ?? 200);
const MAX_COMMANDS = Number(process.env.VALORE_MODEL_COMMANDS ?? 30);
const SEED = process.env.VALORE_MODEL_SEED === undefined ? undefined : Number(process.env.VALORE_MODEL_SEED);
const PATH = process.env.VALORE_MODEL_PATH;
/** fast-check's record of which commands ran, needed with the seed and path to replay a sequence of commands. */
const REPLAY = process.env.VALORE_MODEL_REPLAY;
/**
 * ~0.3 s a sequence on 2 cores; generous, so the soak's 5,000 sequences fit too. On PostgreSQL ~3 s (5.5 s on a busy
 * 2-core machine), most of it starting each sequence's server on a database cloned for it (CREATE DATABASE, its
 * pool, the event bus's LISTEN).
 */
const TIMEOUT = Math.max(300_000, RUNS * (TEST_ENGINE === 'postgres' ? 10_000 : 2_000));

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Monday 1 February 2027, 09:00 in Rome: no holiday for weeks, and the demo's slots start the next day. */
const BASE_MS = Date.parse('2027-02-01T08:00:00.000Z');
/** The clock never goes further: the demo's slots (20 working days) and the registry check (30 days) still hold. */
const HORIZON_MS = BASE_MS + 18 * DAY;
/** Where a sequence starts, from BASE: morning, afternoon, the service's closing (the campaign may still dial), Friday, Saturday, Sunday. */
const START_OFFSETS = [0, 5 * HOUR, 10.5 * HOUR, 4 * DAY + HOUR, 5 * DAY + 2 * HOUR, 6 * DAY];

// The server's rules the model predicts with (defaults of env.ts, and the campaign this file creates).
const GRACE = 15 * MINUTE; // VALORE_PERSONAL_CALLBACK_GRACE_MINUTES
const RETRY = 15 * MINUTE; // VALORE_CALLBACK_RETRY_MINUTES
const CALLBACK_MAX_ATTEMPTS = 3; // VALORE_CALLBACK_MAX_ATTEMPTS
const LEAD_MAX_ATTEMPTS = 5; // LEAD_FOLLOW_UP_MAX_ATTEMPTS
const CAMPAIGN_MAX_ATTEMPTS = 2;
const CAMPAIGN_RETRY = 30 * MINUTE;
const CUSTOMERS = 8;
const CAMPAIGN_CUSTOMERS = 4;
const ATTENDANCE_KEY = 'model-attendance-key';
const ENV = {
  VALORE_ATTENDANCE_KEYS: ATTENDANCE_KEY,
  // the clock jumps days ahead within a sequence: sessions must outlive the jumps (their absolute expiry is set below)
  VALORE_SESSION_IDLE_MINUTES: String(60 * 24 * 60),
  // a held item's lease must not run out while the other commands run (the clock moves a minute per contact)
  VALORE_WORK_LEASE_MINUTES: '120',
  // no background catch-up: the rollups are brought up to date by the reads, deterministically
  VALORE_STATS_CATCHUP_MS: '0',
  LOG_LEVEL: process.env.VALORE_MODEL_LOG ?? 'silent',
};

type Operator = 'A' | 'B' | 'C';
type Who = Operator | 'TL' | 'AD';
/** operatore1 and operatore2 work at site 1 (the campaign's), operatore5 at site 2; teamlead1 leads site 1. */
const USERNAMES: Record<Who, string> = {
  A: 'operatore1',
  B: 'operatore2',
  C: 'operatore5',
  TL: 'teamlead1',
  AD: 'admin',
};
const EVERYONE: readonly Who[] = ['A', 'B', 'C', 'TL', 'AD'];
const OPERATORS: readonly Operator[] = ['A', 'B', 'C'];

// ------------------------------------------------------------------------------------------------ the prepared world

interface Template {
  /** SQLite: the prepared file, copied for each sequence. */
  file: string;
  /** PostgreSQL: the prepared database's URL, cloned for each sequence (its file above is then unused). */
  database: string | null;
  cookies: Record<Who, [string, string][]>;
  users: Record<Who, { id: number; siteId: number }>;
  customers: number[];
  contacts: { id: number; customerId: number; dueAt: number }[];
  campaignId: number;
}

let template: Template;
let templateDir = '';
const stats = {
  sequences: 0,
  commands: 0,
  refused: 0,
  started: Date.now(),
  kinds: new Map<string, number>(),
  notes: new Map<string, number>(),
  ms: new Map<string, number>(),
};

/**
 * One database for every sequence: the demo data, eight fresh customers (marketing consent, a number of their own,
 * Rome, where there are post offices), an active campaign of site 1 with four of them, and the four users signed in.
 */
async function prepareTemplate(): Promise<Template> {
  const clock = new MovableClock(new Date(BASE_MS));
  // On PostgreSQL the world is prepared in a database whose URL this file knows (a copy of the seeded template, as the
  // test server's own would be), so each sequence can start from a clone of it
  const database =
    TEST_ENGINE === 'postgres' ? await postgresDatabaseFrom(await seededTemplate(2_000, clock.now())) : null;
  const server = await startTestServer({
    clock,
    env: { ...ENV, ...(database ? { VALORE_DATABASE_URL: database } : {}) },
  });
  try {
    await server.stopBackgroundJobs();
    const db = server.database.db;
    // every Saturday a sequence may agree or reschedule a callback on is staffed: the Call Me Back capacity
    // (callbacks/callback-capacity.ts) has room then, as on weekdays, so the model's times stand
    await staffSaturdays(db, nextSaturdays(new Date(BASE_MS), 8), clock.now().toISOString());
    const customers: number[] = [];
    for (let i = 0; i < CUSTOMERS; i++) {
      customers.push(
        await createCustomer(db, {
          provinceCode: 'RM',
          marketingConsent: true,
          // +39 399… is no demo prefix: never on the demo's opt-out registry
          phone: `+39399${String(1_000_000 + i)}`,
          taxCode: `MDLVLR${String(i).padStart(10, '0')}`,
          email: `modello${i}@example.it`,
          now: clock.now(),
        }),
      );
    }
    const clients = {} as Record<Who, ApiClient>;
    const users = {} as Template['users'];
    for (const who of EVERYONE) {
      clients[who] = createApiClient(server.url);
      const session = await clients[who].login(USERNAMES[who]);
      users[who] = { id: session.user.id, siteId: session.user.siteId ?? 0 };
    }
    const campaign = await clients.TL.trpc.campaigns.create.mutate({
      requestId: randomUUID(),
      name: 'Libretto primavera',
      businessUnit: 'Risparmio',
      productCode: 'LIBRETTO',
      startsOn: '2027-01-15',
      endsOn: '2027-04-30',
      maxAttempts: CAMPAIGN_MAX_ATTEMPTS,
      retryDelayMinutes: CAMPAIGN_RETRY / MINUTE,
      scriptVersion: FLOW_VERSIONS.campaign,
      siteIds: [users.A.siteId],
    });
    const csv = `id\n${customers.slice(0, CAMPAIGN_CUSTOMERS).join('\n')}\n`;
    const imported = await clients.TL.fetch(
      `${server.url}/api/v1/campaigns/${campaign.id}/import?customerIdColumn=id`,
      {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: csv,
      },
    );
    const lastLine = (await imported.text()).trim().split('\n').at(-1) ?? '{}';
    expect(JSON.parse(lastLine)).toMatchObject({ type: 'done', imported: CAMPAIGN_CUSTOMERS, rejected: 0 });
    await clients.TL.trpc.campaigns.setStatus.mutate({ requestId: randomUUID(), id: campaign.id, status: 'active' });
    const contacts = await db
      .selectFrom('campaign_contacts')
      .select(['id', 'customer_id', 'due_at'])
      .where('campaign_id', '=', campaign.id)
      .orderBy('id')
      .execute();
    // Signed in for the whole horizon: a sequence may move the clock days ahead, past the 12-hour absolute expiry, and
    // signing in again costs ~50 ms of argon2 per user and sequence.
    await db
      .updateTable('sessions')
      .set({ expires_at: new Date(HORIZON_MS + 7 * DAY).toISOString() })
      .execute();
    templateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'valore-model-'));
    const file = path.join(templateDir, 'template.sqlite');
    // SQLite: the whole database in the one file (the WAL folded into it), copied for each sequence
    if (TEST_ENGINE === 'sqlite') {
      server.database.sqlite.pragma('wal_checkpoint(TRUNCATE)');
      fs.copyFileSync(server.dbFile, file);
    }
    return {
      file,
      database,
      cookies: Object.fromEntries(Object.entries(clients).map(([who, c]) => [who, [...c.jar]])) as Template['cookies'],
      users,
      customers,
      contacts: contacts.map((c) => ({ id: c.id, customerId: c.customer_id, dueAt: Date.parse(c.due_at) })),
      campaignId: campaign.id,
    };
  } finally {
    await server.close();
  }
}

/**
 * Puts every active operator on a published Saturday shift covering the whole Saturday service day on each of these
 * Rome dates (as agreed-time.ts's staffSaturdays, whose INSERT OR IGNORE is SQLite's: ON CONFLICT DO NOTHING is both
 * engines').
 */
async function staffSaturdays(db: Kysely<Database>, dates: readonly string[], at: string): Promise<void> {
  for (const date of dates) {
    await testSql(db).run(
      `INSERT INTO rota_shifts (site_id, user_id, date, kind, starts, ends, status, created_at, published_at)
       SELECT site_id, id, ?, 'saturday', '07:30', '15:12', 'published', ?, ? FROM users
       WHERE role = 'operator' AND active = 1 AND site_id IS NOT NULL
       ON CONFLICT DO NOTHING`,
      date,
      at,
      at,
    );
  }
}

/**
 * PostgreSQL: the cluster's own database, where a sequence's clone of the prepared one is made and dropped
 * (CREATE DATABASE … TEMPLATE, as startTestServer clones its seeded template). Opened once, on the first sequence.
 */
let cluster: OpenedPostgres | null = null;

async function clonePrepared(prepared: string): Promise<string> {
  const url = new URL(prepared);
  const template = url.pathname.slice(1);
  if (!cluster) {
    const admin = new URL(prepared);
    admin.pathname = '/postgres';
    cluster = openPostgres(admin.toString(), { maxConnections: 1 });
  }
  url.pathname = `/model_${randomBytes(6).toString('hex')}`;
  await sql`CREATE DATABASE ${sql.id(url.pathname.slice(1))} TEMPLATE ${sql.id(template)}`.execute(cluster.db);
  return url.toString();
}

async function dropClone(clone: string): Promise<void> {
  if (!cluster) return;
  await sql`DROP DATABASE ${sql.id(new URL(clone).pathname.slice(1))} WITH (FORCE)`.execute(cluster.db);
}

/** The real side of a sequence: a fresh server over a copy of the template, its clock and the signed-in clients. */
class World {
  private constructor(
    readonly server: TestServer,
    readonly clock: MovableClock,
    readonly clients: Record<Who, ApiClient>,
    /** PostgreSQL: the clone of the prepared database the server runs on, dropped on close */
    readonly clone: string | null,
  ) {}

  static async open(startMs: number): Promise<World> {
    const clock = new MovableClock(new Date(startMs));
    const clone = template.database ? await clonePrepared(template.database) : null;
    // on PostgreSQL the server is pointed at the clone (its own empty database, from `seed: false`, stays unused)
    const server = clone
      ? await startTestServer({ clock, seed: false, env: { ...ENV, VALORE_DATABASE_URL: clone } })
      : await startTestServer({ clock, env: ENV, fromFile: template.file });
    // the outbox delivery writes on its own; the stats catch-up is off (ENV): every write is a request's
    await server.stopBackgroundJobs();
    const clients = {} as Record<Who, ApiClient>;
    for (const who of EVERYONE) {
      clients[who] = createApiClient(server.url);
      for (const [name, value] of template.cookies[who]) clients[who].jar.set(name, value);
    }
    return new World(server, clock, clients, clone);
  }

  rows<T>(query: string, ...params: unknown[]): Promise<T[]> {
    return testSql(this.server.database.db).all<T>(query, ...params);
  }

  /**
   * Everything a request could change in the value loop, as one string: two equal fingerprints mean no row of it
   * was written (sessions' last-seen times are left out: they move with the clock, not with the request).
   */
  async fingerprint(): Promise<string> {
    const tables = [
      'SELECT * FROM interactions ORDER BY id',
      'SELECT * FROM callback_requests ORDER BY id',
      'SELECT * FROM leads ORDER BY id',
      'SELECT * FROM appointments ORDER BY id',
      'SELECT * FROM funnel_links ORDER BY id',
      'SELECT * FROM campaign_contacts ORDER BY id',
      'SELECT count(*) AS n, max(id) AS last FROM consents',
      'SELECT count(*) AS n FROM idempotency_keys',
      'SELECT count(*) AS n, max(id) AS last FROM audit_log',
      'SELECT count(*) AS n FROM outbox',
      'SELECT COALESCE(SUM(booked), 0) AS booked FROM appointment_slots',
      'SELECT * FROM stats_cursor',
    ];
    const rows: unknown[] = [];
    for (const q of tables) rows.push(await this.rows(q));
    return JSON.stringify(rows);
  }

  /** `POST /api/v1/appointments/:id/attendance`, as the post office's system sends it. */
  async attendance(id: number, status: 'attended' | 'no_show', key: string | null): Promise<Response> {
    return fetch(`${this.server.url}/api/v1/appointments/${id}/attendance`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${ATTENDANCE_KEY}`,
        ...(key === null ? {} : { 'idempotency-key': key }),
      },
      body: JSON.stringify({ status }),
    });
  }

  async close(): Promise<void> {
    await this.server.close();
    if (this.clone) await dropClone(this.clone);
  }
}

// ------------------------------------------------------------------------------------------------------- the model

type CallbackStatus = 'pending' | 'claimed' | 'done' | 'failed' | 'cancelled';
interface ModelCallback {
  id: string;
  origin: 'agreed' | 'reschedule';
  flow: 'campaign' | 'callback';
  customerId: number;
  ownerId: number | null;
  siteId: number;
  dueAt: number;
  personalUntil: number | null;
  attempts: number;
  status: CallbackStatus;
  holder: number | null;
  interactionId: number | null;
  appointmentId: number | null;
  /** withdrawn while held (its reason went away): closes with this reason instead of coming back to the queue */
  withdrawn?: string | null;
}
interface ModelLead {
  id: number;
  interactionId: number;
  customerId: number;
  productCode: string;
  ownerId: number | null;
  siteId: number;
  followUpAt: number;
  personalUntil: number | null;
  attempts: number;
  status: 'open' | 'won' | 'lost';
  holder: number | null;
}
interface ModelContact {
  id: number;
  customerId: number;
  dueAt: number;
  attempts: number;
  status: 'pending' | 'claimed' | 'done' | 'exhausted' | 'removed';
  holder: number | null;
}
interface ModelAppointment {
  id: number;
  interactionId: number;
  customerId: number;
  bookedBy: Operator;
  startsAt: number;
  status: 'booked' | 'attended' | 'no_show' | 'cancelled';
}
interface ModelLink {
  url: string;
  interactionId: number;
  clicks: number;
}
type HeldKind = 'callback' | 'lead_followup' | 'campaign';
interface Held {
  kind: HeldKind;
  id: string;
}
/** A mutation that succeeded, kept to be sent again: same key and body (`send`), or same key, another body. */
interface Sent {
  label: string;
  send: () => Promise<unknown>;
  first: unknown;
  otherBody: () => Promise<unknown>;
  /** the same key and body from another signed-in user: a key is its caller's own */
  otherCaller?: () => Promise<unknown>;
}

/** An open promise as the queue, work.mine and the SLA board see it. */
interface OpenPromise {
  itemId: string;
  ownerId: number | null;
  siteId: number;
  dueAt: number;
  personalUntil: number | null;
  holder: number | null;
}

class Model {
  now: number;
  readonly users: Record<Who, { id: number; siteId: number }>;
  readonly consent = new Map<number, boolean>();
  readonly contacts = new Map<number, ModelContact>();
  readonly callbacks = new Map<string, ModelCallback>();
  readonly leads = new Map<number, ModelLead>();
  readonly appointments = new Map<number, ModelAppointment>();
  readonly links: ModelLink[] = [];
  readonly interactions = new Map<number, { outcome: Outcome; flow: Flow; by: Operator; workKind: string }>();
  readonly sent: Sent[] = [];
  readonly holds: Record<Operator, Held | null> = { A: null, B: null, C: null };

  constructor(startMs: number) {
    this.now = startMs;
    this.users = template.users;
    for (const id of template.customers) this.consent.set(id, true);
    for (const c of template.contacts) {
      this.contacts.set(c.id, {
        id: c.id,
        customerId: c.customerId,
        dueAt: c.dueAt,
        attempts: 0,
        status: 'pending',
        holder: null,
      });
    }
  }

  operatorOf(userId: number): Operator | null {
    return OPERATORS.find((op) => this.users[op].id === userId) ?? null;
  }

  openCallbacks(): ModelCallback[] {
    return [...this.callbacks.values()].filter((c) => c.status === 'pending' || c.status === 'claimed');
  }

  openLeads(): ModelLead[] {
    return [...this.leads.values()].filter((l) => l.status === 'open');
  }

  /** Every open promise as its work item id, with its owner and site. */
  openPromises(): OpenPromise[] {
    return [
      ...this.openCallbacks().map((c) => ({
        itemId: `callback:${c.id}`,
        ownerId: c.ownerId,
        siteId: c.siteId,
        dueAt: c.dueAt,
        personalUntil: c.personalUntil,
        holder: c.holder,
      })),
      ...this.openLeads().map((l) => ({
        itemId: `lead_followup:${l.id}`,
        ownerId: l.ownerId,
        siteId: l.siteId,
        dueAt: l.followUpAt,
        personalUntil: l.personalUntil,
        holder: l.holder,
      })),
    ];
  }

  /** Drops whatever hold `userId` has on an item that was just taken from them (closed by someone else, opted out). */
  dropHoldOf(userId: number | null): void {
    const op = userId === null ? null : this.operatorOf(userId);
    if (op) this.holds[op] = null;
  }

  realised(interactionId: number): boolean {
    const i = this.interactions.get(interactionId);
    if (!i) return false;
    if (i.outcome === 'up_appointment') {
      return [...this.appointments.values()].some((a) => a.interactionId === interactionId && a.status === 'attended');
    }
    if (i.outcome === 'digital_funnel')
      return this.links.some((l) => l.interactionId === interactionId && l.clicks > 0);
    if (i.outcome === 'lead')
      return [...this.leads.values()].some((l) => l.interactionId === interactionId && l.status === 'won');
    return false;
  }
}

const workItemId = (h: Held) => `${h.kind}:${h.id}`;

function earliest<T>(items: T[], due: (t: T) => number): { due: number; items: T[] } {
  const min = Math.min(...items.map(due));
  return { due: min, items: items.filter((t) => due(t) === min) };
}

/**
 * The work item ids work.next may hand `op` now, by the queue's rules (README "Work queue"): what they hold; else their
 * own due promises (a callback before a lead at the same time); else the site's due callbacks and leads past their
 * personal grace (a callback before a lead at the same time); else the due contacts of the site's dialable campaign.
 * Several ids when they are due at the same instant (the queue may take either).
 */
function expectedNext(m: Model, op: Operator): string[] {
  const held = m.holds[op];
  if (held) return [workItemId(held)];
  const me = m.users[op];
  // a campaign's callback is never handed out while the campaign's calling window is closed
  const windowOpen = isInsideCallingWindow(DEFAULT_CALLING_WINDOW, new Date(m.now));
  const callbacks = [...m.callbacks.values()].filter(
    (c) => c.status === 'pending' && c.dueAt <= m.now && (c.flow !== 'campaign' || windowOpen),
  );
  const leads = [...m.leads.values()].filter((l) => l.status === 'open' && l.holder === null && l.followUpAt <= m.now);
  const pick = (cs: ModelCallback[], ls: ModelLead[]): string[] => {
    if (cs.length === 0 && ls.length === 0) return [];
    const c = cs.length ? earliest(cs, (x) => x.dueAt) : null;
    const l = ls.length ? earliest(ls, (x) => x.followUpAt) : null;
    if (c && (!l || c.due <= l.due)) return c.items.map((x) => `callback:${x.id}`);
    return (l?.items ?? []).map((x) => `lead_followup:${x.id}`);
  };
  const mine = pick(
    callbacks.filter((c) => c.ownerId === me.id),
    leads.filter((l) => l.ownerId === me.id),
  );
  if (mine.length) return mine;
  const pastGrace = (until: number | null) => until === null || until <= m.now;
  const pool = pick(
    callbacks.filter((c) => c.siteId === me.siteId && pastGrace(c.personalUntil)),
    leads.filter((l) => l.siteId === me.siteId && pastGrace(l.personalUntil)),
  );
  if (pool.length) return pool;
  if (me.siteId !== m.users.A.siteId || !isInsideCallingWindow(DEFAULT_CALLING_WINDOW, new Date(m.now))) return [];
  const contacts = [...m.contacts.values()].filter((c) => c.status === 'pending' && c.dueAt <= m.now);
  // an opt-out removes every contact of the customer at once, so a pending contact always has consent
  for (const c of contacts)
    expect(m.consent.get(c.customerId), `consent of campaign customer ${c.customerId}`).toBe(true);
  return contacts.length ? earliest(contacts, (c) => c.dueAt).items.map((c) => `campaign:${c.id}`) : [];
}

/**
 * A claim made while the campaigns' calling window is closed moves the due campaign callbacks it meets to the window's
 * next opening, their grace shifted with them (work/promises.ts deferOutsideCallingWindow). Which ones it meets depends
 * on the queue's order among equals, so the model reads which moved — and checks each moved exactly by the rule.
 */
async function expectDeferredOutsideWindow(m: Model, w: World): Promise<void> {
  if (isInsideCallingWindow(DEFAULT_CALLING_WINDOW, new Date(m.now))) return;
  const opening = nextWindowOpening(DEFAULT_CALLING_WINDOW, new Date(m.now))?.getTime() ?? 0;
  for (const c of m.callbacks.values()) {
    if (c.flow !== 'campaign' || c.status !== 'pending' || c.dueAt > m.now) continue;
    const [row] = await w.rows<{ due_at: string; personal_until: string | null }>(
      'SELECT due_at, personal_until FROM callback_requests WHERE id = ?',
      c.id,
    );
    if (!row || row.due_at === iso(c.dueAt)) continue;
    const shifted = c.personalUntil === null ? null : c.personalUntil - c.dueAt + opening;
    expect(row, `campaign callback ${c.id} deferred outside the window`).toEqual({
      due_at: iso(opening),
      personal_until: iso(shifted),
    });
    note('campaign callback deferred to the window');
    Object.assign(c, { dueAt: opening, personalUntil: shifted });
  }
}

// ------------------------------------------------------------------------------------------------ contacts (scripts)

type Flow = CompleteInteractionInput['flow'];
const OUTCOMES: Record<Flow | 'lead_followup', readonly Outcome[]> = {
  campaign: [
    'up_appointment',
    'digital_funnel',
    'lead',
    'not_interested',
    'callback_scheduled',
    'not_reached',
    'opt_out',
    'not_eligible',
  ],
  inbound_sales: [
    'up_appointment',
    'digital_funnel',
    'lead',
    'not_interested',
    'callback_scheduled',
    'opt_out',
    'not_eligible',
  ],
  ocs_cross_sell: [
    'up_appointment',
    'digital_funnel',
    'lead',
    'not_interested',
    'callback_scheduled',
    'no_proposal',
    'opt_out',
    'not_eligible',
  ],
  callback: [
    'up_appointment',
    'digital_funnel',
    'lead',
    'not_interested',
    'callback_scheduled',
    'not_reached',
    'opt_out',
    'not_eligible',
  ],
  lead_followup: [
    'assisted_sale',
    'up_appointment',
    'digital_funnel',
    'lead',
    'not_interested',
    'callback_scheduled',
    'not_reached',
    'opt_out',
    'not_eligible',
  ],
};
/** A product the outcome can close on (CONTO: appointment or link; FIBRA/SIM: lead, link, a sale on the phone). */
const PRODUCT_FOR: Partial<Record<Outcome, readonly string[]>> = {
  up_appointment: ['CONTO', 'LIBRETTO', 'POLIZZA_VITA'],
  digital_funnel: ['CONTO', 'FIBRA', 'CARTA_IBAN'],
  lead: ['FIBRA', 'SIM', 'LUCE_GAS'],
  assisted_sale: ['FIBRA', 'SIM'],
};

interface ScriptArgs {
  flow: Flow;
  outcome: Outcome;
  customerId: number;
  consent: boolean;
  style: number;
  product: string;
  slot?: { postOfficeId: number; slotId: number };
  at?: string;
}

/** The recorded steps of a contact of `flow` that ends in `outcome`, as the console records them. */
function script(a: ScriptArgs): EventWithoutTime[] {
  const events: EventWithoutTime[] = [];
  if (a.flow === 'campaign' || a.flow === 'callback') {
    if (a.outcome === 'not_reached')
      return [{ type: 'contact.not_reached', reason: a.style % 2 ? 'busy' : 'no_answer' }];
    events.push({ type: 'contact.reached' });
  }
  if (a.outcome === 'not_eligible') return [...events, { type: 'customer.not_eligible' }];
  events.push({ type: 'customer.identified', customerId: a.customerId });
  if (a.outcome === 'opt_out') return [...events, { type: 'customer.opted_out' }];
  if (a.flow === 'ocs_cross_sell') {
    if (a.outcome === 'no_proposal') {
      return [
        ...events,
        ...(a.style % 2
          ? [{ type: 'ocs.solved' } as const, { type: 'propensity.declined' } as const]
          : [{ type: 'ocs.unsolved' } as const]),
      ];
    }
    events.push({ type: 'ocs.solved' }, { type: 'propensity.accepted' });
  }
  if ((a.flow === 'campaign' || a.flow === 'ocs_cross_sell') && !a.consent)
    events.push({ type: 'consent.granted', channel: 'phone' });
  events.push({ type: 'needs.identified', productCode: a.product });
  if (a.outcome === 'callback_scheduled') return [...events, { type: 'callback.requested', callbackAt: a.at ?? '' }];
  if (a.style % 3 === 0)
    events.push({ type: 'proposal.objection', objection: 'Costa troppo' }, { type: 'objection.resolved' });
  if (a.outcome === 'not_interested') return [...events, { type: 'proposal.declined' }];
  events.push({ type: 'proposal.accepted' });
  switch (a.outcome) {
    case 'up_appointment':
      return [
        ...events,
        { type: 'outcome.appointment', postOfficeId: a.slot?.postOfficeId ?? 1, slotId: a.slot?.slotId ?? 1 },
      ];
    case 'digital_funnel':
      return [...events, { type: 'outcome.funnel', channel: a.style % 2 ? 'email' : 'sms' }];
    case 'lead':
      return [...events, { type: 'outcome.lead', followUpAt: a.at ?? '' }];
    case 'assisted_sale':
      return [...events, { type: 'outcome.assisted_sale', reference: `ORD-${a.style}` }];
    default:
      throw new Error(`no script for ${a.flow} → ${a.outcome}`);
  }
}

/** An agreed time: a number of half-hours ahead in the service calendar; or deliberately outside the rules. */
type TimeChoice = { valid: true; halfHours: number } | { valid: false; kind: BadTime };
type BadTime = 'past' | 'night' | 'sunday' | 'too_far';
const BAD_TIMES: readonly BadTime[] = ['past', 'night', 'sunday', 'too_far'];

function agreedAt(choice: TimeChoice, now: number, campaignWindow: boolean, maxDays: number): number {
  if (choice.valid) {
    let at = nextServiceHalfHour(new Date(now), Math.max(1, choice.halfHours) * 30 * MINUTE)?.getTime() ?? 0;
    // a campaign's customer may be called back only inside the campaign's calling window too
    while (campaignWindow && !isInsideCallingWindow(DEFAULT_CALLING_WINDOW, new Date(at))) {
      at = nextServiceHalfHour(new Date(at), 30 * MINUTE)?.getTime() ?? 0;
    }
    return at;
  }
  const today = romeParts(new Date(now)).date;
  switch (choice.kind) {
    case 'past':
      return now - 30 * MINUTE;
    case 'night':
      return romeToUtc(addDays(today, 1), 22 * 60).getTime();
    case 'sunday': {
      let day = addDays(today, 1);
      while (romeToUtc(day, 12 * 60).getUTCDay() !== 0) day = addDays(day, 1);
      return romeToUtc(day, 11 * 60).getTime();
    }
    case 'too_far':
      return (nextServiceHalfHour(new Date(now + (maxDays + 2) * DAY))?.getTime() ?? 0) + 0;
  }
}

/** What the one rule for agreed times (work/promises.ts) accepts, seen from outside: future, not too far, open hours. */
function acceptable(at: number, now: number, maxDays: number, campaignWindow: boolean): boolean {
  return (
    at > now &&
    at <= now + maxDays * DAY &&
    isWithinServiceCalendar(new Date(at)) &&
    (!campaignWindow || isInsideCallingWindow(DEFAULT_CALLING_WINDOW, new Date(at)))
  );
}

// ------------------------------------------------------------------------------------------------------ assertions

/** The call fails with this HTTP status (and domain code) and writes nothing. */
async function expectRefused(
  w: World,
  call: () => Promise<unknown>,
  httpStatus: number,
  domainCode?: string,
): Promise<void> {
  const before = await w.fingerprint();
  const error = await trpcError(call());
  expect(error.data?.httpStatus, error.message).toBe(httpStatus);
  if (domainCode) expect(error.data?.domainCode, error.message).toBe(domainCode);
  expect(await w.fingerprint(), 'a refused request changed rows').toBe(before);
  stats.refused++;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The queues in the database equal the model's, row by row: checked after every command. */
async function expectQueuesAsModelled(m: Model, w: World): Promise<void> {
  const callbacks = await w.rows<Record<string, unknown>>(
    `SELECT id, origin, flow, customer_id, owner_id, site_id, due_at, personal_until, attempts, status, lease_owner,
       interaction_id, appointment_id, withdrawn_reason FROM callback_requests ORDER BY id`,
  );
  expect(callbacks, 'callback_requests').toEqual(
    [...m.callbacks.values()]
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((c) => ({
        id: c.id,
        origin: c.origin,
        flow: c.flow,
        customer_id: c.customerId,
        owner_id: c.ownerId,
        site_id: c.siteId,
        due_at: iso(c.dueAt),
        personal_until: iso(c.personalUntil),
        attempts: c.attempts,
        status: c.status,
        lease_owner: c.holder,
        interaction_id: c.interactionId,
        appointment_id: c.appointmentId,
        withdrawn_reason: c.withdrawn ?? null,
      })),
  );
  const leads = await w.rows(
    `SELECT id, interaction_id, owner_id, site_id, follow_up_at, personal_until, attempts, status, lease_owner
     FROM leads ORDER BY id`,
  );
  expect(leads, 'leads').toEqual(
    [...m.leads.values()]
      .sort((a, b) => a.id - b.id)
      .map((l) => ({
        id: l.id,
        interaction_id: l.interactionId,
        owner_id: l.ownerId,
        site_id: l.siteId,
        follow_up_at: iso(l.followUpAt),
        personal_until: iso(l.personalUntil),
        attempts: l.attempts,
        status: l.status,
        lease_owner: l.holder,
      })),
  );
  const contacts = await w.rows('SELECT id, due_at, attempts, status, lease_owner FROM campaign_contacts ORDER BY id');
  expect(contacts, 'campaign_contacts').toEqual(
    [...m.contacts.values()].map((c) => ({
      id: c.id,
      due_at: iso(c.dueAt),
      attempts: c.attempts,
      status: c.status,
      lease_owner: c.holder,
    })),
  );
  expect(await w.rows('SELECT id, interaction_id, status FROM appointments ORDER BY id'), 'appointments').toEqual(
    [...m.appointments.values()].map((a) => ({ id: a.id, interaction_id: a.interactionId, status: a.status })),
  );
  expect(
    await w.rows(
      'SELECT interaction_id, click_count, first_clicked_at IS NOT NULL AS clicked FROM funnel_links ORDER BY id',
    ),
    'funnel_links',
  ).toEqual(
    m.links.map((l) => ({ interaction_id: l.interactionId, click_count: l.clicks, clicked: l.clicks > 0 ? 1 : 0 })),
  );
}

/** The ids of the stage's contacts, every page of the drill-down. */
async function drillDown(
  tl: ApiClient,
  period: { from: string; to: string },
  stage: DrillStage,
  limit: number,
): Promise<number[]> {
  const ids: number[] = [];
  let cursor: { startedAt: string; id: number } | null = null;
  for (;;) {
    const page: Awaited<ReturnType<typeof tl.trpc.stats.interactions.query>> = await tl.trpc.stats.interactions.query({
      ...period,
      stage,
      cursor,
      limit,
    });
    ids.push(...page.rows.map((r) => r.id));
    if (!page.nextCursor) return ids;
    cursor = page.nextCursor;
  }
}

/** Invariants 1–3 after a sequence (4 is checked by the replay commands themselves). */
async function expectValueLoopInvariants(m: Model, w: World): Promise<void> {
  // 1. rollups = a full recount from the raw tables
  expect(await compareRollupsWithRecount(w.server.database.db), 'rollups differ from the recount').toEqual([]);

  // 2. conversion = drill-down = CSV export, per stage; realised = the raw rows = the model
  const tl = w.clients.TL;
  const period = { from: new Date(BASE_MS - DAY).toISOString(), to: new Date(m.now + 2 * DAY).toISOString() };
  const conversion = await tl.trpc.stats.conversion.query({ ...period, groupBy: [] });
  const { stages, counts } = conversion.total;
  for (const stage of ['handled', 'reached', 'proposal', 'value', 'realised'] as const) {
    // small pages for the handled contacts: the keyset paging is part of what is checked
    const limit = stage === 'handled' ? 4 : 50;
    const ids = await drillDown(tl, period, stage, limit);
    expect(new Set(ids).size, `drill-down of ${stage}: each contact once across the pages`).toBe(ids.length);
    expect(ids.length, `drill-down of ${stage}`).toBe(stages[stage]);
    if (stage === 'handled')
      expect(ids.sort(), 'the contacts behind "handled"').toEqual([...m.interactions.keys()].sort());
    if (stage === 'realised') {
      expect(ids.sort(), 'the contacts behind "realised"').toEqual(
        [...m.interactions.keys()].filter((id) => m.realised(id)).sort(),
      );
    }
  }
  for (const stage of ['handled', 'realised'] as const) {
    const exported = await tl.trpc.stats.exportCsv.mutate({
      kind: 'interactions',
      query: { ...period, stage },
      language: 'it',
    });
    expect(exported.rows, `CSV export of ${stage}`).toBe(stages[stage]);
    expect(exported.csv.trimEnd().split('\r\n').length - 1, `CSV lines of ${stage}`).toBe(stages[stage]);
  }
  const site = m.users.A.siteId;
  const [raw] = await w.rows<{ attended: number; clicked: number; won: number }>(
    `SELECT
       (SELECT count(*) FROM appointments a JOIN interactions i ON i.id = a.interaction_id
         WHERE a.status = 'attended' AND i.outcome = 'up_appointment' AND i.site_id = ?) AS attended,
       (SELECT count(*) FROM funnel_links f JOIN interactions i ON i.id = f.interaction_id
         WHERE f.first_clicked_at IS NOT NULL AND i.outcome = 'digital_funnel' AND i.site_id = ?) AS clicked,
       (SELECT count(*) FROM leads l JOIN interactions i ON i.id = l.interaction_id
         WHERE l.status = 'won' AND i.outcome = 'lead' AND i.site_id = ?) AS won`,
    site,
    site,
    site,
  );
  expect(
    { attended: counts.appointmentsAttended, clicked: counts.linksClicked, won: counts.leadsWon },
    'realised vs raw rows',
  ).toEqual(raw);
  const ids = [...m.interactions.keys()];
  expect(stages.handled, 'handled vs the contacts logged').toBe(ids.length);
  const byFlow = await tl.trpc.stats.conversion.query({ ...period, groupBy: ['flow'] });
  const perFlow: Record<string, number> = {};
  for (const i of m.interactions.values()) perFlow[i.flow] = (perFlow[i.flow] ?? 0) + 1;
  expect(Object.fromEntries(byFlow.rows.map((r) => [r.key.flow, r.counts.handled])), 'handled per flow').toEqual(
    perFlow,
  );
  expect(stages.value, 'value outcomes').toBe(
    ids.filter((id) => ['up_appointment', 'digital_funnel', 'lead'].includes(m.interactions.get(id)?.outcome ?? ''))
      .length,
  );
  expect(stages.realised, 'realised vs the model').toBe(ids.filter((id) => m.realised(id)).length);

  // 3. every promise is exactly one open item
  const agreedPerContact = await w.rows<{ id: number; work_kind: string; n: number; agreed: number }>(
    `SELECT i.id, i.work_kind,
       (SELECT count(*) FROM callback_requests c WHERE c.interaction_id = i.id) AS n,
       (SELECT count(*) FROM callback_requests c WHERE c.interaction_id = i.id AND c.origin = 'agreed') AS agreed
     FROM interactions i WHERE i.outcome = 'callback_scheduled'`,
  );
  for (const r of agreedPerContact) {
    // on a lead's follow-up the lead itself moves to the agreed time: no second item
    const want = r.work_kind === 'lead_followup' ? { n: 0, agreed: 0 } : { n: 1, agreed: 1 };
    expect({ n: r.n, agreed: r.agreed }, `callback items of contact ${r.id} (${r.work_kind})`).toEqual(want);
  }
  const agreedRows = await w.rows<{
    id: string;
    status: string;
    close_reason: string | null;
    outcome: string | null;
    closers: number;
    opt_outs: number;
  }>(
    `SELECT c.id, c.status, c.close_reason, i.outcome,
       (SELECT count(*) FROM interactions x WHERE x.work_kind = 'callback' AND x.source_id = c.id AND x.id > c.interaction_id) AS closers,
       (SELECT count(*) FROM interactions x WHERE x.outcome = 'opt_out' AND x.customer_id = c.customer_id) AS opt_outs
     FROM callback_requests c LEFT JOIN interactions i ON i.id = c.interaction_id WHERE c.origin = 'agreed'`,
  );
  for (const r of agreedRows) {
    expect(r.outcome, `agreed callback ${r.id} comes from a callback_scheduled contact`).toBe('callback_scheduled');
    if (r.status === 'done' || r.status === 'failed')
      expect(r.closers, `agreed callback ${r.id} closed by a later contact`).toBeGreaterThan(0);
    if (r.status === 'cancelled')
      expect([r.close_reason, r.opt_outs > 0], `cancelled callback ${r.id}`).toEqual(['opt_out', true]);
  }
  const leadsPerContact = await w.rows<{ id: number; n: number }>(
    `SELECT i.id, (SELECT count(*) FROM leads l WHERE l.interaction_id = i.id) AS n FROM interactions i WHERE i.outcome = 'lead'`,
  );
  for (const r of leadsPerContact) expect(r.n, `lead rows of contact ${r.id}`).toBe(1);
  const reschedules = await w.rows<{
    id: string;
    status: string;
    appointment: string | null;
    open_siblings: number;
    withdrawn_reason: string | null;
  }>(
    `SELECT c.id, c.status, a.status AS appointment, c.withdrawn_reason,
       (SELECT count(*) FROM callback_requests s WHERE s.appointment_id = c.appointment_id AND s.origin = 'reschedule'
          AND s.status IN ('pending', 'claimed')) AS open_siblings
     FROM callback_requests c LEFT JOIN appointments a ON a.id = c.appointment_id
     WHERE c.origin = 'reschedule' AND c.status IN ('pending', 'claimed')`,
  );
  for (const r of reschedules) {
    expect(r.appointment, `open reschedule ${r.id} has its appointment`).not.toBeNull();
    expect(r.open_siblings, `open reschedules of the appointment of ${r.id}`).toBe(1);
    // open and not withdrawn exactly while its appointment is a no-show (a withdrawn one is held, closing on return)
    expect(r.appointment === 'no_show', `reschedule ${r.id} (${r.status}) of a ${r.appointment} appointment`).toBe(
      r.withdrawn_reason === null,
    );
    if (r.withdrawn_reason !== null) expect(r.status, `withdrawn reschedule ${r.id}`).toBe('claimed');
  }
  const openInDb = await w.rows<{ item: string; owner_id: number | null; site_id: number | null; due_at: string }>(
    `SELECT 'callback:' || id AS item, owner_id, site_id, due_at FROM callback_requests WHERE status IN ('pending', 'claimed')
     UNION ALL SELECT 'lead_followup:' || id, owner_id, site_id, follow_up_at FROM leads WHERE status = 'open'`,
  );
  const sorted = (xs: string[]) => [...xs].sort();
  expect(sorted(openInDb.map((r) => r.item)), 'open promises vs the model').toEqual(
    sorted(m.openPromises().map((p) => p.itemId)),
  );
  const modelled = new Map(m.openPromises().map((p) => [p.itemId, p]));
  for (const op of OPERATORS) {
    const me = m.users[op].id;
    const mine = await w.clients[op].trpc.work.mine.query();
    const owned = openInDb.filter((r) => r.owner_id === me);
    expect(sorted(mine.map((p) => p.id)), `work.mine of ${op}`).toEqual(sorted(owned.map((r) => r.item)));
    for (const p of mine) {
      const want = modelled.get(p.id);
      expect(
        { dueAt: p.dueAt, personalUntil: p.personalUntil, held: p.held, due: p.due },
        `${p.id} in work.mine of ${op}`,
      ).toEqual({
        dueAt: iso(want?.dueAt ?? 0),
        personalUntil: iso(want?.personalUntil ?? null),
        held: want?.holder === me,
        due: (want?.dueAt ?? 0) <= m.now,
      });
    }
    const board = await w.clients[op].trpc.callbacks.board.query({ limit: 500 });
    const siteItems = openInDb.filter((r) => r.site_id === null || r.site_id === m.users[op].siteId);
    expect(sorted(board.items.map((i) => i.workItemId)), `SLA board seen by ${op}`).toEqual(
      sorted(siteItems.map((r) => r.item)),
    );
  }
  const board = await tl.trpc.callbacks.board.query({ limit: 500 });
  expect(sorted(board.items.map((i) => i.workItemId)), 'SLA board of the team lead').toEqual(
    sorted(openInDb.filter((r) => r.site_id === null || r.site_id === site).map((r) => r.item)),
  );
  // each row as the model has it: owner, personal grace, who is calling on it, due
  for (const item of board.items) {
    const want = modelled.get(item.workItemId);
    expect(
      {
        owner: item.owner?.userId ?? null,
        personalUntil: item.personalUntil,
        status: item.status,
        heldBy: item.heldBy?.userId ?? null,
        dueAt: item.dueAt,
        due: item.due,
      },
      `${item.workItemId} on the SLA board`,
    ).toEqual({
      owner: want?.ownerId ?? null,
      personalUntil: iso(want?.personalUntil ?? null),
      status: want?.holder ? 'claimed' : 'pending',
      heldBy: want?.holder ?? null,
      dueAt: iso(want?.dueAt ?? 0),
      due: (want?.dueAt ?? 0) <= m.now,
    });
  }
  const open = m.openPromises();
  expect(
    { waiting: board.counts.waiting, scheduled: board.counts.scheduled, claimed: board.counts.claimed },
    'SLA board counts',
  ).toEqual({
    waiting: open.filter((p) => p.holder === null && p.dueAt <= m.now).length,
    scheduled: open.filter((p) => p.holder === null && p.dueAt > m.now).length,
    claimed: open.filter((p) => p.holder !== null).length,
  });
}

// -------------------------------------------------------------------------------------------------------- commands

type Cmd = fc.AsyncCommand<Model, World>;
const ops = fc.constantFrom<Operator>('A', 'B');
const anyOp = fc.constantFrom<Operator>('A', 'B', 'B', 'A', 'C');
const pick = fc.nat({ max: 1000 });
/** Half-hours ahead for an agreed time: mostly soon (so the promise falls due within the sequence), up to three days. */
const halfHours = fc.oneof(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 150 }));

/** What the commands of the running sequence did, printed with a failure (the shrunk sequence's own run). */
let runLog: string[] = [];
function effect(text: string): void {
  runLog.push(`    → ${text}`);
}

/** Counts what the sequences did, for the summary line (what was covered, not what was checked). */
function note(what: string): void {
  stats.notes.set(what, (stats.notes.get(what) ?? 0) + 1);
}

/** Moves the clock a minute: a contact takes time, and the next one starts after it ended. */
function tick(m: Model, w: World): void {
  m.now += MINUTE;
  w.clock.set(new Date(m.now));
}

/** The first free future slot of an office near the customer, found the way the console does. */
async function freeSlot(
  client: ApiClient,
  customerId: number,
  now: number,
): Promise<{ postOfficeId: number; slotId: number; startsAt: number }> {
  const offices = await client.trpc.appointments.nearbyOffices.query({ customerId });
  for (const office of offices.filter((o) => o.freeSlots > 0)) {
    const slots = await client.trpc.appointments.slots.query({ postOfficeId: office.id, days: 14 });
    const slot = slots.find((s) => s.free > 0 && Date.parse(s.startsAt) > now);
    if (slot) return { postOfficeId: office.id, slotId: slot.id, startsAt: Date.parse(slot.startsAt) };
  }
  throw new Error(`no free slot near customer ${customerId}`);
}

type Fault = 'none' | 'bad_time' | 'wrong_customer' | 'wrong_office';

/**
 * An operator logs a contact: a call on the toll-free numbers (inbound sales, or cross-sell after solving the
 * customer's problem) or the item they hold (campaign contact, agreed callback, reschedule, lead follow-up), with any
 * outcome the flow has. The fault, when it applies, makes it a request the server must refuse with nothing written: an
 * agreed time outside the rules, another customer than the held item's, a slot of another office.
 */
class Complete implements Cmd {
  constructor(
    readonly op: Operator,
    readonly source: 'held' | 'inbound_sales' | 'ocs_cross_sell',
    readonly outcomePick: number,
    readonly customerPick: number,
    readonly halfHours: number,
    readonly fault: Fault,
    readonly style: number,
  ) {}

  check(): boolean {
    return true;
  }

  async run(m: Model, w: World): Promise<void> {
    if (this.source === 'held' && !m.holds[this.op]) {
      // nothing in hand: the operator takes the next item first, as the console's "Prossimo" does
      const next = new Next(this.op);
      await next.run(m, w);
      if (!m.holds[this.op]) return;
    }
    tick(m, w);
    const held = this.source === 'held' ? m.holds[this.op] : null;
    const ctx = heldContext(m, held);
    const flow: Flow = ctx?.flow ?? (this.source === 'held' ? 'callback' : this.source);
    const outcomes = OUTCOMES[ctx?.leadFollowUp ? 'lead_followup' : flow];
    const outcome = outcomes[this.outcomePick % outcomes.length] ?? 'not_interested';
    const customerId = ctx?.customerId ?? template.customers[this.customerPick % template.customers.length] ?? 0;
    const client = w.clients[this.op];
    const products = PRODUCT_FOR[outcome] ?? ['FIBRA', 'CONTO'];
    const product = products[this.style % products.length] ?? 'CONTO';
    const needsTime = outcome === 'callback_scheduled' || outcome === 'lead';
    const maxDays = outcome === 'lead' ? 366 : 30;
    const campaignWindow = outcome === 'callback_scheduled' && (ctx?.campaignWindow ?? false);
    const choice: TimeChoice =
      this.fault === 'bad_time'
        ? { valid: false, kind: BAD_TIMES[this.style % BAD_TIMES.length] ?? 'past' }
        : { valid: true, halfHours: this.halfHours };
    const at = needsTime ? agreedAt(choice, m.now, campaignWindow, maxDays) : null;
    const slot = outcome === 'up_appointment' ? await freeSlot(client, customerId, m.now) : null;
    const wrongCustomer = this.fault === 'wrong_customer' && held !== null && outcome !== 'not_reached';
    const identity = wrongCustomer ? (template.customers.find((c) => c !== customerId) ?? customerId) : customerId;
    const events = script({
      flow,
      outcome,
      customerId: identity,
      consent: m.consent.get(identity) ?? false,
      style: this.style,
      product,
      ...(slot
        ? {
            slot: {
              postOfficeId: this.fault === 'wrong_office' ? slot.postOfficeId + 1 : slot.postOfficeId,
              slotId: slot.slotId,
            },
          }
        : {}),
      ...(at === null ? {} : { at: new Date(at).toISOString() }),
    });
    const input: CompleteInteractionInput = {
      ...completion(flow, identity, outcome, events, {
        startMs: m.now - 50_000,
        stepMs: 2_000,
        handleMs: 45_000,
        acwMs: 5_000,
      }),
      work: held ? { kind: held.kind, sourceId: held.id } : { kind: 'inbound', sourceId: null },
    };
    const what = `${held ? workItemId(held) : flow}${ctx?.leadFollowUp ? ' (lead follow-up)' : ''} → ${outcome}`;
    effect(what);
    const applies =
      (this.fault === 'bad_time' && needsTime) ||
      (this.fault === 'wrong_customer' && wrongCustomer) ||
      (this.fault === 'wrong_office' && slot !== null);
    note(`${held ? `${held.kind} item` : flow} → ${outcome}${applies ? ` (${this.fault})` : ''}`);

    if (wrongCustomer) {
      effect('another customer than the held item’s: refused');
      return expectRefused(w, () => client.trpc.interactions.complete.mutate(input), 400);
    }
    if (at !== null && !acceptable(at, m.now, maxDays, campaignWindow)) {
      effect(`agreed time ${new Date(at).toISOString()}: refused`);
      return expectRefused(w, () => client.trpc.interactions.complete.mutate(input), 400);
    }
    if (slot && this.fault === 'wrong_office') {
      effect('a slot of another office: refused');
      return expectRefused(w, () => client.trpc.interactions.complete.mutate(input), 400, 'VALIDATION');
    }
    const result = await client.trpc.interactions.complete.mutate(input);
    expect(result.outcome).toBe(outcome);
    applyCompletion(
      m,
      this.op,
      held,
      { outcome, events, customerId, product, at, slot, flow, campaignFlow: ctx?.campaignWindow ?? false },
      result,
    );
    m.sent.push({
      label: `complete(${this.op}, ${what}, interaction ${result.interactionId})`,
      send: () => client.trpc.interactions.complete.mutate(input),
      first: result,
      otherBody: () => client.trpc.interactions.complete.mutate({ ...input, notes: 'un altro corpo' }),
      otherCaller: () => w.clients[this.op === 'A' ? 'B' : 'A'].trpc.interactions.complete.mutate(input),
    });
  }

  toString(): string {
    return `complete(${this.op}, ${this.source}, outcome#${this.outcomePick}, customer#${this.customerPick}, +${this.halfHours}×30min, ${this.fault}, style ${this.style})`;
  }
}

/** What the held item brings to the contact: its flow, customer, whether the campaign's calling window applies. */
function heldContext(
  m: Model,
  held: Held | null,
): { flow: Flow; customerId: number; campaignWindow: boolean; leadFollowUp: boolean } | null {
  if (!held) return null;
  if (held.kind === 'campaign') {
    const c = m.contacts.get(Number(held.id));
    return { flow: 'campaign', customerId: c?.customerId ?? 0, campaignWindow: true, leadFollowUp: false };
  }
  if (held.kind === 'callback') {
    const c = m.callbacks.get(held.id);
    return {
      flow: c?.flow ?? 'callback',
      customerId: c?.customerId ?? 0,
      campaignWindow: c?.flow === 'campaign',
      leadFollowUp: false,
    };
  }
  const l = m.leads.get(Number(held.id));
  return { flow: 'callback', customerId: l?.customerId ?? 0, campaignWindow: false, leadFollowUp: true };
}

/**
 * The model of a logged contact (README "Work queue", work/lifecycle.ts as specified, not as written): its value
 * outcome's effect, an opt-out everywhere at once, the held item closed, retried or moved, and a callback agreed on
 * anything but a lead's follow-up becoming one new item owned by the operator.
 */
function applyCompletion(
  m: Model,
  op: Operator,
  held: Held | null,
  c: {
    outcome: Outcome;
    events: EventWithoutTime[];
    customerId: number;
    product: string;
    at: number | null;
    slot: { startsAt: number } | null;
    flow: Flow;
    campaignFlow: boolean;
  },
  result: CompleteInteractionOutput,
): void {
  const me = m.users[op];
  const now = m.now;
  const { effects } = result;
  m.interactions.set(result.interactionId, {
    outcome: c.outcome,
    flow: c.flow,
    by: op,
    workKind: held?.kind ?? 'inbound',
  });
  if (c.events.some((e) => e.type === 'consent.granted')) m.consent.set(c.customerId, true);
  expect(effects.appointment !== null, 'an appointment iff up_appointment').toBe(c.outcome === 'up_appointment');
  expect(effects.funnelLink !== null, 'a link iff digital_funnel').toBe(c.outcome === 'digital_funnel');
  expect(effects.lead !== null, 'a lead iff lead').toBe(c.outcome === 'lead');
  expect(effects.optedOut, 'opted out iff opt_out').toBe(c.outcome === 'opt_out');
  if (effects.appointment) {
    expect(Date.parse(effects.appointment.startsAt)).toBe(c.slot?.startsAt);
    m.appointments.set(effects.appointment.id, {
      id: effects.appointment.id,
      interactionId: result.interactionId,
      customerId: c.customerId,
      bookedBy: op,
      startsAt: Date.parse(effects.appointment.startsAt),
      status: 'booked',
    });
  }
  if (effects.funnelLink) m.links.push({ url: effects.funnelLink.url, interactionId: result.interactionId, clicks: 0 });
  if (effects.lead) {
    expect(Date.parse(effects.lead.followUpAt)).toBe(c.at);
    m.leads.set(effects.lead.id, {
      id: effects.lead.id,
      interactionId: result.interactionId,
      customerId: c.customerId,
      productCode: c.product,
      ownerId: me.id,
      siteId: me.siteId,
      followUpAt: c.at ?? 0,
      personalUntil: (c.at ?? 0) + GRACE,
      attempts: 0,
      status: 'open',
      holder: null,
    });
  }
  if (c.outcome === 'opt_out') {
    m.consent.set(c.customerId, false);
    for (const k of m.contacts.values()) {
      if (k.customerId !== c.customerId || (k.status !== 'pending' && k.status !== 'claimed')) continue;
      // whoever was calling on it loses it (the contact this very call came from is settled below)
      m.dropHoldOf(k.holder);
      Object.assign(k, { status: 'removed', holder: null });
    }
    for (const cb of m.callbacks.values()) {
      if (cb.customerId !== c.customerId || cb.flow !== 'campaign') continue;
      if (cb.status === 'pending') cb.status = 'cancelled';
      // one held right now stays with its operator (this very call's item is settled below), marked withdrawn
      else if (cb.status === 'claimed') {
        cb.withdrawn = 'opt_out';
        note('campaign callback withdrawn while held (opt-out)');
      }
    }
  }

  if (held?.kind === 'lead_followup') {
    const lead = m.leads.get(Number(held.id));
    if (!lead) throw new Error(`model: no lead ${held.id}`);
    lead.holder = null;
    if (c.outcome === 'not_reached') {
      lead.attempts++;
      if (lead.attempts < LEAD_MAX_ATTEMPTS) {
        lead.followUpAt = now + RETRY;
        lead.personalUntil = lead.ownerId === null ? null : now + RETRY + GRACE;
      } else lead.status = 'lost';
    } else if (c.outcome === 'callback_scheduled') {
      Object.assign(lead, { followUpAt: c.at, ownerId: me.id, personalUntil: (c.at ?? 0) + GRACE });
    } else {
      lead.status = ['up_appointment', 'digital_funnel', 'assisted_sale'].includes(c.outcome) ? 'won' : 'lost';
    }
  } else if (held?.kind === 'campaign') {
    const k = m.contacts.get(Number(held.id));
    if (!k) throw new Error(`model: no contact ${held.id}`);
    if (k.status === 'claimed') {
      k.holder = null;
      if (c.outcome !== 'not_reached') k.status = 'done';
      else if (++k.attempts >= CAMPAIGN_MAX_ATTEMPTS) k.status = 'exhausted';
      else Object.assign(k, { status: 'pending', dueAt: now + CAMPAIGN_RETRY });
    }
  } else if (held?.kind === 'callback') {
    const cb = m.callbacks.get(held.id);
    if (!cb) throw new Error(`model: no callback ${held.id}`);
    cb.holder = null;
    if (c.outcome !== 'not_reached') cb.status = 'done';
    else if ((cb.attempts++, cb.withdrawn)) cb.status = 'cancelled';
    else if (cb.attempts >= CALLBACK_MAX_ATTEMPTS) cb.status = 'failed';
    else {
      // a campaign's callback is retried inside the campaign's calling window
      const retryAt =
        cb.flow === 'campaign'
          ? (nextWindowOpening(DEFAULT_CALLING_WINDOW, new Date(now + RETRY))?.getTime() ?? 0)
          : now + RETRY;
      if (retryAt !== now + RETRY) note('campaign callback retried at the window');
      Object.assign(cb, {
        status: 'pending',
        dueAt: retryAt,
        personalUntil: cb.ownerId === null ? null : retryAt + GRACE,
      });
    }
  }
  if (held) m.holds[op] = null;

  const agreed = c.outcome === 'callback_scheduled' && held?.kind !== 'lead_followup';
  expect(effects.callbackId !== null, 'a new callback item iff a callback agreed outside a lead follow-up').toBe(
    agreed,
  );
  if (agreed && effects.callbackId) {
    m.callbacks.set(effects.callbackId, {
      id: effects.callbackId,
      origin: 'agreed',
      flow: c.campaignFlow ? 'campaign' : 'callback',
      customerId: c.customerId,
      ownerId: me.id,
      siteId: me.siteId,
      dueAt: c.at ?? 0,
      personalUntil: (c.at ?? 0) + GRACE,
      attempts: 0,
      status: 'pending',
      holder: null,
      interactionId: result.interactionId,
      appointmentId: null,
    });
  }
}

/**
 * work.next: the operator gets the most urgent item the queue's rules allow them — their own due promise first,
 * another operator's only past its personal grace, never another site's — or the one they already hold.
 */
class Next implements Cmd {
  constructor(readonly op: Operator) {}

  check(): boolean {
    return true;
  }

  async run(m: Model, w: World): Promise<void> {
    const item: WorkItem | null = await w.clients[this.op].trpc.work.next.mutate({});
    if (!m.holds[this.op]) await expectDeferredOutsideWindow(m, w);
    const expected = expectedNext(m, this.op);
    effect(`got ${item?.id ?? 'nothing'}, expected one of [${expected.join(', ')}]`);
    if (expected.length === 0) {
      expect(item, `work.next of ${this.op} at ${iso(m.now)}`).toBeNull();
      return;
    }
    expect(expected, `work.next of ${this.op} at ${iso(m.now)}`).toContain(item?.id);
    if (!item) return;
    const kind = item.kind;
    const owner =
      kind === 'callback'
        ? m.callbacks.get(item.sourceId)?.ownerId
        : kind === 'lead_followup'
          ? m.leads.get(Number(item.sourceId))?.ownerId
          : undefined;
    if (m.holds[this.op]) note('work.next: the item already held');
    else if (owner === undefined) note('work.next: a campaign contact');
    else
      note(
        `work.next: ${owner === m.users[this.op].id ? 'own' : owner === null ? 'unowned' : "a colleague's"} ${kind}`,
      );
    claim(m, this.op, { kind, id: item.sourceId });
    const ctx = heldContext(m, { kind, id: item.sourceId });
    expect({ flow: item.flow, customerId: item.customerId }).toEqual({ flow: ctx?.flow, customerId: ctx?.customerId });
  }

  toString(): string {
    return `next(${this.op})`;
  }
}

/** The model of a claim: the item is the operator's under a lease until they log, release or lose it. */
function claim(m: Model, op: Operator, h: Held): void {
  const me = m.users[op].id;
  if (h.kind === 'callback') {
    const c = m.callbacks.get(h.id);
    if (c) Object.assign(c, { status: 'claimed', holder: me });
  } else if (h.kind === 'lead_followup') {
    const l = m.leads.get(Number(h.id));
    if (l) l.holder = me;
  } else {
    const k = m.contacts.get(Number(h.id));
    if (k) Object.assign(k, { status: 'claimed', holder: me });
  }
  m.holds[op] = h;
}

/**
 * work.take: an operator takes one of their own due promises now ("I miei impegni"). Refused (409) when it is
 * someone else's, not due, taken, closed, or while they hold another item.
 */
class Take implements Cmd {
  constructor(
    readonly op: Operator,
    readonly which: number,
  ) {}

  check(m: Readonly<Model>): boolean {
    return m.openPromises().length > 0;
  }

  async run(m: Model, w: World): Promise<void> {
    const promises = m.openPromises();
    const p = promises[this.which % promises.length];
    if (!p) return;
    effect(`${p.itemId} (owner ${p.ownerId}, due ${iso(p.dueAt)})`);
    const [kind, id] = [
      p.itemId.slice(0, p.itemId.indexOf(':')) as HeldKind,
      p.itemId.slice(p.itemId.indexOf(':') + 1),
    ];
    const me = m.users[this.op].id;
    const held = m.holds[this.op];
    const free =
      kind === 'callback' ? m.callbacks.get(id)?.status === 'pending' : m.leads.get(Number(id))?.holder === null;
    const take = () => w.clients[this.op].trpc.work.take.mutate({ id: p.itemId });
    if (held && workItemId(held) === p.itemId) {
      expect((await take()).id).toBe(p.itemId);
    } else if (
      !held &&
      p.ownerId === me &&
      free &&
      p.dueAt <= m.now &&
      // a campaign's callback waits for the campaign's calling window
      (kind !== 'callback' ||
        m.callbacks.get(id)?.flow !== 'campaign' ||
        isInsideCallingWindow(DEFAULT_CALLING_WINDOW, new Date(m.now)))
    ) {
      expect((await take()).id).toBe(p.itemId);
      claim(m, this.op, { kind, id });
    } else {
      effect('refused');
      await expectRefused(w, take, 409);
    }
  }

  toString(): string {
    return `take(${this.op}, promise#${this.which})`;
  }
}

/** work.release: the operator gives the held item back at once (audited); releasing it again changes nothing. */
class Release implements Cmd {
  constructor(readonly op: Operator) {}

  check(m: Readonly<Model>): boolean {
    return m.holds[this.op] !== null;
  }

  async run(m: Model, w: World): Promise<void> {
    await release(m, w, this.op);
  }

  toString(): string {
    return `release(${this.op})`;
  }
}

/** work.release of what `op` holds, twice: the second time nothing is left to release and no row changes. */
async function release(m: Model, w: World, op: Operator): Promise<void> {
  const held = m.holds[op];
  if (!held) return;
  const send = () => w.clients[op].trpc.work.release.mutate({ id: workItemId(held), reason: 'Pausa' });
  expect(await send()).toEqual({ released: true });
  const before = await w.fingerprint();
  expect(await send(), 'a second release').toEqual({ released: false });
  expect(await w.fingerprint(), 'a second release changed rows').toBe(before);
  if (held.kind === 'callback') {
    const cb = m.callbacks.get(held.id);
    // withdrawn while held: it closes instead of coming back
    if (cb) Object.assign(cb, { status: cb.withdrawn ? 'cancelled' : 'pending', holder: null });
  } else if (held.kind === 'lead_followup') Object.assign(m.leads.get(Number(held.id)) ?? {}, { holder: null });
  else Object.assign(m.contacts.get(Number(held.id)) ?? {}, { status: 'pending', holder: null });
  m.holds[op] = null;
}

/** Another operator's item (or one nobody holds): logging a contact on it is refused (403) and writes nothing. */
class CompleteNotHeld implements Cmd {
  constructor(
    readonly op: Operator,
    readonly which: number,
  ) {}

  check(m: Readonly<Model>): boolean {
    return this.items(m).length > 0;
  }

  private items(m: Readonly<Model>): Held[] {
    const mine = m.holds[this.op];
    const all: Held[] = [
      ...[...m.callbacks.keys()].map((id) => ({ kind: 'callback' as const, id })),
      ...[...m.leads.keys()].map((id) => ({ kind: 'lead_followup' as const, id: String(id) })),
      ...[...m.contacts.keys()].map((id) => ({ kind: 'campaign' as const, id: String(id) })),
    ];
    return all.filter((h) => !mine || workItemId(h) !== workItemId(mine));
  }

  async run(m: Model, w: World): Promise<void> {
    const items = this.items(m);
    const h = items[this.which % items.length];
    if (!h) return;
    effect(workItemId(h));
    const events: EventWithoutTime[] = [{ type: 'contact.not_reached', reason: 'no_answer' }];
    const flow = h.kind === 'campaign' ? 'campaign' : 'callback';
    const input = {
      ...completion(flow, null, 'not_reached', events, { startMs: m.now - 50_000, handleMs: 20_000 }),
      work: { kind: h.kind, sourceId: h.id },
    };
    await expectRefused(w, () => w.clients[this.op].trpc.interactions.complete.mutate(input), 403, 'FORBIDDEN_SCOPE');
  }

  toString(): string {
    return `completeNotHeld(${this.op}, item#${this.which})`;
  }
}

/** A sale on the phone outside a lead's follow-up: the script does not allow it (400), nothing is written. */
class SaleWithoutLead implements Cmd {
  constructor(readonly op: Operator) {}

  check(): boolean {
    return true;
  }

  async run(m: Model, w: World): Promise<void> {
    const customerId = template.customers[0] ?? 0;
    const events = script({
      flow: 'callback',
      outcome: 'assisted_sale',
      customerId,
      consent: true,
      style: 1,
      product: 'FIBRA',
    });
    const input = {
      ...completion('callback', customerId, 'assisted_sale', events, { startMs: m.now - 50_000, handleMs: 45_000 }),
      work: { kind: 'manual' as const, sourceId: null },
    };
    await expectRefused(w, () => w.clients[this.op].trpc.interactions.complete.mutate(input), 400, 'REPLAY_REJECTED');
  }

  toString(): string {
    return `saleWithoutLead(${this.op})`;
  }
}

type ClockTarget = 'minutes' | 'next_due' | 'past_grace' | 'past_appointment' | 'next_morning';

/**
 * Time passes (items held are released first: a lease is not what this test is about): some minutes, to the next
 * due promise or contact, past the next personal grace (the site's pool gets the promise), past the next appointment's
 * start (a no-show can be recorded), or to tomorrow morning.
 */
class AdvanceClock implements Cmd {
  constructor(
    readonly target: ClockTarget,
    readonly minutes: number,
  ) {}

  private to(m: Readonly<Model>): number | null {
    const future = (xs: number[]) => {
      const later = xs.filter((t) => t > m.now);
      return later.length ? Math.min(...later) : null;
    };
    let t: number | null;
    switch (this.target) {
      case 'minutes':
        t = m.now + this.minutes * MINUTE;
        break;
      case 'next_due':
        t = future([
          ...m.openPromises().map((p) => p.dueAt),
          ...[...m.contacts.values()].filter((c) => c.status === 'pending').map((c) => c.dueAt),
        ]);
        break;
      case 'past_grace': {
        const until = future([
          ...m.openCallbacks().map((c) => c.personalUntil ?? 0),
          ...m.openLeads().map((l) => l.personalUntil ?? 0),
        ]);
        t = until === null ? null : until + MINUTE;
        break;
      }
      case 'past_appointment': {
        const starts = future([...m.appointments.values()].filter((a) => a.status === 'booked').map((a) => a.startsAt));
        t = starts === null ? null : starts + this.minutes * MINUTE;
        break;
      }
      case 'next_morning':
        t = romeToUtc(addDays(romeParts(new Date(m.now)).date, 1), 9 * 60).getTime();
        break;
    }
    return t !== null && t <= HORIZON_MS ? t : null;
  }

  check(m: Readonly<Model>): boolean {
    return this.to(m) !== null;
  }

  async run(m: Model, w: World): Promise<void> {
    const t = this.to(m);
    if (t === null) return;
    // whoever holds an item gives it back first: the leases are not what this test is about
    for (const op of OPERATORS) if (m.holds[op]) await release(m, w, op);
    m.now = t;
    w.clock.set(new Date(t));
  }

  toString(): string {
    return `advanceClock(${this.target}${this.target === 'minutes' || this.target === 'past_appointment' ? `, ${this.minutes} min` : ''})`;
  }
}

/** The customer opens the funnel link, maybe several times: only the first click realises the contact's value. */
class Click implements Cmd {
  constructor(
    readonly which: number,
    readonly times: number,
    readonly tampered: boolean,
  ) {}

  check(m: Readonly<Model>): boolean {
    return m.links.length > 0;
  }

  async run(m: Model, w: World): Promise<void> {
    const link = m.links[this.which % m.links.length];
    if (!link) return;
    if (this.tampered) {
      const before = await w.fingerprint();
      const res = await fetch(`${link.url.slice(0, -2)}${link.url.endsWith('AA') ? 'BB' : 'AA'}`, {
        redirect: 'manual',
      });
      expect(res.status, 'a tampered funnel link').toBe(404);
      expect(await w.fingerprint(), 'a tampered link changed rows').toBe(before);
      return;
    }
    for (let i = 0; i < this.times; i++) {
      const res = await fetch(link.url, { redirect: 'manual' });
      expect(res.status, 'a funnel link redirects').toBe(302);
      link.clicks++;
    }
  }

  toString(): string {
    return `click(link#${this.which}, ${this.tampered ? 'tampered' : `${this.times}×`})`;
  }
}

type StatusChannel = 'team_lead' | 'post_office' | 'post_office_no_key';
type AppointmentStatus = ModelAppointment['status'];

/**
 * An appointment's status changes: attended, no-show, a correction back to booked or between them (team lead's
 * screen, or the post office's endpoint, with or without an Idempotency-Key), a cancellation. Attended realises the
 * contact's value once, a correction takes it back; a no-show becomes one reschedule callback, withdrawn by a
 * correction while nobody is calling on it; the impossible changes are refused (409).
 */
class SetAppointmentStatus implements Cmd {
  constructor(
    readonly which: number,
    readonly status: AppointmentStatus,
    readonly channel: StatusChannel,
    readonly afterStart: boolean,
  ) {}

  check(m: Readonly<Model>): boolean {
    return m.appointments.size > 0;
  }

  async run(m: Model, w: World): Promise<void> {
    const list = [...m.appointments.values()];
    const a = list[this.which % list.length];
    if (!a) return;
    if (this.afterStart && a.startsAt + 30 * MINUTE > m.now && a.startsAt + 30 * MINUTE <= HORIZON_MS) {
      // the day of the appointment comes (what the branch reports is known only once it has started)
      await new AdvanceClock('minutes', (a.startsAt + 30 * MINUTE - m.now) / MINUTE).run(m, w);
    }
    const to = this.status;
    const viaPostOffice = this.channel !== 'team_lead' && (to === 'attended' || to === 'no_show');
    effect(`appointment ${a.id} ${a.status} → ${to}${viaPostOffice ? ` via ${this.channel}` : ''}`);
    const openReschedule = () =>
      [...m.callbacks.values()].find(
        (c) =>
          c.origin === 'reschedule' &&
          c.appointmentId === a.id &&
          (c.status === 'pending' || c.status === 'claimed') &&
          !c.withdrawn,
      ) ?? null;
    const withdrawnReschedule = () =>
      [...m.callbacks.values()].find(
        (c) => c.origin === 'reschedule' && c.appointmentId === a.id && c.status === 'claimed' && c.withdrawn,
      ) ?? null;
    const allowed =
      a.status === to ||
      (a.status !== 'cancelled' &&
        (to === 'cancelled' ? a.status === 'booked' && a.startsAt > m.now : to !== 'no_show' || a.startsAt <= m.now));
    const requestId = randomUUID();
    const key = this.channel === 'post_office' ? randomUUID() : null;
    const send = async (status: AppointmentStatus): Promise<unknown> => {
      if (!viaPostOffice)
        return w.clients.TL.trpc.appointments.setStatus.mutate({ appointmentId: a.id, status, requestId });
      const res = await w.attendance(a.id, status as 'attended' | 'no_show', key);
      const body: unknown = await res.json();
      return { httpStatus: res.status, body };
    };
    if (!allowed) {
      effect('refused');
      if (!viaPostOffice) return expectRefused(w, () => send(to), 409);
      const before = await w.fingerprint();
      expect(await send(to)).toMatchObject({ httpStatus: 409, body: { error: { code: 'CONFLICT' } } });
      expect(await w.fingerprint(), 'a refused attendance report changed rows').toBe(before);
      stats.refused++;
      return;
    }
    const from = a.status;
    const result = await send(to);
    note(`appointment ${from} → ${to}`);
    let reschedule = openReschedule();
    if (from !== to) {
      a.status = to;
      const held = withdrawnReschedule();
      if (to === 'no_show' && reschedule === null && held !== null) {
        // no-show again while its withdrawn reschedule is still being called: wanted after all
        held.withdrawn = null;
        reschedule = held;
        note('withdrawn reschedule restored');
      } else if (to === 'no_show' && reschedule === null) {
        const id = viaPostOffice
          ? ((
              await w.rows<{ id: string }>(
                `SELECT id FROM callback_requests WHERE appointment_id = ? AND status = 'pending'`,
                a.id,
              )
            )[0]?.id ?? '')
          : ((result as { rescheduleCallbackId: string | null }).rescheduleCallbackId ?? '');
        const dueAt = nextServiceOpening(new Date(m.now + HOUR))?.getTime() ?? 0;
        reschedule = {
          id,
          origin: 'reschedule',
          flow: 'callback',
          customerId: a.customerId,
          ownerId: m.users[a.bookedBy].id,
          siteId: m.users[a.bookedBy].siteId,
          dueAt,
          personalUntil: dueAt + GRACE,
          attempts: 0,
          status: 'pending',
          holder: null,
          interactionId: null,
          appointmentId: a.id,
        };
        m.callbacks.set(id, reschedule);
      } else if (from === 'no_show' && reschedule !== null) {
        // withdrawn: at once when nobody calls on it, else when its operator lets it go
        if (reschedule.status === 'pending') reschedule.status = 'cancelled';
        else {
          reschedule.withdrawn = `appointment_${to}`;
          note('reschedule withdrawn while held');
        }
        reschedule = null;
      }
    }
    if (viaPostOffice) {
      expect(result).toEqual({ httpStatus: 200, body: { id: a.id, status: to } });
      if (key !== null) {
        m.sent.push({
          label: `attendance(${a.id}, ${to})`,
          send: async () => {
            const res = await w.attendance(a.id, to, key);
            expect(res.headers.get('idempotent-replayed')).toBe('true');
            return { httpStatus: res.status, body: (await res.json()) as unknown };
          },
          first: result,
          otherBody: async () => {
            const res = await w.attendance(a.id, to === 'attended' ? 'no_show' : 'attended', key);
            return { httpStatus: res.status, body: (await res.json()) as unknown };
          },
        });
      }
    } else {
      expect(result).toEqual({ id: a.id, status: to, rescheduleCallbackId: reschedule?.id ?? null });
      m.sent.push({
        label: `setStatus(${a.id}, ${to})`,
        send: () => w.clients.TL.trpc.appointments.setStatus.mutate({ appointmentId: a.id, status: to, requestId }),
        first: result,
        otherBody: () =>
          w.clients.TL.trpc.appointments.setStatus.mutate({
            appointmentId: a.id,
            status: to === 'booked' ? 'attended' : 'booked',
            requestId,
          }),
        otherCaller: () =>
          w.clients.AD.trpc.appointments.setStatus.mutate({ appointmentId: a.id, status: to, requestId }),
      });
    }
  }

  toString(): string {
    return `setAppointmentStatus(appointment#${this.which}, ${this.status}, ${this.channel}${this.afterStart ? ', after its start' : ''})`;
  }
}

/**
 * A lead closed by hand, won or lost: by the team lead, any open lead of the site; by an operator, only the lead whose
 * follow-up they hold (else 403). Once: a closed lead cannot be closed again (409). Whoever was calling on it loses it.
 */
class CloseLead implements Cmd {
  constructor(
    readonly which: number,
    readonly status: 'won' | 'lost',
    readonly by: 'TL' | 'A',
  ) {}

  check(m: Readonly<Model>): boolean {
    return m.leads.size > 0;
  }

  async run(m: Model, w: World): Promise<void> {
    const list = [...m.leads.values()];
    const held = m.holds.A?.kind === 'lead_followup' ? m.leads.get(Number(m.holds.A.id)) : undefined;
    // an operator mostly closes the lead they are calling on
    const lead = this.by === 'A' && held && this.which % 3 !== 0 ? held : list[this.which % list.length];
    if (!lead) return;
    effect(`lead ${lead.id} ${lead.status} → ${this.status} by ${this.by}`);
    const requestId = randomUUID();
    const other: Who = this.by === 'A' ? 'TL' : 'A';
    const close = (status: 'won' | 'lost', who: Who = this.by) =>
      w.clients[who].trpc.leads.close.mutate({ leadId: lead.id, status, requestId });
    if (this.by === 'A' && lead !== held) {
      effect('not the lead the operator holds: refused');
      return expectRefused(w, () => close(this.status), 403, 'FORBIDDEN_SCOPE');
    }
    if (lead.status !== 'open') {
      effect('refused');
      return expectRefused(w, () => close(this.status), 409);
    }
    const result = await close(this.status);
    note(`lead closed ${this.status} by hand${lead.holder === null ? '' : ' while being called'}`);
    expect(result).toMatchObject({ id: lead.id, status: this.status });
    m.dropHoldOf(lead.holder);
    Object.assign(lead, { status: this.status, holder: null });
    m.sent.push({
      label: `leads.close(${lead.id}, ${this.status}, by ${this.by})`,
      send: () => close(this.status),
      first: result,
      otherBody: () => close(this.status === 'won' ? 'lost' : 'won'),
      otherCaller: () => close(this.status, other),
    });
  }

  toString(): string {
    return `closeLead(lead#${this.which}, ${this.status}, by ${this.by})`;
  }
}

type RetryKind = 'same' | 'other_body' | 'other_caller';

/**
 * A retry: a mutation that succeeded is sent again with the same idempotency key and body (a lost answer, a double
 * click, the offline queue): the first answer comes back and no row changes. With another body under the same key, or
 * the same key from another user, it is refused (409) and no row changes either.
 */
class Retry implements Cmd {
  constructor(
    readonly which: number,
    readonly kind: RetryKind,
  ) {}

  check(m: Readonly<Model>): boolean {
    return m.sent.length > 0;
  }

  async run(m: Model, w: World): Promise<void> {
    const sent = m.sent[this.which % m.sent.length];
    if (!sent) return;
    const kind = this.kind === 'other_caller' && !sent.otherCaller ? 'same' : this.kind;
    effect(`${kind}: ${sent.label}`);
    note(`retry: ${kind}`);
    const before = await w.fingerprint();
    if (kind === 'same') {
      expect(await sent.send(), `the retry of ${sent.label}`).toEqual(sent.first);
    } else {
      const call = kind === 'other_body' ? sent.otherBody : (sent.otherCaller ?? sent.otherBody);
      const answer = await call().then(
        (ok) => ok,
        (error: unknown) => error,
      );
      if (answer && typeof answer === 'object' && 'httpStatus' in answer) {
        expect(answer, `${kind} under the key of ${sent.label}`).toMatchObject({
          httpStatus: 409,
          body: { error: { code: 'CONFLICT' } },
        });
      } else {
        const error = asTrpcError(answer);
        expect(error.data, `${kind} under the key of ${sent.label}`).toMatchObject({
          httpStatus: 409,
          domainCode: 'IDEMPOTENCY_MISMATCH',
        });
      }
    }
    expect(await w.fingerprint(), `the retry of ${sent.label} changed rows`).toBe(before);
  }

  toString(): string {
    return `retry(sent#${this.which}, ${this.kind})`;
  }
}

/** Every command, weighted: contacts and claims most often, the rest now and then. */
const source = fc.constantFrom<'held' | 'inbound_sales' | 'ocs_cross_sell'>(
  'held',
  'held',
  'inbound_sales',
  'ocs_cross_sell',
);
const fault = fc.constantFrom<Fault>(
  'none',
  'none',
  'none',
  'none',
  'none',
  'none',
  'bad_time',
  'wrong_customer',
  'wrong_office',
);
const style = fc.nat({ max: 11 });
const complete = (sources: fc.Arbitrary<'held' | 'inbound_sales' | 'ocs_cross_sell'>, faults: fc.Arbitrary<Fault>) =>
  fc
    .record({ op: ops, source: sources, outcome: pick, customer: pick, halfHours, fault: faults, style })
    .map((r) => new Complete(r.op, r.source, r.outcome, r.customer, r.halfHours, r.fault, r.style));
const clockTargets = fc.constantFrom<ClockTarget>(
  'minutes',
  'next_due',
  'next_due',
  'past_grace',
  'past_grace',
  'past_appointment',
  'next_morning',
);
const next = anyOp.map((op) => new Next(op));
const take = fc.tuple(anyOp, pick).map(([op, which]) => new Take(op, which));
const releaseHeld = ops.map((op) => new Release(op));
const completeNotHeld = fc.tuple(anyOp, pick).map(([op, which]) => new CompleteNotHeld(op, which));
const saleWithoutLead = ops.map((op) => new SaleWithoutLead(op));
const advanceClock = fc
  .tuple(clockTargets, fc.integer({ min: 1, max: 90 }))
  .map(([target, minutes]) => new AdvanceClock(target, minutes));
const click = fc
  .tuple(pick, fc.integer({ min: 1, max: 3 }), fc.nat({ max: 5 }))
  .map(([which, times, tamper]) => new Click(which, times, tamper === 0));
const setAppointmentStatus = fc
  .tuple(
    pick,
    fc.constantFrom<AppointmentStatus>('attended', 'attended', 'no_show', 'no_show', 'booked', 'cancelled'),
    fc.constantFrom<StatusChannel>('team_lead', 'post_office', 'post_office_no_key'),
    fc.boolean(),
  )
  .map(([which, status, channel, afterStart]) => new SetAppointmentStatus(which, status, channel, afterStart));
const closeLead = fc
  .tuple(pick, fc.constantFrom<'won' | 'lost'>('won', 'lost'), fc.constantFrom<'TL' | 'A'>('TL', 'TL', 'A'))
  .map(([which, status, by]) => new CloseLead(which, status, by));
const retry = fc
  .tuple(pick, fc.constantFrom<RetryKind>('same', 'same', 'other_body', 'other_caller'))
  .map(([which, kind]) => new Retry(which, kind));
const completeHeld = complete(
  fc.constant('held'),
  fc.constantFrom<Fault>('none', 'none', 'none', 'bad_time', 'wrong_customer'),
);
const commands: fc.Arbitrary<Cmd>[] = [
  fc.oneof(
    { weight: 6, arbitrary: complete(source, fault) },
    { weight: 8, arbitrary: completeHeld },
    { weight: 6, arbitrary: next },
    { weight: 2, arbitrary: take },
    { weight: 1, arbitrary: releaseHeld },
    { weight: 1, arbitrary: completeNotHeld },
    { weight: 1, arbitrary: saleWithoutLead },
    { weight: 6, arbitrary: advanceClock },
    { weight: 2, arbitrary: click },
    { weight: 4, arbitrary: setAppointmentStatus },
    { weight: 1, arbitrary: closeLead },
    { weight: 2, arbitrary: retry },
  ),
];

// ----------------------------------------------------------------------------------------------------------- the run

beforeAll(async () => {
  template = await prepareTemplate();
}, 120_000);

afterAll(async () => {
  if (templateDir) fs.rmSync(templateDir, { recursive: true, force: true });
  await cluster?.close();
});

it(
  `value loop: ${RUNS} random sequences of real operations keep the model and the invariants`,
  async () => {
    stats.started = Date.now();
    const details = await fc.check(
      fc.asyncProperty(
        fc.constantFrom(...START_OFFSETS),
        fc.commands(commands, {
          maxCommands: MAX_COMMANDS,
          size: 'max',
          ...(REPLAY === undefined ? {} : { replayPath: REPLAY }),
        }),
        async (offset, cmds) => {
          const t0 = performance.now();
          const world = await World.open(BASE_MS + offset);
          stats.ms.set('(open)', (stats.ms.get('(open)') ?? 0) + performance.now() - t0);
          runLog = [];
          try {
            const model = new Model(BASE_MS + offset);
            await fc.asyncModelRun(() => ({ model, real: world }), wrapAll(cmds));
            const t0 = performance.now();
            await expectValueLoopInvariants(model, world);
            stats.ms.set('(invariants)', (stats.ms.get('(invariants)') ?? 0) + performance.now() - t0);
            stats.sequences++;
          } catch (error) {
            // what this very run did, step by step: the shrunk sequence's effects, for the report
            const message = error instanceof Error ? error.message : String(error);
            throw new Error(`${message}\nThe failing run:\n  ${runLog.join('\n  ')}`, { cause: error });
          } finally {
            await world.close();
          }
        },
      ),
      { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }), ...(PATH === undefined ? {} : { path: PATH }) },
    );
    const seconds = (Date.now() - stats.started) / 1000;
    // one line the soak's summary picks up (sequences and commands include the shrinking's re-runs)
    console.log(
      `model value loop: ${stats.sequences} sequences, ${stats.commands} commands (${stats.refused} refused as expected) in ${seconds.toFixed(1)} s${details.failed ? ` — FAILED at sequence ${details.numRuns}` : ''}`,
    );
    if (details.failed) {
      // the minimal sequence, one command a line, and how to replay it
      const [offset, cmds] = details.counterexample ?? [0, ''];
      const failure = [
        `value loop: a sequence broke the model or an invariant (seed ${details.seed}, after ${details.numRuns} sequences, shrunk ${details.numShrinks} times).`,
        `Replay: VALORE_MODEL_SEED=${details.seed} VALORE_MODEL_PATH=${details.counterexamplePath ?? ''} VALORE_MODEL_REPLAY='${/replayPath="([^"]*)"/.exec(fc.stringify(cmds))?.[1] ?? ''}' VALORE_MODEL_RUNS=${RUNS}`,
        `Start: ${new Date(BASE_MS + offset).toISOString()}`,
        `Commands:\n  ${ranCommands(cmds).join('\n  ')}`,
        details.errorInstance instanceof Error
          ? (details.errorInstance.stack ?? details.errorInstance.message)
          : String(details.errorInstance),
      ].join('\n');
      console.error(failure);
      throw new Error(failure);
    }
    console.log(`  by command: ${[...stats.kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    if (process.env.VALORE_MODEL_VERBOSE) {
      for (const [what, n] of [...stats.notes].sort()) console.log(`  ${String(n).padStart(6)} ${what}`);
      for (const [what, ms] of stats.ms) console.log(`  ${(ms / 1000).toFixed(1).padStart(6)} s ${what}`);
    }
  },
  TIMEOUT,
);

/** The commands of a (shrunk) sequence that ran, as fast-check's wrappers record it. */
function ranCommands(cmds: unknown): string[] {
  if (!cmds || typeof cmds !== 'object' || !(Symbol.iterator in cmds)) return [String(cmds)];
  return [...(cmds as Iterable<{ hasRan?: boolean; toString(): string }>)]
    .filter((c) => c.hasRan)
    .map((c) => c.toString());
}

/** After every command, the queues in the database must equal the model's. */
function wrapAll(cmds: Iterable<Cmd>): Iterable<Cmd> {
  return [...cmds].map((c) => ({
    check: (m: Readonly<Model>) => c.check(m),
    run: async (m: Model, w: World) => {
      const t0 = performance.now();
      stats.commands++;
      runLog.push(`${iso(m.now)} ${c.toString()}`);
      await c.run(m, w);
      const kind = c.toString().replace(/\(.*$/s, '');
      stats.kinds.set(kind, (stats.kinds.get(kind) ?? 0) + 1);
      const t1 = performance.now();
      await expectQueuesAsModelled(m, w);
      stats.ms.set(kind, (stats.ms.get(kind) ?? 0) + t1 - t0);
      stats.ms.set('(queue check)', (stats.ms.get('(queue check)') ?? 0) + performance.now() - t1);
    },
    toString: () => c.toString(),
  }));
}
