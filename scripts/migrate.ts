// npm run migrate [-- --db FILE|postgres://…] [--list]
// Brings a database's schema up to date without starting the server (docs/operations.md, "Upgrading"): before a new
// version's nodes start, once, rather than by whichever node starts first. `--list`: what is applied and what is
// pending, changing nothing. The database is VALORE_DATABASE_URL (PostgreSQL), else VALORE_DB (a SQLite file), or
// --db. The server also migrates at start, so the embedded default needs no step of its own.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { isPostgresUrl } from '../server/src/db/postgres';
import { defaultTarget, openStore, withoutPassword } from '../server/src/db/store';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: defaultTarget() },
    list: { type: 'boolean', default: false },
  },
});
const target = values.db;
if (values.list && !isPostgresUrl(target) && !fs.existsSync(target)) {
  console.error(`No database at ${target}.`);
  process.exit(1);
}
let close = async () => {};
const name = withoutPassword(target);
try {
  const store = openStore(target);
  close = store.close;
  if (values.list) {
    const migrations = await store.migrator.getMigrations();
    for (const m of migrations) console.log(`${m.executedAt ? 'applied' : 'pending'}  ${m.name}`);
    const pending = migrations.filter((m) => !m.executedAt).length;
    console.log(`${migrations.length - pending} applied, ${pending} pending in ${name}.`);
  } else {
    const applied = await store.migrate();
    for (const migration of applied) console.log(`applied  ${migration}`);
    console.log(
      applied.length > 0
        ? `${name}: ${applied.length} migration${applied.length === 1 ? '' : 's'} applied; up to date.`
        : `${name}: already up to date.`,
    );
  }
} catch (error) {
  console.error(`Not migrated: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await close();
}
