import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TRPCClientError } from '@trpc/client';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOW_VERSIONS } from '@valore/shared/flows/index';
import { hashPassword } from '@valore/server/domains/auth/password';
import { migratePostgres, openPostgres, type OpenedPostgres } from '@valore/server/db/postgres';
import { compareRollupsWithRecount } from '@valore/server/domains/stats/stats.recount';
import { createActiveCampaign, createUser, createWorld, type World } from '@valore/server/testing/fixtures';
import { createApiClient, type ApiClient } from '../helpers/api-client';
import { spawnServer, type ChildServer } from '../helpers/child-server';
import { openLiveStream } from '../helpers/live-stream';
import { freePort, startPostgresCluster, type PostgresCluster } from '../helpers/postgres-cluster';
import { findNginx as findNginxBin } from '../../scripts/ensure-nginx.mjs';

/**
 * Several app nodes behind a reverse proxy (issue 21): two server processes on one PostgreSQL database behind nginx
 * (Debian's, run with the documented docs/deploy/nginx.conf). 50 operators drain a 10,000-contact campaign through
 * the proxy; node A is SIGKILLed a fifth of the way through. Every contact must end done with exactly one interaction,
 * every acknowledged completion must be there once, no contact is held by two operators at once, and the contacts of
 * operators who vanished with the node come back when their leases run out and are completed by others; the
 * conversion rollups count every contact once.
 */
const ITEMS = Number(process.env.VALORE_MULTI_NODE_ITEMS ?? 10_000);
const OPERATORS = 50;
/** Operators whose console goes with node A: they hold a contact and never come back. */
const VANISHING = 5;
const PASSWORD = 'multi-node-password';

let cluster: PostgresCluster;
let store: OpenedPostgres;
let world: World;
let campaignId: number;
let nodeA: ChildServer;
let nodeB: ChildServer;
let proxy: { url: string; process: ChildProcess; dir: string };

/** nginx with the documented configuration in front of `nodes`. */
async function startProxy(nodes: ChildServer[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'valore-nginx-'));
  const port = await freePort();
  const template = fs.readFileSync(path.resolve(import.meta.dirname, '../../docs/deploy/nginx.conf'), 'utf8');
  const config = template
    .replaceAll('{{prefix}}', dir)
    .replaceAll('{{listen}}', `127.0.0.1:${port}`)
    .replaceAll(
      '{{nodes}}',
      nodes.map((n) => `    server 127.0.0.1:${n.port} max_fails=1 fail_timeout=5s;`).join('\n'),
    );
  const file = path.join(dir, 'nginx.conf');
  fs.writeFileSync(file, config);
  const child = spawn(findNginx(), ['-p', dir, '-c', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || i > 100) throw new Error(`nginx did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, process: child, dir };
}

function findNginx(): string {
  const found = findNginxBin();
  if (!found) throw new Error('nginx is not installed: apt-get install -y nginx-light (or set NGINX_BIN)');
  return found;
}

beforeAll(async () => {
  cluster = await startPostgresCluster();
  const url = cluster.createDatabase('multinode');
  store = openPostgres(url);
  const db = store.db;
  await migratePostgres(db);
  const now = new Date();
  const at = now.toISOString();
  world = await createWorld(db, now);
  // one attempt: a contact not reached is done (the drain ends)
  campaignId = await createActiveCampaign(db, world, now, { name: 'Libretto nazionale', maxAttempts: 1 });
  for (let from = 0; from < ITEMS; from += 1_000) {
    const batch = Array.from({ length: Math.min(1_000, ITEMS - from) }, (_, k) => from + k);
    const customers = await db
      .insertInto('customers')
      .values(
        batch.map((i) => ({
          first_name: 'Cliente',
          last_name: `N${i}`,
          tax_code: `MLTN${String(i).padStart(12, '0')}`,
          phone: `+39347${String(1_000_000 + i)}`,
          email: null,
          birth_date: '1980-05-17',
          city: 'Roma',
          province_code: 'RM',
          created_at: at,
        })),
      )
      .returning(['id', 'phone'])
      .execute();
    await db
      .insertInto('consents')
      .values(
        customers.map((c) => ({
          customer_id: c.id,
          purpose: 'marketing',
          channel: 'any',
          granted: 1,
          source: 'import',
          source_ref: null,
          recorded_at: at,
          recorded_by: null,
        })),
      )
      .execute();
    await db
      .insertInto('campaign_contacts')
      .values(
        customers.map((c, k) => ({
          campaign_id: campaignId,
          customer_id: c.id,
          phone: c.phone,
          status: 'pending',
          attempts: 0,
          due_at: new Date(now.getTime() - 60_000 - (from + k) * 10).toISOString(),
          updated_at: at,
        })),
      )
      .execute();
  }
  for (let i = 0; i < OPERATORS; i++)
    await createUser(db, {
      username: `nodo${i}`,
      role: 'operator',
      siteId: world.sites.roma,
      teamId: world.teams.roma,
      now,
    });
  await db
    .updateTable('users')
    .set({ password_hash: await hashPassword(PASSWORD) })
    .where('username', 'in', [...Array.from({ length: OPERATORS }, (_, i) => `nodo${i}`), world.users.tutor.username])
    .execute();

  const env = {
    VALORE_DATABASE_URL: url,
    // the proxy is the client's address as the nodes see it
    VALORE_TRUSTED_PROXIES: '127.0.0.1',
    // the shortest lease: a vanished operator's contact comes back within the drain
    VALORE_WORK_LEASE_MINUTES: '1',
  };
  const unused = path.join(os.tmpdir(), 'valore-multi-node-unused.sqlite');
  nodeA = await spawnServer({ dbFile: unused, env });
  nodeB = await spawnServer({ dbFile: unused, env });
  proxy = await startProxy([nodeA, nodeB]);
}, 180_000);

afterAll(async () => {
  proxy?.process.kill('SIGTERM');
  await nodeA?.kill();
  await nodeB?.kill();
  await store?.close();
  cluster?.stop();
  if (proxy) fs.rmSync(proxy.dir, { recursive: true, force: true });
});

/** Whether a failed call may be sent again as it is: the proxy or a node could not answer (the node died). */
function transient(error: unknown): boolean {
  if (!(error instanceof TRPCClientError)) return true; // fetch failed: connection refused or reset
  const status =
    (error.meta?.response as Response | undefined)?.status ??
    (error.data as { httpStatus?: number } | null)?.httpStatus;
  return status === undefined || status === 502 || status === 503 || status === 504;
}

/** A call through the proxy, repeated as it is (same idempotency key) while the nodes cannot answer. */
async function persist<T>(call: () => Promise<T>, retries: { count: number }): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!transient(error) || attempt >= 50) throw error;
      retries.count++;
      await new Promise((r) => setTimeout(r, 100 + attempt * 50));
    }
  }
}

/** How many tRPC calls a node has answered, from its own /metrics. */
async function callsServed(node: ChildServer): Promise<number> {
  const text = await (await fetch(`${node.url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n'))
    if (line.startsWith('valore_http_requests_total{') && line.includes('route="/trpc/'))
      total += Number(line.split(' ').at(-1));
  return total;
}

describe('two app nodes behind nginx on one PostgreSQL database', () => {
  it("takes a browser's sign-in through the proxy as same-origin (the Host it forwards keeps the port)", async () => {
    // a browser's POST carries Origin: the proxy's address with its port; the node compares it with the Host header
    // nginx forwards ($host would drop the port: every sign-in refused as cross-origin on every port but 80/443)
    const answer = await fetch(`${proxy.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: proxy.url, 'Sec-Fetch-Site': 'same-origin' },
      body: JSON.stringify({ username: 'nodo0', password: PASSWORD }),
    });
    expect(answer.status, await answer.clone().text()).toBe(200);
  });

  it(`drains ${ITEMS} contacts with ${OPERATORS} operators through the proxy while node A is killed`, async () => {
    const operators: ApiClient[] = [];
    for (let i = 0; i < OPERATORS; i++) {
      const client = createApiClient(proxy.url);
      await client.login(`nodo${i}`, PASSWORD);
      operators.push(client);
    }
    // a tutor's board on node B, watching operators who may be served by either node
    const tutor = createApiClient(nodeB.url);
    await tutor.login('tutor1', PASSWORD);
    const board = await openLiveStream(nodeB.url, 'board', { cookie: tutor.cookieHeader() });
    await board.until((events) => events.some((e) => e.kind === 'snapshot'));
    // another tutor's board on node A, the node that will die
    const boardOnA = await openLiveStream(nodeA.url, 'board', { cookie: tutor.cookieHeader() });
    await boardOnA.until((events) => events.some((e) => e.kind === 'snapshot'));

    const retries = { count: 0 };
    /** contact id → operators it was handed to, in order */
    const handedTo = new Map<string, number[]>();
    /** contact id → operator holding it now */
    const holder = new Map<string, number>();
    const heldTwice: string[] = [];
    const acknowledged: string[] = [];
    const completedContacts = new Set<string>();
    const abandoned = new Set<string>();
    let killed = false;
    let killedAt = 0;
    let servedByA = 0;
    let servedByBBeforeKill = 0;
    // a status change sent to node A → on the board on node B (the change's own write on A, under the drain's load,
    // included); and from A's answer (the change committed) → on the board on B: the propagation alone
    const statusOnBoard: number[] = [];
    const statusAfterAnswer: number[] = [];

    let killing = false;
    const kill = async () => {
      killing = true;
      servedByA = await callsServed(nodeA);
      servedByBBeforeKill = await callsServed(nodeB);
      killedAt = acknowledged.length;
      killed = true;
      await nodeA.kill('SIGKILL');
    };

    const loop = async (op: ApiClient, index: number) => {
      const vanishes = index < VANISHING;
      for (;;) {
        if (completedContacts.size >= ITEMS) return;
        const item = await persist(() => op.trpc.work.next.mutate({}), retries);
        if (!item) {
          // nothing due now: the contacts vanished operators hold come back when their leases end
          await new Promise((r) => setTimeout(r, 1_000));
          continue;
        }
        const previous = holder.get(item.sourceId);
        if (previous !== undefined && previous !== index && !abandoned.has(item.sourceId))
          heldTwice.push(item.sourceId);
        holder.set(item.sourceId, index);
        handedTo.set(item.sourceId, [...(handedTo.get(item.sourceId) ?? []), index]);
        if (vanishes && killed) {
          // this operator's console was on the dead node: the contact stays leased to them until the lease ends
          abandoned.add(item.sourceId);
          return;
        }
        const at = Date.now();
        const input = {
          clientId: randomUUID(),
          flow: item.flow,
          scriptId: item.flow,
          scriptVersion: FLOW_VERSIONS[item.flow],
          customerId: null,
          work: { kind: item.kind, sourceId: item.sourceId },
          startedAt: new Date(at - 30_000).toISOString(),
          endedAt: new Date(at).toISOString(),
          acwMs: 1000,
          events: [
            {
              type: 'contact.not_reached' as const,
              reason: 'no_answer' as const,
              at: new Date(at - 20_000).toISOString(),
            },
          ],
          outcome: 'not_reached' as const,
        };
        await persist(() => op.trpc.interactions.complete.mutate(input), retries);
        acknowledged.push(input.clientId);
        completedContacts.add(item.sourceId);
        holder.delete(item.sourceId);
        if (!killing && acknowledged.length >= ITEMS / 5) await kill();
      }
    };

    // during the drain: an operator's status changed on node A reaches the tutor's board on node B (before the kill)
    const watcher = createApiClient(nodeA.url);
    await watcher.login(`nodo${OPERATORS - 1}`, PASSWORD);
    const watchBoard = async () => {
      for (let round = 0; round < 5 && !killed; round++)
        await boardRound(round).catch((error: unknown) => {
          // the watcher talks to node A itself: a round cut by the kill is not a failure
          if (!killed) throw error;
        });
    };
    const boardRound = async (round: number) => {
      const state = round % 2 ? 'ready' : 'paused';
      board.events.splice(0); // what came before this round does not count
      const started = performance.now();
      let acknowledged = Number.NaN;
      const change = watcher.trpc.monitor.setStatus
        .mutate(state === 'paused' ? { state, reason: 'break' } : { state })
        .then(() => (acknowledged = performance.now()));
      change.catch(() => undefined); // awaited below; a failure cut short by the kill is not left unhandled meanwhile
      await board.until(
        (events) =>
          events.some(
            (e) =>
              e.kind === 'operator' && e.operator.username === `nodo${OPERATORS - 1}` && e.operator.state === state,
          ),
        5_000,
      );
      const shown = performance.now();
      await change;
      statusOnBoard.push(shown - started);
      // the board may show it before node A's answer is back (A announces on commit, then answers): 0 then
      statusAfterAnswer.push(Math.max(0, shown - acknowledged));
      await new Promise((r) => setTimeout(r, 200));
    };

    const started = performance.now();
    await Promise.all([...operators.slice(0, OPERATORS - 1).map((op, i) => loop(op, i)), watchBoard()]);
    const seconds = (performance.now() - started) / 1000;
    board.close();

    // the board whose node died reconnects through the proxy with its last event id (as the browser's EventSource
    // does) and shows what changed while it was away: here an operator paused after the kill
    await boardOnA.ended;
    const lastOnA = boardOnA.lastId();
    const afterKill = createApiClient(proxy.url, { cookie: watcher.cookieHeader() });
    await afterKill.trpc.monitor.setStatus.mutate({ state: 'paused', reason: 'training' });
    const resumed = await openLiveStream(proxy.url, 'board', {
      cookie: tutor.cookieHeader(),
      ...(lastOnA ? { lastEventId: lastOnA } : {}),
    });
    // it resumes after its last number, no snapshot: node B numbers the site's changes as node A did (the numbers are
    // the database's), without a gap, up to the pause made after the kill, then the current figures
    const events = await resumed.until((evs) => evs.some((e) => e.kind === 'stats' || e.kind === 'snapshot'));
    resumed.close();
    const [lastSite, lastSeq] = (lastOnA ?? '').split('.').map(Number);
    expect(lastSite).toBe(1);
    expect(events.map((e) => e.kind)).not.toContain('snapshot');
    const changes = events.flatMap((e) => (e.kind === 'operator' ? [e] : []));
    expect(changes.map((e) => e.seq)).toEqual(changes.map((_, i) => (lastSeq ?? 0) + 1 + i));
    expect(changes.at(-1)?.operator).toMatchObject({
      username: `nodo${OPERATORS - 1}`,
      state: 'paused',
      reason: 'training',
    });

    const db = store.db;
    const contacts = await db
      .selectFrom('campaign_contacts')
      .select(({ fn }) => ['status', fn.countAll<number>().as('n')])
      .where('campaign_id', '=', campaignId)
      .groupBy('status')
      .execute();
    const interactions = await db
      .selectFrom('interactions')
      .select(['client_id', 'source_id'])
      .where('work_kind', '=', 'campaign')
      .execute();
    const byClientId = new Map<string, number>();
    for (const row of interactions) byClientId.set(row.client_id, (byClientId.get(row.client_id) ?? 0) + 1);
    const byContact = new Map<string, number>();
    for (const row of interactions)
      byContact.set(String(row.source_id), (byContact.get(String(row.source_id)) ?? 0) + 1);

    console.log(
      `multi-node: ${ITEMS} contacts, ${OPERATORS - 1} operators through nginx in ${seconds.toFixed(1)} s; ` +
        `before the kill (after ${killedAt} completions) node A answered ${servedByA} calls, node B ` +
        `${servedByBBeforeKill}; ${retries.count} calls repeated; ${abandoned.size} contacts left by vanished ` +
        `operators came back; status sent to A → board on B: ${statusOnBoard.map((ms) => ms.toFixed(0)).join(', ')} ms ` +
        `(from A's answer: ${statusAfterAnswer.map((ms) => ms.toFixed(0)).join(', ')} ms)`,
    );

    // both nodes served before the kill, and the drain went on without node A
    expect(killed).toBe(true);
    expect(servedByA).toBeGreaterThan(0);
    expect(servedByBBeforeKill).toBeGreaterThan(0);
    expect(nodeA.process.signalCode).toBe('SIGKILL');
    // every contact closed, exactly one interaction each
    expect(contacts).toEqual([{ status: 'exhausted', n: ITEMS }]); // not reached at its one attempt: closed
    expect(interactions).toHaveLength(ITEMS);
    expect(byContact.size).toBe(ITEMS);
    // every acknowledged completion present once
    expect(acknowledged).toHaveLength(ITEMS);
    for (const id of acknowledged) expect(byClientId.get(id)).toBe(1);
    // nothing held by two operators at once
    expect(heldTwice).toEqual([]);
    // the vanished operators' contacts came back after their leases and were completed by someone else
    expect(abandoned.size).toBe(VANISHING);
    for (const id of abandoned) {
      expect(handedTo.get(id)?.length).toBe(2);
      expect(completedContacts.has(id)).toBe(true);
    }
    expect(statusOnBoard.length).toBeGreaterThan(0);
    // every contact counted once in the conversion rollups, whichever node completed it and in whatever order the
    // completions committed (the catch-up of both nodes ran during the drain)
    expect(await compareRollupsWithRecount(db)).toEqual([]);
    const { rows } = await sql<{ n: number | null }>`SELECT SUM(handled) AS n FROM stats_site_day`.execute(db);
    expect(rows[0]?.n).toBe(ITEMS);
  }, 900_000);
});
