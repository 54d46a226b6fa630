// npx tsx test/bench/writer-probe.ts [inline|thread] [seconds] [concurrency] [syncWaitMs] [sliceMs] [spinMicros]
// Group-committed units of 10 statements (5 reads, 5 inserts) on a fresh file: units/s, unit latency and the main
// thread's event-loop delay, with writes inline or in the writer thread (docs/performance.md, "The writer"; issue 15).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { sql } from 'kysely';
import { openDatabase } from '@valore/server/db/client';
import { groupCommit } from '@valore/server/db/group-commit';

const mode = (process.argv[2] ?? 'thread') as 'thread' | 'inline';
const syncWaitMs = Number(process.argv[5] ?? 1);
const seconds = Number(process.argv[3] ?? 5);
const concurrency = Number(process.argv[4] ?? 50);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'valore-wprobe-'));
const database = openDatabase(path.join(dir, 'p.sqlite'), {
  writer: mode,
  writerOptions: { syncWaitMs, sliceMs: Number(process.argv[6] ?? 5), spinMicros: Number(process.argv[7] ?? 100) },
});
await sql`CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT NOT NULL, v TEXT NOT NULL)`.execute(database.db);
await sql`CREATE INDEX t_k ON t (k)`.execute(database.db);
const h = monitorEventLoopDelay({ resolution: 1 });
h.enable();
let done = 0;
const latencies: number[] = [];
const stopAt = performance.now() + seconds * 1000;
async function worker(w: number) {
  let n = 0;
  while (performance.now() < stopAt) {
    const t0 = performance.now();
    await groupCommit(database.db, async (trx) => {
      // ~10 statements, like a completion: reads and writes interleaved
      for (let i = 0; i < 5; i++) {
        await sql`SELECT count(*) AS n FROM t WHERE k = ${`k${w}`}`.execute(trx);
        await sql`INSERT INTO t (k, v) VALUES (${`k${w}`}, ${`v${n}-${i}`})`.execute(trx);
      }
    });
    latencies.push(performance.now() - t0);
    done++;
    n++;
  }
}
const t0 = performance.now();
await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
const elapsed = (performance.now() - t0) / 1000;
h.disable();
latencies.sort((a, b) => a - b);
const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]?.toFixed(1);
console.log(
  JSON.stringify({
    mode,
    syncWaitMs,
    unitsPerSec: Math.round(done / elapsed),
    unitP50ms: q(0.5),
    unitP99ms: q(0.99),
    loopDelayP99ms: (h.percentile(99) / 1e6).toFixed(2),
    loopDelayMaxMs: (h.max / 1e6).toFixed(2),
    mainThreadChanges: (database.sqlite.prepare('SELECT total_changes() AS n').get() as { n: number }).n,
  }),
);
await database.close();
fs.rmSync(dir, { recursive: true, force: true });
