import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql, type Generated } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type OpenedDatabase } from './client';
import { groupCommit } from './group-commit';
import { matching } from '../testing/matchers';

const opened: OpenedDatabase[] = [];
// a type, not an interface: withTables wants the implicit index signature of a type literal
type TestTables = { t: { id: Generated<number>; name: string } };
const withT = (database: OpenedDatabase) => database.db.withTables<TestTables>();
const dirs: string[] = [];

afterEach(async () => {
  for (const database of opened.splice(0)) await database.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A file database whose writes run in the writer thread, with one table `t (id, name UNIQUE)`. */
async function open(): Promise<{ database: OpenedDatabase; file: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'valore-writer-'));
  dirs.push(dir);
  const file = path.join(dir, 'w.sqlite');
  const database = openDatabase(file, { writer: 'thread' });
  opened.push(database);
  await sql`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)`.execute(database.db);
  return { database, file };
}

const names = async (database: OpenedDatabase): Promise<string[]> =>
  (await sql<{ name: string }>`SELECT name FROM t ORDER BY id`.execute(database.db)).rows.map((r) => r.name);

/** Changes made through the main thread's own connection: writes in the writer thread do not count here. */
const mainThreadChanges = (database: OpenedDatabase): number =>
  (database.sqlite.prepare('SELECT total_changes() AS n').get() as { n: number }).n;

describe('the writer thread', () => {
  it('runs every write on its own connection and reads on the main one, with Kysely results as before', async () => {
    const { database, file } = await open();
    const inserted = await sql`INSERT INTO t (name) VALUES (${'a'})`.execute(database.db);
    expect(inserted.insertId).toBe(1n);
    expect(inserted.numAffectedRows).toBe(1n);
    const returned = await withT(database).insertInto('t').values({ name: 'b' }).returning('id').executeTakeFirst();
    expect(returned).toEqual({ id: 2 });
    expect(await names(database)).toEqual(['a', 'b']);
    expect(mainThreadChanges(database)).toBe(0);
    // durable in the file for any other connection
    const other = new SQLite(file, { readonly: true });
    try {
      expect(other.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 2 });
    } finally {
      other.close();
    }
  });

  it('runs a transaction wholly in the writer: it reads its own writes, others read only what is committed', async () => {
    const { database } = await open();
    let seenOutside: string[] = [];
    const result = await withT(database)
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('t').values({ name: 'inside' }).execute();
        const own = await trx.selectFrom('t').select('name').execute();
        // a read outside the transaction neither waits for it nor sees its uncommitted row
        seenOutside = await names(database);
        return own.map((r) => r.name);
      });
    expect(result).toEqual(['inside']);
    expect(seenOutside).toEqual([]);
    expect(await names(database)).toEqual(['inside']);
    expect(mainThreadChanges(database)).toBe(0);
  });

  it('rolls a failed transaction back, keeps SQLite error codes, and frees the writer for the next write', async () => {
    const { database } = await open();
    await withT(database).insertInto('t').values({ name: 'x' }).execute();
    const failed = withT(database)
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('t').values({ name: 'y' }).execute();
        await trx.insertInto('t').values({ name: 'x' }).execute(); // unique
      });
    await expect(failed).rejects.toBeInstanceOf(SQLite.SqliteError);
    await expect(failed).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE' });
    await withT(database).insertInto('t').values({ name: 'z' }).execute();
    expect(await names(database)).toEqual(['x', 'z']);
  });

  it('keeps a write outside any transaction out of an open one: it waits for the COMMIT', async () => {
    const { database } = await open();
    let release: () => void = () => undefined;
    const hold = new Promise<void>((resolve) => (release = resolve));
    const transaction = withT(database)
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('t').values({ name: 'first' }).execute();
        await hold;
        await trx.insertInto('t').values({ name: 'second' }).execute();
      });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const alone = withT(database).insertInto('t').values({ name: 'alone' }).execute();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await names(database)).toEqual([]);
    release();
    await Promise.all([transaction, alone]);
    expect(await names(database)).toEqual(['first', 'second', 'alone']);
  });

  it('serves the group commit: units share one transaction, a failing one is rolled back alone', async () => {
    const { database } = await open();
    const outcomes = await Promise.allSettled(
      ['u1', 'u2', 'dup', 'u3', 'dup'].map((name) =>
        groupCommit(database.db, async (trx) => {
          await sql`INSERT INTO t (name) VALUES (${name})`.execute(trx);
          return name;
        }),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    expect(await names(database)).toEqual(['u1', 'u2', 'dup', 'u3']);
    expect(mainThreadChanges(database)).toBe(0);
  });

  it('reports an error for a statement it cannot prepare, as better-sqlite3 would', async () => {
    const { database } = await open();
    await expect(sql`INSERT INTO missing (a) VALUES (1)`.execute(database.db)).rejects.toMatchObject({
      code: 'SQLITE_ERROR',
      message: matching(/no such table: missing/),
    });
  });

  it('carries a statement or an answer too big for shared memory as a message, in order with the rest', async () => {
    const { database } = await open();
    const big = 'x'.repeat(3 * (1 << 20)); // 3 MB: more than the 1 MB boxes
    const read = await database.db.transaction().execute(async (trx) => {
      await sql`INSERT INTO t (name) VALUES (${big})`.execute(trx);
      await sql`INSERT INTO t (name) VALUES (${'small'})`.execute(trx);
      // read inside the transaction: it runs in the writer, and its answer is bigger than the box
      return (await sql<{ name: string }>`SELECT name FROM t ORDER BY id`.execute(trx)).rows.map((r) => r.name.length);
    });
    expect(read).toEqual([big.length, 5]);
    expect((await names(database)).map((n) => n.length)).toEqual([big.length, 5]);
  });
});
