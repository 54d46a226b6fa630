// The statements that run on every request or every second, read through SQLite's planner. Two kinds of slow plan
// slipped in unseen: a walk of a table that grows (the CTI dispatcher walked every user once a second to find due
// commands), and a plan that depends on a bound value (a partial index applies only when its condition is written as
// a literal; bound, SQLite re-prepares the statement on every run — every work.next's open-offer read did). The test
// captures the SQL these functions really run, with its values, and asks EXPLAIN QUERY PLAN about each statement:
// no walk of a growing table except through a partial index, and the same plan with the values unknown.
import { Kysely, SqliteDialect, type CompiledQuery } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppDeps } from '../deps';
import { dispatchCtiCommands } from './cti/cti-commands';
import { claimDueMessages, releaseExpiredClaims, settleInterruptedSubmissions } from './outbox/outbox.repository';
import { catchUpStats } from './stats/stats.catchup';
import { siteCalendarSources } from './org/service-calendars';
import { acceptOpenOffer, dispatchOffers } from './work/offers';
import { claimNextWorkItem } from './work/work.service';
import { completeInteraction } from './interactions/interactions.service';
import { customerCard, startContact } from './customers/customers.service';
import { declinedSale } from '../testing/completions';
import { randomUUID } from 'node:crypto';
import { createActiveCampaign, createCustomer, createWorld, type World } from '../testing/fixtures';
import { createTestDeps } from '../testing/test-deps';
import type { OpenedDatabase } from '../db/client';
import type { Database } from '../db/database';

let database: OpenedDatabase;
let deps: AppDeps;
let world: World;
let captured: CompiledQuery[];
let logged: AppDeps;

beforeEach(async () => {
  ({ deps, database } = await createTestDeps());
  world = await createWorld(deps.db);
  // enough rows that a walk of them is the planner's own choice, not a small table's shortcut
  const at = new Date().toISOString();
  const user = database.sqlite.prepare(
    `INSERT INTO users (username, display_name, role, site_id, password_hash, created_at) VALUES (?, ?, 'operator', ?, 'x', ?)`,
  );
  database.sqlite.transaction(() => {
    for (let i = 0; i < 3_000; i++) user.run(`op${i}`, `Op ${i}`, world.sites.roma, at);
  })();
  database.sqlite.exec('ANALYZE');
  captured = [];
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: database.sqlite }),
    log: (event) => {
      if (event.level === 'query') captured.push(event.query);
    },
  });
  logged = { ...deps, db };
});

afterEach(async () => {
  await database.close();
});

/** Tables that stay small whatever the centre's size (sites, districts, products…): a walk of them is fine. */
const SMALL = new Set(['sites', 'districts', 'district_provinces', 'provinces', 'products', 'teams', 'campaigns']);

/** The statements captured whose plan walks a table that grows, other than through a partial index (bounded). */
function walks(): { sql: string; plan: string[] }[] {
  const partial = new Set(
    (
      database.sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '% WHERE %'`).all() as {
        name: string;
      }[]
    ).map((r) => r.name),
  );
  const planOf = (sql: string, values: unknown[]) =>
    (database.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...values) as { detail: string }[]).map((r) => r.detail);
  const seen = new Map<string, { sql: string; plan: string[] }>();
  for (const query of captured) {
    if (seen.has(query.sql) || !/^\s*(select|update|delete|with)/i.test(query.sql)) continue;
    const values = query.parameters as unknown[];
    const plan = planOf(query.sql, values);
    // A plan that needs the bound values is re-made on every run (SQLite re-prepares the statement when a value
    // decides whether a partial index applies): the same statement, values unknown (null), must plan the same.
    const unbound = planOf(
      query.sql,
      values.map(() => null),
    );
    seen.set(query.sql, {
      sql: query.sql,
      plan:
        unbound.join('\n') === plan.join('\n')
          ? plan
          : [...plan, `REPLANNED PER RUN; without its values: ${unbound.join(' · ')}`],
    });
  }
  return [...seen.values()].filter(({ sql, plan }) => {
    // alias → table, from the statement's FROM and JOIN clauses
    const tables = new Map<string, string>();
    for (const m of sql.matchAll(/\b(?:from|join)\s+"?(\w+)"?(?:\s+(?:as\s+)?"?(\w+)"?)?/gi)) {
      const [, table = '', alias] = m;
      tables.set(table, table);
      if (alias && !/^(on|where|inner|left|join|order|group|limit)$/i.test(alias)) tables.set(alias, table);
    }
    // a derived table the plan builds first (a one-row head, a UNION arm) is read whole by design
    const derived = new Set(plan.map((step) => /^(?:CO-ROUTINE|MATERIALIZE) (\w+)$/.exec(step)?.[1]).filter(Boolean));
    return plan.some((step) => {
      if (step.startsWith('REPLANNED')) return true;
      if (step === 'SCAN CONSTANT ROW') return false;
      const scan = /^SCAN (\w+)(?: USING (?:COVERING )?INDEX (\w+))?/.exec(step);
      if (!scan) return false;
      const [, name = '', index] = scan;
      if (derived.has(name)) return false;
      return !(index && partial.has(index)) && !SMALL.has(tables.get(name) ?? name);
    });
  });
}

/**
 * The comparisons, in `reads`, of a column SQLite's STAT4 samples (one of a non-unique index, or of a unique key of
 * several columns; an equality on a one-column unique key is one row, never re-planned, and a column in no index is a
 * filter — measured: a bare parameter on either costs nothing more) with a bare bound value: each has its statement
 * re-prepared at every run on an analysed database.
 */
function bareSampled(reads: readonly CompiledQuery[]): string[] {
  // per table: the columns of its non-unique indexes, and its unique keys of several columns
  const ranged = new Map<string, Set<string>>();
  const compositeKeys = new Map<string, string[][]>();
  const tables = database.sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as {
    name: string;
  }[];
  for (const { name } of tables) {
    const columns = new Set<string>();
    const keys: string[][] = [];
    for (const index of database.sqlite.pragma(`index_list("${name}")`) as { name: string; unique: number }[]) {
      const indexed = (database.sqlite.pragma(`index_info("${index.name}")`) as { name: string | null }[])
        .map((c) => c.name)
        .filter((c): c is string => c !== null);
      if (!index.unique) indexed.forEach((c) => columns.add(c));
      else if (indexed.length > 1) keys.push(indexed);
    }
    ranged.set(name, columns);
    compositeKeys.set(name, keys);
  }
  const bare: string[] = [];
  for (const { sql } of reads) {
    const aliases = new Map<string, string>();
    for (const m of sql.matchAll(/\b(?:from|join)\s+"?(\w+)"?(?:\s+(?:as\s+)?"?(\w+)"?)?/gi)) {
      const [, table = '', alias] = m;
      aliases.set(table, table);
      if (alias) aliases.set(alias, table);
    }
    const inStatement = [...new Set(aliases.values())];
    // the columns the statement pins by equality, whatever the value: a unique key of several columns pinned whole
    // is one row (the idempotency key's scope and key), a part of it is a range (customer_products' customer_id)
    const pinned = new Set(
      [...sql.matchAll(/"?(\w+)"?\s*(?:=\s*(?:\?|\(SELECT \?\)|'[^']*')|in\s*\()/gi)].map((m) => m[1]),
    );
    const sampled = (table: string, column: string) =>
      (ranged.get(table)?.has(column) ?? false) ||
      (compositeKeys.get(table) ?? []).some((key) => key.includes(column) && !key.every((c) => pinned.has(c)));
    for (const m of sql.matchAll(/(?:"?(\w+)"?\.)?"?(\w+)"?\s*(?:=|<=|>=|<|>|\bin\s*\([^)]*?)\s*\?/gi)) {
      const [text, alias, column = ''] = m;
      const candidates = alias ? [aliases.get(alias) ?? alias] : inStatement;
      if (candidates.some((t) => sampled(t, column)))
        bare.push(`${text}  ← ${sql.replace(/\s+/g, ' ').trim().slice(0, 150)}`);
    }
  }
  return bare;
}

describe('query plans of the every-second and every-request statements', () => {
  it('the CTI command dispatcher finds due commands by its index, not by walking the users', async () => {
    await dispatchCtiCommands({ ...logged, logger: deps.logger }, { send: () => Promise.resolve() });
    expect(captured.length).toBeGreaterThan(0);
    expect(walks()).toEqual([]);
  });

  it("the offer dispatcher and work.next's open-offer read use the offers' partial indexes", async () => {
    await dispatchOffers(logged);
    await acceptOpenOffer(logged, world.users.operator);
    expect(captured.length).toBeGreaterThan(1);
    expect(walks()).toEqual([]);
  });

  it('a claim (work.next, and each offer) finds the queue heads by their indexes', async () => {
    const user = world.users.operator;
    await claimNextWorkItem(logged.db, { userId: user.id, siteId: world.sites.roma }, new Date(), 5);
    expect(captured.length).toBeGreaterThan(1);
    expect(walks()).toEqual([]);
  });

  it("a claim's reads compare no column with a bare bound value (re-planned at every run once ANALYZE sampled it)", async () => {
    // SQLite built with STAT4 (better-sqlite3's) re-prepares a statement at every run when a bound value is compared
    // with a column whose index ANALYZE sampled; bound as (SELECT ?) it is out of the planner's sight (db/postgres-dialect.ts
    // `opaque`). A claim's probe cost 54 µs instead of 3.4 µs so; the claims bench fell from ~75 % of raw to 42–49 %.
    // an active campaign of the site with a due contact: the campaign heads' statement is among the claim's reads
    const now = new Date();
    const at = now.toISOString();
    const campaignId = await createActiveCampaign(deps.db, world, now, { name: 'Piani' });
    const customer = await createCustomer(deps.db, {
      provinceCode: 'RM',
      phone: '+393351000001',
      marketingConsent: true,
      now,
    });
    await deps.db
      .insertInto('campaign_contacts')
      .values({
        campaign_id: campaignId,
        customer_id: customer,
        phone: '+393351000001',
        status: 'pending',
        attempts: 0,
        due_at: new Date(now.getTime() - 60_000).toISOString(),
        updated_at: at,
      })
      .execute();
    database.sqlite.exec('ANALYZE');
    const user = world.users.operator;
    const item = await claimNextWorkItem(logged.db, { userId: user.id, siteId: world.sites.roma }, now, 5);
    expect(item?.kind).toBe('campaign');
    const reads = captured.filter((q) => /^\s*select/i.test(q.sql));
    expect(reads.some((q) => q.sql.includes('campaign_contacts_queue'))).toBe(true);
    expect(bareSampled(reads)).toEqual([]);
  });

  it("a completion's and a customer card's reads compare no sampled column with a bare bound value", async () => {
    // the same rule for the other statements every request runs (measured in the server, 5 Dec: the completion's
    // consent read cost 32 µs re-prepared at every run, 5 µs with the customer's id opaque)
    const customerId = world.customers.mario;
    const operator = world.users.operator;
    database.sqlite.exec('ANALYZE');
    const input = declinedSale(customerId, { startMs: Date.now() - 300_000, handleMs: 200_000, acwMs: 10_000 });
    await completeInteraction(logged, operator, input, null);
    await startContact(logged, operator, { customerId, reason: 'inbound_call', clientId: randomUUID() }, null);
    const card = await customerCard(logged, operator, customerId);
    expect(card.id).toBe(customerId);
    const reads = captured.filter((q) => /^\s*select/i.test(q.sql));
    expect(reads.some((q) => q.sql.includes('FROM consents'))).toBe(true);
    expect(bareSampled(reads)).toEqual([]);
    // and, values out of the planner's sight, no walk of a growing table
    expect(walks()).toEqual([]);
  });

  it('the outbox worker claims and recovers messages by their partial indexes', async () => {
    const now = new Date();
    await claimDueMessages(logged.db, now, 20);
    await releaseExpiredClaims(logged.db, now);
    await settleInterruptedSubmissions(logged.db, now);
    expect(captured.length).toBeGreaterThan(2);
    expect(walks()).toEqual([]);
  });

  it('the stats worker finds the contacts it has not counted by key', async () => {
    await catchUpStats(logged.db);
    expect(captured.length).toBeGreaterThan(0);
    expect(walks()).toEqual([]);
  });

  it("a site's calendar is read by keys", async () => {
    await siteCalendarSources(logged.db, world.sites.roma);
    expect(walks()).toEqual([]);
  });
});
