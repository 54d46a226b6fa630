// npm run migrate [-- --db FILE|postgres://…] [--list]
// Brings a database's schema up to date without starting the server (docs/operations.md, "Upgrading"): before a new
// version's nodes start, once, rather than by whichever node starts first. `--list`: what is applied and what is
// pending, changing nothing. The database is VALORE_DATABASE_URL (PostgreSQL), else VALORE_DB (a SQLite file), or
// --db. The server also migrates at start, so the embedded default needs no step of its own.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Migrator } from 'kysely';
import { openDatabase } from '../server/src/db/client';
import { createMigrator, runToLatest } from '../server/src/db/migrator';
import { isPostgresUrl, migratePostgres, openPostgres, postgresMigrator } from '../server/src/db/postgres';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: process.env.VALORE_DATABASE_URL || process.env.VALORE_DB || 'data/valore.sqlite' },
    list: { type: 'boolean', default: false },
  },
});
const target = values.db;
const postgres = isPostgresUrl(target);
if (values.list && !postgres && !fs.existsSync(target)) {
  console.error(`No database at ${target}.`);
  process.exit(1);
}
// a URL is named without its password
const name = postgres ? target.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@') : target;
let close = async () => {};
try {
  let migrator: Migrator;
  let migrate: () => Promise<string[]>;
  if (postgres) {
    const opened = openPostgres(target, { maxConnections: 1 });
    close = opened.close;
    migrator = postgresMigrator(opened.db);
    migrate = () => migratePostgres(opened.db);
  } else {
    const opened = openDatabase(target);
    close = opened.close;
    migrator = createMigrator(opened.db);
    migrate = () => runToLatest(migrator);
  }
  if (values.list) {
    const migrations = await migrator.getMigrations();
    for (const m of migrations) console.log(`${m.executedAt ? 'applied' : 'pending'}  ${m.name}`);
    const pending = migrations.filter((m) => !m.executedAt).length;
    console.log(`${migrations.length - pending} applied, ${pending} pending in ${name}.`);
  } else {
    const applied = await migrate();
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
