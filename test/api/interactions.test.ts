import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completion, type EventWithoutTime } from '@valore/server/testing/completions';
import type { CompleteInteractionInput } from '@valore/shared/schemas/interactions';
import { createApiClient, trpcError, type ApiClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';
import { agreedTime } from '@valore/server/testing/agreed-time';

let server: TestServer;
let operator: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  operator = createApiClient(server.url);
  await operator.login('operatore1');
});
afterAll(async () => {
  await server.close();
});

const db = () => server.database.db;
function contact(
  flow: CompleteInteractionInput['flow'],
  customerId: number | null,
  outcome: CompleteInteractionInput['outcome'],
  events: EventWithoutTime[],
): CompleteInteractionInput {
  return completion(flow, customerId, outcome, events, { notes: 'Cliente cordiale' });
}

/** A customer with (or without) marketing consent, in a province that has post offices. */
async function customer(opts: { consent: boolean; email?: boolean }): Promise<{ id: number; phone: string }> {
  const rows = await db()
    .selectFrom('customers')
    .select(['id', 'phone', 'email'])
    .where(
      'id',
      'not in',
      db()
        .selectFrom('interactions')
        .select('customer_id')
        .where('customer_id', 'is not', null)
        .$narrowType<{ customer_id: number }>(),
    )
    // who holds no product: a product a customer holds is never proposed to them
    .where('id', 'not in', db().selectFrom('customer_products').select('customer_id'))
    .orderBy('id')
    .limit(400)
    .execute();
  for (const row of rows) {
    if (opts.email && !row.email) continue;
    const consent = await db()
      .selectFrom('consents')
      .select('granted')
      .where('customer_id', '=', row.id)
      .where('purpose', '=', 'marketing')
      .orderBy('recorded_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    if ((consent?.granted === 1) === opts.consent) {
      await db().insertInto('interactions').values(placeholder(row.id)).execute(); // reserve it for this test
      return { id: row.id, phone: row.phone };
    }
  }
  throw new Error('no such customer in the demo data');
}

let reserved = 0;
function placeholder(customerId: number) {
  reserved++;
  const at = new Date(Date.now() - 86_400_000 * 400).toISOString();
  return {
    client_id: `reserved-${reserved}-${customerId}`,
    request_hash: 'x',
    operator_id: 1,
    site_id: 1,
    team_id: null,
    customer_id: customerId,
    flow: 'inbound_sales' as const,
    script_id: 'inbound_sales',
    script_version: '1.0.0',
    work_kind: 'manual' as const,
    source_id: null,
    campaign_id: null,
    product_code: null,
    path: '[]',
    events: '[]',
    outcome: 'not_interested' as const,
    outcome_details: '{}',
    reached: 1 as const,
    proposal_made: 0 as const,
    ocs_solved: null,
    propensity: null,
    notes: null,
    started_at: at,
    ended_at: at,
    handle_ms: 0,
    created_at: at,
  };
}

async function freeSlot(capacity?: number) {
  let q = db()
    .selectFrom('appointment_slots')
    .innerJoin('post_offices', 'post_offices.id', 'appointment_slots.post_office_id')
    .select([
      'appointment_slots.id',
      'appointment_slots.post_office_id',
      'appointment_slots.capacity',
      'post_offices.name',
    ])
    .where('appointment_slots.booked', '=', 0)
    .where('appointment_slots.starts_at', '>', agreedTime(1));
  if (capacity) q = q.where('appointment_slots.capacity', '=', capacity);
  const rows = await q.orderBy('appointment_slots.id').limit(50).execute();
  const slot = rows[Math.floor(Math.random() * rows.length)];
  if (!slot) throw new Error('no free slot');
  return slot;
}

const counts = async () => ({
  interactions: Number(
    (
      await db()
        .selectFrom('interactions')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  ),
  appointments: Number(
    (
      await db()
        .selectFrom('appointments')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  ),
  outbox: Number(
    (
      await db()
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  ),
  audit: Number(
    (
      await db()
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  ),
});

describe('interactions.complete', () => {
  it('books a post-office appointment in the same transaction as the outcome, and confirms it to the customer', async () => {
    const c = await customer({ consent: true });
    const slot = await freeSlot();
    const input = contact('inbound_sales', c.id, 'up_appointment', [
      { type: 'customer.identified', customerId: c.id },
      { type: 'needs.identified', productCode: 'CONTO' },
      { type: 'proposal.accepted' },
      { type: 'outcome.appointment', postOfficeId: slot.post_office_id, slotId: slot.id },
    ]);
    const result = await operator.trpc.interactions.complete.mutate(input);
    expect(result.outcome).toBe('up_appointment');
    expect(result.effects.appointment).toMatchObject({ postOfficeName: slot.name });

    const booked = await db()
      .selectFrom('appointment_slots')
      .select('booked')
      .where('id', '=', slot.id)
      .executeTakeFirstOrThrow();
    expect(booked.booked).toBe(1);
    const row = await db()
      .selectFrom('interactions')
      .selectAll()
      .where('client_id', '=', input.clientId)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.path)).toEqual(['identify', 'needs', 'proposal', 'close']);
    expect(row).toMatchObject({
      flow: 'inbound_sales',
      product_code: 'CONTO',
      reached: 1,
      proposal_made: 1,
      acw_ms: 15_000,
      handle_ms: 240_000,
    });
    const sms = await db().selectFrom('outbox').selectAll().where('recipient', '=', c.phone).execute();
    expect(sms.length).toBeGreaterThanOrEqual(1);

    const office = await operator.trpc.appointments.officeAppointments.query({ postOfficeId: slot.post_office_id });
    expect(office.some((a) => a.id === result.effects.appointment?.id)).toBe(true);
  });

  it('returns the first result for a retry with the same id and creates nothing new', async () => {
    const c = await customer({ consent: true });
    const input = contact('inbound_sales', c.id, 'lead', [
      { type: 'customer.identified', customerId: c.id },
      { type: 'needs.identified', productCode: 'FIBRA' },
      { type: 'proposal.accepted' },
      { type: 'outcome.lead', followUpAt: agreedTime(3), notes: 'Sera' },
    ]);
    const first = await operator.trpc.interactions.complete.mutate(input);
    const before = await counts();
    const replays = await Promise.all(
      Array.from({ length: 5 }, () => operator.trpc.interactions.complete.mutate(input)),
    );
    for (const r of replays) expect(r).toEqual(first);
    expect(await counts()).toEqual(before);
    const leads = await db().selectFrom('leads').selectAll().where('customer_id', '=', c.id).execute();
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({ status: 'open', product_code: 'FIBRA' });
  });

  it('refuses the same id with a different body', async () => {
    const c = await customer({ consent: true });
    const input = contact('inbound_sales', c.id, 'not_interested', [
      { type: 'customer.identified', customerId: c.id },
      { type: 'needs.identified', productCode: 'SIM' },
      { type: 'proposal.declined' },
    ]);
    await operator.trpc.interactions.complete.mutate(input);
    const error = await trpcError(operator.trpc.interactions.complete.mutate({ ...input, notes: 'altro' }));
    expect(error.data).toMatchObject({ httpStatus: 409, domainCode: 'IDEMPOTENCY_MISMATCH' });
  });

  it('refuses an OCS proposal when the problem was not solved, and writes nothing', async () => {
    const c = await customer({ consent: true });
    const before = await counts();
    const error = await trpcError(
      operator.trpc.interactions.complete.mutate(
        contact('ocs_cross_sell', c.id, 'lead', [
          { type: 'customer.identified', customerId: c.id },
          { type: 'propensity.accepted' },
          { type: 'needs.identified', productCode: 'FIBRA' },
          { type: 'proposal.accepted' },
          { type: 'outcome.lead', followUpAt: agreedTime(1) },
        ]),
      ),
    );
    expect(error.data).toMatchObject({ httpStatus: 400, domainCode: 'REPLAY_REJECTED' });
    expect(error.message).toMatch(/propensity.accepted not allowed at step problem/);
    expect(await counts()).toEqual(before);
  });

  it('refuses an outcome the recorded steps do not reach', async () => {
    const c = await customer({ consent: true });
    const error = await trpcError(
      operator.trpc.interactions.complete.mutate(
        contact('inbound_sales', c.id, 'digital_funnel', [
          { type: 'customer.identified', customerId: c.id },
          { type: 'needs.identified', productCode: 'SIM' },
          { type: 'proposal.declined' },
        ]),
      ),
    );
    expect(error.data).toMatchObject({ httpStatus: 400, domainCode: 'REPLAY_REJECTED' });
  });

  it('refuses a campaign-style proposal without marketing consent (the server reads consent itself)', async () => {
    const c = await customer({ consent: false });
    const error = await trpcError(
      operator.trpc.interactions.complete.mutate(
        contact('ocs_cross_sell', c.id, 'digital_funnel', [
          { type: 'customer.identified', customerId: c.id },
          { type: 'ocs.solved' },
          { type: 'propensity.accepted' },
          { type: 'needs.identified', productCode: 'CONTO' },
          { type: 'proposal.accepted' },
          { type: 'outcome.funnel', channel: 'sms' },
        ]),
      ),
    );
    expect(error.data?.domainCode).toBe('REPLAY_REJECTED');
  });

  it('records consent given during the call, then sends a tracked funnel link that redirects and counts the click', async () => {
    const c = await customer({ consent: false });
    const input = contact('ocs_cross_sell', c.id, 'digital_funnel', [
      { type: 'customer.identified', customerId: c.id },
      { type: 'ocs.solved' },
      { type: 'propensity.accepted' },
      { type: 'consent.granted', channel: 'phone' },
      { type: 'needs.identified', productCode: 'CARTA_IBAN' },
      { type: 'proposal.accepted' },
      { type: 'outcome.funnel', channel: 'sms' },
    ]);
    const result = await operator.trpc.interactions.complete.mutate(input);
    expect(result.effects.consentRecorded).toBe(true);
    const consent = await db()
      .selectFrom('consents')
      .selectAll()
      .where('customer_id', '=', c.id)
      .where('source', '=', 'interaction')
      .executeTakeFirstOrThrow();
    expect(consent).toMatchObject({
      purpose: 'marketing',
      channel: 'phone',
      granted: 1,
      source_ref: input.clientId,
      reported_at: input.events[3]?.at,
    });
    // the record is the server's time at receipt, not the console's
    expect(Date.parse(consent?.recorded_at ?? '')).toBeGreaterThan(Date.parse(input.events[3]?.at ?? ''));

    const url = result.effects.funnelLink?.url ?? '';
    expect(url).toMatch(new RegExp(`^${server.url}/f/`));
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toMatch(/^https:\/\/shop\.valore\.example\/carte\/prepagata-iban\?/);
    const link = await db()
      .selectFrom('funnel_links')
      .selectAll()
      .where('id', '=', result.effects.funnelLink?.id ?? 0)
      .executeTakeFirstOrThrow();
    expect(link.click_count).toBe(1);
    expect(link.interaction_id).toBe(result.interactionId);
  });

  it('an opt-out records the withdrawal and removes the customer from every campaign at once', async () => {
    const c = await customer({ consent: true });
    const now = new Date().toISOString();
    const campaignIds: number[] = [];
    for (const name of ['Libretto autunno', 'Fibra casa']) {
      const row = await db()
        .insertInto('campaigns')
        .values({
          name,
          business_unit: 'Risparmio',
          product_code: 'LIBRETTO',
          starts_on: '2026-01-01',
          ends_on: '2027-12-31',
          calling_window: '{}',
          max_attempts: 3,
          retry_delay_minutes: 60,
          script_version: '1.0.0',
          status: 'active',
          registry_checked_at: now,
          created_by: null,
          created_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      campaignIds.push(row.id);
      await db()
        .insertInto('campaign_contacts')
        .values({
          campaign_id: row.id,
          customer_id: c.id,
          phone: c.phone,
          due_at: now,
          lease_owner: null,
          lease_expires_at: null,
          last_outcome: null,
          updated_at: now,
        })
        .execute();
    }
    const result = await operator.trpc.interactions.complete.mutate(
      contact('inbound_sales', c.id, 'opt_out', [
        { type: 'customer.identified', customerId: c.id },
        { type: 'customer.opted_out' },
      ]),
    );
    expect(result.effects.optedOut).toBe(true);
    const contacts = await db()
      .selectFrom('campaign_contacts')
      .select('status')
      .where('customer_id', '=', c.id)
      .execute();
    expect(contacts.map((x) => x.status)).toEqual(['removed', 'removed']);
    const card = await operator.trpc.customers.card.query({ customerId: c.id });
    expect(card.marketingConsent).toBe(false);
  });

  it('never overbooks: 20 operators booking one slot of capacity 2 at once → exactly 2 succeed', async () => {
    const slot = await freeSlot(2);
    const operators = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const api = createApiClient(server.url);
        await api.login(`operatore${(i % 40) + 2}`);
        return api;
      }),
    );
    const customers: { id: number }[] = [];
    for (let i = 0; i < 20; i++) customers.push(await customer({ consent: true }));
    const results = await Promise.allSettled(
      operators.map((api, i) => {
        const c = customers[i] as { id: number };
        return api.trpc.interactions.complete.mutate(
          contact('inbound_sales', c.id, 'up_appointment', [
            { type: 'customer.identified', customerId: c.id },
            { type: 'needs.identified', productCode: 'BUONI' },
            { type: 'proposal.accepted' },
            { type: 'outcome.appointment', postOfficeId: slot.post_office_id, slotId: slot.id },
          ]),
        );
      }),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(2);
    expect(refused).toHaveLength(18);
    for (const r of refused)
      expect((r.reason as { data?: { domainCode?: string } }).data?.domainCode).toBe('SLOT_FULL');
    const booked = await db()
      .selectFrom('appointment_slots')
      .select('booked')
      .where('id', '=', slot.id)
      .executeTakeFirstOrThrow();
    expect(booked.booked).toBe(2);
    const appointments = await db().selectFrom('appointments').select('id').where('slot_id', '=', slot.id).execute();
    expect(appointments).toHaveLength(2);
  });

  it('is reserved to operators, and validates input with field messages', async () => {
    const tutor = createApiClient(server.url);
    await tutor.login('tutor1');
    const c = await customer({ consent: true });
    const input = contact('inbound_sales', c.id, 'not_interested', [
      { type: 'customer.identified', customerId: c.id },
      { type: 'needs.identified', productCode: 'SIM' },
      { type: 'proposal.declined' },
    ]);
    expect((await trpcError(tutor.trpc.interactions.complete.mutate(input))).data?.httpStatus).toBe(403);
    const bad = await trpcError(
      operator.trpc.interactions.complete.mutate({ ...input, clientId: 'not-a-uuid', events: [] }),
    );
    expect(bad.data?.httpStatus).toBe(400);
    expect(Object.keys(bad.data?.zodError?.fieldErrors ?? {})).toEqual(expect.arrayContaining(['clientId', 'events']));
  });
});

describe('customers', () => {
  it('finds a customer by phone, tax code and name, masked, and audits a reveal', async () => {
    const row = await db().selectFrom('customers').selectAll().where('id', '=', 123).executeTakeFirstOrThrow();
    const byPhone = await operator.trpc.customers.search.query({ query: row.phone.replace('+39', '') });
    expect(byPhone.map((r) => r.id)).toContain(123);
    expect(byPhone[0]?.phoneMasked).not.toContain(row.phone.slice(3, 8));
    const byTax = await operator.trpc.customers.search.query({ query: row.tax_code.toLowerCase() });
    expect(byTax.map((r) => r.id)).toEqual([123]);
    const byName = await operator.trpc.customers.search.query({ query: `${row.last_name} ${row.first_name}` });
    expect(byName.map((r) => r.id)).toContain(123);

    // found by search: the operator starts the contact (and says why) before the card opens (customers/access-policy.ts)
    await operator.trpc.customers.startContact.mutate({
      customerId: 123,
      reason: 'inbound_call',
      clientId: randomUUID(),
    });
    const card = await operator.trpc.customers.card.query({ customerId: 123 });
    expect(card.taxCodeMasked).not.toBe(row.tax_code);
    const revealed = await operator.trpc.customers.reveal.mutate({ customerId: 123, field: 'taxCode' });
    expect(revealed.value).toBe(row.tax_code);
    const audit = await db()
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'customer.reveal')
      .where('entity_id', '=', '123')
      .execute();
    expect(audit).toHaveLength(1);
  });
});
