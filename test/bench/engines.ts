// npm run bench -- --db postgres: the same figures on SQLite and on PostgreSQL, side by side, on this machine (issue 21).
// One data set is built on SQLite (as the other sections build theirs) and copied into a PostgreSQL database of a
// throwaway cluster (copySqliteToPostgres), so both engines answer over the same rows:
//   claims      work.next in-process (the service, no HTTP), 20 operators at once; on PostgreSQL also two pools side
//               by side ("two nodes"); beside each engine's own limit, a raw claim statement in a loop on one connection
//   completions over HTTP, a server process per engine: 50 signed-in clients each work.next → interactions.complete
//   board       an operator's status change → a tutor's board stream event, one change at a time; on PostgreSQL also
//               across two nodes (status set on node A, board open on node B: the event crosses LISTEN/NOTIFY)
//   stats       the team lead's and admin's dashboard queries over the same 200,000-interaction history
// The cluster runs PostgreSQL's durable defaults (fsync, synchronous_commit, full_page_writes on), as SQLite runs
// synchronous=FULL: the test clusters turn durability off, which would compare a disk-bound engine with one that is not.
// These are figures to report (target "reported"), not pass/fail targets, except where SQLite's own target applies.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type { BoardEvent } from '@valore/shared/schemas/monitor';
import type { WorkItem } from '@valore/shared/schemas/work';
import { FLOW_VERSIONS } from '@valore/shared/flows/index';
import { openDatabase } from '@valore/server/db/client';
import { copySqliteToPostgres } from '@valore/server/db/copy-to-postgres';
import type { Database } from '@valore/server/db/database';
import { migratePostgres, openPostgres, type OpenedPostgres } from '@valore/server/db/postgres';
import { generateHistory } from '@valore/server/db/seed/stats-history';
import { claimNextWorkItem } from '@valore/server/domains/work/work.service';
import { createTestDeps } from '@valore/server/testing/test-deps';
import { spawnServer, type ChildServer } from '../helpers/child-server';
import { openLiveStream } from '../helpers/live-stream';
import { startOwnPostgresCluster, type PostgresCluster } from '../helpers/postgres-cluster';
import { findPostgresBin } from '../../scripts/ensure-postgres.mjs';
import {
  addCampaign,
  addContacts,
  addCustomers,
  addOperators,
  cpuSecondsOf,
  freshDatabase,
  markReady,
  mintSessions,
  ms,
  num,
  openRaw,
  quantile,
  ROOT,
  type BenchOptions,
  type Figure,
} from './lib';
import { dashboardCases } from './stats';

const MAX_CONTACTS = 100_000;
const CLAIMERS = 20;
const CLAIM_MS = 5_000;
const RAW_MS = 3_000;
const HTTP_CLIENTS = 50;
const HTTP_SECONDS = 15;
const HTTP_WARM_UP_SECONDS = 2;
const BOARD_CHANGES = 50;
const STATS_INTERACTIONS = 200_000;
const STATS_RUNS = 10;

/** One engine's number for a figure, and what went with it (percentiles, CPU). */
interface Measure {
  value: number;
  detail: string;
}

/** A line of the side-by-side table; `sqlite` null where SQLite has no such case (a second node). */
interface Row {
  name: string;
  unit: string;
  sqlite: Measure | null;
  postgres: Measure;
  /** SQLite's own target for this figure, when one applies to both engines (else "reported") */
  target?: { text: string; met: (value: number) => boolean };
}

/** The data both engines hold (ids are the same on both: the copy keeps them). */
interface BaseData {
  file: string;
  campaignId: number;
  contacts: number;
  /** fresh operators for the claims: a set per measured run on one database (an operator who holds an item gets it back) */
  claimSets: number[][];
  warmClaimers: number[];
  httpCookies: string[];
  boardOperator: { id: number; cookie: string };
  tutorCookie: string;
}

// ─── the cluster ────────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Restarts the throwaway cluster with PostgreSQL's durable defaults: the test helper starts it with fsync and
 * synchronous_commit off (right for tests), and those are server-command-line settings no SET can override.
 */
function makeDurable(cluster: PostgresCluster): void {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed: apt-get install -y postgresql (or set PG_BIN)');
  const options = [
    `-p ${cluster.port}`,
    `-k ${cluster.dir}`,
    "-c listen_addresses='127.0.0.1'",
    '-c max_connections=500',
  ].join(' ');
  const args = ['-D', path.join(cluster.dir, 'data'), '-l', path.join(cluster.dir, 'log')];
  const argv = [...args, '-o', options, '-m', 'fast', '-w', '-t', '60', 'restart'];
  const asRoot = process.getuid?.() === 0;
  const r = asRoot
    ? spawnSync('runuser', ['-u', 'postgres', '--', path.join(bin, 'pg_ctl'), ...argv], { encoding: 'utf8' })
    : spawnSync(path.join(bin, 'pg_ctl'), argv, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pg_ctl restart failed (${r.status}): ${r.stderr || r.stdout}`);
}

/** CPU seconds used so far by the cluster: the postmaster and every process it started (backends, WAL writer…). */
function clusterCpuSeconds(cluster: PostgresCluster): number {
  try {
    const postmaster = Number(fs.readFileSync(path.join(cluster.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    let total = cpuSecondsOf(postmaster);
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const ppid = Number(fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
        if (ppid === postmaster) total += cpuSecondsOf(Number(entry));
      } catch {
        // the process ended while we read
      }
    }
    return total;
  } catch {
    return Number.NaN;
  }
}

/** CPU of this process, of the cluster and of the given server processes over a measured stretch, as % of a core. */
function cpuMeter(cluster: PostgresCluster | null, pids: number[] = []) {
  const t0 = performance.now();
  const self0 = process.cpuUsage();
  const pg0 = cluster ? clusterCpuSeconds(cluster) : 0;
  const servers0 = pids.map((p) => cpuSecondsOf(p));
  return () => {
    const wall = (performance.now() - t0) / 1000;
    const self = process.cpuUsage(self0);
    const pct = (seconds: number) => `${((seconds / wall) * 100).toFixed(0)}%`;
    const parts = [];
    if (pids.length) parts.push(`node ${pids.map((p, i) => pct(cpuSecondsOf(p) - (servers0[i] ?? 0))).join(' + ')}`);
    parts.push(`${pids.length ? 'bench' : 'node'} ${pct((self.user + self.system) / 1e6)}`);
    if (cluster) parts.push(`postgres ${pct(clusterCpuSeconds(cluster) - pg0)}`);
    return `CPU ${parts.join(', ')}`;
  };
}

// ─── the data ───────────────────────────────────────────────────────────────────────────────────────────────────────

async function buildBase(opts: BenchOptions): Promise<BaseData> {
  const started = performance.now();
  const contacts = Math.min(MAX_CONTACTS, opts.contacts);
  const file = await freshDatabase(opts.workDir, 'engines');
  const raw = openRaw(file);
  raw.pragma('synchronous = OFF'); // set-up only
  const firstCustomer = addCustomers(raw, contacts);
  const campaignId = addCampaign(raw, 'Bench engines');
  addContacts(raw, campaignId, firstCustomer, contacts);
  // each measured claims run may take at most a quarter of the campaign: what is left serves the HTTP completions
  const perSet = Math.max(100, Math.min(25_000, Math.floor(contacts / 4)));
  const claimSets = [addOperators(raw, 'engclaimA', perSet), addOperators(raw, 'engclaimB', perSet)];
  const warmClaimers = addOperators(raw, 'engwarm', 400);
  const httpCookies = mintSessions(raw, addOperators(raw, 'enghttp', HTTP_CLIENTS));
  const [boardId = 0] = addOperators(raw, 'engboard', 1);
  const [tutorId = 0] = addOperators(raw, 'engtutor', 1, 'tutor');
  // the board pair at site 2: site 1's board would carry the tens of thousands of claimers above in its snapshot
  // (past the stream's 1 MB of unsent data, the server cuts it), and it measures one change, not a snapshot
  raw.prepare('UPDATE users SET site_id = 2 WHERE id IN (?, ?)').run(boardId, tutorId);
  markReady(raw, [boardId]);
  const [boardCookie = ''] = mintSessions(raw, [boardId]);
  const [tutorCookie = ''] = mintSessions(raw, [tutorId]);
  raw.exec('ANALYZE');
  raw.pragma('wal_checkpoint(TRUNCATE)');
  raw.close();
  opts.log(
    `  data: ${num(contacts)} customers + contacts, ${num(2 * perSet)} claimers in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return {
    file,
    campaignId,
    contacts,
    claimSets,
    warmClaimers,
    httpCookies,
    boardOperator: { id: boardId, cookie: boardCookie },
    tutorCookie,
  };
}

/** A new database on the cluster holding a copy of the SQLite file, vacuumed and analysed as a live one would be. */
async function copyToPostgres(opts: BenchOptions, cluster: PostgresCluster, file: string, name: string) {
  const url = cluster.createDatabase(name);
  const store = openPostgres(url);
  try {
    await migratePostgres(store.db);
    const source = openRaw(file);
    try {
      const report = await copySqliteToPostgres(source, store.db);
      opts.log(`  copied ${num(report.rows)} rows to PostgreSQL in ${(report.ms / 1000).toFixed(1)} s`);
    } finally {
      source.close();
    }
    await sql`VACUUM ANALYZE`.execute(store.db);
  } finally {
    await store.close();
  }
  return url;
}

// ─── claims, in-process ─────────────────────────────────────────────────────────────────────────────────────────────

type ClaimDb = Parameters<typeof claimNextWorkItem>[0];

/** `CLAIMERS` operators claiming at once through the service, each claim by a fresh operator, over the given stores. */
async function claimLoop(stores: ClaimDb[], operators: number[], millis: number) {
  let next = 0;
  let claims = 0;
  let empty = 0;
  const latencies: number[] = [];
  const started = performance.now();
  const end = started + millis;
  await Promise.all(
    Array.from({ length: CLAIMERS }, async (_, k) => {
      const db = stores[k % stores.length];
      if (!db) return;
      while (performance.now() < end && next < operators.length && empty === 0) {
        const userId = operators[next++] ?? 0;
        const t = performance.now();
        const item = await claimNextWorkItem(db, { userId, siteId: 1 }, new Date(), 5);
        latencies.push(performance.now() - t);
        if (item) claims++;
        else empty++;
      }
    }),
  );
  const rate = claims / ((performance.now() - started) / 1000);
  return { rate, claims, empty, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

const claimDetail = (r: Awaited<ReturnType<typeof claimLoop>>, cpu: string) =>
  `p50 ${ms(r.p50)} p99 ${ms(r.p99)}; ${num(r.claims)} claims${r.empty ? `, ${r.empty} EMPTY` : ''}; ${cpu}`;

/** SQLite's limit: one UPDATE … RETURNING per claim, its own transaction, prepared, on one connection. */
function rawSqliteLoop(file: string, campaignId: number, owner: number, cap: number): Measure {
  const raw = openRaw(file);
  const claim = raw.prepare(
    `UPDATE campaign_contacts SET status = 'claimed', lease_owner = ?, lease_expires_at = ?, updated_at = ?
     WHERE id = (SELECT id FROM campaign_contacts INDEXED BY campaign_contacts_queue
                 WHERE campaign_id = ? AND status = 'pending' AND due_at <= ? ORDER BY due_at LIMIT 1)
       AND status = 'pending' RETURNING id`,
  );
  const cpu = cpuMeter(null);
  let claims = 0;
  const started = performance.now();
  while (performance.now() < started + RAW_MS && claims < cap) {
    const now = new Date();
    const at = now.toISOString();
    if (!claim.get(owner, new Date(now.getTime() + 300_000).toISOString(), at, campaignId, at)) break;
    claims++;
  }
  const rate = claims / ((performance.now() - started) / 1000);
  raw.close();
  return { value: rate, detail: `${num(claims)} claims, ${(1000 / rate).toFixed(2)} ms each; ${cpu()}` };
}

/** PostgreSQL's limit: the same claim as one statement (autocommit, SKIP LOCKED), prepared, on one connection. */
async function rawPostgresLoop(
  url: string,
  cluster: PostgresCluster,
  campaignId: number,
  owner: number,
  cap: number,
): Promise<Measure> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const text = `UPDATE campaign_contacts SET status = 'claimed', lease_owner = $1, lease_expires_at = $2, updated_at = $3
      WHERE id = (SELECT id FROM campaign_contacts WHERE campaign_id = $4 AND status = 'pending' AND due_at <= $5
                  ORDER BY due_at LIMIT 1 FOR UPDATE SKIP LOCKED)
        AND status = 'pending' RETURNING id`;
    const cpu = cpuMeter(cluster);
    let claims = 0;
    const started = performance.now();
    while (performance.now() < started + RAW_MS && claims < cap) {
      const now = new Date();
      const at = now.toISOString();
      const values = [owner, new Date(now.getTime() + 300_000).toISOString(), at, campaignId, at];
      const r = await client.query({ name: 'claim', text, values });
      if (r.rowCount !== 1) break;
      claims++;
    }
    const rate = claims / ((performance.now() - started) / 1000);
    return { value: rate, detail: `${num(claims)} claims, ${(1000 / rate).toFixed(2)} ms each; ${cpu()}` };
  } finally {
    await client.end();
  }
}

async function benchEngineClaims(
  opts: BenchOptions,
  base: BaseData,
  cluster: PostgresCluster,
  pgUrl: string,
): Promise<Row[]> {
  const [setA = [], setB = []] = base.claimSets;
  const owner = setA[0] ?? 1;
  const cap = Math.floor(base.contacts / 10);
  const warm = (stores: ClaimDb[], from: number) =>
    claimLoop(stores, base.warmClaimers.slice(from, from + 200), 10_000);

  const sqlite = openDatabase(base.file);
  let onSqlite: Awaited<ReturnType<typeof claimLoop>>;
  let sqliteCpu: string;
  try {
    await warm([sqlite.db], 0);
    const cpu = cpuMeter(null);
    onSqlite = await claimLoop([sqlite.db], setA, CLAIM_MS);
    sqliteCpu = cpu();
  } finally {
    await sqlite.close();
  }
  const rawSqlite = rawSqliteLoop(base.file, base.campaignId, owner, cap);

  const nodes: OpenedPostgres[] = [openPostgres(pgUrl), openPostgres(pgUrl)];
  const [nodeA, nodeB] = nodes as [OpenedPostgres, OpenedPostgres];
  try {
    await warm([nodeA.db, nodeB.db], 200);
    let cpu = cpuMeter(cluster);
    const onPg = await claimLoop([nodeA.db], setA, CLAIM_MS);
    const onPgCpu = cpu();
    cpu = cpuMeter(cluster);
    const onTwo = await claimLoop([nodeA.db, nodeB.db], setB, CLAIM_MS);
    const onTwoCpu = cpu();
    const rawPg = await rawPostgresLoop(pgUrl, cluster, base.campaignId, owner, cap);
    opts.log(
      `  claims/s: SQLite ${num(onSqlite.rate)} (raw ${num(rawSqlite.value)}) · PostgreSQL ${num(onPg.rate)}, two pools ${num(onTwo.rate)} (raw ${num(rawPg.value)})`,
    );
    const name = `claims: work.next in-process, ${CLAIMERS} operators at once, ${num(base.contacts)} contacts`;
    return [
      {
        name,
        unit: 'claims/s',
        sqlite: { value: onSqlite.rate, detail: claimDetail(onSqlite, sqliteCpu) },
        postgres: { value: onPg.rate, detail: claimDetail(onPg, onPgCpu) },
      },
      {
        name: `${name}, two pools ("two nodes") on PostgreSQL`,
        unit: 'claims/s',
        sqlite: null,
        postgres: { value: onTwo.rate, detail: claimDetail(onTwo, onTwoCpu) },
      },
      { name: 'claims: raw claim statement, one connection', unit: 'claims/s', sqlite: rawSqlite, postgres: rawPg },
    ];
  } finally {
    await Promise.all(nodes.map((n) => n.close()));
  }
}

// ─── completions over HTTP ──────────────────────────────────────────────────────────────────────────────────────────

function post(agent: http.Agent, url: URL, route: string, cookie: string, body: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: `/trpc/${route}`,
        agent,
        headers: { cookie, 'content-type': 'application/json' },
      },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (data += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
      },
    );
    req.setTimeout(20_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

/** What the console sends when the customer of a campaign contact did not answer. */
function notReached(item: WorkItem): string {
  const at = Date.now();
  return JSON.stringify({
    clientId: randomUUID(),
    flow: item.flow,
    scriptId: item.flow,
    scriptVersion: item.scriptVersion ?? FLOW_VERSIONS[item.flow],
    customerId: null,
    work: { kind: item.kind, sourceId: item.sourceId },
    startedAt: new Date(at - 30_000).toISOString(),
    endedAt: new Date(at).toISOString(),
    acwMs: 1000,
    events: [{ type: 'contact.not_reached', reason: 'no_answer', at: new Date(at - 20_000).toISOString() }],
    outcome: 'not_reached',
  });
}

/** Each client in a closed loop: work.next, then interactions.complete of what it got, for `seconds`. */
async function completionLoop(server: ChildServer, cookies: string[], seconds: number) {
  const url = new URL(server.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: cookies.length });
  const completeMs: number[] = [];
  let errors = 0;
  let empty = 0;
  let firstError = '';
  const fail = (what: string) => {
    errors++;
    firstError ||= what.slice(0, 300);
  };
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    cookies.map(async (cookie) => {
      while (performance.now() < end) {
        try {
          const next = await post(agent, url, 'work.next', cookie, '{}');
          if (next.status !== 200) {
            fail(`work.next ${next.status} ${next.body}`);
            continue;
          }
          const item = (JSON.parse(next.body) as { result: { data: WorkItem | null } }).result.data;
          if (!item) {
            empty++;
            await new Promise((r) => setTimeout(r, 100));
            continue;
          }
          const t = performance.now();
          const done = await post(agent, url, 'interactions.complete', cookie, notReached(item));
          if (done.status === 200) completeMs.push(performance.now() - t);
          else fail(`interactions.complete ${done.status} ${done.body}`);
        } catch (error) {
          fail(String(error));
        }
      }
    }),
  );
  const wall = (performance.now() - started) / 1000;
  agent.destroy();
  return {
    rate: completeMs.length / wall,
    completions: completeMs.length,
    p50: quantile(completeMs, 0.5),
    p99: quantile(completeMs, 0.99),
    errors,
    empty,
    firstError,
  };
}

async function measureCompletions(
  opts: BenchOptions,
  server: ChildServer,
  base: BaseData,
  cluster: PostgresCluster | null,
): Promise<Measure> {
  await completionLoop(server, base.httpCookies, HTTP_WARM_UP_SECONDS);
  const cpu = cpuMeter(cluster, [server.process.pid ?? 0]);
  const r = await completionLoop(server, base.httpCookies, HTTP_SECONDS);
  const detail =
    `complete p50 ${ms(r.p50)} p99 ${ms(r.p99)}; ${num(r.completions)} completions, ${r.errors} errors` +
    `${r.empty ? `, ${r.empty} empty` : ''}; ${cpu()}`;
  opts.log(`  ${cluster ? 'PostgreSQL' : 'SQLite'}: ${num(r.rate)} completions/s; ${detail}`);
  if (r.firstError) opts.log(`    first error: ${r.firstError}`);
  return { value: r.rate, detail };
}

// ─── board latency ──────────────────────────────────────────────────────────────────────────────────────────────────

/** The operator's status changed on `writer` `BOARD_CHANGES` times, one at a time, each timed to the tutor's board on `reader`. */
async function boardLatency(base: BaseData, writer: ChildServer, reader: ChildServer): Promise<Measure> {
  const latencies: number[] = [];
  const requestMs: number[] = [];
  let waiting: { state: string; resolve: () => void } | null = null;
  const stream = await openLiveStream(reader.url, 'board', {
    cookie: base.tutorCookie,
    onEvent: (data: BoardEvent) => {
      if (data.kind !== 'operator' || data.operator.userId !== base.boardOperator.id) return;
      if (waiting && data.operator.state === waiting.state) waiting.resolve();
    },
  });
  let lost = 0;
  try {
    if (stream.status !== 200) throw new Error(`board stream: HTTP ${stream.status}`);
    await stream.until((events) => events.some((e) => e.kind === 'snapshot'), 30_000);
    for (let i = 0; i < BOARD_CHANGES + 5; i++) {
      const state = i % 2 === 0 ? 'paused' : 'ready';
      const t = performance.now();
      const seen = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 5_000);
        waiting = { state, resolve: () => (clearTimeout(timer), resolve(true)) };
      });
      const r = await fetch(`${writer.url}/trpc/monitor.setStatus`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: base.boardOperator.cookie },
        body: JSON.stringify(state === 'paused' ? { state, reason: 'break' } : { state }),
      });
      await r.arrayBuffer();
      if (!r.ok) throw new Error(`monitor.setStatus: HTTP ${r.status}`);
      const answered = performance.now() - t;
      const arrived = await seen;
      waiting = null;
      // the first five warm up both nodes' paths (JIT, the LISTEN connection) and are not counted
      if (i < 5) continue;
      requestMs.push(answered);
      if (arrived) latencies.push(performance.now() - t);
      else lost++;
      await new Promise((r2) => setTimeout(r2, 20));
    }
  } finally {
    stream.close();
  }
  return {
    value: quantile(latencies, 0.99),
    detail: `p50 ${ms(quantile(latencies, 0.5))} p99 ${ms(quantile(latencies, 0.99))}; setStatus answered p50 ${ms(quantile(requestMs, 0.5))}; ${latencies.length}/${BOARD_CHANGES} seen${lost ? `, ${lost} LOST` : ''}`,
  };
}

// ─── the servers: completions, then the board ───────────────────────────────────────────────────────────────────────

async function benchEngineServers(
  opts: BenchOptions,
  base: BaseData,
  cluster: PostgresCluster,
  pgUrl: string,
): Promise<Row[]> {
  const spawn = (env?: Record<string, string>) =>
    spawnServer({ dbFile: base.file, bundle: opts.serverBundle, nodeArgs: opts.serverArgs, env });
  const servers: ChildServer[] = [];
  try {
    const onSqlite = await spawn();
    servers.push(onSqlite);
    const sqliteCompletions = await measureCompletions(opts, onSqlite, base, null);
    const sqliteBoard = await boardLatency(base, onSqlite, onSqlite);
    await onSqlite.kill('SIGTERM');

    const env = { VALORE_DATABASE_URL: pgUrl };
    const nodeA = await spawn(env);
    servers.push(nodeA);
    const pgCompletions = await measureCompletions(opts, nodeA, base, cluster);
    const pgBoard = await boardLatency(base, nodeA, nodeA);
    const nodeB = await spawn(env);
    servers.push(nodeB);
    const pgAcross = await boardLatency(base, nodeA, nodeB);
    opts.log(
      `  board p99: SQLite ${ms(sqliteBoard.value)} · PostgreSQL ${ms(pgBoard.value)}, across two nodes ${ms(pgAcross.value)}`,
    );
    const board = `board: status change → tutor's board event, one node (p99 of ${BOARD_CHANGES})`;
    return [
      {
        name: `completions over HTTP: ${HTTP_CLIENTS} clients, work.next + interactions.complete, ${HTTP_SECONDS} s`,
        unit: 'completions/s',
        sqlite: sqliteCompletions,
        postgres: pgCompletions,
      },
      { name: board, unit: 'ms', sqlite: sqliteBoard, postgres: pgBoard },
      {
        name: `board: status set on node A → board on node B (p99 of ${BOARD_CHANGES})`,
        unit: 'ms',
        sqlite: null,
        postgres: pgAcross,
      },
    ];
  } finally {
    await Promise.all(servers.map((s) => s.kill('SIGTERM')));
  }
}

// ─── stats ──────────────────────────────────────────────────────────────────────────────────────────────────────────

/** The history, generated on SQLite; kept for the next run while the schema and the generator are the same (as stats.ts). */
async function buildHistory(opts: BenchOptions): Promise<string> {
  const started = performance.now();
  const name = `engines-stats-${STATS_INTERACTIONS}`;
  const file = path.join(opts.workDir, `${name}.sqlite`);
  const stamp = [
    ...fs.readdirSync(path.join(ROOT, 'server/src/db/migrations')).sort(),
    fs.statSync(path.join(ROOT, 'server/src/db/seed/stats-history.ts')).mtimeMs,
  ].join('\n');
  if (fs.existsSync(file) && fs.existsSync(`${file}.done`) && fs.readFileSync(`${file}.done`, 'utf8') === stamp)
    return file;
  fs.rmSync(`${file}.done`, { force: true });
  await freshDatabase(opts.workDir, name, 20_000);
  const database = openDatabase(file);
  try {
    database.sqlite.pragma('synchronous = OFF');
    generateHistory(database.sqlite, { interactions: STATS_INTERACTIONS, days: 365 });
    database.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    database.sqlite.exec('ANALYZE');
  } finally {
    await database.close();
  }
  fs.writeFileSync(`${file}.done`, stamp);
  opts.log(
    `  history of ${num(STATS_INTERACTIONS)} interactions in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return file;
}

/** The dashboard's queries as stats.ts runs them (team lead and admin, 30 and 365 days), p50 / p95 of each. */
async function statsQueries(db: Kysely<Database>, last: string) {
  const { deps, database } = await createTestDeps();
  const bench = { ...deps, db };
  const end = new Date(Date.parse(last) + 86_400_000);
  end.setUTCHours(0, 0, 0, 0);
  const teamLead: SessionUser = { id: 1_000_000, username: 'tl', displayName: 'TL', role: 'team_lead', siteId: 1 };
  const admin: SessionUser = { id: 1_000_001, username: 'admin', displayName: 'Admin', role: 'admin', siteId: null };
  const cases = dashboardCases(bench, teamLead, admin, end);
  const rows: { name: string; p50: number; p95: number }[] = [];
  try {
    for (const c of cases) {
      await c.run();
      const times: number[] = [];
      for (let i = 0; i < STATS_RUNS; i++) {
        const t = performance.now();
        await c.run();
        times.push(performance.now() - t);
      }
      rows.push({ name: c.name, p50: quantile(times, 0.5), p95: quantile(times, 0.95) });
    }
  } finally {
    await database.close();
  }
  return rows;
}

async function benchEngineStats(opts: BenchOptions, file: string, pgUrl: string): Promise<Row[]> {
  const sqlite = openDatabase(file);
  const store = openPostgres(pgUrl);
  try {
    const last = (sqlite.sqlite.prepare('SELECT max(started_at) AS t FROM interactions').get() as { t: string }).t;
    const onSqlite = await statsQueries(sqlite.db, last);
    const onPg = await statsQueries(store.db, last);
    for (const [i, r] of onSqlite.entries())
      opts.log(
        `    ${r.name.padEnd(30)} SQLite p95 ${ms(r.p95).padStart(9)} · PostgreSQL p95 ${ms(onPg[i]?.p95 ?? Number.NaN).padStart(9)}`,
      );
    const worst = (rows: typeof onSqlite): Measure => {
      const w = rows.reduce((a, b) => (b.p95 > a.p95 ? b : a));
      return {
        value: w.p95,
        detail: `worst: ${w.name}; median p50 ${ms(
          quantile(
            rows.map((r) => r.p50),
            0.5,
          ),
        )}`,
      };
    };
    const median = (rows: typeof onSqlite): Measure => ({
      value: quantile(
        rows.map((r) => r.p95),
        0.5,
      ),
      detail: `${rows.length} queries × ${STATS_RUNS}`,
    });
    const name = `stats: dashboard queries, ${num(STATS_INTERACTIONS)} interactions`;
    return [
      {
        name: `${name}, worst p95`,
        unit: 'ms',
        sqlite: worst(onSqlite),
        postgres: worst(onPg),
        target: { text: 'p95 < 25 ms (SQLite’s, both engines)', met: (v) => v < 25 },
      },
      { name: `${name}, median p95`, unit: 'ms', sqlite: median(onSqlite), postgres: median(onPg) },
    ];
  } finally {
    await sqlite.close();
    await store.close();
  }
}

// ─── the section ────────────────────────────────────────────────────────────────────────────────────────────────────

function value(n: number, unit: string): string {
  if (!Number.isFinite(n)) return '–';
  return `${n >= 100 ? Math.round(n).toLocaleString('en') : n.toFixed(n < 10 ? 2 : 1)} ${unit}`;
}

function printSideBySide(rows: Row[], log: (line: string) => void): void {
  const lines = rows.map((r) => [
    r.name,
    r.sqlite ? value(r.sqlite.value, r.unit) : 'n/a (one node)',
    value(r.postgres.value, r.unit),
    r.sqlite ? `${(r.postgres.value / r.sqlite.value).toFixed(2)}×` : '',
  ]);
  const header = ['figure', 'SQLite', 'PostgreSQL', 'ratio (PG ÷ SQLite)'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const row = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' │ ');
  log('');
  log(row(header));
  log(widths.map((w) => '─'.repeat(w)).join('─┼─'));
  for (const l of lines) log(row(l));
  log('');
  for (const r of rows) {
    log(`  ${r.name}`);
    if (r.sqlite) log(`      SQLite:     ${r.sqlite.detail}`);
    log(`      PostgreSQL: ${r.postgres.detail}`);
  }
}

function toFigure(r: Row): Figure {
  const met = r.target ? r.target.met(r.postgres.value) && (!r.sqlite || r.target.met(r.sqlite.value)) : null;
  return {
    section: 'engines',
    name: `${r.name} [PostgreSQL; limit column: SQLite]`,
    value: r.postgres.value,
    unit: r.unit,
    limitName: r.sqlite ? 'SQLite' : undefined,
    limitValue: r.sqlite?.value,
    ratio: r.sqlite ? r.postgres.value / r.sqlite.value : undefined,
    target: r.target?.text ?? 'reported',
    met,
    detail: `PostgreSQL ${r.postgres.detail}${r.sqlite ? ` · SQLite ${r.sqlite.detail}` : ''}`,
    extra: { sqlite: r.sqlite, postgres: r.postgres },
  };
}

export async function benchEngines(opts: BenchOptions): Promise<Figure[]> {
  const cluster = await startOwnPostgresCluster();
  try {
    // set-up first, while the cluster still runs without fsync (the copies are set-up, not figures)
    const base = await buildBase(opts);
    const pgUrl = await copyToPostgres(opts, cluster, base.file, 'engines');
    const history = await buildHistory(opts);
    const pgStatsUrl = await copyToPostgres(opts, cluster, history, 'engines_stats');
    makeDurable(cluster);
    const version = await (async () => {
      const client = new pg.Client({ connectionString: cluster.url });
      await client.connect();
      try {
        const show = async (setting: string) =>
          ((await client.query<Record<string, string>>(`SHOW ${setting}`)).rows[0] ?? {})[setting];
        return `PostgreSQL ${await show('server_version')} (fsync ${await show('fsync')}, synchronous_commit ${await show('synchronous_commit')}, shared_buffers ${await show('shared_buffers')})`;
      } finally {
        await client.end();
      }
    })();
    opts.log(`  ${version} · SQLite WAL, synchronous=FULL · ${os.cpus().length} cores · same disk`);
    const rows = [
      ...(await benchEngineClaims(opts, base, cluster, pgUrl)),
      ...(await benchEngineServers(opts, base, cluster, pgUrl)),
      ...(await benchEngineStats(opts, history, pgStatsUrl)),
    ];
    printSideBySide(rows, opts.log);
    return rows.map(toFigure);
  } finally {
    cluster.stop();
  }
}
