import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '@valore/server/app';
import { createDrain } from '@valore/server/http/drain';
import { inboundSale } from '@valore/server/testing/completions';
import { STREAMS } from '@valore/shared/streams';
import { createApiClient } from '../helpers/api-client';
import { spawnServer, type ChildServer } from '../helpers/child-server';
import { seededTemplate, startTestServer, type TestServer } from '../helpers/server';
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
function proposable(dbFile: string, n: number): number[] {
  const db = new SQLite(dbFile, { readonly: true });
  try {
    return (
      db
        .prepare(
          `SELECT id FROM customers c WHERE NOT EXISTS (SELECT 1 FROM customer_products p
             WHERE p.customer_id = c.id AND p.product_code IN ('CONTO', 'FIBRA')) ORDER BY id LIMIT ?`,
        )
        .all(n) as { id: number }[]
    ).map((r) => r.id);
  } finally {
    db.close();
  }
}

/** How many interactions each completion left, by its client id. */
function storedCounts(dbFile: string, clientIds: string[]): number[] {
  const db = new SQLite(dbFile, { readonly: true });
  try {
    const count = db.prepare('SELECT count(*) AS n FROM interactions WHERE client_id = ?');
    return clientIds.map((id) => (count.get(id) as { n: number }).n);
  } finally {
    db.close();
  }
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
  afterAll(async () => {
    await server?.close().catch(() => undefined);
  });

  it('finishes the requests in progress, ends the streams, takes no new connections', async () => {
    server = await startTestServer();
    const { url, dbFile } = server;
    const cookie = await signIn(url, 'operatore1');
    const stream = await openStream(url, cookie);
    expect(stream.status).toBe(200);
    const inputs = proposable(dbFile, 5).map(completion);
    const held = inputs.map((input) => heldPost(url, '/trpc/interactions.complete', cookie, JSON.stringify(input)));
    await settle(300); // the server has read their headers: they are requests in progress

    const stopped = server.shutdown(10_000);
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
      storedCounts(
        dbFile,
        inputs.map((i) => i.clientId),
      ),
    ).toEqual(inputs.map(() => 1));
  });

  it('cuts what is still busy at the end of the grace period, and writes none of it', async () => {
    server = await startTestServer();
    const { url, dbFile } = server;
    const cookie = await signIn(url, 'operatore1');
    const [customer] = proposable(dbFile, 1);
    const input = completion(customer ?? 1);
    const held = heldPost(url, '/trpc/interactions.complete', cookie, JSON.stringify(input));
    await settle(300);
    const started = Date.now();
    expect(await server.shutdown(500)).toEqual({ cut: 1 });
    expect(Date.now() - started).toBeLessThan(5_000);
    server = null;
    await expect(held.answer).rejects.toThrow();
    expect(storedCounts(dbFile, [input.clientId])).toEqual([0]);
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
    const dbFile = path.join(dir, 'valore.sqlite');
    fs.copyFileSync(await seededTemplate(2_000, new Date()), dbFile);
    child = await spawnServer({ dbFile, bundle });
    const cookie = await signIn(child.url, 'operatore1');
    const [customer] = proposable(dbFile, 1);
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
    expect(storedCounts(dbFile, [input.clientId])).toEqual([1]);
  });
});
