import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './database';

export interface OpenedDatabase {
  db: Kysely<Database>;
  sqlite: SQLite.Database;
  close: () => Promise<void>;
}

/**
 * Opens the SQLite file with the settings every writer relies on: WAL for concurrent readers,
 * synchronous=FULL so an acknowledged write survives power loss, foreign keys on, and a busy timeout
 * so a second process (a benchmark, a CLI import) waits instead of failing.
 */
export function openDatabase(file: string): OpenedDatabase {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('cache_size = -65536');
  sqlite.pragma('temp_store = MEMORY');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return {
    db,
    sqlite,
    close: async () => {
      await db.destroy();
    },
  };
}
