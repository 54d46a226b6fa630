/**
 * Board update latency with 200 simulated operators changing state (a measurement, not a test).
 * Real server in-process over a seeded SQLite file; 200 extra operators at site 1; 3 tutor boards over SSE.
 * Each change goes through the same code as `monitor.setStatus` (transaction + publish); latency is from just
 * before the write to the moment the SSE client has parsed the board event.
 *   npx tsx test/bench/board-latency.ts [operators=200] [seconds=20] [changesPerSecond=100] [boards=3]
 */
import type { BoardEvent } from '@valore/shared/schemas/monitor';
import { watchBoard } from '@valore/server/domains/monitor/board.service';
import { announceStatus, changeOperatorStatus } from '@valore/server/domains/monitor/status.service';
import { createApiClient } from '../helpers/api-client';
import { openLiveStream } from '../helpers/live-stream';
import { startTestServer } from '../helpers/server';

const [OPERATORS = 200, SECONDS = 20, RATE = 100, BOARDS = 3] = process.argv.slice(2).map(Number);

const server = await startTestServer({ customers: 200 });
const { db } = server.database;
const at = new Date().toISOString();
const ids: number[] = [];
for (let i = 0; i < OPERATORS; i++) {
  const { id } = await db
    .insertInto('users')
    .values({
      username: `bench${i}`,
      display_name: `Bench ${i}`,
      role: 'operator',
      site_id: 1,
      team_id: null,
      password_hash: 'x',
      created_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('operator_status')
    .values({
      user_id: id,
      state: 'ready',
      reason: null,
      since: at,
      flow: null,
      step: null,
      step_since: null,
      interaction_client_id: null,
      customer_id: null,
      updated_at: at,
    })
    .execute();
  ids.push(id);
}

const sentAt = new Map<string, number>(); // `${userId}:${state}:${reason}` -> time of the write
const latencies: number[] = [];
let snapshots = 0;
const subs: { close: () => void }[] = [];
for (let b = 0; b < BOARDS; b++) {
  const tutor = createApiClient(server.url);
  await tutor.login('tutor1');
  const stream = await openLiveStream(server.url, 'board', {
    cookie: tutor.cookieHeader(),
    onEvent: (data: BoardEvent) => {
      if (data.kind === 'snapshot') snapshots++;
      else if (data.kind === 'operator') {
        const t = sentAt.get(`${data.operator.userId}:${data.operator.state}:${data.operator.reason}`);
        if (t !== undefined) latencies.push(performance.now() - t);
      }
    },
  });
  subs.push(stream);
  await stream.until((events) => events.some((e) => e.kind === 'snapshot'));
}
// the same board in-process, to split the latency into the server's part and the SSE transport's part
const hubLatencies: number[] = [];
const stopHub = watchBoard(server.deps, 1, (event) => {
  if (event.kind !== 'operator') return;
  const t = sentAt.get(`${event.operator.userId}:${event.operator.state}:${event.operator.reason}`);
  if (t !== undefined) hubLatencies.push(performance.now() - t);
});
console.log(`boards connected: ${snapshots}; ${OPERATORS} operators; ${RATE} changes/s for ${SECONDS}s`);

let n = 0;
const end = performance.now() + SECONDS * 1000;
const interval = 1000 / RATE;
let next = performance.now();
while (performance.now() < end) {
  const userId = ids[n % ids.length] ?? 0;
  const change = (Math.floor(n / ids.length) % 2 === 0 ? { state: 'paused', reason: 'break' } : { state: 'ready' }) as
    { state: 'paused'; reason: 'break' } | { state: 'ready' };
  sentAt.set(`${userId}:${change.state}:${change.state === 'paused' ? 'break' : null}`, performance.now());
  await db
    .transaction()
    .execute((trx) => changeOperatorStatus(trx, { id: userId, siteId: 1 }, change, new Date().toISOString()));
  await announceStatus(server.deps, 1);
  n++;
  next += interval;
  const wait = next - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
await new Promise((r) => setTimeout(r, 1000));
for (const s of subs) s.close();
stopHub();

function summary(values: number[], expected: number) {
  const sorted = [...values].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]?.toFixed(1) ?? '–';
  return {
    changes: n,
    deliveries: values.length,
    expected,
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    max: sorted.at(-1)?.toFixed(1) ?? '–',
  };
}
console.table({
  'write → SSE board client (ms)': summary(latencies, n * BOARDS),
  'write → in-process board (ms)': summary(hubLatencies, n),
});
await server.close();
process.exit(0);
