// Over HTTP, against the real server in its own process: work.next with 50 concurrent operators and
// interactions.complete, each beside the transport limit: scripts.ping (a tRPC mutation that does nothing) at the
// same concurrency on the same server, measured just before.
import autocannon, { type Result } from 'autocannon';
import type SQLite from 'better-sqlite3';
import { completion } from '@valore/server/testing/completions';
import { spawnServer, type ChildServer } from '../helpers/child-server';
import type { ClaimsDatabase } from './claims';
import { addOperators, mintSessions, openRaw, type BenchOptions, type Figure } from './lib';
import { agreedTime } from '@valore/server/testing/agreed-time';

const CONNECTIONS = 50;
const SECONDS = 8;
const WARM_UP_SECONDS = 2;

export interface Cannon {
  result: Result;
  rate: number;
  bodies: string[];
}

/** autocannon with one Cookie per request (cycling through `cookies`) and a fresh body per request. */
export async function cannon(
  url: string,
  opts: {
    path: string;
    cookies: string[];
    body?: () => string;
    seconds?: number;
    connections?: number;
    keepBodies?: boolean;
    amount?: number;
  },
): Promise<Cannon> {
  let n = 0;
  const bodies: string[] = [];
  const result = await autocannon({
    url,
    connections: opts.connections ?? CONNECTIONS,
    duration: opts.seconds ?? SECONDS,
    amount: opts.amount,
    timeout: 20,
    requests: [
      {
        method: 'POST',
        path: opts.path,
        setupRequest: (req) => ({
          ...req,
          method: 'POST',
          path: opts.path,
          headers: { 'content-type': 'application/json', cookie: opts.cookies[n++ % opts.cookies.length] ?? '' },
          body: opts.body ? opts.body() : '{}',
        }),
        onResponse: opts.keepBodies ? (_status, body) => void bodies.push(body) : undefined,
      },
    ],
  });
  return { result, rate: result['2xx'] / result.duration, bodies };
}

const latency = (r: Result) => `p50 ${r.latency.p50} ms · p99 ${r.latency.p99} ms`;
const errorsOf = (r: Result) => r.non2xx + r.errors + r.timeouts;

/**
 * The customers among the first `upTo` who do not hold FIBRA, the product completeBody proposes (a product a customer
 * holds is never proposed to them: the server refuses it, customers/held-products.ts).
 */
export function proposableCustomers(raw: SQLite.Database, upTo: number): number[] {
  return (
    raw
      .prepare(
        `SELECT id FROM customers c WHERE id <= ? AND NOT EXISTS
           (SELECT 1 FROM customer_products p WHERE p.customer_id = c.id AND p.product_code = 'FIBRA') ORDER BY id`,
      )
      .all(upTo) as { id: number }[]
  ).map((r) => r.id);
}

export function completeBody(customerIds: readonly number[]): () => string {
  return () => {
    const customerId = customerIds[Math.floor(Math.random() * customerIds.length)] ?? 1;
    const followUpAt = agreedTime(3);
    return JSON.stringify(
      completion(
        'inbound_sales',
        customerId,
        'lead',
        [
          { type: 'customer.identified', customerId },
          { type: 'needs.identified', productCode: 'FIBRA' },
          { type: 'proposal.accepted' },
          { type: 'outcome.lead', followUpAt, notes: 'Sera' },
        ],
        { notes: 'Cliente cordiale' },
      ),
    );
  };
}

export async function benchHttp(opts: BenchOptions, db: ClaimsDatabase): Promise<Figure[]> {
  const raw = openRaw(db.file);
  // a fresh operator per claim (an operator who holds an item gets it back instead): the warm-up and the measured
  // run each take their own
  const warmClaimers = mintSessions(raw, addOperators(raw, 'httpwarm', 10_000));
  const claimers = mintSessions(raw, addOperators(raw, 'httpclaimer', 40_000));
  const workers = mintSessions(raw, addOperators(raw, 'httpworker', CONNECTIONS));
  const proposable = proposableCustomers(raw, 2_000);
  raw.close();
  let server: ChildServer | null = null;
  try {
    server = await spawnServer({ dbFile: db.file, bundle: opts.serverBundle, nodeArgs: opts.serverArgs });
    const url = server.url;
    // warm up (JIT, page cache) both sides, so neither pays for it in its measured run
    await cannon(url, { path: '/trpc/scripts.ping', cookies: workers, seconds: WARM_UP_SECONDS });
    const warmNext = await cannon(url, {
      path: '/trpc/work.next',
      cookies: warmClaimers,
      seconds: WARM_UP_SECONDS,
      keepBodies: true,
    });
    const figures: Figure[] = [];

    const ping1 = await cannon(url, { path: '/trpc/scripts.ping', cookies: workers });
    const next = await cannon(url, { path: '/trpc/work.next', cookies: claimers, keepBodies: true, amount: undefined });
    // duplicates are counted over the warm-up's claims too: an item handed out twice is one whenever it happens
    const ids = new Map<string, number>();
    let empty = 0;
    for (const body of [...warmNext.bodies, ...next.bodies]) {
      const id = /"id":"([^"]+)"/.exec(body)?.[1];
      if (id) ids.set(id, (ids.get(id) ?? 0) + 1);
      else if (body.includes('"data":null')) empty++;
    }
    const duplicates = [...ids.values()].reduce((s, c) => s + (c - 1), 0);
    const nextRatio = next.rate / ping1.rate;
    opts.log(
      `  ping ${ping1.rate.toFixed(0)}/s (${latency(ping1.result)}) · work.next ${next.rate.toFixed(0)}/s (${latency(next.result)}), ${ids.size} items, ${duplicates} duplicates, ${empty} empty`,
    );
    figures.push({
      section: 'http',
      name: `work.next over HTTP, ${CONNECTIONS} concurrent operators`,
      value: next.rate,
      unit: 'req/s',
      limitName: 'no-op tRPC mutation',
      limitValue: ping1.rate,
      ratio: nextRatio,
      target: '≥ 80% of transport; 0 duplicates',
      met: nextRatio >= 0.8 && duplicates === 0 && errorsOf(next.result) === 0,
      detail: `${latency(next.result)} (no-op ${latency(ping1.result)}); ${duplicates} duplicates in ${ids.size} claims; ${errorsOf(next.result)} errors`,
      extra: {
        latency: next.result.latency,
        noopLatency: ping1.result.latency,
        claims: ids.size,
        duplicates,
        empty,
        errors: errorsOf(next.result),
      },
    });

    await cannon(url, {
      path: '/trpc/interactions.complete',
      cookies: workers,
      body: completeBody(proposable),
      seconds: WARM_UP_SECONDS,
    });
    const ping2 = await cannon(url, { path: '/trpc/scripts.ping', cookies: workers });
    const complete = await cannon(url, {
      path: '/trpc/interactions.complete',
      cookies: workers,
      body: completeBody(proposable),
      keepBodies: true,
    });
    const firstError = complete.bodies.find((b) => b.includes('"error"'));
    const ratio = complete.rate / ping2.rate;
    opts.log(
      `  ping ${ping2.rate.toFixed(0)}/s · interactions.complete ${complete.rate.toFixed(0)}/s (${latency(complete.result)})${firstError ? ` first error: ${firstError.slice(0, 300)}` : ''}`,
    );
    figures.push({
      section: 'http',
      name: 'interactions.complete over HTTP (replay, lead effect, audit, idempotency)',
      value: complete.rate,
      unit: 'req/s',
      limitName: 'no-op tRPC mutation',
      limitValue: ping2.rate,
      ratio,
      target: '≥ 65% of transport',
      met: ratio >= 0.65 && errorsOf(complete.result) === 0,
      detail: `${latency(complete.result)} (no-op ${latency(ping2.result)}); ${errorsOf(complete.result)} errors`,
      extra: { latency: complete.result.latency, noopLatency: ping2.result.latency, errors: errorsOf(complete.result) },
    });
    return figures;
  } finally {
    await server?.kill('SIGTERM');
  }
}
