import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, type OpenedDatabase, type OpenOptions } from './client';

const opened: OpenedDatabase[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((d) => d.close().catch(() => undefined)));
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function open(options: OpenOptions): { database: OpenedDatabase; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'valore-checkpoint-'));
  dirs.push(dir);
  const file = path.join(dir, 'db.sqlite');
  const database = openDatabase(file, options);
  opened.push(database);
  database.sqlite.exec('CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL)');
  return { database, file };
}

/** ~12 MB in 12 transactions: some 3,000 pages of log, three times what makes SQLite checkpoint by itself. */
function writeMuch(database: OpenedDatabase): void {
  const insert = database.sqlite.prepare('INSERT INTO blobs (data) VALUES (?)');
  const batch = database.sqlite.transaction(() => {
    for (let i = 0; i < 100; i++) insert.run(Buffer.alloc(10_000, i));
  });
  for (let t = 0; t < 12; t++) batch();
}

const size = (file: string) => (fs.existsSync(file) ? fs.statSync(file).size : 0);
const autocheckpoint = (database: OpenedDatabase) => database.sqlite.pragma('wal_autocheckpoint', { simple: true });

describe('WAL checkpoints (db/checkpointer.ts)', () => {
  it('by default the connection checkpoints inside its COMMITs, as SQLite does', () => {
    const { database, file } = open({});
    expect(database.checkpointer).toBeNull();
    expect(autocheckpoint(database)).toBe(1_000);
    writeMuch(database);
    // the log was copied back along the way, by the writes themselves
    expect(size(file)).toBeGreaterThan(10_000_000);
  });

  it('with the thread, no COMMIT checkpoints: the log grows until the thread copies it back, then starts over', async () => {
    const { database, file } = open({ checkpoints: 'thread', checkpointIntervalMs: 3_600_000 });
    expect(database.checkpointer).not.toBeNull();
    expect(autocheckpoint(database)).toBe(0);
    const before = size(file);
    writeMuch(database);
    // nothing copied back by the main connection: the database file as it was, everything in the log
    expect(size(file)).toBe(before);
    expect(size(`${file}-wal`)).toBeGreaterThan(10_000_000);

    const done = await database.checkpointer?.checkpointNow();
    expect(done?.log).toBeGreaterThan(3 * 1_000 - 500);
    expect(done?.checkpointed).toBe(done?.log);
    expect(size(file)).toBeGreaterThan(10_000_000);
    expect(database.sqlite.prepare('SELECT count(*) AS n FROM blobs').get()).toEqual({ n: 1_200 });

    // the next write starts the log over: the next checkpoint finds only that write's pages
    database.sqlite.prepare('INSERT INTO blobs (data) VALUES (?)').run(Buffer.alloc(10));
    const next = await database.checkpointer?.checkpointNow();
    expect(next?.log).toBeLessThan(10);
  });

  it('checkpoints every interval without being asked', async () => {
    const { database, file } = open({ checkpoints: 'thread', checkpointIntervalMs: 50 });
    writeMuch(database);
    await vi.waitFor(() => expect(size(file)).toBeGreaterThan(10_000_000), { timeout: 10_000, interval: 50 });
  });

  it('a thread that stops hands the checkpoints back to the connection, and says so', async () => {
    const onCheckpointerStopped = vi.fn();
    const { database, file } = open({
      checkpoints: 'thread',
      checkpointIntervalMs: 3_600_000,
      onCheckpointerStopped,
    });
    await database.checkpointer?.kill();
    expect(onCheckpointerStopped).toHaveBeenCalledOnce();
    expect(autocheckpoint(database)).toBe(1_000);
    writeMuch(database);
    expect(size(file)).toBeGreaterThan(10_000_000);
  });

  it('closes the thread first; the connection, closing last, checkpoints the rest and removes the log', async () => {
    const onCheckpointerStopped = vi.fn();
    const { database, file } = open({ checkpoints: 'thread', checkpointIntervalMs: 3_600_000, onCheckpointerStopped });
    writeMuch(database);
    await database.close();
    expect(onCheckpointerStopped).not.toHaveBeenCalled();
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    expect(size(file)).toBeGreaterThan(10_000_000);
  });

  it('a script that opens, writes and closes ends by itself with exit 0, the log checkpointed and removed', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'valore-checkpoint-'));
    dirs.push(dir);
    const file = path.join(dir, 'db.sqlite');
    const script = path.join(dir, 'script.mts');
    // nothing but the thread keeps this process alive while it closes (the thread is unref'd the rest of the time)
    fs.writeFileSync(
      script,
      `import { openDatabase } from ${JSON.stringify(path.join(import.meta.dirname, 'client.ts'))};
const database = openDatabase(process.argv[2], { checkpoints: 'thread', checkpointIntervalMs: 3_600_000 });
database.sqlite.exec('CREATE TABLE t (x)');
database.sqlite.exec('INSERT INTO t VALUES (1)');
await database.close();
console.log('closed');
`,
    );
    const tsx = path.resolve(import.meta.dirname, '../../../node_modules/.bin/tsx');
    const run = spawnSync(tsx, [script, file], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('closed');
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it('is not used for an in-memory database, nor with the writer thread', () => {
    expect(openDatabase(':memory:', { checkpoints: 'thread' }).checkpointer).toBeNull();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'valore-checkpoint-'));
    dirs.push(dir);
    const withWriter = openDatabase(path.join(dir, 'w.sqlite'), { writer: 'thread', checkpoints: 'thread' });
    opened.push(withWriter);
    expect(withWriter.checkpointer).toBeNull();
  });
});
