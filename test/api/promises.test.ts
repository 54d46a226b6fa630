import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { FLOW_VERSIONS } from '@valore/shared/flows/index';
import type { CompleteInteractionInput } from '@valore/shared/schemas/interactions';
import type { WorkItem } from '@valore/shared/schemas/work';
import { completion, type EventWithoutTime } from '@valore/server/testing/completions';
import { MovableClock } from '@valore/server/testing/movable-clock';
import { createApiClient, trpcError, type ApiClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';
import { anyNumber, anyString } from '@valore/server/testing/matchers';

/**
 * The promise ledger over HTTP: whatever the flow and wherever the contact came from, an agreed callback becomes
 * exactly one item owned by the operator who agreed it — offered to them alone until the grace period after its time,
 * then to their site — listed in their "I miei impegni" (work.mine) and on the SLA board. The agreed time is checked by
 * the server. A lead won on its follow-up (by a sale on the phone too) is counted in the conversion stats.
 */

// Wednesday 2 December 2026, 10:00 in Rome.
const WEDNESDAY_10 = '2026-12-02T09:00:00.000Z';
// the same day at 15:00 in Rome: inside the service calendar and the default calling window
const AGREED = '2026-12-02T14:00:00.000Z';
const MINUTE = 60_000;
const GRACE = 15 * MINUTE;

let server: TestServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

type Db = TestServer['database']['db'];

async function start() {
  const clock = new MovableClock(WEDNESDAY_10);
  // the clock jumps hours ahead: sessions must outlive the jumps
  server = await startTestServer({ clock, env: { VALORE_SESSION_IDLE_MINUTES: '720' } });
  const db = server.database.db;
  await db.deleteFrom('callback_requests').execute();
  await db.updateTable('leads').set({ status: 'lost' }).execute();
  // Saturday 5 December is staffed: an agreed time takes a place of the Call Me Back capacity, which needs people on shift
  // (staffSaturdays of testing/agreed-time.ts, written for a SQLite file, as portable SQL through the store)
  await sql`INSERT INTO rota_shifts (site_id, user_id, date, kind, starts, ends, status, created_at, published_at)
    SELECT site_id, id, ${'2026-12-05'}, 'saturday', '07:30', '15:12', 'published', ${WEDNESDAY_10}, ${WEDNESDAY_10}
    FROM users WHERE role = 'operator' AND active = 1 AND site_id IS NOT NULL
    ON CONFLICT DO NOTHING`.execute(db);
  const sign = async (username: string) => {
    const client = createApiClient((server as TestServer).url);
    await client.login(username);
    return client;
  };
  // operatore1 and operatore2 work at site 1, operatore5 at site 2
  return {
    s: server,
    clock,
    db,
    op1: await sign('operatore1'),
    op2: await sign('operatore2'),
    op5: await sign('operatore5'),
    sign,
  };
}

async function consentingCustomers(db: Db, count: number): Promise<{ id: number; phone: string }[]> {
  const rows = await db
    .selectFrom('customers')
    .select(['id', 'phone'])
    .where('phone', 'not in', db.selectFrom('optout_registry').select('phone'))
    .orderBy('id')
    .limit(400)
    .execute();
  const out: { id: number; phone: string }[] = [];
  for (const row of rows) {
    const consent = await db
      .selectFrom('consents')
      .select('granted')
      .where('customer_id', '=', row.id)
      .where('purpose', '=', 'marketing')
      .orderBy('recorded_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    if (consent?.granted === 1) out.push(row);
    if (out.length === count) break;
  }
  return out;
}

function contact(
  clock: MovableClock,
  flow: CompleteInteractionInput['flow'],
  customerId: number | null,
  outcome: CompleteInteractionInput['outcome'],
  events: readonly EventWithoutTime[],
  work: CompleteInteractionInput['work'] = null,
): CompleteInteractionInput {
  const input = completion(flow, customerId, outcome, events, {
    startMs: clock.now().getTime() - 5 * MINUTE,
    handleMs: 4 * MINUTE,
  });
  return { ...input, work };
}

const identified = (id: number): EventWithoutTime => ({ type: 'customer.identified', customerId: id });

async function agreedItems(db: Db) {
  return db.selectFrom('callback_requests').selectAll().where('origin', '=', 'agreed').execute();
}

/** After the agreement: the promise is owned, listed, on the board; only its owner gets it when due, then the site. */
async function expectOwnedPromise(
  ctx: Awaited<ReturnType<typeof start>>,
  interactionId: number,
  expected: { flow: WorkItem['flow']; campaignId?: number | null },
) {
  const { db, clock, op1, op2, op5 } = ctx;
  const items = await db
    .selectFrom('callback_requests')
    .selectAll()
    .where('interaction_id', '=', interactionId)
    .execute();
  expect(items).toHaveLength(1);
  const item = items[0];
  if (!item) throw new Error('no item');
  expect(item).toMatchObject({ status: 'pending', origin: 'agreed', due_at: AGREED, site_id: 1, flow: expected.flow });
  expect(item.personal_until).toBe(new Date(Date.parse(AGREED) + GRACE).toISOString());
  // the customer is told the agreed time by SMS, with a signed link to move or cancel it
  const sms = await db
    .selectFrom('outbox')
    .selectAll()
    .where('ref_type', '=', 'callback_request')
    .where('ref_id', '=', item.id)
    .where('channel', '=', 'sms')
    .execute();
  expect(sms).toHaveLength(1);
  expect(sms[0]?.recipient).toBe(item.phone);
  expect(sms[0]?.body).toMatch(/la richiameremo .+ alle 15:00; per spostare o annullare: http\S+\/s\/c\./);

  const mine = await op1.trpc.work.mine.query();
  expect(mine).toEqual([
    expect.objectContaining({ id: `callback:${item.id}`, kind: 'callback', dueAt: AGREED, due: false }),
  ]);
  expect(await op2.trpc.work.mine.query()).toEqual([]);
  const board = await op2.trpc.callbacks.board.query({ limit: 200 });
  expect(board.items.find((b) => b.id === item.id)).toMatchObject({
    origin: 'agreed',
    owner: { userId: anyNumber() },
    personalUntil: item.personal_until,
  });
  // another site's operators do not see the promises of site 1
  expect((await op5.trpc.callbacks.board.query({ limit: 200 })).items.find((b) => b.id === item.id)).toBeUndefined();

  // not due: nobody gets it
  expect(await op1.trpc.work.next.mutate({})).toBeNull();
  // due: the owner's colleagues do not get it during the grace period…
  clock.set(new Date(Date.parse(AGREED) + MINUTE));
  expect(await op2.trpc.work.next.mutate({})).toBeNull();
  // …the owner does
  const taken = await op1.trpc.work.next.mutate({});
  expect(taken).toMatchObject({ id: `callback:${item.id}`, kind: 'callback', flow: expected.flow });
  if (expected.campaignId !== undefined) expect(taken?.campaignId).toBe(expected.campaignId);
  expect((await op1.trpc.work.mine.query())[0]).toMatchObject({ held: true });
  // the owner lets it go: after the grace period the site's pool gets it, not another site
  await op1.trpc.work.release.mutate({ id: `callback:${item.id}`, reason: 'in riunione' });
  clock.set(new Date(Date.parse(AGREED) + GRACE + MINUTE));
  expect(await op5.trpc.work.next.mutate({})).toBeNull();
  expect((await op2.trpc.work.next.mutate({}))?.id).toBe(`callback:${item.id}`);
  return item;
}

describe('an agreed callback becomes one owned item, whatever the flow and the origin', () => {
  it('inbound sales call (manual, no queue item): the case that queued nothing before', async () => {
    const ctx = await start();
    const [c] = await consentingCustomers(ctx.db, 1);
    if (!c) throw new Error('demo data too small');
    const done = await ctx.op1.trpc.interactions.complete.mutate(
      contact(
        ctx.clock,
        'inbound_sales',
        c.id,
        'callback_scheduled',
        [identified(c.id), { type: 'callback.requested', callbackAt: AGREED }],
        {
          kind: 'inbound',
          sourceId: null,
        },
      ),
    );
    expect(done.effects).toMatchObject({ callbackAt: AGREED, callbackId: anyString() });
    const item = await expectOwnedPromise(ctx, done.interactionId, { flow: 'callback' });
    expect(item).toMatchObject({ customer_id: c.id, phone: c.phone, product_code: null });
  });

  it('cross-sell after OCS (1.1.0): a callback at the proposal keeps the product', async () => {
    const ctx = await start();
    const [c] = await consentingCustomers(ctx.db, 1);
    if (!c) throw new Error('demo data too small');
    expect(FLOW_VERSIONS.ocs_cross_sell).toBe('1.1.0');
    const done = await ctx.op1.trpc.interactions.complete.mutate(
      contact(ctx.clock, 'ocs_cross_sell', c.id, 'callback_scheduled', [
        identified(c.id),
        { type: 'ocs.solved' },
        { type: 'propensity.accepted' },
        { type: 'needs.identified', productCode: 'CONTO' },
        { type: 'callback.requested', callbackAt: AGREED },
      ]),
    );
    const item = await expectOwnedPromise(ctx, done.interactionId, { flow: 'callback' });
    expect(item.product_code).toBe('CONTO');
  });

  it('OCS 1.1.0 still offers no callback before the proposal (the call is about the problem)', async () => {
    const ctx = await start();
    const [c] = await consentingCustomers(ctx.db, 1);
    if (!c) throw new Error('demo data too small');
    const error = await trpcError(
      ctx.op1.trpc.interactions.complete.mutate(
        contact(ctx.clock, 'ocs_cross_sell', c.id, 'callback_scheduled', [
          identified(c.id),
          { type: 'callback.requested', callbackAt: AGREED },
        ]),
      ),
    );
    expect(error.data).toMatchObject({ domainCode: 'REPLAY_REJECTED' });
    expect(await agreedItems(ctx.db)).toHaveLength(0);
  });

  it('campaign contact: the contact leaves the list, the callback plays the campaign script inside its window', async () => {
    const ctx = await start();
    const customers = await consentingCustomers(ctx.db, 1);
    const lead = await ctx.sign('teamlead1');
    const campaign = await lead.trpc.campaigns.create.mutate({
      requestId: randomUUID(),
      name: 'Libretto inverno',
      businessUnit: 'Risparmio',
      productCode: 'LIBRETTO',
      startsOn: '2026-11-01',
      endsOn: '2027-01-31',
      maxAttempts: 3,
      retryDelayMinutes: 60,
      scriptVersion: FLOW_VERSIONS.campaign,
      siteIds: [1],
    });
    const csv = `id,name\n${customers.map((c) => `${c.id},x`).join('\n')}\n`;
    const imported = await lead.fetch(`${ctx.s.url}/api/v1/campaigns/${campaign.id}/import?customerIdColumn=id`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: csv,
    });
    expect(imported.status).toBe(200);
    await imported.text();
    await lead.trpc.campaigns.setStatus.mutate({ requestId: randomUUID(), id: campaign.id, status: 'active' });
    const held = await ctx.op1.trpc.work.next.mutate({});
    if (!held || held.customerId === null) throw new Error('no campaign contact');
    const events: EventWithoutTime[] = [{ type: 'contact.reached' }, identified(held.customerId)];
    // 21:00 in Rome: outside the service hours and the calling window → 400 on the field, nothing written
    const late = await trpcError(
      ctx.op1.trpc.interactions.complete.mutate(
        contact(
          ctx.clock,
          'campaign',
          held.customerId,
          'callback_scheduled',
          [...events, { type: 'callback.requested', callbackAt: '2026-12-02T20:00:00.000Z' }],
          {
            kind: 'campaign',
            sourceId: held.sourceId,
          },
        ),
      ),
    );
    expect(late.data).toMatchObject({
      httpStatus: 400,
      domainCode: 'VALIDATION',
      zodError: { fieldErrors: { callbackAt: [anyString()] } },
    });
    expect(
      await ctx.db
        .selectFrom('interactions')
        .select('id')
        .where('client_id', 'like', '%')
        .where('customer_id', '=', held.customerId)
        .execute(),
    ).toHaveLength(0);

    const done = await ctx.op1.trpc.interactions.complete.mutate(
      contact(
        ctx.clock,
        'campaign',
        held.customerId,
        'callback_scheduled',
        [...events, { type: 'callback.requested', callbackAt: AGREED }],
        {
          kind: 'campaign',
          sourceId: held.sourceId,
        },
      ),
    );
    const row = await ctx.db
      .selectFrom('campaign_contacts')
      .select(['status', 'last_outcome'])
      .where('id', '=', Number(held.sourceId))
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'done', last_outcome: 'callback_scheduled' });
    await expectOwnedPromise(ctx, done.interactionId, { flow: 'campaign', campaignId: campaign.id });
  });

  it('web Call Me Back answered: the request is answered, the new time is a new item owned by the operator', async () => {
    const ctx = await start();
    const [c] = await consentingCustomers(ctx.db, 1);
    if (!c) throw new Error('demo data too small');
    const created = await fetch(`${ctx.s.url}/api/v1/callback-requests`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-intake-key', 'content-type': 'application/json' },
      body: JSON.stringify({ phone: c.phone, customerId: String(c.id), product: 'CONTO', mode: 'now', channel: 'web' }),
    });
    expect(created.status).toBe(201);
    const request = (await created.json()) as { id: string };
    const held = await ctx.op1.trpc.work.next.mutate({});
    expect(held?.id).toBe(`callback:${request.id}`);
    const done = await ctx.op1.trpc.interactions.complete.mutate(
      contact(
        ctx.clock,
        'callback',
        c.id,
        'callback_scheduled',
        [{ type: 'contact.reached' }, identified(c.id), { type: 'callback.requested', callbackAt: AGREED }],
        {
          kind: 'callback',
          sourceId: request.id,
        },
      ),
    );
    const original = await ctx.db
      .selectFrom('callback_requests')
      .select(['status', 'answered_at'])
      .where('id', '=', request.id)
      .executeTakeFirstOrThrow();
    expect(original).toEqual({ status: 'done', answered_at: ctx.clock.now().toISOString() });
    const item = await expectOwnedPromise(ctx, done.interactionId, { flow: 'callback' });
    expect(item.product_code).toBe('CONTO');
  });

  it('lead follow-up: the lead itself moves to the agreed time and to the operator who agreed it', async () => {
    const ctx = await start();
    const [c] = await consentingCustomers(ctx.db, 1);
    if (!c) throw new Error('demo data too small');
    const sale = await ctx.op2.trpc.interactions.complete.mutate(
      contact(ctx.clock, 'inbound_sales', c.id, 'lead', [
        identified(c.id),
        { type: 'needs.identified', productCode: 'FIBRA' },
        { type: 'proposal.accepted' },
        { type: 'outcome.lead', followUpAt: '2026-12-02T10:00:00.000Z' },
      ]),
    );
    const leadId = sale.effects.lead?.id;
    // the lead is operatore2's promise; due at 11:00, so operatore2 takes it
    ctx.clock.set(new Date('2026-12-02T10:01:00.000Z'));
    expect(await ctx.op1.trpc.work.next.mutate({})).toBeNull();
    const held = await ctx.op2.trpc.work.next.mutate({});
    expect(held).toMatchObject({ id: `lead_followup:${leadId}`, kind: 'lead_followup' });
    await ctx.op2.trpc.interactions.complete.mutate(
      contact(
        ctx.clock,
        'callback',
        c.id,
        'callback_scheduled',
        [{ type: 'contact.reached' }, identified(c.id), { type: 'callback.requested', callbackAt: AGREED }],
        {
          kind: 'lead_followup',
          sourceId: String(leadId),
        },
      ),
    );
    expect(await agreedItems(ctx.db)).toHaveLength(0);
    const lead = await ctx.db
      .selectFrom('leads')
      .selectAll()
      .where('id', '=', Number(leadId))
      .executeTakeFirstOrThrow();
    expect(lead).toMatchObject({ status: 'open', follow_up_at: AGREED, lease_owner: null });
    expect((await ctx.op2.trpc.work.mine.query()).map((p) => p.id)).toEqual([`lead_followup:${leadId}`]);
  });
});

describe('the server checks the agreed time', () => {
  const cases: [string, string][] = [
    ['in the past', '2026-12-02T08:00:00.000Z'],
    ['on a Sunday', '2026-12-06T10:00:00.000Z'],
    ['at night', '2026-12-03T02:00:00.000Z'],
    ['on a national holiday (8 December)', '2026-12-08T10:00:00.000Z'],
    ['more than 30 days ahead', '2027-01-12T10:00:00.000Z'],
  ];
  it.each(cases)('refuses a callback %s with a field message, writing nothing', async (_, at) => {
    const ctx = await start();
    const [c] = await consentingCustomers(ctx.db, 1);
    if (!c) throw new Error('demo data too small');
    const before = await ctx.db
      .selectFrom('interactions')
      .select(ctx.db.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const error = await trpcError(
      ctx.op1.trpc.interactions.complete.mutate(
        contact(ctx.clock, 'inbound_sales', c.id, 'callback_scheduled', [
          identified(c.id),
          { type: 'callback.requested', callbackAt: at },
        ]),
      ),
    );
    expect(error.data).toMatchObject({
      httpStatus: 400,
      zodError: { fieldErrors: { callbackAt: [anyString()] } },
    });
    const after = await ctx.db
      .selectFrom('interactions')
      .select(ctx.db.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    expect(await agreedItems(ctx.db)).toHaveLength(0);
  });

  it('a retried completion creates no second promise', async () => {
    const ctx = await start();
    const [c] = await consentingCustomers(ctx.db, 1);
    if (!c) throw new Error('demo data too small');
    const input = contact(ctx.clock, 'inbound_sales', c.id, 'callback_scheduled', [
      identified(c.id),
      { type: 'callback.requested', callbackAt: AGREED },
    ]);
    const first = await ctx.op1.trpc.interactions.complete.mutate(input);
    const again = await Promise.all([1, 2, 3].map(() => ctx.op1.trpc.interactions.complete.mutate(input)));
    for (const r of again) expect(r).toEqual(first);
    expect(await agreedItems(ctx.db)).toHaveLength(1);
  });
});

describe("the agreed time follows the site's own service calendar", () => {
  // Thursday 3 December at 10:00 and Saturday 5 December at 10:00, Rome
  const THURSDAY_10 = '2026-12-03T09:00:00.000Z';
  const SATURDAY_10 = '2026-12-05T09:00:00.000Z';
  const agree = (op: ApiClient, customerId: number, at: string, clock: MovableClock) =>
    op.trpc.interactions.complete.mutate(
      contact(clock, 'inbound_sales', customerId, 'callback_scheduled', [
        identified(customerId),
        { type: 'callback.requested', callbackAt: at },
      ]),
    );

  it('a local holiday and a Saturday closed at site 1 refuse its operators those times; site 2 keeps the default', async () => {
    const ctx = await start();
    const admin = await ctx.sign('admin');
    const [a, b, c, d] = await consentingCustomers(ctx.db, 4);
    if (!a || !b || !c || !d) throw new Error('demo data too small');
    const site = await admin.trpc.admin.sites.setCalendar.mutate({
      id: 1,
      calendar: {
        weekdays: { opens: '08:00', closes: '19:00' },
        saturday: null,
        localHolidays: [{ date: '12-03', name: 'Festa del patrono' }],
      },
    });
    expect(site.calendar?.localHolidays).toEqual([{ date: '12-03', name: 'Festa del patrono' }]);
    // the console offers site 1's operators only its times
    expect(await ctx.op1.trpc.work.serviceCalendar.query()).toMatchObject({
      siteId: 1,
      custom: true,
      calendar: { saturday: null, weekdays: { opens: '08:00' } },
    });
    expect(await ctx.op5.trpc.work.serviceCalendar.query()).toMatchObject({
      siteId: 2,
      custom: false,
      calendar: { saturday: { opens: '07:30', closes: '15:12' } },
    });

    for (const at of [THURSDAY_10, SATURDAY_10]) {
      const refused = await trpcError(agree(ctx.op1, a.id, at, ctx.clock));
      expect(refused.data?.httpStatus).toBe(400);
      const message = (refused.data?.zodError?.fieldErrors as Record<string, string[]> | undefined)?.callbackAt?.[0];
      expect(message).toContain('closed on Saturday');
      expect(message).toContain('12-03 (Festa del patrono)');
    }
    expect(await agreedItems(ctx.db)).toHaveLength(0);
    // site 2's operator agrees the same Thursday and Saturday
    expect((await agree(ctx.op5, b.id, THURSDAY_10, ctx.clock)).effects.callbackAt).toBe(THURSDAY_10);
    expect((await agree(ctx.op5, c.id, SATURDAY_10, ctx.clock)).effects.callbackAt).toBe(SATURDAY_10);

    // back to the centre's default: site 1 agrees Thursday again; the change is audited both times
    await admin.trpc.admin.sites.setCalendar.mutate({ id: 1, calendar: null });
    expect((await agree(ctx.op1, d.id, THURSDAY_10, ctx.clock)).effects.callbackAt).toBe(THURSDAY_10);
    const audits = await ctx.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'admin.site_calendar_changed')
      .where('entity_id', '=', '1')
      .execute();
    expect(audits.map((r) => (JSON.parse(r.details ?? 'null') as { to: unknown }).to)).toEqual([
      expect.objectContaining({ saturday: null }),
      null,
    ]);
  });

  it('applies a later version of the hours from its effective date and closes on a one-off closure', async () => {
    const ctx = await start();
    const admin = await ctx.sign('admin');
    const [a, b, c] = await consentingCustomers(ctx.db, 3);
    if (!a || !b || !c) throw new Error('demo data too small');
    // as-is until Thursday (no Saturday, from 08:00), to-be from Friday 4 December (from 07:30, Saturday open);
    // Thursday 3 December closed once
    const calendar = {
      name: 'As-is',
      weekdays: { opens: '08:00', closes: '19:00' },
      saturday: null,
      localHolidays: [],
      versions: [
        {
          name: 'To-be',
          effectiveFrom: '2026-12-04',
          weekdays: { opens: '07:30', closes: '19:30' },
          saturday: { opens: '07:30', closes: '15:12' },
        },
      ],
      closures: [{ from: '2026-12-03', to: '2026-12-03', reason: 'Assemblea del personale' }],
    };
    await admin.trpc.admin.sites.setCalendar.mutate({ id: 1, calendar });
    // the console gets the whole calendar, so its picker offers the same times
    expect((await ctx.op1.trpc.work.serviceCalendar.query()).calendar).toEqual(calendar);

    const refused = await trpcError(agree(ctx.op1, a.id, '2026-12-03T09:00:00.000Z', ctx.clock));
    expect(refused.data?.httpStatus).toBe(400);
    const message = (refused.data?.zodError?.fieldErrors as Record<string, string[]> | undefined)?.callbackAt?.[0];
    expect(message).toContain('closed 2026-12-03 (Assemblea del personale)');
    expect(message).toContain('from 2026-12-04 (To-be): Monday–Friday 07:30–19:30, Saturday 07:30–15:12');
    // 07:45 on Friday: before the as-is opening, inside the to-be hours; Saturday 10:00 is open under to-be only
    const FRIDAY_0745 = '2026-12-04T06:45:00.000Z';
    const SATURDAY_10 = '2026-12-05T09:00:00.000Z';
    expect((await agree(ctx.op1, b.id, FRIDAY_0745, ctx.clock)).effects.callbackAt).toBe(FRIDAY_0745);
    expect((await agree(ctx.op1, c.id, SATURDAY_10, ctx.clock)).effects.callbackAt).toBe(SATURDAY_10);
    expect(await agreedItems(ctx.db)).toHaveLength(2);
  });

  it('refuses a calendar that cannot be one, with the field named', async () => {
    const ctx = await start();
    const admin = await ctx.sign('admin');
    const weekdays = { opens: '08:00', closes: '19:00' };
    const cases: [unknown, RegExp][] = [
      [
        { weekdays: { opens: '19:00', closes: '08:00' }, saturday: null, localHolidays: [] },
        /Closing comes after opening/,
      ],
      [{ weekdays: { opens: '8:00', closes: '19:00' }, saturday: null, localHolidays: [] }, /such as 07:30/],
      [{ weekdays, saturday: { opens: '09:00', closes: '09:00' }, localHolidays: [] }, /Closing comes after opening/],
      [{ weekdays, saturday: null, localHolidays: [{ date: '02-30', name: 'X' }] }, /No such day/],
      [{ weekdays, saturday: null, localHolidays: [{ date: '06-29', name: ' ' }] }, /Give the holiday a name/],
      [
        {
          weekdays,
          saturday: null,
          localHolidays: [
            { date: '06-29', name: 'A' },
            { date: '06-29', name: 'B' },
          ],
        },
        /listed twice/,
      ],
      [
        {
          weekdays,
          saturday: null,
          localHolidays: [],
          versions: [
            { name: 'A', effectiveFrom: '2027-01-04', weekdays, saturday: null },
            { name: 'B', effectiveFrom: '2027-01-04', weekdays, saturday: null },
          ],
        },
        /Two versions start on the same day/,
      ],
      [
        {
          weekdays,
          saturday: null,
          localHolidays: [],
          closures: [
            { from: '2027-01-04', to: '2027-01-08', reason: 'Lavori' },
            { from: '2027-01-08', to: '2027-01-09', reason: 'Trasloco' },
          ],
        },
        /Two closures overlap/,
      ],
      [
        {
          weekdays,
          saturday: null,
          localHolidays: [],
          closures: [{ from: '2027-01-08', to: '2027-01-04', reason: 'X' }],
        },
        /The last day comes on or after the first/,
      ],
    ];
    for (const [calendar, message] of cases) {
      const error = await trpcError(admin.trpc.admin.sites.setCalendar.mutate({ id: 1, calendar } as never));
      expect(error.data?.httpStatus, JSON.stringify(calendar)).toBe(400);
      const fields = (error.data as { zodError?: { fieldErrors?: Record<string, string[]> } }).zodError?.fieldErrors;
      expect(fields?.calendar?.join(' '), JSON.stringify(calendar)).toMatch(message);
    }
    const missing = await trpcError(admin.trpc.admin.sites.setCalendar.mutate({ id: 999, calendar: null }));
    expect(missing.data?.httpStatus).toBe(404);
  });
});

describe('a lead won on its follow-up is counted', () => {
  async function followUp(ctx: Awaited<ReturnType<typeof start>>, op: ApiClient, customerId: number, product: string) {
    const sale = await op.trpc.interactions.complete.mutate(
      contact(ctx.clock, 'inbound_sales', customerId, 'lead', [
        identified(customerId),
        { type: 'needs.identified', productCode: product },
        { type: 'proposal.accepted' },
        { type: 'outcome.lead', followUpAt: '2026-12-02T10:00:00.000Z' },
      ]),
    );
    ctx.clock.set(new Date('2026-12-02T10:01:00.000Z'));
    const held = await op.trpc.work.next.mutate({});
    expect(held).toMatchObject({ kind: 'lead_followup', sourceId: String(sale.effects.lead?.id) });
    return held as WorkItem;
  }

  it('by a sale on the phone (assisted_sale, with its reference) and by a funnel link: stats = drill-down = rows', async () => {
    const ctx = await start();
    const [a, b] = await consentingCustomers(ctx.db, 2);
    if (!a || !b) throw new Error('demo data too small');
    const closeOn = (held: WorkItem, customerId: number, outcome: 'assisted_sale' | 'digital_funnel') =>
      ctx.op1.trpc.interactions.complete.mutate(
        contact(
          ctx.clock,
          'callback',
          customerId,
          outcome,
          [
            { type: 'contact.reached' },
            identified(customerId),
            { type: 'needs.identified', productCode: held.presetProductCode ?? 'FIBRA' },
            { type: 'proposal.accepted' },
            outcome === 'assisted_sale'
              ? { type: 'outcome.assisted_sale', reference: 'ORD-2026-0042' }
              : { type: 'outcome.funnel', channel: 'sms' },
          ],
          { kind: 'lead_followup', sourceId: held.sourceId },
        ),
      );
    await closeOn(await followUp(ctx, ctx.op1, a.id, 'FIBRA'), a.id, 'assisted_sale');
    ctx.clock.set(new Date(WEDNESDAY_10));
    await closeOn(await followUp(ctx, ctx.op1, b.id, 'SIM'), b.id, 'digital_funnel');

    const won = await ctx.db.selectFrom('leads').selectAll().where('status', '=', 'won').orderBy('id').execute();
    expect(won.map((l) => [l.won_by, l.sale_reference])).toEqual([
      ['assisted_sale', 'ORD-2026-0042'],
      ['digital_funnel', null],
    ]);
    const teamLead = await ctx.sign('teamlead1');
    const period = { from: '2026-12-02T00:00:00.000Z', to: '2026-12-02T22:00:00.000Z' };
    const stats = await teamLead.trpc.stats.conversion.query({ ...period, groupBy: ['flow'] });
    const inbound = stats.rows.find((r) => r.key.flow === 'inbound_sales');
    expect(inbound?.counts).toMatchObject({ leads: 2, leadsWon: 2 });
    expect(stats.total.counts).toMatchObject({ leadsWon: 2 });
  });

  it('a sale on the phone is refused outside a lead follow-up', async () => {
    const ctx = await start();
    const [c] = await consentingCustomers(ctx.db, 1);
    if (!c) throw new Error('demo data too small');
    const error = await trpcError(
      ctx.op1.trpc.interactions.complete.mutate(
        contact(ctx.clock, 'callback', c.id, 'assisted_sale', [
          { type: 'contact.reached' },
          identified(c.id),
          { type: 'needs.identified', productCode: 'FIBRA' },
          { type: 'proposal.accepted' },
          { type: 'outcome.assisted_sale', reference: 'ORD-1' },
        ]),
      ),
    );
    expect(error.data).toMatchObject({ httpStatus: 400, domainCode: 'REPLAY_REJECTED' });
  });
});

describe("a campaign's callback is called only inside the campaign's calling window", () => {
  it('one still unanswered when the window closes moves to its next opening, and a retry never lands after hours', async () => {
    const ctx = await start();
    const [customer] = await consentingCustomers(ctx.db, 1);
    if (!customer) throw new Error('no consenting customer');
    const lead = await ctx.sign('teamlead1');
    const weekdays = Object.fromEntries(['1', '2', '3', '4', '5'].map((d) => [d, [['09:00', '18:00']]]));
    const campaign = await lead.trpc.campaigns.create.mutate({
      requestId: randomUUID(),
      name: 'Libretto pomeriggio',
      businessUnit: 'Risparmio',
      productCode: 'LIBRETTO',
      startsOn: '2026-11-01',
      endsOn: '2027-01-31',
      maxAttempts: 3,
      retryDelayMinutes: 60,
      scriptVersion: FLOW_VERSIONS.campaign,
      siteIds: [1],
      callingWindow: { timeZone: 'Europe/Rome', days: weekdays, excludeNationalHolidays: true },
    });
    const imported = await lead.fetch(`${ctx.s.url}/api/v1/campaigns/${campaign.id}/import?customerIdColumn=id`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: `id,name\n${customer.id},x\n`,
    });
    expect(imported.status).toBe(200);
    await imported.text();
    await lead.trpc.campaigns.setStatus.mutate({ requestId: randomUUID(), id: campaign.id, status: 'active' });
    const held = await ctx.op1.trpc.work.next.mutate({});
    if (!held) throw new Error('no campaign contact');
    // agreed for 17:30 in Rome, half an hour before the campaign's window closes
    const agreedAt = '2026-12-02T16:30:00.000Z';
    await ctx.op1.trpc.interactions.complete.mutate(
      contact(
        ctx.clock,
        'campaign',
        customer.id,
        'callback_scheduled',
        [{ type: 'contact.reached' }, identified(customer.id), { type: 'callback.requested', callbackAt: agreedAt }],
        { kind: 'campaign', sourceId: held.sourceId },
      ),
    );
    const [promise] = await agreedItems(ctx.db);
    if (!promise) throw new Error('no promise');

    // 18:05 in Rome: nobody called it in time — it is not handed out, it moves to Thursday 09:00 for the same grace
    ctx.clock.set('2026-12-02T17:05:00.000Z');
    expect(await ctx.op1.trpc.work.next.mutate({})).toBeNull();
    expect(await ctx.op2.trpc.work.next.mutate({})).toBeNull();
    const moved = await ctx.db
      .selectFrom('callback_requests')
      .selectAll()
      .where('id', '=', promise.id)
      .executeTakeFirstOrThrow();
    expect(moved).toMatchObject({
      status: 'pending',
      due_at: '2026-12-03T08:00:00.000Z',
      personal_until: '2026-12-03T08:15:00.000Z',
    });
    const audit = await ctx.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('entity_id', '=', promise.id)
      .where('action', '=', 'promise.callback_deferred')
      .execute();
    expect(audit).toHaveLength(1);

    // Thursday 09:01: its owner gets it first; not reached at 17:50, the retry (15 minutes on) would be after hours →
    // Friday 09:00
    ctx.clock.set('2026-12-03T08:01:00.000Z');
    // a new working day, a new sign-in
    const [op1, op2] = [await ctx.sign('operatore1'), await ctx.sign('operatore2')];
    expect(await op2.trpc.work.next.mutate({})).toBeNull();
    expect((await op1.trpc.work.next.mutate({}))?.id).toBe(`callback:${promise.id}`);
    await op1.trpc.work.release.mutate({ id: `callback:${promise.id}`, reason: 'pausa' });
    ctx.clock.set('2026-12-03T16:50:00.000Z');
    expect((await op1.trpc.work.next.mutate({}))?.id).toBe(`callback:${promise.id}`);
    await op1.trpc.interactions.complete.mutate(
      contact(
        ctx.clock,
        'campaign',
        customer.id,
        'not_reached',
        [{ type: 'contact.not_reached', reason: 'no_answer' }],
        {
          kind: 'callback',
          sourceId: promise.id,
        },
      ),
    );
    expect(
      await ctx.db
        .selectFrom('callback_requests')
        .select(['status', 'attempts', 'due_at'])
        .where('id', '=', promise.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({
      status: 'pending',
      attempts: 1,
      due_at: '2026-12-04T08:00:00.000Z',
    });
  });
});
