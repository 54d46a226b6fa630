import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '@valore/server/app';
import { createDrain } from '@valore/server/http/drain';
import { inboundSale } from '@valore/server/testing/completions';
import { STREAMS } from '@valore/shared/streams';
import { createApiClient } from '../helpers/api-client';
import { spawnServer, testDatabase, type ChildServer, type TestDatabase } from '../helpers/child-server';
import { startTestServer, type TestServer } from '../helpers/server';
import { testSql } from '../helpers/sql';
import { buildServer } from '../../scripts/build-server.mjs';

/**
 * Stopping a node without losing anything (docs/operations.md, "Stopping a node"): on SIGTERM the server takes no new
 * connections, ends its live streams, lets every request it is serving finish and answer, then exits 0. The requests
 * here are held mid-body across the signal, so they are certainly in progress when it arrives.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A POST whose body is only half sent: `finish()` sends the rest. The server has its headers once `sent` resolves. */
function heldPost(url: string, route: string, cookie: string, body: string) {
  const { hostname, port } = new URL(url);
  let finish: () => void = () => undefined;
  const answer = new Promise<Answer>((resolve, reject) => {
    const req = http.request(
      {
        host: hostname,
        port,
        method: 'POST',
        path: route,
        agent: false,
        headers: { cookie, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (data += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
      },
    );
    req.on('error', reject);
    const half = Math.floor(body.length / 2);
    req.write(body.slice(0, half));
    finish = () => req.end(body.slice(half));
  });
  return { answer, finish: () => finish() };
}

/** Opens a live stream; `ended` resolves when the server ends it. */
function openStream(url: string, cookie: string) {
  const { hostname, port } = new URL(url);
  return new Promise<{ status: number; ended: Promise<void> }>((resolve, reject) => {
    const req = http.get(
      { host: hostname, port, path: STREAMS.coaching, agent: false, headers: { cookie, accept: 'text/event-stream' } },
      (res) => {
        const ended = new Promise<void>((done) => res.on('end', done).on('close', done));
        res.on('data', () => undefined);
        resolve({ status: res.statusCode ?? 0, ended });
      },
    );
    req.on('error', reject);
  });
}

function connectionRefused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const req = http.get({ host: hostname, port, path: '/healthz', agent: false }, (res) => {
      res.resume();
      resolve(false);
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Customers who hold neither CONTO nor FIBRA (the products the completions propose). */
function proposable(database: TestDatabase, n: number): Promise<number[]> {
  return database.use(async (db) =>
    (
      await testSql(db).all<{ id: number }>(
        `SELECT id FROM customers c WHERE NOT EXISTS (SELECT 1 FROM customer_products p
           WHERE p.customer_id = c.id AND p.product_code IN ('CONTO', 'FIBRA')) ORDER BY id LIMIT ?`,
        n,
      )
    ).map((r) => r.id),
  );
}

/** How many interactions each completion left, by its client id (read after the server has stopped). */
function storedCounts(database: TestDatabase, clientIds: string[]): Promise<number[]> {
  return database.use(async (db) => {
    const counts: number[] = [];
    for (const id of clientIds) {
      const row = await testSql(db).get<{ n: number }>(
        'SELECT count(*) AS n FROM interactions WHERE client_id = ?',
        id,
      );
      counts.push(row?.n ?? -1);
    }
    return counts;
  });
}

async function signIn(url: string, username: string): Promise<string> {
  const api = createApiClient(url);
  await api.login(username);
  return `valore_sid=${api.jar.get('valore_sid') ?? ''}`;
}

const completion = (customerId: number) =>
  inboundSale(customerId, 'lead', { startMs: Date.now() - 120_000, stepMs: 1000, handleMs: 4000, acwMs: 1000 });

describe('graceful shutdown', () => {
  let server: TestServer | null = null;
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'valore-shutdown-'));
  });
  afterAll(async () => {
    await server?.close().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  /**
   * A test server on a database of the test's own (either engine): its shutdown closes the server's store, and what the
   * stopped server left is read afterwards through `database`.
   */
  const start = async () => {
    const database = await testDatabase(fs.mkdtempSync(path.join(dir, 'db-')), { seeded: true });
    server = await startTestServer({ env: database.env });
    return { server, database };
  };

  it('finishes the requests in progress, ends the streams, takes no new connections', async () => {
    const { server: started, database } = await start();
    const { url } = started;
    const cookie = await signIn(url, 'operatore1');
    const stream = await openStream(url, cookie);
    expect(stream.status).toBe(200);
    const inputs = (await proposable(database, 5)).map(completion);
    const held = inputs.map((input) => heldPost(url, '/trpc/interactions.complete', cookie, JSON.stringify(input)));
    await settle(300); // the server has read their headers: they are requests in progress

    const stopped = started.shutdown(10_000);
    await stream.ended;
    expect(await connectionRefused(url)).toBe(true);
    await settle(200);
    held.forEach((h) => h.finish());
    const answers = await Promise.all(held.map((h) => h.answer));
    for (const a of answers) {
      expect(a.status, a.body).toBe(200);
      expect(a.headers.connection).toBe('close');
    }
    expect(await stopped).toEqual({ cut: 0 });
    server = null;

    expect(
      await storedCounts(
        database,
        inputs.map((i) => i.clientId),
      ),
    ).toEqual(inputs.map(() => 1));
  });

  it('cuts what is still busy at the end of the grace period, and writes none of it', async () => {
    const { server: started, database } = await start();
    const { url } = started;
    const cookie = await signIn(url, 'operatore1');
    const [customer] = await proposable(database, 1);
    const input = completion(customer ?? 1);
    const held = heldPost(url, '/trpc/interactions.complete', cookie, JSON.stringify(input));
    // the cut rejects it while the shutdown is still closing the store (on PostgreSQL it takes a while): handled here,
    // not only when checked below, or the rejection would be reported as unhandled
    held.answer.catch(() => undefined);
    await settle(300);
    const t0 = Date.now();
    expect(await started.shutdown(500)).toEqual({ cut: 1 });
    expect(Date.now() - t0).toBeLessThan(5_000);
    server = null;
    await expect(held.answer).rejects.toThrow();
    expect(await storedCounts(database, [input.clientId])).toEqual([0]);
  });

  it('while draining: /healthz says so, streams are refused with Retry-After, answers close their connection', async () => {
    server = await startTestServer();
    const drain = createDrain();
    // the same application on a second listener, its drain started: what a proxy sees of a stopping node
    const side = http.createServer(createApp(server.deps, drain));
    await new Promise<void>((r) => side.listen(0, '127.0.0.1', r));
    const sideUrl = `http://127.0.0.1:${(side.address() as { port: number }).port}`;
    try {
      const cookie = await signIn(sideUrl, 'operatore1');
      const before = await fetch(`${sideUrl}/healthz`);
      expect(before.status).toBe(200);
      expect(await before.json()).toEqual({ status: 'ok' });
      const open = await openStream(sideUrl, cookie);
      expect(open.status).toBe(200);

      drain.start();
      await open.ended;
      const health = await fetch(`${sideUrl}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ status: 'draining' });
      expect(health.headers.get('connection')).toBe('close');
      const refused = await fetch(`${sideUrl}${STREAMS.coaching}`, { headers: { cookie } });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      const me = await fetch(`${sideUrl}/trpc/auth.me`, { headers: { cookie } });
      expect(me.status).toBe(200);
      expect(me.headers.get('connection')).toBe('close');
    } finally {
      side.closeAllConnections();
      await new Promise<void>((r) => side.close(() => r()));
    }
  });
});

describe('SIGTERM to the server as npm start runs it', () => {
  let dir: string;
  let bundle: string;
  let child: ChildServer | null = null;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'valore-sigterm-'));
    bundle = await buildServer(path.join(ROOT, `server/dist/sigterm-test-${process.pid}.mjs`));
  });
  afterAll(async () => {
    await child?.kill();
    fs.rmSync(dir, { recursive: true, force: true });
    for (const f of [bundle, `${bundle}.map`]) fs.rmSync(f, { force: true });
  });

  it('answers the request in progress, then exits 0', async () => {
    const database = await testDatabase(dir, { seeded: true });
    child = await spawnServer({ dbFile: database.dbFile, env: database.env, bundle });
    const cookie = await signIn(child.url, 'operatore1');
    const [customer] = await proposable(database, 1);
    const input = completion(customer ?? 1);
    const held = heldPost(child.url, '/trpc/interactions.complete', cookie, JSON.stringify(input));
    await settle(300);
    child.process.kill('SIGTERM');
    await settle(300);
    held.finish();
    const answer = await held.answer;
    expect(answer.status, answer.body).toBe(200);
    expect(await child.exited).toBe(0);
    child = null;
    expect(await storedCounts(database, [input.clientId])).toEqual([1]);
  });
});
