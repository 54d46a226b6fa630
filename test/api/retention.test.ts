import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSubjectExport } from '@valore/shared/schemas/admin';
import { agreedTime, bookableTime } from '@valore/server/testing/agreed-time';
import { completion, inboundSale } from '@valore/server/testing/completions';
import { MovableClock } from '@valore/server/testing/movable-clock';
import { createApiClient, trpcError, type ApiClient } from '../helpers/api-client';
import { postCallbackRequest } from '../helpers/intake';
import { startTestServer, TEST_INTAKE_KEY, type TestServer } from '../helpers/server';
import { anyString } from '@valore/server/testing/matchers';

/**
 * A data subject's rights over a real server (GDPR art. 15 and 17): an admin exports everything held on a customer —
 * rows from every table that holds them, nothing of another customer — and erases it: personal data gone, the
 * conversion statistics equal before and after, open promises closed, an opt-out on file, both audited; nobody but
 * an admin may do either.
 */

const DAY = 86_400_000;
let server: TestServer;
let operator: ApiClient;
let tutor: ApiClient;
let teamLead: ApiClient;
let admin: ApiClient;
const db = () => server.database.db;

interface Customer {
  id: number;
  first_name: string;
  last_name: string;
  tax_code: string;
  phone: string;
  email: string | null;
  birth_date: string;
}

/** Two customers with a number of their own (not shared, not on the opt-out registry) and an e-mail address. */
async function pickCustomers(): Promise<[Customer, Customer]> {
  const rows = await db()
    .selectFrom('customers')
    .select(['id', 'first_name', 'last_name', 'tax_code', 'phone', 'email', 'birth_date'])
    .where('email', 'is not', null)
    .where('phone', 'not in', db().selectFrom('optout_registry').select('phone'))
    // who holds no product: a product a customer holds is never proposed to them
    .where('id', 'not in', db().selectFrom('customer_products').select('customer_id'))
    .where((eb) =>
      eb(
        eb
          .selectFrom('customers as o')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('o.phone', '=', 'customers.phone'),
        '=',
        1,
      ),
    )
    .orderBy('id', 'desc')
    .limit(2)
    .execute();
  const [a, b] = rows;
  if (!a || !b) throw new Error('no two customers with their own number');
  return [a, b];
}

async function futureSlot(daysAhead: number) {
  return db()
    .selectFrom('appointment_slots')
    .select(['id as slotId', 'post_office_id as postOfficeId'])
    .where('starts_at', '>', new Date(Date.now() + daysAhead * DAY).toISOString())
    .whereRef('booked', '<', 'capacity')
    .orderBy('starts_at')
    .limit(1)
    .executeTakeFirstOrThrow();
}

async function ctiCall(ani: string, type: 'offered' | 'answered' | 'ended', callId: string) {
  const response = await fetch(`${server.url}/api/v1/cti/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_INTAKE_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type, callId, ani, dnis: '800100100', operator: 'operatore1' }),
  });
  expect(response.status, await response.text()).toBeLessThan(300);
}

async function callbackRequest(customer: Customer, note: string): Promise<string> {
  const response = await postCallbackRequest(server, {
    phone: customer.phone,
    customerId: String(customer.id),
    product: 'CONTO',
    mode: 'scheduled',
    preferredAt: bookableTime(2),
    channel: 'web',
    note,
  });
  const body = (await response.json()) as { id: string };
  expect(response.status, JSON.stringify(body)).toBe(201);
  return body.id;
}

let campaignId: number;
async function campaignContact(customer: Customer): Promise<void> {
  await db()
    .insertInto('campaign_contacts')
    .values({
      campaign_id: campaignId,
      customer_id: customer.id,
      phone: customer.phone,
      due_at: new Date(Date.now() + DAY).toISOString(),
      lease_owner: null,
      lease_expires_at: null,
      last_outcome: null,
      updated_at: new Date().toISOString(),
    })
    .execute();
}

/** An inbound sale closed with a tracked link by SMS, which the customer then opens. */
async function funnelLinkWithClick(customer: Customer): Promise<number> {
  const sale = await operator.trpc.interactions.complete.mutate(
    completion(
      'inbound_sales',
      customer.id,
      'digital_funnel',
      [
        { type: 'customer.identified', customerId: customer.id },
        { type: 'needs.identified', productCode: 'SIM' },
        { type: 'proposal.accepted' },
        { type: 'outcome.funnel', channel: 'sms' },
      ],
      { startMs: Date.now() - 5 * 60_000, stepMs: 5_000, handleMs: 60_000 },
    ),
  );
  const link = await db()
    .selectFrom('funnel_links')
    .select('token')
    .where('interaction_id', '=', sale.interactionId)
    .executeTakeFirstOrThrow();
  const click = await fetch(`${server.url}/f/${link.token}`, {
    redirect: 'manual',
    headers: { 'user-agent': `Browser of ${customer.last_name}` },
  });
  expect(click.status).toBe(302);
  return sale.interactionId;
}

/** Everything a customer leaves behind: contacts (lead with notes, appointment), a callback, a call, a link, a contact. */
async function history(customer: Customer, templateId: number) {
  // the operator found the customer by search and starts the contact, saying why (a recorded access grant)
  await operator.trpc.customers.startContact.mutate({
    customerId: customer.id,
    reason: 'customer_request',
    clientId: randomUUID(),
  });
  const slot = await futureSlot(3);
  const withAppointment = await operator.trpc.interactions.complete.mutate(
    inboundSale(customer.id, slot, {
      startMs: Date.now() - 20 * 60_000,
      notes: `Parlato con ${customer.first_name} ${customer.last_name}`,
    }),
  );
  const withLead = await operator.trpc.interactions.complete.mutate(
    completion(
      'inbound_sales',
      customer.id,
      'lead',
      [
        { type: 'customer.identified', customerId: customer.id },
        { type: 'needs.identified', productCode: 'FIBRA' },
        { type: 'proposal.objection', objection: `${customer.last_name} ha già un contratto` },
        { type: 'objection.resolved' },
        { type: 'proposal.accepted' },
        {
          type: 'outcome.lead',
          followUpAt: agreedTime(1),
          notes: `Richiamare ${customer.first_name} al ${customer.phone}`,
        },
      ],
      { startMs: Date.now() - 10 * 60_000, stepMs: 5_000, handleMs: 60_000 },
    ),
  );
  const callbackId = await callbackRequest(customer, `Chiamare ${customer.first_name} dopo le 18`);
  const callId = randomUUID();
  await ctiCall(customer.phone, 'offered', callId);
  await ctiCall(customer.phone, 'answered', callId);
  await ctiCall(customer.phone, 'ended', callId);
  const withLink = await funnelLinkWithClick(customer);
  await campaignContact(customer);
  const scorecard = await tutor.trpc.quality.saveScorecard.mutate({
    requestId: randomUUID(),
    interactionId: withAppointment.interactionId,
    templateId,
    scores: { method: 4 },
    criticalError: false,
    comments: null,
    release: true,
  });
  await admin.trpc.customers.reveal.mutate({ customerId: customer.id, field: 'taxCode' });
  return {
    interactionIds: [withAppointment.interactionId, withLead.interactionId, withLink],
    appointmentId: withAppointment.effects.appointment?.id ?? 0,
    slotId: slot.slotId,
    leadId: withLead.effects.lead?.id ?? 0,
    callbackId,
    callId,
    scorecardId: scorecard.id,
  };
}

let a: Customer;
let b: Customer;
let aRows: Awaited<ReturnType<typeof history>>;
let bRows: Awaited<ReturnType<typeof history>>;

beforeAll(async () => {
  server = await startTestServer();
  operator = createApiClient(server.url);
  tutor = createApiClient(server.url);
  teamLead = createApiClient(server.url);
  admin = createApiClient(server.url);
  await Promise.all([
    operator.login('operatore1'),
    tutor.login('tutor1'),
    teamLead.login('teamlead1'),
    admin.login('admin'),
  ]);
  [a, b] = await pickCustomers();
  const campaign = await db()
    .insertInto('campaigns')
    .values({
      name: 'Retention test',
      business_unit: 'Banking',
      product_code: 'CONTO',
      starts_on: '2026-01-01',
      ends_on: '2030-12-31',
      calling_window: '{}',
      max_attempts: 3,
      retry_delay_minutes: 60,
      script_version: '1.0.0',
      registry_checked_at: null,
      created_by: null,
      created_at: new Date().toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  campaignId = campaign.id;
  const template = await admin.trpc.quality.templates.create.mutate({
    requestId: randomUUID(),
    name: 'Retention',
    dimensions: [{ key: 'method', label: { it: 'Metodo', en: 'Method' } }],
  });
  aRows = await history(a, template.id);
  bRows = await history(b, template.id);
}, 60_000);
afterAll(async () => {
  await server?.close();
});

const exportOf = (customerId: number) => admin.trpc.admin.dataSubject.export.mutate({ customerId });

/** Every string anywhere in a JSON value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(strings);
  return [];
}

/** What identifies a customer: none of it may appear in another customer's export, nor in theirs after erasure. */
function identifiers(c: Customer): string[] {
  return [c.phone, c.tax_code, c.email ?? '', `${c.first_name} ${c.last_name}`].filter((s) => s.length > 3);
}

function expectNoneOf(doc: unknown, c: Customer) {
  const all = strings(doc).join('\n');
  for (const id of identifiers(c)) expect(all, `"${id}" found`).not.toContain(id);
}

describe('data-subject export (art. 15)', () => {
  let doc: DataSubjectExport;
  beforeAll(async () => {
    doc = await exportOf(a.id);
  });

  it('holds the customer’s rows from every table that has them', () => {
    expect(doc).toMatchObject({ format: 'valore.data-subject-export/1', customerId: a.id });
    expect(doc.customer).toMatchObject({ id: a.id, phone: a.phone, tax_code: a.tax_code, email: a.email });
    expect(doc.consents.length).toBeGreaterThan(0);
    expect(doc.interactions.map((i) => i.id)).toEqual(aRows.interactionIds);
    // with the recorded events (JSON, parsed) and the notes
    const lead = doc.interactions.find((i) => i.id === aRows.interactionIds[1]);
    expect(JSON.stringify(lead?.events)).toContain(`${a.last_name} ha già un contratto`);
    expect(doc.interactions[0]?.notes).toBe(`Parlato con ${a.first_name} ${a.last_name}`);
    expect(doc.appointments).toEqual([
      expect.objectContaining({ id: aRows.appointmentId, customer_id: a.id, status: 'booked' }),
    ]);
    expect(doc.funnelLinks).toEqual([
      expect.objectContaining({
        customer_id: a.id,
        destination: a.phone,
        clicks: [expect.objectContaining({ user_agent: `Browser of ${a.last_name}` })],
      }),
    ]);
    expect(doc.leads).toEqual([expect.objectContaining({ id: aRows.leadId, customer_id: a.id })]);
    expect(doc.callbackRequests.map((c) => c.id)).toContain(aRows.callbackId);
    expect(doc.campaignContacts).toEqual([expect.objectContaining({ customer_id: a.id, phone: a.phone })]);
    expect(doc.ctiCalls).toEqual([expect.objectContaining({ call_id: aRows.callId, customer_id: a.id })]);
    expect(doc.scorecards).toEqual([
      expect.objectContaining({ id: aRows.scorecardId, interaction_id: aRows.interactionIds[0] }),
    ]);
    // the appointment's confirmation and reminder, the callback's confirmation
    const refs = doc.outboxMessages.map((m) => `${String(m.ref_type)}:${String(m.ref_id)}`);
    expect(refs).toEqual(
      expect.arrayContaining([
        `appointment:${aRows.appointmentId}`,
        `appointment_reminder:${aRows.appointmentId}`,
        `callback_request:${aRows.callbackId}`,
      ]),
    );
    for (const m of doc.outboxMessages) expect([a.phone, a.email]).toContain(m.recipient);
    expect(doc.accessGrants).toEqual([
      expect.objectContaining({ customer_id: a.id, kind: 'contact', reason: 'customer_request' }),
    ]);
    const actions = doc.auditRows.map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['interaction.complete', 'customer.reveal', 'lead.created']));
    expect(doc.erasures).toEqual([]);
  });

  it('holds nothing of another customer', () => {
    expectNoneOf(doc, b);
    const others: [Record<string, unknown>[], unknown[]][] = [
      [doc.interactions, bRows.interactionIds],
      [doc.appointments, [bRows.appointmentId]],
      [doc.leads, [bRows.leadId]],
      [doc.callbackRequests, [bRows.callbackId]],
      [doc.scorecards, [bRows.scorecardId]],
    ];
    for (const [section, ids] of others) for (const row of section) expect(ids).not.toContain(row.id);
    expect(doc.ctiCalls.map((c) => c.call_id)).not.toContain(bRows.callId);
    for (const section of [
      doc.interactions,
      doc.appointments,
      doc.funnelLinks,
      doc.leads,
      doc.campaignContacts,
      doc.ctiCalls,
    ]) {
      for (const row of section) expect(row.customer_id).toBe(a.id);
    }
  });

  it('is audited', async () => {
    const rows = await db()
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'customer.exported')
      .where('entity_id', '=', String(a.id))
      .execute();
    expect(rows.length).toBeGreaterThanOrEqual(1);
    const me = await admin.trpc.auth.me.query();
    expect(rows[0]).toMatchObject({ entity_type: 'customer', actor_id: me.id });
  });

  it('refuses an unknown customer', async () => {
    expect((await trpcError(exportOf(99_999_999))).data?.code).toBe('NOT_FOUND');
  });
});

describe('only admins', () => {
  it.each([
    ['operator', () => operator],
    ['tutor', () => tutor],
    ['team lead', () => teamLead],
  ])('a %s gets FORBIDDEN for the export and the erasure, and nothing is erased', async (_role, client) => {
    const api = client();
    expect((await trpcError(api.trpc.admin.dataSubject.export.mutate({ customerId: b.id }))).data?.code).toBe(
      'FORBIDDEN',
    );
    const erase = api.trpc.admin.dataSubject.erase.mutate({
      customerId: b.id,
      reason: 'Richiesta del cliente',
      requestId: randomUUID(),
    });
    expect((await trpcError(erase)).data?.code).toBe('FORBIDDEN');
    const row = await db().selectFrom('customers').select('phone').where('id', '=', b.id).executeTakeFirstOrThrow();
    expect(row.phone).toBe(b.phone);
  });

  it('anonymous gets UNAUTHORIZED', async () => {
    const anonymous = createApiClient(server.url);
    expect((await trpcError(anonymous.trpc.admin.dataSubject.export.mutate({ customerId: b.id }))).data?.code).toBe(
      'UNAUTHORIZED',
    );
  });
});

describe('erasure (art. 17)', () => {
  const period = { from: new Date(Date.now() - 2 * DAY).toISOString(), to: new Date(Date.now() + DAY).toISOString() };
  const conversion = () =>
    Promise.all([
      admin.trpc.stats.conversion.query({ ...period, groupBy: ['flow', 'product', 'day'] }),
      admin.trpc.stats.conversion.query({ ...period, groupBy: ['operator', 'site', 'campaign'] }),
    ]);
  /** The outbox worker has sent what was due (confirmations); what is scheduled (the reminder) is still pending. */
  const dueMessagesSent = async () => {
    for (let i = 0; i < 100; i++) {
      const due = await db()
        .selectFrom('outbox')
        .select('id')
        .where('status', 'in', ['pending', 'sending'])
        .where('next_attempt_at', '<=', new Date().toISOString())
        .execute();
      if (due.length === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the outbox worker did not send the due messages');
  };
  /** B's rows in every table, to show the erasure of A leaves them as they were. */
  const snapshotOfB = async () => ({
    customer: await db().selectFrom('customers').selectAll().where('id', '=', b.id).execute(),
    interactions: await db().selectFrom('interactions').selectAll().where('customer_id', '=', b.id).execute(),
    leads: await db().selectFrom('leads').selectAll().where('customer_id', '=', b.id).execute(),
    appointments: await db().selectFrom('appointments').selectAll().where('customer_id', '=', b.id).execute(),
    callbacks: await db().selectFrom('callback_requests').selectAll().where('customer_id', '=', b.id).execute(),
    contacts: await db().selectFrom('campaign_contacts').selectAll().where('customer_id', '=', b.id).execute(),
    calls: await db().selectFrom('cti_calls').selectAll().where('customer_id', '=', b.id).execute(),
    links: await db().selectFrom('funnel_links').selectAll().where('customer_id', '=', b.id).execute(),
    messages: await db()
      .selectFrom('outbox')
      .select(['id', 'recipient', 'body'])
      .where('recipient', 'in', [b.phone, b.email ?? ''])
      .orderBy('id')
      .execute(),
  });

  const requestId = randomUUID();
  const reason = 'Richiesta di cancellazione prot. 2026/118';
  let statsBefore: Awaited<ReturnType<typeof conversion>>;
  let bBefore: Awaited<ReturnType<typeof snapshotOfB>>;
  let answer: Awaited<ReturnType<typeof admin.trpc.admin.dataSubject.erase.mutate>>;
  let seatsBefore: number;

  beforeAll(async () => {
    await dueMessagesSent();
    statsBefore = await conversion();
    bBefore = await snapshotOfB();
    seatsBefore = (
      await db()
        .selectFrom('appointment_slots')
        .select('booked')
        .where('id', '=', aRows.slotId)
        .executeTakeFirstOrThrow()
    ).booked;
    answer = await admin.trpc.admin.dataSubject.erase.mutate({ customerId: a.id, reason, requestId });
  });

  it('replaces the personal data with placeholders and blanks the free text', async () => {
    expect(answer).toMatchObject({ customerId: a.id, requestId });
    const customer = await db().selectFrom('customers').selectAll().where('id', '=', a.id).executeTakeFirstOrThrow();
    expect(customer).toMatchObject({
      first_name: 'Cliente',
      last_name: 'anonimizzato',
      tax_code: `ANON${a.id}`,
      phone: '',
      email: null,
      birth_date: '1900-01-01',
      city: '',
    });
    const interactions = await db()
      .selectFrom('interactions')
      .selectAll()
      .where('customer_id', '=', a.id)
      .orderBy('id')
      .execute();
    expect(interactions.map((i) => i.id)).toEqual(aRows.interactionIds);
    for (const i of interactions) {
      expect(i.notes).toBeNull();
      expect(i.events).not.toMatch(/objection"\s*:|notes"\s*:/);
    }
    // the script's path and the facts the statistics read stay
    expect(interactions.map((i) => i.outcome)).toEqual(['up_appointment', 'lead', 'digital_funnel']);
    expect(JSON.parse(interactions[1]?.events ?? '[]')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'proposal.objection' }),
        expect.objectContaining({ type: 'outcome.lead', followUpAt: anyString() }),
      ]),
    );
    expect(await db().selectFrom('leads').select('notes').where('customer_id', '=', a.id).execute()).toEqual([
      { notes: null },
    ]);
    const callbacks = await db()
      .selectFrom('callback_requests')
      .select(['phone', 'note', 'status'])
      .where('customer_id', '=', a.id)
      .execute();
    expect(callbacks.length).toBeGreaterThan(0);
    for (const c of callbacks) expect(c).toMatchObject({ phone: '', note: null });
    expect(
      await db().selectFrom('campaign_contacts').select(['phone', 'status']).where('customer_id', '=', a.id).execute(),
    ).toEqual([{ phone: '', status: 'removed' }]);
    expect(
      await db()
        .selectFrom('cti_calls')
        .select(['ani', 'ani_normalised'])
        .where('call_id', '=', aRows.callId)
        .execute(),
    ).toEqual([{ ani: '', ani_normalised: null }]);
    const link = await db()
      .selectFrom('funnel_links')
      .select(['id', 'destination'])
      .where('customer_id', '=', a.id)
      .executeTakeFirstOrThrow();
    expect(link.destination).toBe('');
    expect(
      await db().selectFrom('funnel_clicks').select(['user_agent', 'ip_hash']).where('link_id', '=', link.id).execute(),
    ).toEqual([{ user_agent: null, ip_hash: null }]);
    // nothing identifying is left in what we hold on them
    expectNoneOf(await exportOf(a.id), a);
  });

  it('keeps the statistics: stats.conversion is the same before and after', async () => {
    expect(await conversion()).toEqual(statsBefore);
  });

  it('closes the open work: callbacks cancelled, lead closed, appointment cancelled with its seat freed, messages withdrawn', async () => {
    expect(
      await db().selectFrom('callback_requests').select('status').where('id', '=', aRows.callbackId).executeTakeFirst(),
    ).toEqual({
      status: 'cancelled',
    });
    expect(await db().selectFrom('leads').select('status').where('id', '=', aRows.leadId).executeTakeFirst()).toEqual({
      status: 'lost',
    });
    expect(
      await db().selectFrom('appointments').select('status').where('id', '=', aRows.appointmentId).executeTakeFirst(),
    ).toEqual({
      status: 'cancelled',
    });
    const seats = await db()
      .selectFrom('appointment_slots')
      .select('booked')
      .where('id', '=', aRows.slotId)
      .executeTakeFirstOrThrow();
    expect(seats.booked).toBe(seatsBefore - 1);
    // no message is left to go out to the customer, and those sent keep only their status and times
    const messages = await db()
      .selectFrom('outbox')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([
            eb('ref_type', 'in', ['appointment', 'appointment_reminder']),
            eb('ref_id', '=', String(aRows.appointmentId)),
          ]),
          eb.and([eb('ref_type', '=', 'callback_request'), eb('ref_id', '=', aRows.callbackId)]),
        ]),
      )
      .execute();
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) {
      expect(m.status).not.toBe('pending');
      expect(m).toMatchObject({ recipient: '', body: '', subject: null });
    }
    expect(answer.counts).toMatchObject({
      callbacksCancelled: 1,
      leadsClosed: 1,
      appointmentsCancelled: 1,
      interactions: 3,
    });
    // the erased customer is nobody's promise any more
    expect((await operator.trpc.work.mine.query()).filter((p) => p.customerId === a.id)).toEqual([]);
  });

  it('records an opt-out: the latest record of every purpose says no', async () => {
    const consents = await db()
      .selectFrom('consents')
      .selectAll()
      .where('customer_id', '=', a.id)
      .orderBy('recorded_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    for (const purpose of ['marketing', 'profiling', 'third_parties'] as const) {
      expect(consents.find((c) => c.purpose === purpose)).toMatchObject({
        granted: 0,
        channel: 'any',
        source_ref: `erasure:${requestId}`,
      });
    }
  });

  it('leaves the other customer’s rows as they were', async () => {
    expect(await snapshotOfB()).toEqual(bBefore);
  });

  it('is audited, and recorded for good', async () => {
    const me = await admin.trpc.auth.me.query();
    const audit = await db()
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'customer.erased')
      .where('entity_id', '=', String(a.id))
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_id: me.id, entity_type: 'customer' });
    expect(JSON.parse(audit[0]?.details ?? '{}')).toMatchObject({ requestId, reason });
    expect((await exportOf(a.id)).erasures).toEqual([
      expect.objectContaining({ request_id: requestId, reason, erased_by: me.id }),
    ]);
  });

  it('is idempotent on the request id, also after the idempotency records were purged', async () => {
    const again = await admin.trpc.admin.dataSubject.erase.mutate({ customerId: a.id, reason, requestId });
    expect(again).toEqual(answer);
    await db().deleteFrom('idempotency_keys').where('key', '=', requestId).execute();
    expect(await admin.trpc.admin.dataSubject.erase.mutate({ customerId: a.id, reason, requestId })).toEqual(answer);
    const audit = await db()
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'customer.erased')
      .where('entity_id', '=', String(a.id))
      .execute();
    expect(audit).toHaveLength(1);
    // the same id for another request is refused
    const other = await trpcError(admin.trpc.admin.dataSubject.erase.mutate({ customerId: b.id, reason, requestId }));
    expect(other.data?.code).toBe('CONFLICT');
    expect(
      (await db().selectFrom('customers').select('phone').where('id', '=', b.id).executeTakeFirstOrThrow()).phone,
    ).toBe(b.phone);
  });

  it('refuses an unknown customer', async () => {
    const error = await trpcError(
      admin.trpc.admin.dataSubject.erase.mutate({ customerId: 99_999_999, reason, requestId: randomUUID() }),
    );
    expect(error.data?.code).toBe('NOT_FOUND');
  });

  it('waits while an operator holds a work item about the customer, changing nothing', async () => {
    const lease = new Date(Date.now() + 5 * 60_000).toISOString();
    const me = await operator.trpc.auth.me.query();
    await db()
      .updateTable('callback_requests')
      .set({ status: 'claimed', lease_owner: me.id, lease_expires_at: lease })
      .where('id', '=', bRows.callbackId)
      .execute();
    try {
      const error = await trpcError(
        admin.trpc.admin.dataSubject.erase.mutate({ customerId: b.id, reason, requestId: randomUUID() }),
      );
      expect(error.data?.code).toBe('CONFLICT');
      expect(error.message).toMatch(/handling this customer right now/);
      expect(await snapshotOfB()).toMatchObject({
        customer: bBefore.customer,
        leads: bBefore.leads,
        contacts: bBefore.contacts,
      });
    } finally {
      await db()
        .updateTable('callback_requests')
        .set({ status: 'pending', lease_owner: null, lease_expires_at: null })
        .where('id', '=', bRows.callbackId)
        .execute();
    }
  });
});

describe('the daily purge on a running server', () => {
  it('after the periods: sent messages keep only status and times, idempotency records and expired sessions are gone, and a late retry of a completion is refused, never logged twice', async () => {
    const clock = new MovableClock();
    const purging = await startTestServer({ clock, env: { VALORE_RETENTION_HOUR: 'off' } });
    try {
      const op = createApiClient(purging.url);
      await op.login('operatore1');
      const pdb = purging.database.db;
      const slot = await pdb
        .selectFrom('appointment_slots')
        .select(['id as slotId', 'post_office_id as postOfficeId'])
        .where('starts_at', '>', new Date(clock.now().getTime() + 3 * DAY).toISOString())
        .whereRef('booked', '<', 'capacity')
        .orderBy('starts_at')
        .limit(1)
        .executeTakeFirstOrThrow();
      const customerId = (
        await pdb
          .selectFrom('customers')
          .select('id')
          .where('email', 'is not', null)
          .orderBy('id', 'desc')
          .executeTakeFirstOrThrow()
      ).id;
      await op.trpc.customers.startContact.mutate({ customerId, reason: 'customer_request', clientId: randomUUID() });
      const input = inboundSale(customerId, slot, { startMs: clock.now().getTime() - 10 * 60_000 });
      const done = await op.trpc.interactions.complete.mutate(input);
      const appointmentId = String(done.effects.appointment?.id);
      // the confirmation goes out at once (the reminder waits for the evening before)
      for (let i = 0; i < 100; i++) {
        const sent = await pdb
          .selectFrom('outbox')
          .select('id')
          .where('ref_type', '=', 'appointment')
          .where('ref_id', '=', appointmentId)
          .where('status', '=', 'sent')
          .execute();
        if (sent.length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(
        await pdb.selectFrom('idempotency_keys').select('key').where('key', '=', input.clientId).execute(),
      ).toHaveLength(1);

      clock.advance(91 * DAY);
      const result = await purging.retention.runNow();
      expect(result?.counts.outboxMessages).toBeGreaterThanOrEqual(1);
      expect(result?.counts.idempotencyRecords).toBeGreaterThanOrEqual(1);
      expect(result?.counts.sessions).toBeGreaterThanOrEqual(1);
      const confirmation = await pdb
        .selectFrom('outbox')
        .selectAll()
        .where('ref_type', '=', 'appointment')
        .where('ref_id', '=', appointmentId)
        .execute();
      expect(confirmation.length).toBeGreaterThan(0);
      for (const m of confirmation)
        expect(m).toMatchObject({
          status: 'sent',
          recipient: '',
          body: '',
          subject: null,
          sent_at: anyString(),
        });
      expect(
        await pdb.selectFrom('idempotency_keys').select('key').where('key', '=', input.clientId).execute(),
      ).toEqual([]);
      expect(await pdb.selectFrom('sessions').select('id').execute()).toEqual([]);
      const audit = await pdb
        .selectFrom('audit_log')
        .select(['actor_id', 'details'])
        .where('action', '=', 'retention.purged')
        .execute();
      expect(audit).toHaveLength(1);
      expect(JSON.parse(audit[0]?.details ?? '{}')).toMatchObject({ counts: result?.counts, complete: true });

      // the console retrying that completion now (its answer no longer kept) is refused as too late: one contact
      const again = createApiClient(purging.url);
      await again.login('operatore1');
      const late = await trpcError(again.trpc.interactions.complete.mutate(input));
      expect(late.data?.code).toBe('BAD_REQUEST');
      expect(
        await pdb.selectFrom('interactions').select('id').where('client_id', '=', input.clientId).execute(),
      ).toHaveLength(1);
    } finally {
      await purging.close();
    }
  });
});
