import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOW_VERSIONS } from '@valore/shared/flows/index';
import { completion, inboundSale, type EventWithoutTime } from '@valore/server/testing/completions';
import { agreedTime } from '@valore/server/testing/agreed-time';
import { createApiClient, trpcError, type ApiClient } from '../helpers/api-client';
import { postCallMeNow, postCallbackRequest } from '../helpers/intake';
import { startTestServer, TEST_INTAKE_KEY, type TestServer } from '../helpers/server';
import { db } from '../helpers/sql';

/**
 * The data-access policy (customers/access-policy.ts) and the scoping rules around it, over a real server: who may
 * open a customer's card and reveal their personal data, who closes a lead, whose idempotency key is whose, which
 * campaigns a team lead sees, who imports the opt-out registry, and which consent lets a phone proposal through.
 */

let server: TestServer;
const signedIn = new Map<string, ApiClient>();
/** operatore1–4, tutor1, teamlead1 are site 1; operatore5, tutor2, teamlead2 site 2 (the demo seed). */
const as = (username: string) => signedIn.get(username) as ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  // a queue with nothing in it, so work.next hands out exactly what a test queued
  await server.database.db.deleteFrom('callback_requests').execute();
  await server.database.db.updateTable('leads').set({ status: 'lost' }).where('status', '=', 'open').execute();
  for (const username of [
    'operatore1',
    'operatore2',
    'operatore5',
    'tutor1',
    'tutor2',
    'teamlead1',
    'teamlead2',
    'admin',
  ]) {
    const api = createApiClient(server.url);
    await api.login(username);
    signedIn.set(username, api);
  }
}, 60_000);
afterAll(async () => {
  await server?.close();
});

const sql = () => db(server);
const used = new Set<number>();

/** A customer nobody has touched yet (no contact, lead, request, call or grant), with a phone number of their own. */
async function freshCustomer(): Promise<{ id: number; phone: string }> {
  const rows = await sql().all<{ id: number; phone: string }>(`SELECT c.id, c.phone FROM customers c
       WHERE NOT EXISTS (SELECT 1 FROM interactions i WHERE i.customer_id = c.id)
         AND NOT EXISTS (SELECT 1 FROM leads l WHERE l.customer_id = c.id)
         AND NOT EXISTS (SELECT 1 FROM callback_requests r WHERE r.customer_id = c.id)
         AND NOT EXISTS (SELECT 1 FROM cti_calls k WHERE k.customer_id = c.id)
         AND (SELECT count(*) FROM customers o WHERE o.phone = c.phone) = 1
         AND c.phone NOT IN (SELECT phone FROM optout_registry)
       ORDER BY c.id DESC LIMIT 200`);
  const row = rows.find((r) => !used.has(r.id));
  if (!row) throw new Error('no untouched customer left in the demo data');
  used.add(row.id);
  return row;
}

async function code(promise: Promise<unknown>): Promise<string | undefined> {
  return (await trpcError(promise)).data?.code;
}

const auditCount = async (action: string, entityId: number | string) =>
  (await sql().get<{ n: number }>(
    'SELECT count(*) AS n FROM audit_log WHERE action = ? AND entity_id = ?',
    action,
    String(entityId),
  ))!.n;

/** Queues a Call Me Now request for the customer through the intake API; the next work.next hands it out. */
async function queueCallback(customer: { id: number; phone: string }): Promise<void> {
  // items released by earlier tests went back to the queue: this one must be the next
  await sql().run("DELETE FROM callback_requests WHERE status = 'pending'");
  const response = await postCallMeNow(server, customer);
  expect(response.status).toBe(201);
}

async function ctiOffered(operator: string, phone: string): Promise<void> {
  const response = await fetch(`${server.url}/api/v1/cti/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_INTAKE_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'offered', callId: randomUUID(), ani: phone, dnis: '800100100', operator }),
  });
  expect(response.status).toBe(202);
}

describe('customer card and personal data: only for the customer an operator is handling', () => {
  it('an operator not handling a customer gets FORBIDDEN on the card and on reveal, and nothing is revealed', async () => {
    const c = await freshCustomer();
    expect(await code(as('operatore1').trpc.customers.card.query({ customerId: c.id }))).toBe('FORBIDDEN');
    expect(await code(as('operatore1').trpc.customers.reveal.mutate({ customerId: c.id, field: 'taxCode' }))).toBe(
      'FORBIDDEN',
    );
    expect(await auditCount('customer.reveal', c.id)).toBe(0);
  });

  it('a held work item opens its customer to the operator holding it, for as long as they hold it', async () => {
    const c = await freshCustomer();
    await queueCallback(c);
    const item = await as('operatore1').trpc.work.next.mutate({});
    expect(item).toMatchObject({ kind: 'callback', customerId: c.id });
    expect((await as('operatore1').trpc.customers.card.query({ customerId: c.id })).id).toBe(c.id);
    expect(await as('operatore1').trpc.customers.reveal.mutate({ customerId: c.id, field: 'phone' })).toEqual({
      field: 'phone',
      value: c.phone,
    });
    expect(await auditCount('customer.reveal', c.id)).toBe(1);
    // a colleague of the same site is not handling them
    expect(await code(as('operatore2').trpc.customers.card.query({ customerId: c.id }))).toBe('FORBIDDEN');
    await as('operatore1').trpc.work.release.mutate({ id: item?.id ?? '', reason: 'fine turno' });
    expect(await code(as('operatore1').trpc.customers.card.query({ customerId: c.id }))).toBe('FORBIDDEN');
  });

  it('a screen pop to the operator opens the caller’s card to them, not to a colleague', async () => {
    const c = await freshCustomer();
    await ctiOffered('operatore1', c.phone);
    expect((await as('operatore1').trpc.customers.card.query({ customerId: c.id })).id).toBe(c.id);
    expect((await as('operatore1').trpc.customers.reveal.mutate({ customerId: c.id, field: 'taxCode' })).value).toMatch(
      /^[A-Z0-9]{16}$/,
    );
    expect(await code(as('operatore2').trpc.customers.card.query({ customerId: c.id }))).toBe('FORBIDDEN');
  });

  it('a contact started from search records why, opens the card for a short time, and is audited', async () => {
    const c = await freshCustomer();
    const clientId = randomUUID();
    const grant = await as('operatore1').trpc.customers.startContact.mutate({
      customerId: c.id,
      reason: 'inbound_call',
      clientId,
    });
    expect(grant).toMatchObject({ customerId: c.id, reason: 'inbound_call' });
    expect(Date.parse(grant.expiresAt)).toBeGreaterThan(Date.now());
    // a retry (lost answer) grants nothing twice
    expect(
      await as('operatore1').trpc.customers.startContact.mutate({ customerId: c.id, reason: 'inbound_call', clientId }),
    ).toEqual(grant);
    const rows = await sql().all('SELECT reason, kind FROM customer_access_grants WHERE customer_id = ?', c.id);
    expect(rows).toEqual([{ reason: 'inbound_call', kind: 'contact' }]);
    expect(await auditCount('customer.contact_started', c.id)).toBe(1);
    expect((await as('operatore1').trpc.customers.card.query({ customerId: c.id })).id).toBe(c.id);
    expect(await code(as('operatore2').trpc.customers.card.query({ customerId: c.id }))).toBe('FORBIDDEN');
    // an unknown reason is refused
    expect(
      await code(
        as('operatore1').trpc.customers.startContact.mutate({
          customerId: c.id,
          reason: 'curiosity' as 'inbound_call',
          clientId: randomUUID(),
        }),
      ),
    ).toBe('BAD_REQUEST');
    // the grant is short-lived: once it has run out the card is closed again
    await sql().run(
      'UPDATE customer_access_grants SET expires_at = ? WHERE customer_id = ?',
      new Date(Date.now() - 1000).toISOString(),
      c.id,
    );
    expect(await code(as('operatore1').trpc.customers.card.query({ customerId: c.id }))).toBe('FORBIDDEN');
  });

  it('break-glass: with a reason the card opens and is audited for the admins to review; without one → 400', async () => {
    const c = await freshCustomer();
    expect(
      (await trpcError(as('operatore1').trpc.customers.breakGlass.mutate({ customerId: c.id, reason: '' }))).data
        ?.httpStatus,
    ).toBe(400);
    expect(
      (await trpcError(as('operatore1').trpc.customers.breakGlass.mutate({ customerId: c.id, reason: 'urgente' }))).data
        ?.httpStatus,
    ).toBe(400);
    expect(await code(as('operatore1').trpc.customers.card.query({ customerId: c.id }))).toBe('FORBIDDEN');
    const reason = 'Cliente in filiale, chiede verifica del numero';
    await as('operatore1').trpc.customers.breakGlass.mutate({ customerId: c.id, reason });
    expect((await as('operatore1').trpc.customers.card.query({ customerId: c.id })).id).toBe(c.id);
    expect((await as('operatore1').trpc.customers.reveal.mutate({ customerId: c.id, field: 'phone' })).value).toBe(
      c.phone,
    );
    expect(await auditCount('customer.break_glass', c.id)).toBe(1);
    const log = await as('admin').trpc.customers.breakGlassLog.query({});
    expect(log.items.find((e) => e.customerId === c.id)).toMatchObject({ reason, username: 'operatore1' });
    expect(await code(as('teamlead1').trpc.customers.breakGlassLog.query({}))).toBe('FORBIDDEN');
    expect(await code(as('operatore1').trpc.customers.breakGlassLog.query({}))).toBe('FORBIDDEN');
  });

  it('tutors see the customers their own site handles, not another site’s; admins see everyone', async () => {
    const c = await freshCustomer();
    await as('operatore1').trpc.customers.startContact.mutate({
      customerId: c.id,
      reason: 'inbound_call',
      clientId: randomUUID(),
    });
    expect((await as('tutor1').trpc.customers.card.query({ customerId: c.id })).id).toBe(c.id);
    expect(await code(as('tutor2').trpc.customers.card.query({ customerId: c.id }))).toBe('FORBIDDEN');
    const untouched = await freshCustomer();
    expect(await code(as('tutor1').trpc.customers.card.query({ customerId: untouched.id }))).toBe('FORBIDDEN');
    expect((await as('admin').trpc.customers.card.query({ customerId: untouched.id })).id).toBe(untouched.id);
    // and operators of another site are not handling them either
    expect(await code(as('operatore5').trpc.customers.card.query({ customerId: c.id }))).toBe('FORBIDDEN');
  });

  it('a completion naming another customer than the held item’s is refused, nothing written', async () => {
    const held = await freshCustomer();
    const other = await freshCustomer();
    await queueCallback(held);
    const item = await as('operatore1').trpc.work.next.mutate({});
    expect(item, JSON.stringify(item)).toMatchObject({ customerId: held.id });
    const input = {
      ...inboundSale(other.id),
      flow: 'callback' as const,
      scriptId: 'callback',
      scriptVersion: FLOW_VERSIONS.callback,
      work: { kind: 'callback' as const, sourceId: item?.sourceId ?? '' },
    };
    const error = await trpcError(as('operatore1').trpc.interactions.complete.mutate(input));
    expect(error.data?.httpStatus).toBe(400);
    expect(await sql().get('SELECT count(*) AS n FROM interactions WHERE customer_id = ?', other.id)).toEqual({
      n: 0,
    });
    await as('operatore1').trpc.work.release.mutate({ id: item?.id ?? '', reason: 'test' });
  });
});

describe('other lists that name customers', () => {
  it('an office’s appointments: an operator sees those they booked, not a colleague’s; the team lead sees the site’s', async () => {
    const c = await freshCustomer();
    // quoted aliases: PostgreSQL folds an unquoted one to lower case
    const slot = (await sql().get<{ slotId: number; postOfficeId: number }>(
      'SELECT id AS "slotId", post_office_id AS "postOfficeId" FROM appointment_slots WHERE starts_at > ? AND booked < capacity ORDER BY id LIMIT 1',
      new Date(Date.now() + 2 * 86_400_000).toISOString(),
    ))!;
    const done = await as('operatore1').trpc.interactions.complete.mutate(inboundSale(c.id, slot));
    const appointmentId = done.effects.appointment?.id;
    expect(appointmentId).toBeGreaterThan(0);
    const ids = async (username: string) =>
      (await as(username).trpc.appointments.officeAppointments.query({ postOfficeId: slot.postOfficeId })).map(
        (a) => a.id,
      );
    expect(await ids('operatore1')).toContain(appointmentId);
    expect(await ids('operatore2')).not.toContain(appointmentId);
    expect(await ids('teamlead1')).toContain(appointmentId);
    expect(await ids('teamlead2')).not.toContain(appointmentId);
  });

  it('open leads: an operator lists the leads they own, not a colleague’s; the team lead the site’s', async () => {
    const c = await freshCustomer();
    const done = await as('operatore1').trpc.interactions.complete.mutate(inboundSale(c.id));
    const leadId = done.effects.lead?.id;
    const ids = async (username: string) =>
      (await as(username).trpc.leads.list.query({ status: 'open', limit: 200 })).map((l) => l.id);
    expect(await ids('operatore1')).toContain(leadId);
    expect(await ids('operatore2')).not.toContain(leadId);
    expect(await ids('teamlead1')).toContain(leadId);
  });
});

describe('leads are closed by their holder or a team lead of their site', () => {
  async function newLead(): Promise<number> {
    const c = await freshCustomer();
    const done = await as('operatore1').trpc.interactions.complete.mutate(inboundSale(c.id));
    const id = done.effects.lead?.id;
    if (!id) throw new Error('no lead');
    return id;
  }

  it('a colleague (or the owner without holding it) is refused; the holder and the site’s team lead close it', async () => {
    const leadId = await newLead();
    expect(
      await code(as('operatore2').trpc.leads.close.mutate({ leadId, status: 'lost', requestId: randomUUID() })),
    ).toBe('FORBIDDEN');
    expect(
      await code(as('operatore1').trpc.leads.close.mutate({ leadId, status: 'lost', requestId: randomUUID() })),
    ).toBe('FORBIDDEN');
    expect(
      await code(as('teamlead2').trpc.leads.close.mutate({ leadId, status: 'lost', requestId: randomUUID() })),
    ).toBe('FORBIDDEN');
    expect(await sql().get('SELECT status FROM leads WHERE id = ?', leadId)).toEqual({ status: 'open' });
    expect(
      (await as('teamlead1').trpc.leads.close.mutate({ leadId, status: 'won', requestId: randomUUID() })).status,
    ).toBe('won');

    const held = await newLead();
    const operator1 = (await sql().get<{ id: number }>("SELECT id FROM users WHERE username = 'operatore1'"))!;
    await sql().run(
      'UPDATE leads SET lease_owner = ?, lease_expires_at = ? WHERE id = ?',
      operator1.id,
      new Date(Date.now() + 5 * 60_000).toISOString(),
      held,
    );
    expect(
      (await as('operatore1').trpc.leads.close.mutate({ leadId: held, status: 'lost', requestId: randomUUID() }))
        .status,
    ).toBe('lost');
  });
});

describe('idempotency keys belong to their caller', () => {
  it('a key replayed by another user does not return the first user’s result', async () => {
    const c = await freshCustomer();
    const input = inboundSale(c.id);
    const first = await as('operatore1').trpc.interactions.complete.mutate(input);
    expect(first.effects.lead).not.toBeNull();
    const replay = await trpcError(as('operatore2').trpc.interactions.complete.mutate(input));
    expect(replay.data?.httpStatus).toBe(409);
    // the owner's own retry still gets the first answer
    expect(await as('operatore1').trpc.interactions.complete.mutate(input)).toEqual(first);

    const leadId = first.effects.lead?.id ?? 0;
    const close = { leadId, status: 'lost' as const, requestId: randomUUID() };
    const closed = await as('teamlead1').trpc.leads.close.mutate(close);
    expect(closed.customerName).not.toBe('');
    const stolen = await trpcError(as('teamlead2').trpc.leads.close.mutate(close));
    expect(stolen.data?.httpStatus).toBe(409);
    expect(stolen.message).not.toContain(closed.customerName);
  });
});

describe('stats.options lists the caller’s site’s campaigns', () => {
  it('a team lead sees the campaigns of their site only; an admin sees all', async () => {
    const base = {
      businessUnit: 'Risparmio',
      productCode: 'LIBRETTO',
      startsOn: '2026-11-01',
      endsOn: '2027-01-31',
      maxAttempts: 3,
      retryDelayMinutes: 60,
      scriptVersion: FLOW_VERSIONS.campaign,
    };
    const other = await as('teamlead2').trpc.campaigns.create.mutate({
      ...base,
      requestId: randomUUID(),
      name: `Sede 2 ${randomUUID().slice(0, 6)}`,
      siteIds: [2],
    });
    const own = await as('teamlead1').trpc.campaigns.create.mutate({
      ...base,
      requestId: randomUUID(),
      name: `Sede 1 ${randomUUID().slice(0, 6)}`,
      siteIds: [1],
    });
    const lead1 = (await as('teamlead1').trpc.stats.options.query()).campaigns.map((c) => c.id);
    expect(lead1).toContain(own.id);
    expect(lead1).not.toContain(other.id);
    const admin = (await as('admin').trpc.stats.options.query()).campaigns.map((c) => c.id);
    expect(admin).toEqual(expect.arrayContaining([own.id, other.id]));
  });
});

describe('the national opt-out registry', () => {
  async function upload(api: ApiClient, body: string) {
    const response = await api.fetch(`${server.url}/api/v1/optout-registry/import`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body,
    });
    return { status: response.status, text: await response.text() };
  }
  const state = async () => ({
    imports: await sql().get('SELECT count(*) AS n FROM registry_imports'),
    registry: await sql().get('SELECT count(*) AS n, max(imported_at) AS last FROM optout_registry'),
    checked: await sql().all('SELECT id, registry_checked_at FROM campaigns ORDER BY id'),
    removed: await sql().get("SELECT count(*) AS n FROM campaign_contacts WHERE status = 'removed'"),
    audit: await sql().get("SELECT count(*) AS n FROM audit_log WHERE action = 'optout_registry.imported'"),
  });

  it('a team lead may not import it', async () => {
    const before = await state();
    expect((await upload(as('teamlead1'), 'phone,date\n+393201112233,2026-11-30\n')).status).toBe(403);
    expect(await state()).toEqual(before);
  });

  it('an empty or malformed file changes nothing: no re-dated checks, no removals', async () => {
    const before = await state();
    for (const body of [
      '',
      'phone,date\n',
      'phone,date\nnot-a-number,2026-11-30\n+393209999999,ieri\n',
      '\u0000\u0001\u0002',
    ]) {
      const answer = await upload(as('admin'), body);
      expect(answer.status === 400 || /"type":"error"/.test(answer.text), `${answer.status} ${answer.text}`).toBe(true);
      expect(await state()).toEqual(before);
    }
  });

  it('refuses impossible dates such as 2026-02-30 line by line', async () => {
    const answer = await upload(as('admin'), 'phone,date\n+39 320 555 0101,2026-02-30\n+39 320 555 0102,2026-02-28\n');
    expect(answer.status).toBe(200);
    expect(answer.text).toMatch(/"type":"done".*"imported":1.*"rejected":1/);
    expect(
      await sql().all(
        "SELECT phone, registered_at FROM optout_registry WHERE phone LIKE '+39320555010%' ORDER BY phone",
      ),
    ).toEqual([{ phone: '+393205550102', registered_at: '2026-02-28' }]);
  });
});

describe('text input', () => {
  it('refuses lone UTF-16 surrogates with a 400, nothing written', async () => {
    const c = await freshCustomer();
    const lone = 'Motivo valido \ud800 per aprire';
    const breakGlass = await trpcError(
      as('operatore1').trpc.customers.breakGlass.mutate({ customerId: c.id, reason: lone }),
    );
    expect(breakGlass.data?.httpStatus).toBe(400);
    expect(await auditCount('customer.break_glass', c.id)).toBe(0);
    const notes = await trpcError(
      as('operatore1').trpc.interactions.complete.mutate({ ...inboundSale(c.id), notes: 'ok \udc00' }),
    );
    expect(notes.data?.httpStatus).toBe(400);
    const intake = await postCallbackRequest(server, {
      phone: c.phone,
      product: 'CONTO',
      mode: 'now',
      channel: 'web',
      note: 'x\ud83d',
    });
    expect(intake.status).toBe(400);
    expect(await sql().get('SELECT count(*) AS n FROM callback_requests WHERE customer_id = ?', c.id)).toEqual({
      n: 0,
    });
    // a well-formed pair (an emoji) is fine
    const fine = await as('operatore1').trpc.customers.breakGlass.mutate({
      customerId: c.id,
      reason: 'Richiesta urgente 📞 del cliente',
    });
    expect(fine.customerId).toBe(c.id);
  });
});

describe('text no store can hold: a NUL', () => {
  // PostgreSQL refuses a NUL in every text and SQLite keeps it: refused at every edge on both engines, 400 with the
  // field, nothing written (the reliability fuzz sends '\u0000' to every procedure and endpoint)
  it('is refused in a tRPC input, a JSON body and a URL, on a read as on a write', async () => {
    const c = await freshCustomer();
    const read = await trpcError(as('tutor1').trpc.callbacks.timeline.query({ id: '\u0000' }));
    expect(read.data?.httpStatus).toBe(400);
    expect(read.data?.zodError?.fieldErrors).toHaveProperty('id');
    const write = await trpcError(
      as('operatore1').trpc.customers.breakGlass.mutate({ customerId: c.id, reason: 'Motivo valido\u0000 per aprire' }),
    );
    expect(write.data?.httpStatus).toBe(400);
    expect(await auditCount('customer.break_glass', c.id)).toBe(0);

    const intake = await postCallbackRequest(server, {
      phone: c.phone,
      product: 'CONTO',
      mode: 'now',
      channel: 'web',
      note: 'chiamatemi\u0000',
    });
    expect(intake.status).toBe(400);
    expect(((await intake.json()) as { error: { fields?: Record<string, string[]> } }).error.fields).toHaveProperty(
      'note',
    );
    expect(await sql().get('SELECT count(*) AS n FROM callback_requests WHERE customer_id = ?', c.id)).toEqual({
      n: 0,
    });

    for (const path of [
      '/f/%00abc',
      '/s/abc%00/cancel',
      '/api/v1/callback-slots?product=CONTO%00',
      '/trpc/auth.me?x=%00',
    ]) {
      const answer = await fetch(server.url + path);
      expect(answer.status, path).toBe(400);
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
    }
  });
});

describe('consent by channel', () => {
  const ocs = (customerId: number, channel: 'phone' | 'email' | null): EventWithoutTime[] => [
    { type: 'customer.identified', customerId },
    { type: 'ocs.solved' },
    { type: 'propensity.accepted' },
    ...(channel ? [{ type: 'consent.granted' as const, channel }] : []),
    { type: 'needs.identified', productCode: 'FIBRA' },
    { type: 'proposal.accepted' },
    { type: 'outcome.lead', followUpAt: agreedTime(2) },
  ];
  /** A customer whose only marketing consent is by e-mail. */
  async function emailOnly(): Promise<{ id: number; phone: string }> {
    const c = await freshCustomer();
    await sql().run("DELETE FROM consents WHERE customer_id = ? AND purpose = 'marketing'", c.id);
    await sql().run(
      "INSERT INTO consents (customer_id, purpose, channel, granted, source, recorded_at) VALUES (?, 'marketing', 'email', 1, 'web', ?)",
      c.id,
      new Date(Date.now() - 86_400_000).toISOString(),
    );
    return c;
  }

  it('an e-mail-only marketing consent does not let a phone proposal through', async () => {
    const c = await emailOnly();
    await as('operatore1').trpc.customers.startContact.mutate({
      customerId: c.id,
      reason: 'inbound_call',
      clientId: randomUUID(),
    });
    expect((await as('operatore1').trpc.customers.card.query({ customerId: c.id })).marketingConsent).toBe(false);
    const without = await trpcError(
      as('operatore1').trpc.interactions.complete.mutate(completion('ocs_cross_sell', c.id, 'lead', ocs(c.id, null))),
    );
    expect(without.data?.httpStatus).toBe(400);
    // an e-mail consent given on the call is recorded, but a proposal on a call is a phone proposal
    const byEmail = await trpcError(
      as('operatore1').trpc.interactions.complete.mutate(
        completion('ocs_cross_sell', c.id, 'lead', ocs(c.id, 'email')),
      ),
    );
    expect(byEmail.data?.httpStatus).toBe(400);
    expect(await sql().get('SELECT count(*) AS n FROM interactions WHERE customer_id = ?', c.id)).toEqual({
      n: 0,
    });
    // consent for the phone, asked on the call, opens it
    const byPhone = await as('operatore1').trpc.interactions.complete.mutate(
      completion('ocs_cross_sell', c.id, 'lead', ocs(c.id, 'phone')),
    );
    expect(byPhone.outcome).toBe('lead');
  });

  it('a campaign does not hand out a customer whose only consent is by e-mail', async () => {
    const c = await emailOnly();
    const campaign = await as('teamlead1').trpc.campaigns.create.mutate({
      requestId: randomUUID(),
      name: `Solo email ${randomUUID().slice(0, 6)}`,
      businessUnit: 'Risparmio',
      productCode: 'LIBRETTO',
      startsOn: '2026-01-01',
      endsOn: '2027-12-31',
      maxAttempts: 3,
      retryDelayMinutes: 60,
      scriptVersion: FLOW_VERSIONS.campaign,
      siteIds: [1],
    });
    const response = await as('teamlead1').fetch(
      `${server.url}/api/v1/campaigns/${campaign.id}/import?customerIdColumn=id`,
      {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: `id\n${c.id}\n`,
      },
    );
    const text = await response.text();
    // the list import reads the same rule: the customer is rejected for lack of (phone) consent
    expect(text).toMatch(/"type":"done".*"imported":0/);
  });
});
