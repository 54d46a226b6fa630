// npm run seed:history -- --interactions 10000000 [--db file] [--days 365] [--seed n] [--customers n]
// Fills a database with a realistic history of contacts for the conversion stats: migrates it, demo-seeds it when
// empty, then generates the contacts with their appointments, links, leads, requests and rollups.
import { parseArgs } from 'node:util';
import { openDatabase } from '../server/src/db/client';
import { migrateToLatest } from '../server/src/db/migrator';
import { isEmpty, seedDemo } from '../server/src/db/seed/demo';
import { generateHistory } from '../server/src/db/seed/stats-history';

const { values } = parseArgs({
  options: {
    interactions: { type: 'string', default: '100000' },
    db: { type: 'string', default: process.env.VALORE_DB ?? 'data/valore.sqlite' },
    days: { type: 'string', default: '365' },
    seed: { type: 'string', default: '424242' },
    customers: { type: 'string', default: '50000' },
  },
});

const interactions = Number(values.interactions);
if (!Number.isSafeInteger(interactions) || interactions < 1) {
  console.error('--interactions must be a positive whole number');
  process.exit(2);
}
const started = Date.now();
const database = openDatabase(values.db);
await migrateToLatest(database.db);
if (isEmpty(database.sqlite)) {
  const seeded = await seedDemo(database.sqlite, { customers: Number(values.customers) });
  console.log(`demo data seeded (${seeded.customers} customers, ${seeded.users} users) in ${Date.now() - started} ms`);
}
let lastReport = 0;
const summary = generateHistory(database.sqlite, {
  interactions,
  days: Number(values.days),
  seed: Number(values.seed),
  onProgress: (done, total) => {
    if (Date.now() - lastReport > 5_000 || done === total) {
      lastReport = Date.now();
      console.log(
        `  ${done.toLocaleString('en')} / ${total.toLocaleString('en')} contacts (${Math.round((Date.now() - started) / 1000)} s)`,
      );
    }
  },
});
database.sqlite.pragma('wal_checkpoint(TRUNCATE)');
database.sqlite.exec('ANALYZE');
await database.close();
const rate = Math.round(summary.interactions / (summary.ms / 1000));
console.log(
  `history: ${summary.interactions.toLocaleString('en')} contacts, ${summary.appointments.toLocaleString('en')} appointments, ` +
    `${summary.funnelLinks.toLocaleString('en')} funnel links, ${summary.leads.toLocaleString('en')} leads, ` +
    `${summary.callbackRequests.toLocaleString('en')} callback requests, ${summary.rollupRows.toLocaleString('en')} rollup rows ` +
    `in ${(summary.ms / 1000).toFixed(1)} s (${rate.toLocaleString('en')} contacts/s) → ${values.db}`,
);
