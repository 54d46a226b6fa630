// Live board latency: 1,000 operators of one site change state over HTTP (monitor.setStatus), 50 tutors of that site
// watch the board over SSE (GET /api/v1/streams/board); latency is from just before the operator's request is sent to the moment
// each tutor's client has parsed the event. Server in its own process; operators and tutors in this one.
// (board-latency.ts stays as the quick in-process variant: it writes in-process and watches 3 boards of 200 operators.)
import type { BoardEvent } from '@valore/shared/schemas/monitor';
import { openLiveStream } from '../helpers/live-stream';
import { spawnServer } from '../helpers/child-server';
import {
  addOperators,
  cpuSecondsOf,
  freshDatabase,
  markReady,
  mintSessions,
  ms,
  num,
  openRaw,
  quantile,
  type BenchOptions,
  type Figure,
} from './lib';

const OPERATORS = 1_000;
const TUTORS = 50;
const SECONDS = 10;
const CHANGES_PER_SECOND = 100; // each operator changes state every 10 s on average

export async function benchBoard(opts: BenchOptions): Promise<Figure[]> {
  const file = await freshDatabase(opts.workDir, 'board');
  const raw = openRaw(file);
  const operatorIds = addOperators(raw, 'boardop', OPERATORS);
  markReady(raw, operatorIds);
  const operatorCookies = mintSessions(raw, operatorIds);
  const tutorCookies = mintSessions(raw, addOperators(raw, 'boardtutor', TUTORS, 'tutor'));
  raw.close();

  const server = await spawnServer({ dbFile: file, bundle: opts.serverBundle, nodeArgs: opts.serverArgs });
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const subs: { close: () => void }[] = [];
  const onEvent = (data: BoardEvent) => {
    if (data.kind !== 'operator') return;
    const t = sentAt.get(`${data.operator.userId}:${data.operator.state}`);
    if (t !== undefined) latencies.push(performance.now() - t);
  };
  try {
    await Promise.all(
      tutorCookies.map(async (cookie) => {
        const stream = await openLiveStream(server.url, 'board', { cookie, onEvent });
        subs.push(stream);
        if (stream.status !== 200) throw new Error(`board stream: HTTP ${stream.status}`);
        await stream.until((events) => events.some((e) => e.kind === 'snapshot'), 30_000);
      }),
    );
    opts.log(
      `  ${TUTORS} boards connected; ${num(OPERATORS)} operators, ${CHANGES_PER_SECOND} changes/s for ${SECONDS} s`,
    );

    // open loop: a change is sent every 1/rate s whether or not the previous answer came back
    const requestMs: number[] = [];
    let errors = 0;
    let n = 0;
    const pending: Promise<void>[] = [];
    const cpu0 = cpuSecondsOf(server.process.pid ?? 0);
    const started = performance.now();
    while (performance.now() - started < SECONDS * 1000) {
      const i = n % OPERATORS;
      const userId = operatorIds[i] ?? 0;
      const state = Math.floor(n / OPERATORS) % 2 === 0 ? 'paused' : 'ready';
      const body = state === 'paused' ? { state, reason: 'break' } : { state };
      const t = performance.now();
      sentAt.set(`${userId}:${state}`, t);
      pending.push(
        fetch(`${server.url}/trpc/monitor.setStatus`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: operatorCookies[i] ?? '' },
          body: JSON.stringify(body),
        }).then(
          async (r) => {
            await r.arrayBuffer();
            if (!r.ok) errors++;
            requestMs.push(performance.now() - t);
          },
          () => void errors++,
        ),
      );
      n++;
      const wait = started + (n * 1000) / CHANGES_PER_SECOND - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    await Promise.all(pending);
    const serverCpu = (cpuSecondsOf(server.process.pid ?? 0) - cpu0) / ((performance.now() - started) / 1000);
    await new Promise((r) => setTimeout(r, 1_000));
    const expected = n * TUTORS;
    const p50 = quantile(latencies, 0.5);
    const p99 = quantile(latencies, 0.99);
    opts.log(
      `  ${num(latencies.length)} / ${num(expected)} deliveries; p50 ${ms(p50)} p99 ${ms(p99)}; setStatus request p50 ${ms(quantile(requestMs, 0.5))}; ${errors} errors`,
    );
    return [
      {
        section: 'board',
        name: `live board: state change → ${TUTORS} tutors, ${num(OPERATORS)} operators (p99)`,
        value: p99,
        unit: 'ms',
        limitName: 'setStatus HTTP round trip p99',
        limitValue: quantile(requestMs, 0.99),
        target: 'p99 < 250 ms',
        met: p99 < 250 && latencies.length >= expected * 0.99 && errors === 0,
        detail: `p50 ${ms(p50)}; ${num(latencies.length)}/${num(expected)} deliveries; ${errors} errors; server CPU ${(serverCpu * 100).toFixed(0)}% of a core`,
        extra: { p50, p99, deliveries: latencies.length, expected, errors, changes: n, serverCpu },
      },
    ];
  } finally {
    for (const s of subs) s.close();
    await server.kill('SIGTERM');
  }
}
