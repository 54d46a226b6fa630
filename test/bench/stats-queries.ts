// Query times of the stats dashboard over a history database (npm run seed:history -- --interactions N --db FILE):
//   npx tsx test/bench/stats-queries.ts --db /tmp/valore-10m.sqlite [--runs 30]
// Runs every query the stats page issues (tiles, previous period, time series, breakdowns, scripts, drill-down) for a
// team lead (one site) and for the admin (all sites), over 7/30/90/365 days, and prints median / p95 / worst per query.
import { parseArgs } from 'node:util';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type { StatsGroupBy } from '@valore/shared/schemas/stats';
import { openDatabase } from '../../server/src/db/client';
import { migrateToLatest } from '../../server/src/db/migrator';
import { createTestDeps } from '../../server/src/testing/test-deps';
import { conversion, interactions, scripts } from '../../server/src/domains/stats/stats.service';

const { values } = parseArgs({ options: { db: { type: 'string' }, runs: { type: 'string', default: '30' } } });
if (!values.db) {
  console.error('--db FILE is required');
  process.exit(2);
}
const runs = Number(values.runs);
const { deps } = await createTestDeps();
const opened = openDatabase(values.db);
// a history built before the monthly rollups gets them here, set-wise from its daily rows (seconds at 10M)
await migrateToLatest(opened.db);
const bench = { ...deps, db: opened.db };
const count = (opened.sqlite.prepare('SELECT max(id) AS n FROM interactions').get() as { n: number }).n;
const last = (opened.sqlite.prepare('SELECT max(started_at) AS t FROM interactions').get() as { t: string }).t;
const end = new Date(Date.parse(last) + 86_400_000);
end.setUTCHours(0, 0, 0, 0);

const teamLead: SessionUser = {
  id: 1_000_000,
  username: 'teamlead1',
  displayName: 'Team lead',
  role: 'team_lead',
  siteId: 1,
};
const admin: SessionUser = {
  id: 1_000_001,
  username: 'admin',
  displayName: 'Admin',
  role: 'admin',
  siteId: null,
};

type Case = { name: string; run: () => Promise<unknown> };
const cases: Case[] = [];
for (const [who, user] of [
  ['team lead', teamLead],
  ['admin', admin],
] as const) {
  for (const days of [7, 30, 90, 365]) {
    const from = new Date(end.getTime() - days * 86_400_000).toISOString();
    const prev = new Date(end.getTime() - 2 * days * 86_400_000).toISOString();
    const to = end.toISOString();
    const q =
      (groupBy: StatsGroupBy[], extra: Record<string, unknown> = {}) =>
      () =>
        conversion(bench, user, { from, to, groupBy, ...extra });
    const label = (what: string) => `${who} ${days}d ${what}`;
    cases.push({ name: label('tiles'), run: q([]) });
    cases.push({
      name: label('tiles prev period'),
      run: () => conversion(bench, user, { from: prev, to: from, groupBy: [] }),
    });
    cases.push({ name: label(days > 90 ? 'series week' : 'series day'), run: q([days > 90 ? 'week' : 'day']) });
    for (const g of ['flow', 'product', 'campaign', 'operator', 'team', 'macroArea', 'scriptVersion'] as const) {
      cases.push({ name: label(`by ${g}`), run: q([g]) });
    }
    cases.push({
      name: label('by operator, flow=campaign, product'),
      run: q(['operator'], { flow: 'campaign', productCode: 'FIBRA' }),
    });
    cases.push({
      name: label('by site, district LOC'),
      run: q(['site'], { territory: { level: 'district', code: 'LOC' } }),
    });
    cases.push({ name: label('scripts + drop-off'), run: () => scripts(bench, user, { from, to }) });
    cases.push({
      name: label('drill value, page 1'),
      run: () => interactions(bench, user, { from, to, stage: 'value', limit: 50 }),
    });
  }
}

const rows: { name: string; median: number; p95: number; worst: number }[] = [];
for (const c of cases) {
  await c.run(); // warm the page cache once
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await c.run();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? 0;
  rows.push({ name: c.name, median: at(0.5), p95: at(0.95), worst: times[times.length - 1] ?? 0 });
}
await opened.close();

const fmt = (n: number) => n.toFixed(2).padStart(8);
console.log(`stats queries over ${count.toLocaleString('en')} contacts, ${runs} runs each (ms)`);
console.log(`${'query'.padEnd(48)}${'median'.padStart(8)}${'p95'.padStart(8)}${'worst'.padStart(8)}`);
for (const r of rows) console.log(`${r.name.padEnd(48)}${fmt(r.median)}${fmt(r.p95)}${fmt(r.worst)}`);
const medians = rows.map((r) => r.median).sort((a, b) => a - b);
const p95s = rows.map((r) => r.p95).sort((a, b) => a - b);
console.log(
  `\nall ${rows.length} queries: median of medians ${fmt(medians[Math.floor(medians.length / 2)] ?? 0)} ms · ` +
    `worst p95 ${fmt(p95s[p95s.length - 1] ?? 0)} ms (${rows.find((r) => r.p95 === p95s[p95s.length - 1])?.name}) · ` +
    `worst single run ${fmt(Math.max(...rows.map((r) => r.worst)))} ms`,
);
