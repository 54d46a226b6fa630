// npm run migrate [-- --db FILE] [--list]
// Brings a database's schema up to date without starting the server (docs/operations.md, "Upgrading"): before a new
// version's nodes start, once, rather than by whichever node starts first. `--list`: what is applied and what is
// pending, changing nothing. The server also migrates at start, so the embedded default needs no step of its own.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { openDatabase } from '../server/src/db/client';
import { createMigrator, migrateToLatest } from '../server/src/db/migrator';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: process.env.VALORE_DB ?? 'data/valore.sqlite' },
    list: { type: 'boolean', default: false },
  },
});
const file = values.db;
if (values.list && !fs.existsSync(file)) {
  console.error(`No database at ${file}.`);
  process.exit(1);
}
const database = openDatabase(file);
try {
  if (values.list) {
    const migrations = await createMigrator(database.db).getMigrations();
    for (const m of migrations) console.log(`${m.executedAt ? 'applied' : 'pending'}  ${m.name}`);
    const pending = migrations.filter((m) => !m.executedAt).length;
    console.log(`${migrations.length - pending} applied, ${pending} pending in ${file}.`);
  } else {
    const applied = await migrateToLatest(database.db);
    for (const name of applied) console.log(`applied  ${name}`);
    console.log(
      applied.length > 0
        ? `${file}: ${applied.length} migration${applied.length === 1 ? '' : 's'} applied; up to date.`
        : `${file}: already up to date.`,
    );
  }
} catch (error) {
  console.error(`Not migrated: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await database.close();
}
