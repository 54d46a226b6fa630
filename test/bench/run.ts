// npm run bench [-- --full] [--stats-db FILE] [--only claims,http,stats,board,import,mixed,client] [--contacts N] [--server-args="--cpu-prof …"]
// Every figure is measured beside its limit in the same run (raw better-sqlite3 on the same file, or a tRPC
// procedure that does nothing over the same HTTP path) and printed with the ratio; bench-results.json keeps them all.
// docs/performance.md explains how to read the table.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchBoard } from './board';
import { benchClaims, buildClaimsDatabase } from './claims';
import { benchClient } from './client';
import { benchHttp } from './http';
import { benchImport } from './import';
import { benchWorkDir, ROOT, type BenchOptions, type Figure } from './lib';
import { buildServer } from '../../scripts/build-server.mjs';
import { benchMixed } from './mixed';
import { benchStats } from './stats';

const { values } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    'stats-db': { type: 'string' },
    'stats-interactions': { type: 'string' },
    contacts: { type: 'string', default: '1000000' },
    only: { type: 'string' },
    out: { type: 'string', default: path.join(ROOT, 'bench-results.json') },
    'server-args': { type: 'string' },
  },
});

const opts: BenchOptions = {
  full: values.full ?? false,
  statsDb: values['stats-db'] ?? null,
  statsInteractions: Number(values['stats-interactions'] ?? (values.full ? 10_000_000 : 1_000_000)),
  contacts: Number(values.contacts),
  only: values.only ? new Set(values.only.split(',')) : null,
  workDir: benchWorkDir(),
  // the servers under load run as npm start runs them: the bundle, not the sources through tsx
  serverBundle: await buildServer(),
  serverArgs: values['server-args']?.split(' ').filter(Boolean) ?? [],
  log: (line) => console.log(line),
};
const wants = (s: string) => !opts.only || opts.only.has(s);

const figures: Figure[] = [];
const failures: { section: string; error: string }[] = [];
const started = Date.now();

async function section(name: string, run: () => Promise<Figure[]>) {
  if (!wants(name)) return;
  const t = Date.now();
  console.log(`\n▶ ${name}`);
  try {
    const got = await run();
    figures.push(...got);
    printTable(got);
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.log(`  ✗ ${name} failed: ${message}`);
    failures.push({ section: name, error: message });
  }
  console.log(`  (${((Date.now() - t) / 1000).toFixed(0)} s)`);
}

function fmt(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '–';
  const v = Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en') : value.toFixed(value < 10 ? 2 : 1);
  return `${v} ${unit}`;
}

function printTable(rows: Figure[]) {
  if (rows.length === 0) return;
  const lines = rows.map((f) => [
    f.name,
    fmt(f.value, f.unit),
    f.limitName ? `${fmt(f.limitValue ?? Number.NaN, f.unit)} (${f.limitName})` : '',
    f.ratio === undefined
      ? ''
      : f.times
        ? `${f.ratio.toFixed(f.ratio < 10 ? 1 : 0)}× faster`
        : `${(f.ratio * 100).toFixed(0)}%`,
    f.target,
    f.met === null ? '–' : f.met ? 'met' : 'NOT met',
    f.detail ?? '',
  ]);
  const header = ['figure', 'value', 'limit (same run)', 'ratio', 'target', '', 'detail'];
  const widths = header.map((h, i) => Math.min(70, Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length))));
  const row = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' │ ');
  console.log(row(header));
  console.log(widths.map((w) => '─'.repeat(w)).join('─┼─'));
  for (const l of lines) console.log(row(l));
}

console.log(
  `Valore benchmarks · ${os.cpus().length} cores · node ${process.version} · ${opts.full ? 'full scale' : 'default scale (--full for 10M interactions)'}`,
);
let claimsDb: Awaited<ReturnType<typeof buildClaimsDatabase>> | null = null;
const claimsDatabase = async () => (claimsDb ??= await buildClaimsDatabase(opts));

await section('claims', async () => benchClaims(opts, await claimsDatabase()));
await section('http', async () => benchHttp(opts, await claimsDatabase()));
await section('import', async () => benchImport(opts, await claimsDatabase()));
await section('stats', () => benchStats(opts));
await section('board', () => benchBoard(opts));
await section('mixed', async () => benchMixed(opts, await claimsDatabase()));
await section('client', () => benchClient(opts));

console.log(`\n═══ all figures (${((Date.now() - started) / 1000).toFixed(0)} s) ═══`);
printTable(figures);
const met = figures.filter((f) => f.met === true).length;
console.log(
  `\n${met}/${figures.length} targets met${failures.length ? ` · ${failures.length} section(s) failed: ${failures.map((f) => f.section).join(', ')}` : ''}`,
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
