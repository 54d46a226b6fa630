// The mixed-load driver, run in its own process by mixed.ts: N simulated operators, open loop. Each operator keeps an
// SSE stream open (the coaching stream, GET /api/v1/streams/coaching) and, every CYCLE_S seconds, claims an item (work.next), reads the customer
// card and a post office's slots, reports two script steps (monitor.setStatus), completes the contact
// (interactions.complete), goes to after-call work and gives the item back (work.release). Requests go out at the aggregate rate whatever the
// answers do. N rises step by step until p99 > 100 ms or errors > 0.1%; prints one JSON line per step.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { STREAMS } from '@valore/shared/streams';
import { completeBody } from './http';
import { cpuSecondsOf, quantile, rssOf } from './lib';

interface Config {
  url: string;
  cookiesFile: string;
  serverPid: number;
  steps: number[];
  stepSeconds: number;
  cycleSeconds: number;
  customers: number;
  /** the customers completions propose FIBRA to (not holding it) */
  proposable: number[];
  postOffices: number[];
}
const config = JSON.parse(fs.readFileSync(process.argv[2] ?? '', 'utf8')) as Config;
const cookies = fs.readFileSync(config.cookiesFile, 'utf8').trim().split('\n');
const { hostname, port } = new URL(config.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const ACTIONS = 8;

function request(
  method: 'GET' | 'POST',
  path: string,
  cookie: string,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: hostname,
        port,
        method,
        path,
        agent,
        headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (data += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

const sse: http.ClientRequest[] = [];
async function openStreams(upTo: number) {
  const opening: Promise<void>[] = [];
  for (let i = sse.length; i < upTo; i++) {
    opening.push(
      new Promise<void>((resolve) => {
        const req = http.get(
          {
            host: hostname,
            port,
            path: STREAMS.coaching,
            headers: { cookie: cookies[i] ?? '', accept: 'text/event-stream' },
          },
          (res) => {
            res.on('data', () => undefined);
            resolve();
          },
        );
        req.on('error', () => resolve());
        sse.push(req);
      }),
    );
    if (opening.length >= 200) await Promise.all(opening.splice(0));
  }
  await Promise.all(opening);
}

const held = new Map<number, string>();
const contact = new Map<number, string>();
const granted = new Set<number>();
const complete = completeBody(config.proposable);
const q = (input: unknown) => encodeURIComponent(JSON.stringify(input));

function action(op: number, step: number) {
  const cookie = cookies[op] ?? '';
  // an operator joins mid-cycle: until their first contact starts, the state changes of a contact become card reads
  const a = (step === 4 || step === 6) && !contact.has(op) ? 1 : step;
  switch (a) {
    case 0:
      return request('POST', '/trpc/work.next', cookie, '{}').then((r) => {
        const id = /"id":"([^"]+)"/.exec(r.body)?.[1];
        if (id) held.set(op, id);
        return r;
      });
    case 1: {
      const customerId = 1 + (op % config.customers);
      const read = () => request('GET', `/trpc/customers.card?input=${q({ customerId })}`, cookie);
      if (granted.has(op)) return read();
      granted.add(op);
      // a card opens only to an operator handling the customer (customers/access-policy.ts): the first read starts
      // the contact from search, as the console does
      const start = { customerId, reason: 'inbound_call', clientId: randomUUID() };
      return request('POST', '/trpc/customers.startContact', cookie, JSON.stringify(start)).then(read);
    }
    case 2:
      return request(
        'GET',
        `/trpc/appointments.slots?input=${q({ postOfficeId: config.postOffices[op % config.postOffices.length] ?? 1 })}`,
        cookie,
      );
    case 3:
    case 4: {
      if (a === 3) contact.set(op, randomUUID());
      const interactionClientId = contact.get(op) ?? randomUUID();
      return request(
        'POST',
        '/trpc/monitor.setStatus',
        cookie,
        JSON.stringify({
          state: 'on_contact',
          flow: 'inbound_sales',
          step: a === 3 ? 'identify' : 'needs',
          interactionClientId,
          customerId: null,
        }),
      );
    }
    case 5:
      return request('POST', '/trpc/interactions.complete', cookie, complete());
    case 6: {
      const interactionClientId = contact.get(op) ?? randomUUID();
      contact.delete(op);
      return request(
        'POST',
        '/trpc/monitor.setStatus',
        cookie,
        JSON.stringify({ state: 'after_call_work', interactionClientId }),
      );
    }
    default: {
      const id = held.get(op);
      held.delete(op);
      return id
        ? request('POST', '/trpc/work.release', cookie, JSON.stringify({ id, reason: 'bench' }))
        : request('POST', '/trpc/monitor.setStatus', cookie, '{"state":"ready"}');
    }
  }
}

/**
 * The server's event-loop delay since the last read (ms): p99 of the 1 ms samples, and the longest single delay
 * (a stall once a second barely moves the p99 of samples). prom-client resets its histogram at each scrape.
 */
async function loopDelayMs(): Promise<{ p99: number; max: number; over100: number }> {
  const metrics = await request('GET', '/metrics', '');
  const read = (name: string) => {
    const match = new RegExp(`^${name}\\s+([\\d.e+-]+)$`, 'm').exec(metrics.body);
    return match?.[1] ? Number(match[1]) * 1000 : Number.NaN;
  };
  // requests the server itself took > 100 ms over (its latency histogram, cumulative since start: the caller diffs)
  let total = 0;
  let within = 0;
  for (const m of metrics.body.matchAll(/^valore_http_request_duration_seconds_bucket\{([^}]*)\} (\d+)$/gm)) {
    if (m[1]?.includes('le="+Inf"')) total += Number(m[2]);
    else if (m[1]?.includes('le="0.1"')) within += Number(m[2]);
  }
  return {
    p99: read('nodejs_eventloop_lag_p99_seconds'),
    max: read('nodejs_eventloop_lag_max_seconds'),
    over100: total - within,
  };
}

for (const n of config.steps) {
  await openStreams(n);
  const before = await loopDelayMs(); // from here on
  const driverDelay = monitorEventLoopDelay({ resolution: 1 });
  driverDelay.enable();
  /** the requests that took > 100 ms, by action, and when in the step (s) the first and the last of them went out */
  const slow = { byAction: new Array<number>(ACTIONS).fill(0), first: Number.NaN, last: Number.NaN };
  const rate = (n * ACTIONS) / config.cycleSeconds;
  const latencies: number[] = [];
  let errors = 0;
  let firstError = '';
  const inflight = new Set<Promise<void>>();
  const cpu0 = cpuSecondsOf(config.serverPid);
  const started = performance.now();
  const startedAtMs = Date.now();
  let t = 0;
  while (performance.now() - started < config.stepSeconds * 1000) {
    const op = t % n;
    const a = (Math.floor(t / n) + op) % ACTIONS;
    const sent = performance.now();
    const p: Promise<void> = action(op, a).then(
      (r) => {
        const took = performance.now() - sent;
        latencies.push(took);
        if (took > 100) {
          slow.byAction[a] = (slow.byAction[a] ?? 0) + 1;
          const at = (sent - started) / 1000;
          if (!(at >= slow.first)) slow.first = at;
          slow.last = at;
        }
        if (r.status >= 400) {
          errors++;
          firstError ||= `${r.status} ${r.body.slice(0, 200)}`;
        }
      },
      (e: unknown) => {
        errors++;
        firstError ||= String(e);
      },
    );
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
    t++;
    const wait = started + (t * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const wall = (performance.now() - started) / 1000;
  await Promise.all(inflight);
  driverDelay.disable();
  const loopDelay = await loopDelayMs();
  const cpu = (cpuSecondsOf(config.serverPid) - cpu0) / wall;
  const result = {
    operators: n,
    rate,
    requests: t,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    errors,
    firstError,
    serverCpu: cpu,
    serverRssMb: rssOf(config.serverPid).rssMb,
    streams: sse.length,
    loopDelayP99: loopDelay.p99,
    loopDelayMax: loopDelay.max,
    /** diagnostics: where a step's slow requests came from */
    slow: {
      requests: slow.byAction.reduce((a, b) => a + b, 0),
      byAction: slow.byAction,
      firstAtS: slow.first,
      lastAtS: slow.last,
      startedAtMs,
      serverOver100: loopDelay.over100 - before.over100,
      driverLoopDelayP99: driverDelay.percentile(99) / 1e6,
      driverLoopDelayMax: driverDelay.max / 1e6,
    },
  };
  console.log(JSON.stringify(result));
  if (result.p99 > 100 || errors > t * 0.001) break;
}
for (const s of sse) s.destroy();
agent.destroy();
process.exit(0);
