// npm run bench [-- --full] [--stats-db FILE] [--only claims,http,stats,board,streams,import,mixed,client] [--contacts N] [--repeat N] [--server-args="--cpu-prof …"] [--db postgres]
// Every figure is measured beside its limit in the same run (raw better-sqlite3 on the same file, or a tRPC
// procedure that does nothing over the same HTTP path) and printed with the ratio; bench-results.json keeps them all.
// --repeat N runs the selected sections N times, each run from fresh state as a single run, and reports each figure's
// min / median / max and "met in k of N" (repeat.ts). docs/performance.md explains how to read the table.
// --db postgres selects the `engines` section (engines.ts; alone, or beside what --only names): the same figures —
// in-process claims, completions over HTTP, board latency, the stats queries — on SQLite and on PostgreSQL over the
// same data, side by side (figure │ SQLite │ PostgreSQL │ ratio), on a throwaway cluster it starts and stops itself
// (Debian's postgresql package); on PostgreSQL also with two nodes. Without --db nothing else changes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchBoard } from './board';
import { benchClaims, buildClaimsDatabase } from './claims';
import { benchClient } from './client';
import { benchEngines } from './engines';
import { benchHttp } from './http';
import { benchImport } from './import';
import { benchWorkDir, ROOT, type BenchOptions, type Figure } from './lib';
import { combineRuns, printTable, type RepeatedFigure } from './repeat';
import { buildServer } from '../../scripts/build-server.mjs';
import { benchMixed } from './mixed';
import { benchStats } from './stats';
import { benchStreams } from './streams';

const { values } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    'stats-db': { type: 'string' },
    'stats-interactions': { type: 'string' },
    contacts: { type: 'string', default: '1000000' },
    only: { type: 'string' },
    out: { type: 'string', default: path.join(ROOT, 'bench-results.json') },
    repeat: { type: 'string', default: '1' },
    'server-args': { type: 'string' },
    db: { type: 'string' },
  },
});

if (values.db !== undefined && values.db !== 'postgres') {
  console.error(`--db takes "postgres" (SQLite beside PostgreSQL), not "${values.db}"`);
  process.exit(2);
}
// --db postgres adds the engines section to what --only names; alone it is the only section
const only = values.only ? new Set(values.only.split(',')) : values.db ? new Set<string>() : null;
if (values.db) only?.add('engines');

const opts: BenchOptions = {
  full: values.full ?? false,
  statsDb: values['stats-db'] ?? null,
  statsInteractions: Number(values['stats-interactions'] ?? (values.full ? 10_000_000 : 1_000_000)),
  contacts: Number(values.contacts),
  only,
  workDir: benchWorkDir(),
  // the servers under load run as npm start runs them: the bundle, not the sources through tsx
  serverBundle: await buildServer(),
  serverArgs: values['server-args']?.split(' ').filter(Boolean) ?? [],
  log: (line) => console.log(line),
};
const wants = (s: string) => !opts.only || opts.only.has(s);
const repeat = Number(values.repeat);
if (!Number.isInteger(repeat) || repeat < 1) {
  console.error(`--repeat takes a whole number of runs ≥ 1, not "${values.repeat}"`);
  process.exit(2);
}

/** Each section's figures per run, in run order; null where the section failed in that run. */
const runsOf = new Map<string, (Figure[] | null)[]>();
const failures: { section: string; run: number; error: string }[] = [];
const started = Date.now();

async function section(name: string, run: number, measure: () => Promise<Figure[]>) {
  if (!wants(name)) return;
  const t = Date.now();
  const runs = runsOf.get(name) ?? [];
  runsOf.set(name, runs);
  console.log(`\n▶ ${name}${repeat > 1 ? ` (run ${run} of ${repeat})` : ''}`);
  try {
    const got = await measure();
    runs.push(got);
    printTable(got);
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.log(`  ✗ ${name} failed: ${message}`);
    runs.push(null);
    failures.push({ section: name, run, error: message });
  }
  console.log(`  (${((Date.now() - t) / 1000).toFixed(0)} s)`);
}

console.log(
  `Valore benchmarks · ${os.cpus().length} cores · node ${process.version} · ${opts.full ? 'full scale' : 'default scale (--full for 10M interactions)'}`,
);
let claimsDb: Awaited<ReturnType<typeof buildClaimsDatabase>> | null = null;
const claimsDatabase = async () => (claimsDb ??= await buildClaimsDatabase(opts));

// Run after run, all selected sections in their usual order: each run starts from fresh state exactly as a single run
// does (the claims campaign is rebuilt; the other sections build their own), and a noisy minute of the machine lands
// on different sections in different runs instead of on all N runs of one.
for (let run = 1; run <= repeat; run++) {
  if (repeat > 1) console.log(`\n═══ run ${run} of ${repeat} ═══`);
  claimsDb = null;
  await section('claims', run, async () => benchClaims(opts, await claimsDatabase()));
  await section('http', run, async () => benchHttp(opts, await claimsDatabase()));
  await section('import', run, async () => benchImport(opts, await claimsDatabase()));
  await section('stats', run, () => benchStats(opts));
  await section('board', run, () => benchBoard(opts));
  await section('streams', run, () => benchStreams(opts));
  await section('mixed', run, async () => benchMixed(opts, await claimsDatabase()));
  await section('client', run, () => benchClient(opts));
  if (values.db) await section('engines', run, () => benchEngines(opts));
}

const figures: RepeatedFigure[] = [...runsOf.values()].flatMap((runs) => combineRuns(runs));
console.log(
  `\n═══ all figures${repeat > 1 ? `, ${repeat} runs` : ''} (${((Date.now() - started) / 1000).toFixed(0)} s) ═══`,
);
printTable(figures);
const met = figures.filter((f) => f.met === true).length;
const failedSections = [...new Set(failures.map((f) => f.section))];
console.log(
  `\n${met}/${figures.length} targets met${repeat > 1 ? ` in every one of ${repeat} runs` : ''}${failures.length ? ` · ${failures.length} section run(s) failed: ${failedSections.join(', ')}` : ''}`,
);
fs.writeFileSync(
  values.out ?? 'bench-results.json',
  JSON.stringify(
    {
      at: new Date().toISOString(),
      machine: {
        cores: os.cpus().length,
        cpu: os.cpus()[0]?.model ?? null,
        node: process.version,
        memoryGb: Math.round(os.totalmem() / 2 ** 30),
      },
      options: {
        full: opts.full,
        statsDb: opts.statsDb,
        statsInteractions: opts.statsInteractions,
        contacts: opts.contacts,
        repeat,
        db: values.db ?? null,
      },
      seconds: Math.round((Date.now() - started) / 1000),
      figures,
      failures,
    },
    null,
    2,
  ),
);
console.log(`results → ${values.out}`);
process.exit(failures.length ? 1 : 0);
