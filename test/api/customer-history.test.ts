import { randomUUID } from 'node:crypto';
import type { CompleteInteractionInput } from '@valore/shared/schemas/interactions';
import type { HistoryEntry } from '@valore/shared/schemas/customers';
import { completion } from '@valore/server/testing/completions';
import { agreedTime } from '@valore/server/testing/agreed-time';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, trpcError, type ApiClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';
import { db } from '../helpers/sql';

/**
 * The customer card's history (customers.history), the search's disambiguation fields (customers.search) and the rule
 * that a product the customer holds is never proposed (interactions.complete), over a real server: the rows are made
 * through the API (contacts, a lead closed, an appointment booked, an opt-out) or come from the seed (consents).
 */

let server: TestServer;
const signedIn = new Map<string, ApiClient>();
const as = (username: string) => signedIn.get(username) as ApiClient;
const sql = () => db(server);

beforeAll(async () => {
  server = await startTestServer();
  for (const username of ['operatore1', 'operatore2', 'tutor1', 'tutor2', 'teamlead1', 'admin']) {
    const api = createApiClient(server.url);
    await api.login(username);
    signedIn.set(username, api);
  }
}, 60_000);
afterAll(async () => {
  await server?.close();
});

const used = new Set<number>();
/** A customer nobody has contacted yet, who holds no product, with a phone number of their own. */
async function freshCustomer(): Promise<{
  id: number;
  phone: string;
  tax_code: string;
  birth_date: string;
  last_name: string;
}> {
  const rows = await sql().all<{
    id: number;
    phone: string;
    tax_code: string;
    birth_date: string;
    last_name: string;
  }>(`SELECT c.id, c.phone, c.tax_code, c.birth_date, c.last_name FROM customers c
       WHERE NOT EXISTS (SELECT 1 FROM interactions i WHERE i.customer_id = c.id)
         AND NOT EXISTS (SELECT 1 FROM leads l WHERE l.customer_id = c.id)
         AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.customer_id = c.id)
         AND NOT EXISTS (SELECT 1 FROM callback_requests r WHERE r.customer_id = c.id)
         AND NOT EXISTS (SELECT 1 FROM customer_products p WHERE p.customer_id = c.id)
         AND (SELECT count(*) FROM customers o WHERE o.phone = c.phone) = 1
         AND (SELECT count(*) FROM customers o WHERE o.tax_code = c.tax_code) = 1
         AND c.phone NOT IN (SELECT phone FROM optout_registry)
       ORDER BY c.id DESC LIMIT 200`);
  const row = rows.find((r) => !used.has(r.id));
  if (!row) throw new Error('no untouched customer left in the demo data');
  used.add(row.id);
  return row;
}

async function freeSlot(): Promise<{ id: number; post_office_id: number; name: string; starts_at: string }> {
  const row = await sql().get<{ id: number; post_office_id: number; name: string; starts_at: string }>(
    `SELECT s.id, s.post_office_id, p.name, s.starts_at FROM appointment_slots s
       JOIN post_offices p ON p.id = s.post_office_id
       WHERE s.booked = 0 AND s.closed_at IS NULL AND s.starts_at > ? ORDER BY s.id LIMIT 1`,
    agreedTime(1),
  );
  if (!row) throw new Error('no free slot');
  return row;
}

const minutesAgo = (m: number) => Date.now() - m * 60_000;

async function complete(api: ApiClient, input: CompleteInteractionInput) {
  return api.trpc.interactions.complete.mutate(input);
}

async function startContact(username: string, customerId: number) {
  await as(username).trpc.customers.startContact.mutate({ customerId, reason: 'inbound_call', clientId: randomUUID() });
}

/**
 * A customer with a real history made through the API by operatore1: a lead for FIBRA with notes (closed lost), an
 * appointment for CONTO at a post office, then an opt-out — plus the seed's consents.
 */
async function customerWithHistory() {
  const c = await freshCustomer();
  await startContact('operatore1', c.id);
  const lead = await complete(
    as('operatore1'),
    completion(
      'inbound_sales',
      c.id,
      'lead',
      [
        { type: 'customer.identified', customerId: c.id },
        { type: 'needs.identified', productCode: 'FIBRA' },
        { type: 'proposal.accepted' },
        { type: 'outcome.lead', followUpAt: agreedTime(1), notes: 'Vuole la fibra entro Natale' },
      ],
      { startMs: minutesAgo(40), notes: 'Preferisce essere chiamato di sera' },
    ),
  );
  const leadId = lead.effects.lead?.id ?? 0;
  // the team lead closes it (the operator closes a lead only while holding its follow-up)
  await as('teamlead1').trpc.leads.close.mutate({ leadId, status: 'lost', requestId: randomUUID() });
  const slot = await freeSlot();
  await complete(
    as('operatore1'),
    completion(
      'inbound_sales',
      c.id,
      'up_appointment',
      [
        { type: 'customer.identified', customerId: c.id },
        { type: 'needs.identified', productCode: 'CONTO' },
        { type: 'proposal.accepted' },
        { type: 'outcome.appointment', postOfficeId: slot.post_office_id, slotId: slot.id },
      ],
      { startMs: minutesAgo(30) },
    ),
  );
  await complete(
    as('operatore1'),
    completion(
      'inbound_sales',
      c.id,
      'opt_out',
      [{ type: 'customer.identified', customerId: c.id }, { type: 'customer.opted_out' }],
      { startMs: minutesAgo(20) },
    ),
  );
  return { customer: c, leadId, slot };
}

const kinds = (items: HistoryEntry[]) => items.map((e) => e.kind);
const revealAudits = async (customerId: number) =>
  (
    await sql().all<{ details: string }>(
      "SELECT details FROM audit_log WHERE action = 'customer.reveal' AND entity_id = ?",
      String(customerId),
    )
  ).map((r) => JSON.parse(r.details) as { field: string; notes?: number });

describe('customers.history: the card’s timeline', () => {
  let fixture: Awaited<ReturnType<typeof customerWithHistory>>;
  beforeAll(async () => {
    fixture = await customerWithHistory();
  });

  it('merges contacts, notes, the lead and its closing, the appointment and the consent changes, newest first', async () => {
    const { customer, leadId, slot } = fixture;
    const history = await as('operatore1').trpc.customers.history.query({ customerId: customer.id, limit: 100 });
    const items = history.items;
    expect(history.nextCursor).toBeNull();
    expect(history.notesRevealed).toBe(false);
    expect(history.hasNotes).toBe(true);
    // newest first, every key once
    expect(items.map((e) => e.at)).toEqual([...items.map((e) => e.at)].sort().reverse());
    expect(new Set(items.map((e) => e.key)).size).toBe(items.length);

    const contacts = items.filter((e) => e.kind === 'contact');
    expect(contacts.map((e) => [e.outcome, e.productCode, e.flow])).toEqual([
      ['opt_out', null, 'inbound_sales'],
      ['up_appointment', 'CONTO', 'inbound_sales'],
      ['lead', 'FIBRA', 'inbound_sales'],
    ]);
    expect(contacts.every((e) => e.kind === 'contact' && e.operatorName.length > 0)).toBe(true);
    expect(items.filter((e) => e.kind === 'lead').map((e) => e.kind === 'lead' && [e.key, e.change])).toEqual([
      [`lead:${leadId}:lost`, 'lost'],
      [`lead:${leadId}:opened`, 'opened'],
    ]);
    const appointment = items.find((e) => e.kind === 'appointment');
    expect(appointment).toMatchObject({
      productCode: 'CONTO',
      postOfficeName: slot.name,
      slotStartsAt: new Date(slot.starts_at).toISOString(),
      status: 'booked',
    });
    // the seed's consents and the opt-out's withdrawal (every purpose, any channel)
    const consents = items.filter((e) => e.kind === 'consent');
    const seeded = (await sql().get<{
      n: number;
    }>('SELECT count(*) AS n FROM consents WHERE customer_id = ?', customer.id))!;
    expect(consents).toHaveLength(seeded.n);
    expect(consents.some((e) => e.kind === 'consent' && e.purpose === 'marketing' && !e.granted)).toBe(true);
    // notes are personal data: masked until revealed
    const notes = items.filter((e) => e.kind === 'note');
    expect(notes.map((e) => e.kind === 'note' && [e.source, e.text])).toEqual([
      ['lead', null],
      ['contact', null],
    ]);
    expect(JSON.stringify(history)).not.toContain('Natale');
    expect((await revealAudits(customer.id)).filter((d) => d.field === 'notes')).toEqual([]);
  });

  it('reveals the notes to the operator handling the customer, and audits it as a reveal', async () => {
    const { customer } = fixture;
    const history = await as('operatore1').trpc.customers.history.query({
      customerId: customer.id,
      revealNotes: true,
    });
    expect(history.notesRevealed).toBe(true);
    const texts = history.items.flatMap((e) => (e.kind === 'note' ? [e.text] : []));
    expect(texts).toContain('Preferisce essere chiamato di sera');
    expect(texts.some((t) => t?.startsWith('Vuole la fibra entro Natale'))).toBe(true);
    expect((await revealAudits(customer.id)).filter((d) => d.field === 'notes')).toEqual([
      { field: 'notes', notes: 2 },
    ]);
  });

  it('searches in both languages over kind, outcome, status, product, post office and revealed note text', async () => {
    const { customer, slot } = fixture;
    const search = async (q: string, revealNotes = false) =>
      (await as('operatore1').trpc.customers.history.query({ customerId: customer.id, q, revealNotes })).items;
    // the product's name (Italian and English), whatever the case and accents
    // (the lead's closing, its note and its opening — the server's times — then the contact, reported earlier)
    expect(kinds(await search('FIBRA per LA casa'))).toEqual(['lead', 'note', 'lead', 'contact']);
    expect(kinds(await search('broadband'))).toEqual(['lead', 'note', 'lead', 'contact']);
    // the outcome's and the kind's names
    expect(kinds(await search('appuntamento'))).toEqual(['appointment', 'contact']);
    expect(kinds(await search('lead perso'))).toEqual(['lead']);
    expect(kinds(await search('opposizione'))).toEqual(['contact']);
    // a consent withdrawn
    const withdrawn = await search('consenso revocato');
    expect(withdrawn.length).toBeGreaterThan(0);
    expect(withdrawn.every((e) => e.kind === 'consent' && !e.granted)).toBe(true);
    // the post office
    expect(kinds(await search(slot.name))).toEqual(['appointment']);
    // a masked note's words are not searched; revealed, they are
    expect(await search('sera')).toEqual([]);
    // the customer has notes all the same: the console offers to show them while searching
    expect((await as('operatore1').trpc.customers.history.query({ customerId: customer.id, q: 'sera' })).hasNotes).toBe(
      true,
    );
    const found = await search('sera', true);
    expect(found.map((e) => e.kind === 'note' && e.text)).toEqual(['Preferisce essere chiamato di sera']);
    expect(await search('nulla di simile')).toEqual([]);
  });

  it('pages with a cursor: every entry once, in order, and the last page has no cursor', async () => {
    const { customer } = fixture;
    const all = (await as('operatore1').trpc.customers.history.query({ customerId: customer.id, limit: 100 })).items;
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const got = await as('operatore1').trpc.customers.history.query({ customerId: customer.id, limit: 3, cursor });
      expect(got.items.length).toBeLessThanOrEqual(3);
      seen.push(...got.items.map((e) => e.key));
      if (got.nextCursor === null) break;
      cursor = got.nextCursor;
    }
    expect(seen).toEqual(all.map((e) => e.key));
    expect(all.length).toBeGreaterThan(6);
  });

  it('follows the card’s access policy: not handling → 403, another site → 403, the site’s tutor and admins read it', async () => {
    const { customer } = fixture;
    const refused = await trpcError(as('operatore2').trpc.customers.history.query({ customerId: customer.id }));
    expect(refused.data?.httpStatus).toBe(403);
    expect(refused.data?.code).toBe('FORBIDDEN');
    // the same answer as the card's
    const card = await trpcError(as('operatore2').trpc.customers.card.query({ customerId: customer.id }));
    expect(card.data?.domainCode).toBe(refused.data?.domainCode);
    expect((await trpcError(as('tutor2').trpc.customers.history.query({ customerId: customer.id }))).data?.code).toBe(
      'FORBIDDEN',
    );
    // a role the card is not for
    expect(
      (await trpcError(as('teamlead1').trpc.customers.history.query({ customerId: customer.id }))).data?.code,
    ).toBe('FORBIDDEN');
    const tutor = await as('tutor1').trpc.customers.history.query({ customerId: customer.id });
    expect(tutor.items.length).toBeGreaterThan(0);
    // supervisors read the card, they do not reveal personal data
    expect(
      (await trpcError(as('tutor1').trpc.customers.history.query({ customerId: customer.id, revealNotes: true }))).data
        ?.code,
    ).toBe('FORBIDDEN');
    const admin = await as('admin').trpc.customers.history.query({ customerId: customer.id, revealNotes: true });
    expect(admin.items.some((e) => e.kind === 'note' && e.text !== null)).toBe(true);
    // nobody learns whether an id exists without access to it
    expect(
      (await trpcError(as('operatore2').trpc.customers.history.query({ customerId: 99_999_999 }))).data?.httpStatus,
    ).toBe(403);
    expect(
      (await trpcError(as('admin').trpc.customers.history.query({ customerId: 99_999_999 }))).data?.httpStatus,
    ).toBe(404);
  });

  it('refuses bad input with 400 and the field’s message', async () => {
    const { customer } = fixture;
    const cases: [Record<string, unknown>, string][] = [
      [{ customerId: customer.id, limit: 101 }, 'limit'],
      [{ customerId: customer.id, limit: 0 }, 'limit'],
      [{ customerId: customer.id, q: 'x'.repeat(101) }, 'q'],
      [{ customerId: customer.id, cursor: 'not-a-cursor' }, 'cursor'],
      [{ customerId: -1 }, 'customerId'],
      [{ customerId: customer.id, extra: 1 }, ''],
    ];
    for (const [input, field] of cases) {
      const error = await trpcError(as('operatore1').trpc.customers.history.query(input as { customerId: number }));
      expect(error.data?.httpStatus, JSON.stringify(input)).toBe(400);
      if (field) {
        const fields = error.data?.zodError?.fieldErrors as Record<string, string[] | undefined> | undefined;
        expect(fields?.[field]?.length, JSON.stringify(input)).toBeGreaterThan(0);
      }
    }
    const cursor = await trpcError(
      as('operatore1').trpc.customers.history.query({ customerId: customer.id, cursor: 'x' }),
    );
    expect((cursor.data?.zodError?.fieldErrors as Record<string, string[]>).cursor).toEqual([
      "Use the previous page's nextCursor",
    ]);
  });
});

describe('customers.search: results that tell look-alikes apart', () => {
  it('shows the birth year, the tax code masked but for its first 3 and last 2 characters, and the last contact', async () => {
    const { customer } = await customerWithHistory();
    const [result] = await as('operatore1').trpc.customers.search.query({ query: customer.tax_code });
    expect(result).toMatchObject({ id: customer.id, birthYear: Number(customer.birth_date.slice(0, 4)) });
    expect(result?.taxCodeMasked).toBe(
      `${customer.tax_code.slice(0, 3)}${'•'.repeat(11)}${customer.tax_code.slice(-2)}`,
    );
    const last = (await sql().get<{ at: string }>(
      'SELECT max(started_at) AS at FROM interactions WHERE customer_id = ?',
      customer.id,
    ))!;
    expect(result?.lastContactAt).toBe(last.at);
    // nothing of the day and month of birth, nor the tax code, nor the phone in clear
    const body = JSON.stringify(result);
    expect(body).not.toContain(customer.birth_date);
    expect(body).not.toContain(customer.tax_code);
    expect(body).not.toContain(customer.phone.slice(-7));

    const never = await freshCustomer();
    const [untouched] = await as('operatore1').trpc.customers.search.query({ query: never.tax_code });
    expect(untouched).toMatchObject({ id: never.id, lastContactAt: null });

    // a surname shared by many: each look-alike has its own year, masked tax code and last contact (or none)
    const many = await as('operatore1').trpc.customers.search.query({ query: customer.last_name });
    expect(many.length).toBeGreaterThan(1);
    for (const r of many) {
      expect(r.birthYear).toBeGreaterThan(1900);
      expect(r.taxCodeMasked).toMatch(/^[A-Z]{3}•{11}[A-Z0-9]{2}$/);
      expect(r.lastContactAt === null || !Number.isNaN(Date.parse(r.lastContactAt))).toBe(true);
    }
  });

  it('the card reveals the full date of birth to the operator handling the customer, audited', async () => {
    const c = await freshCustomer();
    await startContact('operatore1', c.id);
    const card = await as('operatore1').trpc.customers.card.query({ customerId: c.id });
    expect(card.birthYear).toBe(Number(c.birth_date.slice(0, 4)));
    expect(JSON.stringify(card)).not.toContain(c.birth_date);
    expect(await as('operatore1').trpc.customers.reveal.mutate({ customerId: c.id, field: 'birthDate' })).toEqual({
      field: 'birthDate',
      value: c.birth_date,
    });
    expect(await revealAudits(c.id)).toEqual([{ field: 'birthDate' }]);
    expect(
      (await trpcError(as('operatore2').trpc.customers.reveal.mutate({ customerId: c.id, field: 'birthDate' }))).data
        ?.code,
    ).toBe('FORBIDDEN');
  });
});

describe('a product the customer holds is never proposed to them', () => {
  /** A customer of the seed who holds CONTO, not contacted yet. */
  async function holderOf(productCode: string): Promise<number> {
    const row = await sql().get<{ id: number }>(
      `SELECT c.id FROM customers c JOIN customer_products p ON p.customer_id = c.id AND p.product_code = ?
         WHERE NOT EXISTS (SELECT 1 FROM interactions i WHERE i.customer_id = c.id)
           AND NOT EXISTS (SELECT 1 FROM customer_products q WHERE q.customer_id = c.id AND q.product_code = 'FIBRA')
         ORDER BY c.id DESC LIMIT 1`,
      productCode,
    );
    if (!row) throw new Error(`no holder of ${productCode}`);
    return row.id;
  }

  it('refuses a completion that proposes a held product (400 PRODUCT_HELD, nothing written) and takes another', async () => {
    const customerId = await holderOf('CONTO');
    await startContact('operatore1', customerId);
    const card = await as('operatore1').trpc.customers.card.query({ customerId });
    expect(card.holdings.map((h) => h.productCode)).toContain('CONTO');
    const interactions = async () =>
      (await sql().get<{
        n: number;
      }>('SELECT count(*) AS n FROM interactions WHERE customer_id = ?', customerId))!.n;
    const proposing = (productCode: string) =>
      completion('inbound_sales', customerId, 'lead', [
        { type: 'customer.identified', customerId },
        { type: 'needs.identified', productCode },
        { type: 'proposal.accepted' },
        { type: 'outcome.lead', followUpAt: agreedTime(1) },
      ]);
    const refused = await trpcError(complete(as('operatore1'), proposing('CONTO')));
    expect(refused.data?.httpStatus).toBe(400);
    expect(refused.data?.domainCode).toBe('PRODUCT_HELD');
    expect(refused.message).toMatch(/already holds CONTO/);
    expect(await interactions()).toBe(0);
    expect(
      (await sql().get<{ n: number }>('SELECT count(*) AS n FROM leads WHERE customer_id = ?', customerId))!,
    ).toEqual({ n: 0 });
    // a product they do not hold goes through
    const ok = await complete(as('operatore1'), proposing('FIBRA'));
    expect(ok.outcome).toBe('lead');
    expect(await interactions()).toBe(1);
  });

  it('a contact without a proposal is not refused for what the customer holds', async () => {
    const customerId = await holderOf('CONTO');
    await startContact('operatore1', customerId);
    const result = await complete(
      as('operatore1'),
      completion('inbound_sales', customerId, 'opt_out', [
        { type: 'customer.identified', customerId },
        { type: 'customer.opted_out' },
      ]),
    );
    expect(result.outcome).toBe('opt_out');
  });
});
