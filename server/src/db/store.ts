// A database named the way the command-line tools take it: a postgres:// URL (a PostgreSQL server) or a SQLite file.
import type { Migrator } from 'kysely';
import { openDatabase } from './client';
import type { DB } from './database';
import { createMigrator, runToLatest } from './migrator';
import { isPostgresUrl, migratePostgres, openPostgres, postgresMigrator } from './postgres';

export interface Store {
  db: DB;
  /** how the tools print it: the file, or the URL without its password */
  name: string;
  migrator: Migrator;
  /** applies every pending migration; the names applied */
  migrate: () => Promise<string[]>;
  close: () => Promise<void>;
}

/** The database a tool works on: `--db`, else VALORE_DATABASE_URL, else VALORE_DB, else the default file. */
export function defaultTarget(): string {
  return process.env.VALORE_DATABASE_URL || process.env.VALORE_DB || 'data/valore.sqlite';
}

/** A URL as it may be printed: its password starred. */
export function withoutPassword(target: string): string {
  return target.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

export function openStore(target: string): Store {
  if (isPostgresUrl(target)) {
    const opened = openPostgres(target, { maxConnections: 2 });
    return {
      db: opened.db,
      name: withoutPassword(target),
      migrator: postgresMigrator(opened.db),
      migrate: () => migratePostgres(opened.db),
      close: opened.close,
    };
  }
  const opened = openDatabase(target);
  const migrator = createMigrator(opened.db);
  return { db: opened.db, name: target, migrator, migrate: () => runToLatest(migrator), close: opened.close };
}
