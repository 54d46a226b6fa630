import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CompleteInteractionInput } from '@valore/shared/schemas/interactions';
import { completion, type EventWithoutTime } from '@valore/server/testing/completions';
import { MovableClock } from '@valore/server/testing/movable-clock';
import { createApiClient, trpcError, type ApiClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * The server's clock is the record. A completion's reported times must be plausible against it (else 400 per field,
 * nothing written); consent and opt-out take effect at receipt; audit rows carry the server's time; times are stored
 * in UTC so a contact lands on the same day in the rollups and the drill-down; a completion kept offline is accepted
 * for VALORE_OFFLINE_MAX_HOURS and flagged late.
 */
// Wednesday 2 December 2026, 16:00 in Rome
const NOW = '2026-12-02T15:00:00.000Z';
const MINUTE = 60_000;

let server: TestServer;
let operator: ApiClient;
const clock = new MovableClock(NOW);
const db = () => server.database.db;

beforeAll(async () => {
  server = await startTestServer({ clock, env: { VALORE_SESSION_IDLE_MINUTES: '10080' } });
  operator = createApiClient(server.url);
  await operator.login('operatore1');
});
afterAll(async () => {
  await server?.close();
});
beforeEach(() => clock.set(new Date(NOW)));

let nextCustomer = 100;
const customerId = () => ++nextCustomer;

function inbound(
  id: number,
  outcome: CompleteInteractionInput['outcome'],
  events: readonly EventWithoutTime[],
  startMs = Date.parse(NOW) - 6 * MINUTE,
) {
  return completion('inbound_sales', id, outcome, [{ type: 'customer.identified', customerId: id }, ...events], {
    startMs,
    stepMs: 30_000,
    handleMs: 5 * MINUTE,
  });
}

async function counts() {
  const n = async (table: 'interactions' | 'consents' | 'audit_log') =>
    Number((await db().selectFrom(table).select(db().fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return { interactions: await n('interactions'), consents: await n('consents'), audit: await n('audit_log') };
}

/** A customer whose current marketing consent is missing or withdrawn, so the cross-sell script asks for it. */
async function customerWithoutConsent(): Promise<number> {
  for (let id = 1500; id < 2000; id++) {
    if ((await marketingConsent(id)) !== 1) return id;
  }
  throw new Error('demo data has no customer without consent');
}

async function marketingConsent(id: number): Promise<number | undefined> {
  const row = await db()
    .selectFrom('consents')
    .select('granted')
    .where('customer_id', '=', id)
    .where('purpose', '=', 'marketing')
    .orderBy('recorded_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row?.granted;
}

describe('forged client times are refused, with nothing written', () => {
  const forged: [string, (input: CompleteInteractionInput) => CompleteInteractionInput, string][] = [
    [
      'an opt-out dated 1999',
      (i) => ({
        ...i,
        events: i.events.map((e) => (e.type === 'customer.opted_out' ? { ...e, at: '1999-01-01T10:00:00.000Z' } : e)),
      }),
      'events.1.at',
    ],
    ['startedAt in year 0000', (i) => ({ ...i, startedAt: '0000-01-01T00:00:00.000Z' }), 'startedAt'],
    ['startedAt in 2020', (i) => ({ ...i, startedAt: '2020-06-01T10:00:00.000Z' }), 'startedAt'],
    ['startedAt in 2099', (i) => ({ ...i, startedAt: '2099-01-01T10:00:00.000Z' }), 'startedAt'],
    ['endedAt in 9999', (i) => ({ ...i, endedAt: '9999-12-31T23:59:59.000Z' }), 'endedAt'],
    [
      'an event an hour before the contact started',
      (i) => ({
        ...i,
        events: i.events.map((e, k) =>
          k === 0 ? { ...e, at: new Date(Date.parse(i.startedAt) - 60 * MINUTE).toISOString() } : e,
        ),
      }),
      'events.0.at',
    ],
  ];
  it.each(forged)('%s', async (_, forge, field) => {
    const id = customerId();
    const before = await counts();
    const error = await trpcError(
      operator.trpc.interactions.complete.mutate(forge(inbound(id, 'opt_out', [{ type: 'customer.opted_out' }]))),
    );
    expect(error.data).toMatchObject({ httpStatus: 400, domainCode: 'VALIDATION' });
    expect(Object.keys(error.data?.zodError?.fieldErrors ?? {})).toContain(field);
    expect(await counts()).toEqual(before);
  });

  it('a consent dated 2099 is refused, so it cannot outlive a real opt-out', async () => {
    const id = customerId();
    const consent2099 = inbound(id, 'not_interested', [
      { type: 'needs.identified', productCode: 'CONTO' },
      { type: 'proposal.declined' },
    ]);
    // an OCS call records consent; forge its time
    const ocs = completion(
      'ocs_cross_sell',
      id,
      'not_interested',
      [
        { type: 'customer.identified', customerId: id },
        { type: 'ocs.solved' },
        { type: 'propensity.accepted' },
        { type: 'consent.granted', channel: 'phone' },
        { type: 'needs.identified', productCode: 'CONTO' },
        { type: 'proposal.declined' },
      ],
      { startMs: Date.parse(NOW) - 6 * MINUTE, stepMs: 30_000, handleMs: 5 * MINUTE },
    );
    const forgedOcs = {
      ...ocs,
      events: ocs.events.map((e) => (e.type === 'consent.granted' ? { ...e, at: '2099-01-01T10:00:00.000Z' } : e)),
    };
    const error = await trpcError(operator.trpc.interactions.complete.mutate(forgedOcs));
    expect(error.data?.httpStatus).toBe(400);
    expect(consent2099.events.length).toBeGreaterThan(0);
  });
});

describe('consent and opt-out take effect at receipt', () => {
  it('an opt-out wins over a consent received before it, whatever times the console reports', async () => {
    const id = await customerWithoutConsent();
    // a call grants consent; its console reports the consent a minute *after* the opt-out that follows
    const granted = completion(
      'ocs_cross_sell',
      id,
      'not_interested',
      [
        { type: 'customer.identified', customerId: id },
        { type: 'ocs.solved' },
        { type: 'propensity.accepted' },
        { type: 'consent.granted', channel: 'phone' },
        { type: 'needs.identified', productCode: 'CONTO' },
        { type: 'proposal.declined' },
      ],
      { startMs: Date.parse(NOW) - 3 * MINUTE, stepMs: 20_000, handleMs: 2 * MINUTE },
    );
    await operator.trpc.interactions.complete.mutate(granted);
    expect(await marketingConsent(id)).toBe(1);
    clock.advance(MINUTE);
    // then the customer opts out on another call, whose console clock runs ten minutes slow
    const optOut = inbound(id, 'opt_out', [{ type: 'customer.opted_out' }], Date.parse(NOW) - 12 * MINUTE);
    await operator.trpc.interactions.complete.mutate(optOut);
    expect(await marketingConsent(id)).toBe(0);
    const rows = await db()
      .selectFrom('consents')
      .select(['granted', 'recorded_at', 'reported_at'])
      .where('customer_id', '=', id)
      .where('source', '=', 'interaction')
      .orderBy('id')
      .execute();
    // the record is the server's time; the console's time is kept as reported
    expect(rows.map((r) => [r.granted, r.recorded_at])).toEqual([
      [1, NOW],
      [0, new Date(Date.parse(NOW) + MINUTE).toISOString()],
    ]);
    expect(rows[1]?.reported_at).toBe(optOut.events[1]?.at);
    const audit = await db()
      .selectFrom('audit_log')
      .select(['action', 'at'])
      .where('entity_type', '=', 'customer')
      .where('entity_id', '=', String(id))
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { action: 'consent.granted', at: NOW },
      { action: 'consent.withdrawn', at: new Date(Date.parse(NOW) + MINUTE).toISOString() },
    ]);
    clock.set(new Date(NOW));
  });
});

describe('times are kept in UTC', () => {
  it('a -05:00 offset lands on the same day in the rollups and in the drill-down', async () => {
    const id = customerId();
    // 18:58 in New York on 1 December = 23:58 UTC = 00:58 on 2 December in Rome
    clock.set(new Date('2026-12-02T00:05:00.000Z'));
    const input = {
      ...inbound(id, 'not_interested', [
        { type: 'needs.identified', productCode: 'CONTO' },
        { type: 'proposal.declined' },
      ]),
      startedAt: '2026-12-01T18:58:00-05:00',
      endedAt: '2026-12-01T19:02:00-05:00',
    };
    input.events = input.events.map((e, k) => ({
      ...e,
      at: new Date(Date.parse('2026-12-01T23:58:30.000Z') + k * 20_000).toISOString(),
    }));
    const done = await operator.trpc.interactions.complete.mutate(input);
    const row = await db()
      .selectFrom('interactions')
      .select(['started_at', 'ended_at', 'handle_ms'])
      .where('id', '=', done.interactionId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      started_at: '2026-12-01T23:58:00.000Z',
      ended_at: '2026-12-02T00:02:00.000Z',
      handle_ms: 4 * MINUTE,
    });
    const lead = createApiClient(server.url);
    await lead.login('teamlead1');
    const period = { from: '2026-12-02T00:00:00+01:00', to: '2026-12-02T23:59:59+01:00' };
    const stats = await lead.trpc.stats.conversion.query({ ...period, groupBy: ['day'] });
    const drill = await lead.trpc.stats.interactions.query({ ...period, stage: 'handled', limit: 100 });
    expect(stats.total.counts.handled).toBe(drill.rows.length);
    expect(drill.rows.some((r) => r.id === done.interactionId)).toBe(true);
    clock.set(new Date(NOW));
  });
});

describe('a completion kept offline', () => {
  it('is accepted up to VALORE_OFFLINE_MAX_HOURS after the contact, flagged late, with its reported times', async () => {
    const id = customerId();
    const threeHoursAgo = Date.parse(NOW) - 3 * 60 * MINUTE;
    const input = inbound(
      id,
      'not_interested',
      [{ type: 'needs.identified', productCode: 'CONTO' }, { type: 'proposal.declined' }],
      threeHoursAgo,
    );
    const done = await operator.trpc.interactions.complete.mutate(input);
    const row = await db()
      .selectFrom('interactions')
      .select(['late', 'started_at', 'created_at'])
      .where('id', '=', done.interactionId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ late: 1, started_at: new Date(threeHoursAgo).toISOString(), created_at: NOW });

    const live = await operator.trpc.interactions.complete.mutate(
      inbound(customerId(), 'not_interested', [
        { type: 'needs.identified', productCode: 'CONTO' },
        { type: 'proposal.declined' },
      ]),
    );
    expect(
      (
        await db()
          .selectFrom('interactions')
          .select('late')
          .where('id', '=', live.interactionId)
          .executeTakeFirstOrThrow()
      ).late,
    ).toBe(0);
  });

  it('is refused after VALORE_OFFLINE_MAX_HOURS (default 12)', async () => {
    const before = await counts();
    const error = await trpcError(
      operator.trpc.interactions.complete.mutate(
        inbound(
          customerId(),
          'not_interested',
          [{ type: 'needs.identified', productCode: 'CONTO' }, { type: 'proposal.declined' }],
          Date.parse(NOW) - 13 * 60 * MINUTE,
        ),
      ),
    );
    expect(error.data).toMatchObject({
      httpStatus: 400,
      zodError: { fieldErrors: { startedAt: [expect.stringContaining('12 hours')] } },
    });
    expect(await counts()).toEqual(before);
  });

  it('a retry of an accepted completion still gets its first answer, however late it comes', async () => {
    const input = inbound(customerId(), 'not_interested', [
      { type: 'needs.identified', productCode: 'CONTO' },
      { type: 'proposal.declined' },
    ]);
    const first = await operator.trpc.interactions.complete.mutate(input);
    clock.advance(14 * 60 * MINUTE);
    const relogged = createApiClient(server.url);
    await relogged.login('operatore1');
    expect(await relogged.trpc.interactions.complete.mutate(input)).toEqual(first);
    clock.set(new Date(NOW));
  });
});
