import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copySqliteToPostgres, tablesInDependencyOrder } from '@valore/server/db/copy-to-postgres';
import { migratePostgres, openPostgres, type OpenedPostgres } from '@valore/server/db/postgres';
import { startPostgresCluster, type PostgresCluster } from '../helpers/postgres-cluster';
import { seededTemplate } from '../helpers/server';

/**
 * A centre moving from the embedded file to a PostgreSQL server (issue 21): every row of every table copied, parents
 * first, numbering continued after the highest id, and nothing written into a database that is not empty.
 */
let cluster: PostgresCluster;
let template: SQLite.Database;
const opened: OpenedPostgres[] = [];

beforeAll(async () => {
  cluster = await startPostgresCluster();
  template = new SQLite(await seededTemplate(300, new Date()), { readonly: true });
}, 120_000);
afterAll(async () => {
  template?.close();
  for (const o of opened) await o.close();
  cluster?.stop();
});

const counts = (db: SQLite.Database) =>
  Object.fromEntries(
    tablesInDependencyOrder(db).map((t) => [
      t,
      (db.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n,
    ]),
  );

describe('copying a SQLite file to PostgreSQL', () => {
  it('copies every row of every table, and new rows are numbered after the copied ones', async () => {
    const target = openPostgres(cluster.createDatabase('copy'));
    opened.push(target);
    await migratePostgres(target.db);
    const report = await copySqliteToPostgres(template, target.db);
    const expected = counts(template);
    expect(Object.fromEntries(report.tables)).toEqual(expected);
    expect(report.rows).toBeGreaterThan(1_000);
    for (const [table, n] of Object.entries(expected)) {
      const r = await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(target.db);
      expect(r.rows[0]?.n, table).toBe(n);
    }
    // the same values: a customer as SQLite holds it, accents and all
    const customer = template.prepare('SELECT * FROM customers ORDER BY id DESC LIMIT 1').get() as { id: number };
    const copied = await target.db.selectFrom('customers').selectAll().where('id', '=', customer.id).executeTakeFirst();
    expect(copied).toEqual(customer);
    // a new site is numbered after the copied ones
    const last = (template.prepare('SELECT max(id) AS id FROM sites').get() as { id: number }).id;
    const site = await target.db
      .insertInto('sites')
      .values({ code: 'NEW', name: 'Nuova sede', city: 'Roma', province_code: 'RM' })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(site.id).toBe(last + 1);
  });

  it('writes nothing into a database that already holds data', async () => {
    const target = openPostgres(cluster.createDatabase('copy_twice'));
    opened.push(target);
    await migratePostgres(target.db);
    await target.db.insertInto('macro_areas').values({ code: 'X', name: 'Già qui' }).execute();
    await target.db.insertInto('provinces').values({ code: 'XX', name: 'Già qui' }).execute();
    await target.db
      .insertInto('customers')
      .values({
        first_name: 'Già',
        last_name: 'Qui',
        tax_code: 'GQIXXX80A01H501X',
        phone: '+393330000000',
        email: null,
        birth_date: '1980-01-01',
        city: 'Roma',
        province_code: 'XX',
        created_at: new Date().toISOString(),
      })
      .execute();
    await expect(copySqliteToPostgres(template, target.db)).rejects.toThrow(/customers is not empty/);
    const areas = await sql<{ code: string }>`SELECT code FROM macro_areas`.execute(target.db);
    expect(areas.rows).toEqual([{ code: 'X' }]);
  });

  it('puts every table after the tables its foreign keys name', () => {
    const order = tablesInDependencyOrder(template);
    const position = new Map(order.map((t, i) => [t, i]));
    for (const table of order) {
      const parents = template.pragma(`foreign_key_list("${table}")`) as { table: string }[];
      for (const p of parents)
        if (p.table !== table)
          expect(position.get(p.table), `${p.table} before ${table}`).toBeLessThan(position.get(table) ?? -1);
    }
  });
});
