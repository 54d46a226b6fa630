import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { AppDeps } from '../../deps';
import { createWorld } from '../../testing/fixtures';
import { MovableClock } from '../../testing/movable-clock';
import { createTestDeps } from '../../testing/test-deps';
import { monthsBefore, purgeBatch, purgeCutoffs, purgeExpiredData } from './purge';
import { DEFAULT_RETENTION, type RetentionConfig } from './retention.config';
import { nextRunAt, startRetentionWorker } from './retention.worker';
import { changeOperatorStatus } from '../monitor/status.service';

/**
 * The daily purge under a movable clock: for each class a row is written, the clock is moved to one second before
 * the end of its period (the row stays) and then two seconds on (it goes) — with what a purged row keeps.
 */

const START = '2027-03-10T10:00:00.000Z';
const DAY = 86_400_000;
const SECOND = 1_000;

async function setup(retention: Partial<RetentionConfig> = {}) {
  const clock = new MovableClock(START);
  const { deps } = await createTestDeps({ clock });
  deps.config.retention = { ...DEFAULT_RETENTION, ...retention };
  const world = await createWorld(deps.db, clock.now());
  return { clock, deps, world, db: deps.db };
}

type Ctx = Awaited<ReturnType<typeof setup>>;

/** Moves the clock to `at` minus one second, purges, then two seconds later purges again. */
async function aroundTheEnd(ctx: Ctx, end: number) {
  ctx.clock.set(new Date(end - SECOND));
  const before = await purgeExpiredData(ctx.deps);
  ctx.clock.set(new Date(end + SECOND));
  const after = await purgeExpiredData(ctx.deps);
  return { before: before.counts, after: after.counts };
}

async function message(db: AppDeps['db'], v: { status: string; sentAt: string | null; nextAttemptAt: string }) {
  const row = await db
    .insertInto('outbox')
    .values({
      channel: 'sms',
      recipient: '+393331234567',
      subject: null,
      body: 'Gentile Mario Rossi, il suo appuntamento è domani alle 10:00.',
      last_error: v.status === 'failed' ? 'invalid destination +393331234567' : null,
      ref_type: 'appointment',
      ref_id: '1',
      created_at: START,
      next_attempt_at: v.nextAttemptAt,
      sent_at: v.sentAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await sql`UPDATE outbox SET status = ${v.status}, attempts = 1, smsc_message_id = 'smsc-1' WHERE id = ${row.id}`.execute(
    db,
  );
  return row.id;
}

describe('retention purge (movable clock)', () => {
  it('outbox: a sent message keeps its row and loses recipient and text 90 days after it was sent, not a second before', async () => {
    const ctx = await setup();
    const sent = await message(ctx.db, { status: 'delivered', sentAt: START, nextAttemptAt: START });
    const { before, after } = await aroundTheEnd(ctx, Date.parse(START) + 90 * DAY);
    expect(before.outboxMessages).toBe(0);
    expect(after.outboxMessages).toBe(1);
    const row = await ctx.db.selectFrom('outbox').selectAll().where('id', '=', sent).executeTakeFirstOrThrow();
    // statistics stay: status, channel, attempts, times, the SMSC's id
    expect(row).toMatchObject({
      recipient: '',
      subject: null,
      body: '',
      last_error: null,
      status: 'delivered',
      channel: 'sms',
      attempts: 1,
      sent_at: START,
      created_at: START,
      smsc_message_id: 'smsc-1',
    });
  });

  it('outbox: a failed message counts from its last attempt; a pending one is never touched', async () => {
    const ctx = await setup();
    const failedAt = new Date(Date.parse(START) + 2 * DAY).toISOString();
    const failed = await message(ctx.db, { status: 'failed', sentAt: null, nextAttemptAt: failedAt });
    const pending = await message(ctx.db, { status: 'pending', sentAt: null, nextAttemptAt: START });
    const { before, after } = await aroundTheEnd(ctx, Date.parse(failedAt) + 90 * DAY);
    expect(before.outboxMessages).toBe(0);
    expect(after.outboxMessages).toBe(1);
    const rows = await ctx.db
      .selectFrom('outbox')
      .select(['id', 'recipient', 'body', 'status', 'last_error'])
      .orderBy('id')
      .execute();
    expect(rows.find((r) => r.id === failed)).toEqual({
      id: failed,
      recipient: '',
      body: '',
      status: 'failed',
      last_error: null,
    });
    expect(rows.find((r) => r.id === pending)).toMatchObject({ recipient: '+393331234567', status: 'pending' });
  });

  it('idempotency records are deleted 7 days after the request', async () => {
    const ctx = await setup();
    await ctx.db
      .insertInto('idempotency_keys')
      .values({ scope: 'leads.close', key: 'k-1', request_hash: 'h', response: '{"id":1}', created_at: START })
      .execute();
    const { before, after } = await aroundTheEnd(ctx, Date.parse(START) + 7 * DAY);
    expect(before.idempotencyRecords).toBe(0);
    expect(after.idempotencyRecords).toBe(1);
    expect(await ctx.db.selectFrom('idempotency_keys').selectAll().execute()).toEqual([]);
  });

  it('import rejects are deleted 30 days after their import ended; the import keeps its counts', async () => {
    const ctx = await setup();
    const campaign = await ctx.db
      .insertInto('campaigns')
      .values({
        name: 'Primavera',
        business_unit: 'Banking',
        product_code: 'CONTO',
        starts_on: '2027-03-01',
        ends_on: '2027-06-30',
        calling_window: '{}',
        max_attempts: 3,
        retry_delay_minutes: 60,
        script_version: '1.0.0',
        registry_checked_at: null,
        created_by: null,
        created_at: START,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const finishedAt = new Date(Date.parse(START) + 3_600_000).toISOString();
    const imp = await ctx.db
      .insertInto('campaign_imports')
      .values({
        campaign_id: campaign.id,
        status: 'done',
        customer_id_column: 'customerId',
        phone_column: null,
        total: 10,
        imported: 7,
        rejected: 3,
        created_by: null,
        created_at: START,
        finished_at: finishedAt,
        failure_reason: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await ctx.db
      .insertInto('campaign_import_rejects')
      .values(
        [1, 2, 3].map((line) => ({
          import_id: imp.id,
          line,
          reason: 'unknown_customer' as const,
          value: `+39333000000${line}`,
        })),
      )
      .execute();
    const { before, after } = await aroundTheEnd(ctx, Date.parse(finishedAt) + 30 * DAY);
    expect(before.importRejects).toBe(0);
    expect(after.importRejects).toBe(3);
    expect(await ctx.db.selectFrom('campaign_import_rejects').selectAll().execute()).toEqual([]);
    const kept = await ctx.db
      .selectFrom('campaign_imports')
      .selectAll()
      .where('id', '=', imp.id)
      .executeTakeFirstOrThrow();
    expect(kept).toMatchObject({ total: 10, imported: 7, rejected: 3, rejects_not_stored: 3, status: 'done' });
  });

  it('sessions go at the first run after they expired (idle or absolute), live ones stay', async () => {
    const ctx = await setup();
    const user = ctx.world.users.operator.id;
    const now = Date.parse(START);
    const iso = (ms: number) => new Date(ms).toISOString();
    await ctx.db
      .insertInto('sessions')
      .values([
        // idle limit (30 min) passes at now + 10 min
        {
          id: 'idle',
          user_id: user,
          created_at: iso(now - 20 * 60_000),
          last_seen_at: iso(now - 20 * 60_000),
          expires_at: iso(now + 3_600_000),
          user_agent: null,
          ip: null,
        },
        // absolute limit passes at now + 10 min although it was just used
        {
          id: 'absolute',
          user_id: user,
          created_at: iso(now - 11.8 * 3_600_000),
          last_seen_at: iso(now + 9 * 60_000),
          expires_at: iso(now + 10 * 60_000),
          user_agent: null,
          ip: null,
        },
        {
          id: 'live',
          user_id: user,
          created_at: iso(now),
          last_seen_at: iso(now + 9 * 60_000),
          expires_at: iso(now + 12 * 3_600_000),
          user_agent: null,
          ip: null,
        },
      ])
      .execute();
    const { before, after } = await aroundTheEnd(ctx, now + 10 * 60_000);
    expect(before.sessions).toBe(0);
    expect(after.sessions).toBe(2);
    expect((await ctx.db.selectFrom('sessions').select('id').execute()).map((s) => s.id)).toEqual(['live']);
  });

  it('audit rows are deleted after 24 calendar months', async () => {
    const ctx = await setup();
    await ctx.db.deleteFrom('audit_log').execute();
    await ctx.db
      .insertInto('audit_log')
      .values({
        at: START,
        actor_id: null,
        action: 'customer.reveal',
        entity_type: 'customer',
        entity_id: '1',
        details: null,
        ip: null,
      })
      .execute();
    // 10 March 2027 + 24 months = 10 March 2029
    const { before, after } = await aroundTheEnd(ctx, Date.parse('2029-03-10T10:00:00.000Z'));
    expect(before.auditRows).toBe(0);
    expect(after.auditRows).toBe(1);
    const left = await ctx.db.selectFrom('audit_log').select(['action', 'at']).execute();
    expect(left.map((r) => r.action)).toEqual(['retention.purged', 'retention.purged']);
  });

  it('access grants (a break-glass reason too) go when they expired more than the audit period ago', async () => {
    const ctx = await setup();
    const grant = (kind: 'contact' | 'break_glass', expiresAt: string) =>
      ctx.db
        .insertInto('customer_access_grants')
        .values({
          user_id: ctx.world.users.operator.id,
          customer_id: ctx.world.customers.mario,
          kind,
          reason: kind === 'break_glass' ? 'Reclamo urgente del cliente' : 'search',
          granted_at: START,
          expires_at: expiresAt,
        })
        .execute();
    await grant('break_glass', '2027-03-10T12:00:00.000Z');
    await grant('contact', '2027-03-11T10:00:00.000Z');
    // the first expired at 12:00 on 10 March 2027: it goes 24 months after that, the second a day later
    const { before, after } = await aroundTheEnd(ctx, Date.parse('2029-03-10T12:00:00.000Z'));
    expect([before.accessGrants, after.accessGrants]).toEqual([0, 1]);
    expect(await ctx.db.selectFrom('customer_access_grants').select('kind').execute()).toEqual([{ kind: 'contact' }]);
  });

  it('the live board’s changes go a day after they were made (a board away longer gets a snapshot)', async () => {
    const ctx = await setup();
    const op = ctx.world.users.operator;
    const change = (at: string, state: 'ready' | 'paused') =>
      ctx.db
        .transaction()
        .execute((trx) =>
          changeOperatorStatus(
            trx,
            { id: op.id, siteId: op.siteId },
            state === 'ready' ? { state } : { state, reason: 'break' },
            at,
          ),
        );
    await change(START, 'ready');
    await change('2027-03-10T11:00:00.000Z', 'paused');
    const kept = () => ctx.db.selectFrom('board_changes').select(['seq', 'at']).orderBy('seq').execute();
    const made = await kept();
    expect(made.slice(-2).map((r) => r.at)).toEqual([START, '2027-03-10T11:00:00.000Z']);
    const { before, after } = await aroundTheEnd(ctx, Date.parse(START) + DAY);
    expect(before.boardChanges).toBe(0);
    expect(after.boardChanges).toBe(made.length - 1);
    // the later change stays, under its number (the site's numbers go on from where they were)
    expect(await kept()).toEqual(made.slice(-1));
  });

  it('periods come from the configuration', async () => {
    const ctx = await setup({ idempotencyDays: 1, outboxDays: 2 });
    await ctx.db
      .insertInto('idempotency_keys')
      .values({ scope: 's', key: 'k', request_hash: 'h', response: '{}', created_at: START })
      .execute();
    await message(ctx.db, { status: 'sent', sentAt: START, nextAttemptAt: START });
    ctx.clock.set(new Date(Date.parse(START) + 1 * DAY + SECOND));
    expect((await purgeExpiredData(ctx.deps)).counts).toMatchObject({ idempotencyRecords: 1, outboxMessages: 0 });
    ctx.clock.set(new Date(Date.parse(START) + 2 * DAY + SECOND));
    expect((await purgeExpiredData(ctx.deps)).counts).toMatchObject({ idempotencyRecords: 0, outboxMessages: 1 });
  });

  it('works in batches of the configured size and writes one audit row per run with its counts', async () => {
    const ctx = await setup({ batchSize: 2 });
    await ctx.db
      .insertInto('idempotency_keys')
      .values(
        [1, 2, 3, 4, 5].map((i) => ({
          scope: 's',
          key: `k${i}`,
          request_hash: 'h',
          response: '{}',
          created_at: START,
        })),
      )
      .execute();
    const transactions: number[] = [];
    const batch = purgeBatch.idempotencyRecords;
    purgeBatch.idempotencyRecords = async (trx, c, limit) => {
      const n = await batch(trx, c, limit);
      transactions.push(n);
      return n;
    };
    try {
      ctx.clock.set(new Date(Date.parse(START) + 8 * DAY));
      const result = await purgeExpiredData(ctx.deps);
      expect(result.counts.idempotencyRecords).toBe(5);
      expect(result.complete).toBe(true);
    } finally {
      purgeBatch.idempotencyRecords = batch;
    }
    expect(transactions).toEqual([2, 2, 1]);
    const audit = await ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'retention.purged').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]?.details ?? '{}')).toMatchObject({
      counts: {
        idempotencyRecords: 5,
        outboxMessages: 0,
        importRejects: 0,
        sessions: 0,
        auditRows: 0,
        accessGrants: 0,
        boardChanges: 0,
      },
      cutoffs: { idempotency: new Date(Date.parse(START) + DAY).toISOString() },
      complete: true,
    });
    // a second run finds nothing left
    expect((await purgeExpiredData(ctx.deps)).counts.idempotencyRecords).toBe(0);
  });

  it('a stopped run ends between batches and records what it did', async () => {
    const ctx = await setup({ batchSize: 1 });
    await ctx.db
      .insertInto('idempotency_keys')
      .values(
        [1, 2, 3].map((i) => ({ scope: 's', key: `k${i}`, request_hash: 'h', response: '{}', created_at: START })),
      )
      .execute();
    ctx.clock.set(new Date(Date.parse(START) + 8 * DAY));
    let asked = 0;
    const result = await purgeExpiredData(ctx.deps, { shouldStop: () => ++asked > 3 });
    expect(result.complete).toBe(false);
    expect(await ctx.db.selectFrom('idempotency_keys').select('key').execute()).toHaveLength(1);
  });

  it('each batch reads an index on the deciding time, never the whole table', async () => {
    const ctx = await setup();
    const cutoffs = purgeCutoffs(ctx.clock.now(), DEFAULT_RETENTION, 30);
    const plan = async (query: ReturnType<typeof sql>) =>
      (await sql<{ detail: string }>`EXPLAIN QUERY PLAN ${query}`.execute(ctx.db)).rows
        .map((r) => r.detail)
        .join(' | ');
    expect(
      await plan(sql`SELECT id FROM outbox WHERE recipient <> '' AND COALESCE(sent_at, next_attempt_at) < ${cutoffs.outbox}
        AND status IN ('sent','delivered','failed','unknown') LIMIT 500`),
    ).toMatch(/USING INDEX outbox_retention/);
    expect(
      await plan(sql`SELECT scope, key FROM idempotency_keys WHERE created_at < ${cutoffs.idempotency} LIMIT 500`),
    ).toMatch(/USING (COVERING )?INDEX idempotency_keys_created/);
    expect(await plan(sql`SELECT id FROM audit_log WHERE at < ${cutoffs.audit} LIMIT 500`)).toMatch(
      /USING (COVERING )?INDEX audit_log_at/,
    );
    expect(
      await plan(sql`SELECT id FROM customer_access_grants WHERE expires_at < ${cutoffs.audit} LIMIT 500`),
    ).toMatch(/USING (COVERING )?INDEX customer_access_grants_expiry/);
  });

  it('counts calendar months for the audit period (a leap day falls back to the 28th)', () => {
    expect(monthsBefore(new Date('2029-03-10T10:00:00.000Z'), 24).toISOString()).toBe('2027-03-10T10:00:00.000Z');
    expect(monthsBefore(new Date('2030-02-28T00:00:00.000Z'), 24).toISOString()).toBe('2028-02-28T00:00:00.000Z');
    expect(monthsBefore(new Date('2028-02-29T12:00:00.000Z'), 12).toISOString()).toBe('2027-02-28T12:00:00.000Z');
    expect(monthsBefore(new Date('2027-03-31T12:00:00.000Z'), 1).toISOString()).toBe('2027-02-28T12:00:00.000Z');
  });

  it('leaves a message inside its period as it is', async () => {
    const ctx = await setup();
    const recent = await message(ctx.db, { status: 'sent', sentAt: START, nextAttemptAt: START });
    ctx.clock.set(new Date(Date.parse(START) + 89 * DAY));
    expect((await purgeExpiredData(ctx.deps)).counts.outboxMessages).toBe(0);
    expect(
      await ctx.db.selectFrom('outbox').select(['recipient', 'body']).where('id', '=', recent).executeTakeFirst(),
    ).toEqual({
      recipient: '+393331234567',
      body: 'Gentile Mario Rossi, il suo appuntamento è domani alle 10:00.',
    });
  });
});

describe('retention worker', () => {
  it('runs at the quiet hour, Rome time, through summer time', () => {
    // winter: 03:00 in Rome is 02:00Z
    expect(nextRunAt(new Date('2027-01-15T12:00:00Z'), 3).toISOString()).toBe('2027-01-16T02:00:00.000Z');
    // summer: 03:00 in Rome is 01:00Z
    expect(nextRunAt(new Date('2027-07-15T00:30:00Z'), 3).toISOString()).toBe('2027-07-15T01:00:00.000Z');
    // the night clocks go forward (28 March 2027): 03:00 is 01:00Z
    expect(nextRunAt(new Date('2027-03-27T12:00:00Z'), 3).toISOString()).toBe('2027-03-28T01:00:00.000Z');
    // just after this night's run: the next is tomorrow's
    expect(nextRunAt(new Date('2027-01-16T02:00:00Z'), 3).toISOString()).toBe('2027-01-17T02:00:00.000Z');
  });

  it('purges on demand, and stop waits for a run in progress', async () => {
    const ctx = await setup({ hour: null });
    await ctx.db
      .insertInto('idempotency_keys')
      .values({ scope: 's', key: 'k', request_hash: 'h', response: '{}', created_at: START })
      .execute();
    ctx.clock.set(new Date(Date.parse(START) + 8 * DAY));
    const worker = startRetentionWorker(ctx.deps, { hour: null });
    const run = worker.runNow();
    await worker.stop();
    const result = await run;
    // stopped before its first batch or after it, the run recorded itself either way
    expect(result).not.toBeNull();
    expect(
      await ctx.db.selectFrom('audit_log').select('action').where('action', '=', 'retention.purged').execute(),
    ).toHaveLength(1);
    expect(await worker.runNow()).toBeNull();
  });
});
