import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@valore/server/db/client';
import { MIGRATION_NAMES, migrationNamed } from '@valore/server/db/migrator';

/** `npm run migrate`: a database's schema brought up to date without starting the server, once, before the nodes. */
const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'valore-migrate-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) =>
  run('npx', ['tsx', 'scripts/migrate.ts', ...args], { cwd: root }).then(
    (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
  );

describe('npm run migrate', () => {
  it('applies every migration to a new file, then finds it up to date; --list says what is applied', async () => {
    const file = path.join(dir, 'fresh.sqlite');
    const first = await cli('--db', file);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain(`${MIGRATION_NAMES.length} migrations applied; up to date.`);
    for (const name of MIGRATION_NAMES) expect(first.out).toContain(`applied  ${name}`);
    const db = new SQLite(file, { readonly: true });
    try {
      const rows = db.prepare('SELECT name FROM kysely_migration ORDER BY name').all() as { name: string }[];
      expect(rows.map((r) => r.name)).toEqual(MIGRATION_NAMES);
    } finally {
      db.close();
    }
    const again = await cli('--db', file);
    expect(again.code, again.err).toBe(0);
    expect(again.out.trim()).toBe(`${file}: already up to date.`);
    const list = await cli('--db', file, '--list');
    expect(list.code, list.err).toBe(0);
    expect(list.out).toContain(`${MIGRATION_NAMES.length} applied, 0 pending`);
  });

  it('names what is pending on a database one migration behind, and applies only that one', async () => {
    const file = path.join(dir, 'behind.sqlite');
    expect((await cli('--db', file)).code).toBe(0);
    const newest = MIGRATION_NAMES.at(-1) ?? '';
    // the newest migration's own down step, then its record, as an older version of Valore would have left the file
    const opened = openDatabase(file);
    await migrationNamed(newest).down?.(opened.db);
    await opened.close();
    const raw = new SQLite(file);
    raw.prepare('DELETE FROM kysely_migration WHERE name = ?').run(newest);
    raw.close();

    const list = await cli('--db', file, '--list');
    expect(list.out).toContain(`pending  ${newest}`);
    expect(list.out).toContain(`${MIGRATION_NAMES.length - 1} applied, 1 pending`);
    const applied = await cli('--db', file);
    expect(applied.code, applied.err).toBe(0);
    expect(applied.out).toContain(`applied  ${newest}`);
    expect(applied.out).toContain('1 migration applied; up to date.');
  });

  it('--list on a missing file says so and creates nothing', async () => {
    const file = path.join(dir, 'missing.sqlite');
    const list = await cli('--db', file, '--list');
    expect(list.code).toBe(1);
    expect(list.err).toContain(`No database at ${file}.`);
    expect(fs.existsSync(file)).toBe(false);
  });
});
