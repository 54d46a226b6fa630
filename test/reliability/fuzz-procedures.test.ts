import SQLite from 'better-sqlite3';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FLOW_VERSIONS } from '@valore/shared/flows/index';
import { callbackRequestBody } from '@valore/shared/schemas/callbacks';
import { ctiEventBody } from '@valore/shared/schemas/cti';
import { attendanceReportBody } from '@valore/shared/schemas/appointments';
import { MovableClock } from '@valore/server/testing/movable-clock';
import { appRouter } from '@valore/server/trpc/root';
import { createApiClient, type ApiClient } from '../helpers/api-client';
import { startTestServer, TEST_ENGINE, TEST_INTAKE_KEY, type TestServer } from '../helpers/server';
import { agreedTime } from '@valore/server/testing/agreed-time';

/**
 * Fuzzing: every tRPC procedure of the router (found at run time, so new ones are covered automatically) and every
 * REST endpoint is driven with generated and hostile input over real HTTP. Every answer must be a success or a 4xx
 * with a message — never a 5xx — and an input the server rejects must change no row (`watchWrites` below: a counter
 * that moves whenever a change to the database is committed).
 *
 * Why the draft of this file "hung": nothing hung. The first failing case (a 431 with an empty body: Node's parser
 * refusing a query URL over 16 KB, now answered with a message by server/src/http/client-error.ts) started fast-check's shrinking, and shrinking a nest of 5,000-character strings with cross-shrink costs one HTTP
 * call per candidate — tens of thousands of them, silently. Here a failure ends the run at once (`endOnFailure`)
 * and is reported with a shortened counterexample and its seed, so it can be replayed.
 */
const RUNS = Number(process.env.VALORE_FUZZ_RUNS ?? 300);
/** ~3 ms a case on 2 cores; generous, so the soak's 100,000 cases per procedure fit too. */
const TIMEOUT = Math.max(600_000, RUNS * 20);
/**
 * Failed sign-ins are audited on purpose (and feed the rate limiter): a rejected login leaves exactly that trace. A
 * wrong current password on a change is throttled like a sign-in, and the throttle's counts live in the database
 * (auth/login-throttle.store.ts), so a refused change writes them too.
 */
const WRITES_WHEN_REJECTED = new Set(['auth.login', 'auth.changePassword']);
/**
 * `VALORE_FUZZ_SHARD=k/n` keeps every n-th procedure and endpoint, starting at the k-th (1-based), so the soak can
 * spread its 100,000-case properties over several processes (scripts/soak.mjs); unset, every one runs.
 */
const SHARD = parseShard(process.env.VALORE_FUZZ_SHARD);
function parseShard(value: string | undefined): { k: number; n: number } {
  if (!value) return { k: 1, n: 1 };
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const k = Number(m?.[1]);
  const n = Number(m?.[2]);
  if (!m || n < 1 || k < 1 || k > n) throw new Error(`VALORE_FUZZ_SHARD must look like 1/2, got ${value}`);
  return { k, n };
}
const inShard = (_: unknown, i: number) => i % SHARD.n === SHARD.k - 1;
/** Would end the fuzzing sessions themselves; logout is covered by test/api/security.test.ts. */
const SKIP = new Set(['auth.logout']);

let server: TestServer;
/** The database's write counter now (watchWrites). */
let writes: () => Promise<number>;
let stopWatching = () => {};
let clients: ApiClient[];

/**
 * A counter that moves whenever a change to the server's database is committed, and only then.
 * SQLite: a second, read-only connection's PRAGMA data_version, which moves whenever another connection commits.
 * PostgreSQL has no such counter for one database (transaction ids and the WAL are the cluster's: autovacuum and the
 * other test files' databases move them too), so every table gets a trigger that records each row written in a table of
 * its own, in the writer's transaction: a rolled-back write leaves no trace there, as it leaves none on SQLite.
 * Not watched there: the REST rate limits' buckets, which PostgreSQL keeps in a table so that every node counts alike
 * (http/rate-buckets.ts) and which count every request, refused ones too, by design; SQLite keeps them in memory (one
 * node), so the watch there never saw them either.
 */
async function watchWrites(s: TestServer): Promise<() => Promise<number>> {
  if (TEST_ENGINE === 'sqlite') {
    const watcher = new SQLite(s.dbFile, { readonly: true });
    stopWatching = () => watcher.close();
    return async () => Number(watcher.pragma('data_version', { simple: true }));
  }
  const db = s.database.db;
  // an identity column and inserts only: the server's SERIALIZABLE transactions never conflict over it
  await sql`CREATE TABLE fuzz_writes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY)`.execute(db);
  await sql`CREATE FUNCTION fuzz_write() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO fuzz_writes DEFAULT VALUES; RETURN NULL; END $$`.execute(db);
  const tables = await sql<{ name: string }>`SELECT tablename AS name FROM pg_tables
    WHERE schemaname = current_schema()
      AND tablename NOT IN ('fuzz_writes', 'rate_buckets')`.execute(db);
  expect(tables.rows.length, 'tables to watch').toBeGreaterThan(10);
  for (const { name } of tables.rows) {
    await sql`CREATE TRIGGER fuzz_watch AFTER INSERT OR UPDATE OR DELETE ON ${sql.id(name)}
      FOR EACH ROW EXECUTE FUNCTION fuzz_write()`.execute(db);
    await sql`CREATE TRIGGER fuzz_watch_truncate AFTER TRUNCATE ON ${sql.id(name)}
      FOR EACH STATEMENT EXECUTE FUNCTION fuzz_write()`.execute(db);
  }
  return async () => {
    const last = await sql<{ id: number | null }>`SELECT max(id) AS id FROM fuzz_writes`.execute(db);
    return last.rows[0]?.id ?? 0;
  };
}

beforeAll(async () => {
  // A frozen clock: session keep-alive writes (last_seen_at, at most once a minute) never fire during the run,
  // so any write seen after a rejected request is the request's own.
  server = await startTestServer({
    clock: new MovableClock(),
    env: {
      VALORE_INTAKE_RATE_PER_MINUTE: '1000000000',
      VALORE_CTI_RATE_PER_MINUTE: '1000000000',
      // the attendance endpoint takes the same key here, so the fuzzed requests reach the service
      VALORE_ATTENDANCE_KEYS: TEST_INTAKE_KEY,
    },
  });
  // The jobs that write on their own (outbox delivery, stats catch-up) are stopped for the run: their commits would
  // look like writes of whatever request was refused meanwhile. (The stats procedures still catch up when they
  // answer, after their checks.)
  await server.stopBackgroundJobs();
  writes = await watchWrites(server);
  const unwritten = await writes();
  const signedIn = async (username: string) => {
    const api = createApiClient(server.url);
    await api.login(username);
    return api;
  };
  clients = [
    await signedIn('admin'),
    await signedIn('operatore1'),
    await signedIn('teamlead1'),
    await signedIn('tutor1'),
    createApiClient(server.url), // anonymous
  ];
  // the watch sees a write: the sign-ins' sessions (else "changed nothing" below would prove nothing)
  expect(await writes(), 'the sign-ins seen as writes').not.toBe(unwritten);
});
afterAll(async () => {
  stopWatching();
  await server?.close();
});

/**
 * 3,000–5,000 characters, past every length limit: a short random piece repeated. fc.string of that
 * length cost ~1.4 ms a sample, most of a case's time; this keeps the long inputs and costs microseconds.
 */
const longString = fc
  .tuple(fc.integer({ min: 3000, max: 5000 }), fc.string({ minLength: 1, maxLength: 12 }))
  .map(([length, piece]) => piece.repeat(Math.ceil(length / piece.length)).slice(0, length));
const hostileString = fc.oneof(
  { arbitrary: fc.string({ maxLength: 40 }), weight: 6 },
  {
    arbitrary: fc.constantFrom(
      "' OR 1=1; --",
      '"; DROP TABLE interactions; --',
      '<script>alert(1)</script>',
      '../../etc/passwd',
      '\u0000',
      '%00',
      '${7*7}',
      '__proto__',
      'constructor',
      '9'.repeat(400),
      '2026-02-30T25:61:00Z',
      '2026-01-01T00:00:00.000Z',
      '00000000-0000-0000-0000-000000000000',
      'NaN',
      '+390000000000',
      '+39 347 123 4567',
      '\ud800',
      'é'.repeat(70),
    ),
    weight: 3,
  },
  { arbitrary: longString, weight: 1 },
);
const hostileNumber = fc.oneof(
  fc.integer(),
  fc.integer({ min: -2, max: 5000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, -0, 1, 2 ** 31, 2 ** 53, -(2 ** 53), 1e308, 1.5, Number.MAX_SAFE_INTEGER + 2),
);
const leaf = fc.oneof(hostileString, hostileNumber, fc.boolean(), fc.constant(null));
const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'prototype')),
      tie('value'),
      {
        maxKeys: 4,
      },
    ),
  ),
})).value;

/** Objects with the schema's own keys (and hostile values) reach deeper validation and the services behind it. */
function shaped(schema: unknown, depth = 0): fc.Arbitrary<unknown> | null {
  if (!(schema instanceof z.ZodType) || depth > 8) return null;
  const def = schema.def as { type: string; options?: unknown[]; innerType?: unknown; in?: unknown };
  if (schema instanceof z.ZodObject) {
    const shape = schema.shape as Record<string, unknown>;
    const keys = Object.keys(shape);
    if (keys.length === 0) return fc.constant({});
    return fc.record(
      Object.fromEntries(keys.map((k) => [k, fc.oneof(hostileValue, shaped(shape[k], depth + 1) ?? hostileValue)])),
      { requiredKeys: [] },
    );
  }
  if (schema instanceof z.ZodArray) {
    const item = shaped(schema.element, depth + 1);
    return item ? fc.array(item, { maxLength: 5 }) : null;
  }
  if (schema instanceof z.ZodEnum) return fc.constantFrom(...(schema.options as unknown[]));
  if (schema instanceof z.ZodLiteral) return fc.constantFrom(...(schema.values as Set<unknown>));
  if (def.type === 'union' && def.options) {
    const arbs = def.options.map((o) => shaped(o, depth + 1)).filter((a): a is fc.Arbitrary<unknown> => a !== null);
    return arbs.length ? fc.oneof(...arbs) : null;
  }
  if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable') && def.innerType) {
    return shaped(def.innerType, depth + 1);
  }
  if (def.type === 'pipe' && def.in) return shaped(def.in, depth + 1);
  return null;
}

/**
 * Values that satisfy the schema's own constraints (types, lengths, ranges, enums, uuid/date formats, regexes), so
 * a good share of the cases get past validation into the services and the database, where partial writes would
 * happen. Ids are biased to small numbers, which exist in the demo data. Cross-field refinements are not solved:
 * those cases are simply refused.
 */
function valid(schema: unknown, depth = 0): fc.Arbitrary<unknown> | null {
  if (!(schema instanceof z.ZodType) || depth > 10) return null;
  const def = schema.def as { type: string; options?: unknown[]; innerType?: unknown; in?: unknown; items?: unknown[] };
  if (schema instanceof z.ZodString) {
    const checks = (schema.def.checks ?? []).map(
      (c) => (c as unknown as { _zod: { def: { format?: string; pattern?: RegExp } } })._zod.def,
    );
    const pattern = checks.find((c) => c.format === 'regex')?.pattern;
    const min = schema.minLength ?? 0;
    const max = Math.min(schema.maxLength ?? 60, 200);
    if (schema.format === 'uuid' || schema.format === 'guid') return fc.uuid();
    if (schema.format === 'datetime')
      return fc
        .date({ min: new Date('2025-01-01'), max: new Date('2028-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString());
    if (schema.format === 'date')
      return fc
        .date({ min: new Date('2025-01-01'), max: new Date('2028-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    if (schema.format === 'email') return fc.emailAddress();
    if (pattern) return fc.stringMatching(pattern).filter((v) => v.length >= min && v.length <= max);
    return fc.string({ minLength: min, maxLength: Math.max(min, max) });
  }
  if (schema instanceof z.ZodNumber) {
    const min = Math.max(schema.minValue ?? -1e6, -1e9);
    const max = Math.min(schema.maxValue ?? 1e6, 2 ** 31);
    if (schema.isInt)
      return fc.oneof(
        { arbitrary: fc.integer({ min, max: Math.min(max, min + 60) }), weight: 3 },
        fc.integer({ min, max }),
      );
    return fc.double({ min, max, noNaN: true });
  }
  if (schema instanceof z.ZodBoolean) return fc.boolean();
  if (schema instanceof z.ZodEnum) return fc.constantFrom(...(schema.options as unknown[]));
  if (schema instanceof z.ZodLiteral) return fc.constantFrom(...(schema.values as Set<unknown>));
  if (schema instanceof z.ZodNull) return fc.constant(null);
  if (schema instanceof z.ZodObject) {
    const shape = schema.shape as Record<string, unknown>;
    const entries = Object.entries(shape).map(([k, v]) => [k, valid(v, depth + 1) ?? hostileValue] as const);
    const optional = Object.entries(shape)
      .filter(([, v]) => v instanceof z.ZodType && v.safeParse(undefined).success)
      .map(([k]) => k);
    return fc.record(Object.fromEntries(entries), {
      requiredKeys: Object.keys(shape).filter((k) => !optional.includes(k)),
    });
  }
  if (schema instanceof z.ZodArray) {
    const item = valid(schema.element, depth + 1);
    return item ? fc.array(item, { maxLength: 4 }) : null;
  }
  if (schema instanceof z.ZodRecord) {
    const value = valid(schema.valueType, depth + 1);
    return value ? fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/), value, { maxKeys: 4 }) : null;
  }
  if (def.type === 'tuple' && def.items) {
    const items = def.items.map((i) => valid(i, depth + 1) ?? hostileValue);
    return fc.tuple(...items);
  }
  if (def.type === 'union' && def.options) {
    const arbs = def.options.map((o) => valid(o, depth + 1)).filter((a): a is fc.Arbitrary<unknown> => a !== null);
    return arbs.length ? fc.oneof(...arbs) : null;
  }
  if ((def.type === 'optional' || def.type === 'nullable') && def.innerType) {
    const inner = valid(def.innerType, depth + 1);
    return inner ? fc.option(inner, { nil: def.type === 'optional' ? undefined : null, freq: 4 }) : null;
  }
  if (def.type === 'default' && def.innerType) return valid(def.innerType, depth + 1);
  if (def.type === 'pipe' && def.in) return valid(def.in, depth + 1);
  return null;
}

const DAY = 86_400_000;
const now = Date.now();
const period = { from: new Date(now - 30 * DAY).toISOString(), to: new Date(now + DAY).toISOString() };
/**
 * Known-good inputs for the procedures whose cross-field rules random values almost never meet (a replayable
 * script path, an ordered period). Each case takes one and replaces, drops or adds a single field — the edge of
 * validity, where half-checked input would reach the database.
 */
const KNOWN_GOOD: Record<string, (fresh: string) => Record<string, unknown>> = {
  // zod/mini schemas (shared/src/schemas/forms.ts): the generators above read classic zod only, so these two get
  // well-shaped inputs from here — real and unknown users, names that exist or not. Never the right password: a
  // successful sign-in would swap the session of the client that sent it and change who the later cases run as.
  'auth.login': (fresh) => ({
    username: ['operatore2', 'tutor2', 'nessuno', ` ${fresh.slice(0, 6)} `][fresh.charCodeAt(0) % 4],
    password: fresh,
  }),
  'customers.search': (fresh) => ({
    query: ['Rossi', 'bianchi', '+39 3', fresh.slice(0, 2 + (fresh.charCodeAt(0) % 12)), ' RSSMRA'][
      fresh.charCodeAt(1) % 5
    ],
  }),
  'interactions.complete': (fresh) => {
    const at = (i: number) => new Date(now - 120_000 + i * 1000).toISOString();
    return {
      clientId: fresh,
      flow: 'inbound_sales',
      scriptId: 'inbound_sales',
      scriptVersion: FLOW_VERSIONS.inbound_sales,
      customerId: 21,
      work: null,
      startedAt: at(0),
      endedAt: at(4),
      acwMs: 1000,
      events: [
        { type: 'customer.identified', at: at(0), customerId: 21 },
        { type: 'needs.identified', at: at(1), productCode: 'FIBRA' },
        { type: 'proposal.accepted', at: at(2) },
        { type: 'outcome.lead', at: at(3), followUpAt: agreedTime(1, new Date(now)) },
      ],
      outcome: 'lead',
    };
  },
  'campaigns.create': (fresh) => ({
    requestId: fresh,
    name: `Fuzz ${fresh.slice(0, 8)}`,
    businessUnit: 'Banking',
    productCode: 'CONTO',
    startsOn: '2026-01-01',
    endsOn: '2027-12-31',
    maxAttempts: 3,
    retryDelayMinutes: 240,
    scriptVersion: FLOW_VERSIONS.campaign,
    siteIds: [1],
  }),
  'campaigns.update': (fresh) => ({
    requestId: fresh,
    id: 1,
    name: 'Fuzzed name',
    startsOn: '2026-01-01',
    endsOn: '2027-12-31',
  }),
  'stats.conversion': () => ({ ...period, groupBy: ['flow', 'site'] }),
  'stats.interactions': () => ({ ...period, stage: 'handled' }),
  'stats.scripts': () => ({ ...period }),
  'stats.exportCsv': () => ({ kind: 'breakdown', query: { ...period, groupBy: ['product'] } }),
  // the rota: real periods of site 1 (the edges of the century too), so the cases get past validation
  'rota.view': (fresh) => ({ siteId: 1, from: rotaFrom(fresh), weeks: 1 + (fresh.charCodeAt(1) % 13) }),
  'rota.generateSaturdays': (fresh) => ({
    requestId: fresh,
    siteId: 1,
    from: rotaFrom(fresh),
    weeks: 1 + (fresh.charCodeAt(1) % 13),
    need: fresh.charCodeAt(2) % 2 ? { count: 1 + (fresh.charCodeAt(3) % 3) } : { share: 0.3 },
  }),
  'rota.assign': (fresh) => ({ requestId: fresh, siteId: 1, date: rotaFrom(fresh), userId: 1 }),
  'rota.publish': (fresh) => ({ requestId: fresh, siteId: 1, from: rotaFrom(fresh), weeks: 2 }),
  // weekday shifts: Mondays at the edges of the century too (the week of 2099-12-28 ends in 2100)
  'rota.planWeek': (fresh) => {
    const weekOf = rotaMonday(fresh);
    return {
      requestId: fresh,
      siteId: 1,
      weekOf,
      userId: 1 + (fresh.charCodeAt(1) % 20),
      days: [
        { date: weekOf, starts: '08:00', ends: '14:00' },
        { date: weekOf, starts: '13:00', ends: '19:30' },
        { date: weekOf, off: true }, // beside hours: refused
      ].slice(0, 1 + (fresh.charCodeAt(2) % 3)),
    };
  },
  'rota.copyWeek': (fresh) => ({ requestId: fresh, siteId: 1, from: '2027-01-11', to: rotaMonday(fresh) }),
};

function rotaMonday(fresh: string): string {
  return ['2000-01-03', '2027-01-04', '2027-01-18', '2099-12-21', '2099-12-28'][fresh.charCodeAt(0) % 5] ?? '';
}

function rotaFrom(fresh: string): string {
  return ['2000-01-01', '2027-01-09', '2027-03-27', '2099-12-26', '2099-12-31'][fresh.charCodeAt(0) % 5] ?? '';
}

/**
 * Periods at and past the edges of the statistics' calendar (2000-01-01..2100-01-01, test/api/limits.test.ts): a
 * year-9999 period once answered 500. Instants on both sides of each bound, far-off and six-digit years, offsets,
 * reversed and over-long spans; with drill-down cells on impossible and far-off days.
 */
const edgeInstant = fc.oneof(
  fc.constantFrom(
    '1999-12-31T23:59:59Z',
    '2000-01-01T00:00:00Z',
    '2000-01-01T00:30:00+01:00',
    '2099-12-31T23:00:00Z',
    '2100-01-01T00:00:00Z',
    '2100-01-01T00:00:01Z',
    '9999-12-31T23:59:59Z',
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:00:00-14:00',
    '9999-12-31T23:59:59+14:00',
  ),
  fc
    .date({ min: new Date('1990-01-01'), max: new Date('2110-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString()),
);
const edgeDay = fc.oneof(
  fc.constantFrom('9999-12-31', '0000-01-01', '2026-02-30', '2026-13-01', '2099-12-31', '2100-01-01', '1999-12-31'),
  edgeInstant.map((i) => i.slice(0, 10)),
);
const edgePeriod = fc.oneof(
  fc.record({ from: edgeInstant, to: edgeInstant }),
  // a month of a far-off year: ordered and short, so only the calendar bounds can refuse it
  fc
    .constantFrom('0000', '1999', '2100', '2101', '9999')
    .map((year) => ({ from: `${year}-12-01T00:00:00Z`, to: `${year}-12-31T23:59:59Z` })),
);
const edgeCell = fc.option(fc.record({ day: edgeDay, week: edgeDay }, { requiredKeys: [] }), { nil: undefined });
const EDGE_CASES: Record<string, fc.Arbitrary<unknown>> = {
  'stats.conversion': edgePeriod.map((p) => ({ ...p, groupBy: ['day', 'week'] })),
  'stats.interactions': fc.tuple(edgePeriod, edgeCell).map(([p, cell]) => ({ ...p, stage: 'handled', cell })),
  'stats.scripts': edgePeriod,
  'stats.exportCsv': fc
    .tuple(edgePeriod, edgeCell)
    .chain(([p, cell]) =>
      fc.constantFrom(
        { kind: 'breakdown', query: { ...p, groupBy: ['week'] } },
        { kind: 'interactions', query: { ...p, stage: 'handled', cell } },
      ),
    ),
};

function nearKnownGood(path: string): fc.Arbitrary<unknown> | null {
  const make = KNOWN_GOOD[path];
  const edges = EDGE_CASES[path];
  if (make && edges) return fc.oneof(nearGood(make), edges);
  return make ? nearGood(make) : (edges ?? null);
}

function nearGood(make: (fresh: string) => Record<string, unknown>): fc.Arbitrary<unknown> {
  const unchanged = fc.uuid().map((fresh) => make(fresh));
  const oneFieldOff = fc
    .tuple(fc.uuid(), fc.nat(40), fc.oneof(hostileValue, fc.constant(undefined)))
    .map(([fresh, pick, replacement]) => {
      const input = make(fresh);
      const keys = Object.keys(input);
      const key = keys[pick % (keys.length + 1)];
      // replace or drop one field, or add one the schema does not know
      return key === undefined
        ? { ...input, [pick % 2 ? 'extra' : '__proto__']: replacement }
        : { ...input, [key]: replacement };
    });
  return fc.oneof(unchanged, oneFieldOff, oneFieldOff);
}

/** Runs a property and reports a failure briefly (seed + shortened counterexample), without shrinking over HTTP. */
/** Answers by status in the current property, printed after it: shows how deep the cases get (2xx = past validation). */
const statuses = new Map<number, number>();

async function fuzz<T>(name: string, arbitrary: fc.Arbitrary<T>, check: (value: T, run: number) => Promise<void>) {
  let run = 0;
  statuses.clear();
  const details = await fc.check(
    fc.asyncProperty(arbitrary, (value) => check(value, run++)),
    { numRuns: RUNS, endOnFailure: true },
  );
  if (details.failed) {
    const example = JSON.stringify(details.counterexample) ?? String(details.counterexample);
    const cause =
      details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(
      `${name} failed after ${details.numRuns} cases (seed ${details.seed}, path ${details.counterexamplePath}):\n` +
        `${cause}\ninput: ${example.length > 600 ? `${example.slice(0, 600)}… (${example.length} chars)` : example}`,
    );
  }
  const tally = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`);
  console.log(`fuzz ${name}: ${details.numRuns} cases, ${tally.join(' ')}`);
}

interface Answer {
  status: number;
  body: string;
}

/** The shared oracle: no 5xx; a refusal carries a message and (unless exempted) changed nothing. */
async function expectSafe(what: string, send: () => Promise<Answer>, opts: { writesWhenRejected?: boolean } = {}) {
  const before = await writes();
  const { status, body } = await send();
  statuses.set(status, (statuses.get(status) ?? 0) + 1);
  expect(status, `${what} answered ${status}: ${body.slice(0, 300)}`).toBeLessThan(500);
  if (status >= 400) {
    expect(body, `${what} answered ${status} without a message`).toMatch(/"message":"[^"]+|<title>[^<]+</);
    // the internals of either engine's errors: SQLite's codes, PostgreSQL's messages, the SQL itself
    expect(body, `${what} leaked internals`).not.toMatch(
      /\bat .+\.(ts|js):\d+|SQLITE_|\bSELECT\b.+\bFROM\b|duplicate key value|violates \w+ (key )?constraint|invalid input syntax for/,
    );
    if (!opts.writesWhenRejected) {
      expect(await writes(), `${what} wrote although it answered ${status}`).toBe(before);
    }
  }
}

interface ProcedureInfo {
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  inputs: unknown[];
}
const allProcedures: ProcedureInfo[] = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { type: ProcedureInfo['type']; inputs: unknown[] } }>,
)
  .map(([path, p]) => ({ path, type: p._def.type, inputs: p._def.inputs }))
  .filter((p) => p.type !== 'subscription' && !SKIP.has(p.path));
const procedures = allProcedures.filter(inShard);

async function callProcedure(api: ApiClient, p: ProcedureInfo, input: unknown): Promise<Answer> {
  const url = new URL(`/trpc/${p.path}`, server.url);
  let response: Response;
  if (p.type === 'query') {
    if (input !== undefined) url.searchParams.set('input', JSON.stringify(input));
    response = await api.fetch(url, { method: 'GET' });
  } else {
    response = await api.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input) ?? '',
    });
  }
  return { status: response.status, body: await response.text() };
}

describe('fuzzing every tRPC procedure', () => {
  it('finds the procedures of the router', () => {
    expect(allProcedures.length).toBeGreaterThan(10);
  });

  // Found by this file on PostgreSQL: an id the schema lets through ("<kind>:<letters, digits, _ and ->") whose source
  // is no integer where the kind's ids are (a campaign contact, a lead) answered 500 there — PostgreSQL refuses the text
  // as a BIGINT value (server/src/domains/work/work.service.ts parseWorkItemId); SQLite merely matched no row
  it.each(['campaign:_x', 'lead_followup:-1', 'campaign:9999999999999999999'])(
    'work.release and work.take refuse the work item id %s with a 400, and write nothing',
    async (id) => {
      const operator = clients[1] as ApiClient;
      for (const [path, input] of [
        ['work.release', { id, reason: 'Pausa' }],
        ['work.take', { id }],
      ] as const) {
        const p = allProcedures.find((candidate) => candidate.path === path);
        if (!p) throw new Error(`no procedure ${path}`);
        let status = 0;
        await expectSafe(path, async () => {
          const answer = await callProcedure(operator, p, input);
          status = answer.status;
          return answer;
        });
        expect(status, `${path} of ${id}`).toBe(400);
      }
    },
  );

  it.each(procedures.map((p) => [p.path, p] as const))(
    `%s never answers 5xx, and a rejected input writes nothing (${RUNS} cases)`,
    async (path, p) => {
      const shapedArbs = p.inputs.map((i) => shaped(i)).filter((a): a is fc.Arbitrary<unknown> => a !== null);
      const validArbs = p.inputs.map((i) => valid(i)).filter((a): a is fc.Arbitrary<unknown> => a !== null);
      const near = nearKnownGood(p.path);
      const input = fc.oneof(
        hostileValue,
        fc.constant(undefined),
        ...shapedArbs,
        ...validArbs,
        ...validArbs,
        ...(near ? [near, near] : []),
      );
      await fuzz(path, input, async (value, run) => {
        const api = clients[run % clients.length] as ApiClient;
        await expectSafe(path, () => callProcedure(api, p, value), {
          writesWhenRejected: WRITES_WHEN_REJECTED.has(path),
        });
      });
    },
    TIMEOUT,
  );
});

// ---- REST endpoints ---------------------------------------------------------------------------------------------

/** Header values fetch can send (printable ASCII); the rest would be refused by the client, not the server. */
const headerValue = hostileString.map((s) => s.replace(/[^\x20-\x7e]/g, '?').slice(0, 200));
const authorization = fc.oneof(
  { arbitrary: fc.constant(`Bearer ${TEST_INTAKE_KEY}`), weight: 6 },
  { arbitrary: fc.constant(undefined), weight: 1 },
  { arbitrary: headerValue, weight: 1 },
  { arbitrary: headerValue.map((s) => `Bearer ${s}`), weight: 1 },
);
/** A body: hostile JSON, a JSON object with the endpoint's keys, or raw text (broken JSON, CSV, nothing). */
function bodyOf(keys: Record<string, fc.Arbitrary<unknown>>) {
  const shapedBody = fc.record(
    Object.fromEntries(
      Object.entries(keys).map(([k, arb]) => [k, fc.oneof({ arbitrary: arb, weight: 3 }, hostileValue)]),
    ),
    { requiredKeys: [] },
  );
  return fc.oneof(
    { arbitrary: shapedBody.map((b) => JSON.stringify(b)), weight: 6 },
    { arbitrary: hostileValue.map((v) => JSON.stringify(v) ?? ''), weight: 2 },
    { arbitrary: hostileString, weight: 1 },
    {
      arbitrary: fc.constantFrom('', '{', '{"phone":', 'null', '[]', '"x"', '{"__proto__":{"admin":true}}'),
      weight: 1,
    },
  );
}
/** A body the endpoint's own schema accepts (modulo cross-field rules), to reach the service and the database. */
const validJson = (schema: z.ZodType) => (valid(schema) ?? fc.constant({})).map((b) => JSON.stringify(b));
const contentType = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 6 },
  {
    arbitrary: fc.constantFrom(
      undefined,
      'text/plain',
      'text/csv',
      'application/x-www-form-urlencoded',
      'application/json; charset=latin1',
    ),
    weight: 1,
  },
);
const phone = fc.oneof(
  fc.constantFrom('+39 347 123 4567', '06 1234 5678', '+393471234567', '3471234567'),
  hostileString,
);
const isoInstant = fc.oneof(
  fc
    .date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString()),
  hostileString,
);

interface RestCase {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string | undefined>;
  body?: string;
}

async function send(api: ApiClient, c: RestCase): Promise<Answer> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.headers)) if (v !== undefined) headers[k] = v;
  const response = await api.fetch(new URL(c.path, server.url), {
    method: c.method,
    headers,
    body: c.method === 'POST' ? (c.body ?? '') : undefined,
    redirect: 'manual',
  });
  return { status: response.status, body: await response.text() };
}

const segment = fc.oneof(
  fc.integer({ min: -1, max: 50 }).map(String),
  headerValue.map((s) => encodeURIComponent(s)),
  fc.constantFrom('1', '0', '01', '1e3', '%2e%2e', '..', '9'.repeat(30)),
);
const csv = fc.oneof(
  fc
    .array(fc.oneof(phone, hostileString, fc.integer({ min: 1, max: 2500 }).map(String)), { maxLength: 8 })
    .map((l) => `customerId,phone\n${l.join('\n')}`),
  hostileString,
  fc.constant(''),
);

const restEndpoints: { name: string; writesWhenRejected?: boolean; cases: fc.Arbitrary<RestCase> }[] = [
  {
    name: 'POST /api/v1/callback-requests',
    cases: fc.record({
      method: fc.constant('POST' as const),
      path: fc.constant('/api/v1/callback-requests'),
      headers: fc.record({
        authorization,
        'content-type': contentType,
        'idempotency-key': fc.oneof(fc.constant(undefined), fc.uuid(), headerValue),
      }),
      body: fc.oneof(
        validJson(callbackRequestBody),
        nearGood(() => ({ phone: '+39 347 123 4567', product: 'CONTO', mode: 'now', channel: 'web' })).map((b) =>
          JSON.stringify(b),
        ),
        bodyOf({
          phone,
          customerId: fc.oneof(fc.integer({ min: 1, max: 2500 }).map(String), hostileString),
          product: fc.oneof(fc.constantFrom('LIBRETTO', 'BUONI', 'CONTO', 'FIBRA', 'SIM', 'LUCE_GAS'), hostileString),
          mode: fc.constantFrom('now', 'scheduled', 'later'),
          preferredAt: isoInstant,
          channel: fc.constantFrom('web', 'app', 'fax'),
          note: hostileString,
        }),
      ),
    }),
  },
  {
    name: 'POST /api/v1/cti/events',
    cases: fc.record({
      method: fc.constant('POST' as const),
      path: fc.constant('/api/v1/cti/events'),
      headers: fc.record({ authorization, 'content-type': contentType }),
      body: fc.oneof(
        validJson(ctiEventBody),
        nearGood((fresh) => ({
          type: 'offered',
          callId: fresh,
          ani: '+39 347 123 4567',
          dnis: '800100100',
          operator: 'operatore1',
        })).map((b) => JSON.stringify(b)),
        bodyOf({
          type: fc.constantFrom('offered', 'answered', 'ended', 'rung'),
          callId: fc.oneof(fc.uuid(), hostileString),
          ani: phone,
          dnis: fc.oneof(fc.constantFrom('800100100', '800200200', '+39800100100'), hostileString),
          operator: fc.oneof(fc.constantFrom('operatore1', 'operatore2', 'tutor1', 'admin'), hostileString),
        }),
      ),
    }),
  },
  {
    name: 'POST /api/v1/appointments/:id/attendance',
    cases: fc.record({
      method: fc.constant('POST' as const),
      path: segment.map((id) => `/api/v1/appointments/${id}/attendance`),
      headers: fc.record({
        authorization,
        'content-type': contentType,
        'idempotency-key': fc.oneof(fc.constant(undefined), fc.uuid(), headerValue),
      }),
      body: fc.oneof(
        validJson(attendanceReportBody),
        bodyOf({ status: fc.constantFrom('attended', 'no_show', 'late') }),
      ),
    }),
  },
  {
    name: 'GET /api/v1/products',
    cases: fc.record({
      method: fc.constant('GET' as const),
      path: headerValue.map((q) => `/api/v1/products?q=${encodeURIComponent(q)}`),
      headers: fc.record({ authorization }),
    }),
  },
  {
    name: 'GET /api/v1/callback-slots',
    cases: fc.record({
      method: fc.constant('GET' as const),
      path: fc
        .record(
          {
            from: isoInstant,
            to: isoInstant,
            productCode: fc.oneof(fc.constantFrom('CONTO', 'FIBRA', 'conto'), hostileString),
            extra: headerValue,
          },
          { requiredKeys: [] },
        )
        .map((q) => `/api/v1/callback-slots?${new URLSearchParams(q as Record<string, string>).toString()}`),
      headers: fc.record({ authorization }),
    }),
  },
  {
    name: 'POST /api/v1/campaigns/:id/import',
    cases: fc.record({
      method: fc.constant('POST' as const),
      path: fc
        .tuple(segment, fc.constantFrom(',', ';', 'tab', '|', ':', ''), headerValue)
        .map(
          ([id, d, col]) =>
            `/api/v1/campaigns/${id}/import?delimiter=${encodeURIComponent(d)}&phoneColumn=${encodeURIComponent(col)}`,
        ),
      headers: fc.record({
        'content-type': fc.oneof(
          { arbitrary: fc.constant('text/csv'), weight: 4 },
          { arbitrary: contentType, weight: 1 },
        ),
        origin: fc.constantFrom(undefined, undefined, 'https://evil.example', 'null'),
      }),
      body: csv,
    }),
  },
  {
    name: 'POST /api/v1/optout-registry/import',
    cases: fc.record({
      method: fc.constant('POST' as const),
      path: fc
        .constantFrom(',', ';', 'tab', 'x')
        .map((d) => `/api/v1/optout-registry/import?delimiter=${encodeURIComponent(d)}`),
      headers: fc.record({
        'content-type': fc.oneof(
          { arbitrary: fc.constant('text/csv'), weight: 4 },
          { arbitrary: contentType, weight: 1 },
        ),
        origin: fc.constantFrom(undefined, undefined, 'https://evil.example'),
      }),
      body: csv,
    }),
  },
  {
    name: 'GET /api/v1/campaigns/:id/imports/:importId/rejects.csv',
    cases: fc.record({
      method: fc.constant('GET' as const),
      path: fc.tuple(segment, segment).map(([a, b]) => `/api/v1/campaigns/${a}/imports/${b}/rejects.csv`),
      headers: fc.constant({}),
    }),
  },
  {
    name: 'GET /f/:token',
    cases: fc.record({
      method: fc.constant('GET' as const),
      path: fc
        .oneof(headerValue, fc.string({ minLength: 60, maxLength: 70 }))
        .map((t) => `/f/${encodeURIComponent(t) || 'x'}`),
      headers: fc.record({ 'user-agent': fc.oneof(fc.constant(undefined), headerValue) }),
    }),
  },
  {
    name: 'GET /healthz',
    cases: fc.record({
      method: fc.constant('GET' as const),
      path: headerValue.map((q) => `/healthz?${encodeURIComponent(q)}`),
      headers: fc.constant({}),
    }),
  },
];

describe('fuzzing every REST endpoint', () => {
  it.each(restEndpoints.filter((e, i) => inShard(e, i + allProcedures.length)).map((e) => [e.name, e] as const))(
    `%s never answers 5xx, and a rejected input writes nothing (${RUNS} cases)`,
    async (name, endpoint) => {
      await fuzz(name, endpoint.cases, async (c, run) => {
        // imports are a team lead's; the anonymous, operator and admin sessions take their turns too
        const api = clients[run % clients.length] as ApiClient;
        await expectSafe(`${name} (${c.method} ${c.path.slice(0, 80)})`, () => send(api, c), {
          writesWhenRejected: endpoint.writesWhenRejected,
        });
      });
    },
    TIMEOUT,
  );
});
