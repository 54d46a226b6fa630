import { parse } from 'csv-parse/sync';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadPipelineOutput } from '@valore/shared/schemas/lead-pipeline';
import { createApiClient, trpcError, type ApiClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';
import { anyString } from '@valore/server/testing/matchers';

/**
 * The lead pipeline over a real server: who sees which leads, the filters, the CSV export and handing a lead to
 * another operator. Leads are written straight into the server's database (site 1: operatore1–4 and teamlead1;
 * site 2: operatore5–8 and teamlead2), so every field — won-by, sale reference, a live lease — is known.
 */
const MIN = 60_000;
const DAY = 86_400_000;

let server: TestServer;
const LOGINS = ['operatore1', 'operatore2', 'teamlead1', 'teamlead2', 'tutor1', 'admin'] as const;
const api = {} as Record<(typeof LOGINS)[number], ApiClient>;
const users: Record<string, number> = {};
const leads: Record<'a' | 'b' | 'c' | 'd' | 'e' | 'f', number> = { a: 0, b: 0, c: 0, d: 0, e: 0, f: 0 };
let now = 0;

const db = () => server.database.db;
const iso = (offsetMs: number) => new Date(now + offsetMs).toISOString();

async function insertLead(l: {
  site: number;
  owner: string;
  product: string;
  status?: 'open' | 'won' | 'lost';
  createdAgo: number;
  followUpIn?: number;
  closedAgo?: number;
  wonBy?: 'assisted_sale' | 'digital_funnel';
  saleReference?: string;
  heldBy?: string;
}): Promise<number> {
  const customer = await db()
    .selectFrom('customers')
    .select('id')
    .orderBy('id')
    .limit(1)
    .offset(Object.values(leads).filter(Boolean).length)
    .executeTakeFirstOrThrow();
  const row = await db()
    .insertInto('leads')
    .values({
      interaction_id: null,
      customer_id: customer.id,
      product_code: l.product,
      site_id: l.site,
      notes: null,
      status: l.status ?? 'open',
      follow_up_at: iso(l.followUpIn ?? -l.createdAgo + DAY),
      lease_owner: l.heldBy ? (users[l.heldBy] ?? null) : null,
      lease_expires_at: l.heldBy ? iso(5 * MIN) : null,
      created_by: users[l.owner] ?? null,
      created_at: iso(-l.createdAgo),
      closed_at: l.closedAgo === undefined ? null : iso(-l.closedAgo),
      updated_at: iso(0),
      owner_id: users[l.owner] ?? null,
      personal_until: null,
      won_by: l.wonBy ?? null,
      sale_reference: l.saleReference ?? null,
      closed_by: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

beforeAll(async () => {
  server = await startTestServer();
  const people = await db()
    .selectFrom('users')
    .select(['id', 'username'])
    .where('username', 'in', [
      'operatore1',
      'operatore2',
      'operatore3',
      'operatore4',
      'operatore5',
      'operatore6',
      'teamlead1',
      'teamlead2',
      'tutor1',
      'admin',
    ])
    .execute();
  for (const p of people) users[p.username] = p.id;
  // operatore4 has left: still owner of nothing, and no longer a valid new owner
  await db().updateTable('users').set({ active: 0 }).where('username', '=', 'operatore4').execute();
  for (const name of LOGINS) {
    api[name] = createApiClient(server.url);
    await api[name].login(name);
  }
  now = Date.now();
  leads.a = await insertLead({
    site: 1,
    owner: 'operatore1',
    product: 'FIBRA',
    createdAgo: 10 * DAY + 60 * MIN,
    followUpIn: DAY,
  });
  leads.b = await insertLead({
    site: 1,
    owner: 'operatore2',
    product: 'SIM',
    createdAgo: 2 * DAY + 60 * MIN,
    followUpIn: 3 * DAY,
    heldBy: 'operatore2',
  });
  leads.c = await insertLead({
    site: 1,
    owner: 'operatore1',
    product: 'FIBRA',
    status: 'won',
    createdAgo: 20 * DAY,
    closedAgo: 5 * DAY,
    wonBy: 'assisted_sale',
    saleReference: 'ORD-2026-0042',
  });
  leads.d = await insertLead({
    site: 1,
    owner: 'operatore2',
    product: 'LUCE_GAS',
    status: 'lost',
    createdAgo: 40 * DAY,
    closedAgo: 30 * DAY,
  });
  leads.e = await insertLead({ site: 2, owner: 'operatore5', product: 'FIBRA', createdAgo: DAY, followUpIn: 2 * DAY });
  leads.f = await insertLead({ site: 1, owner: 'operatore1', product: 'FIBRA', createdAgo: DAY, followUpIn: 10 * DAY });
});
afterAll(async () => {
  await server?.close();
});

const ids = (out: LeadPipelineOutput) => out.rows.map((r) => r.id);

describe('who sees which leads', () => {
  it('an operator sees only the leads they own', async () => {
    const mine = await api.operatore1.trpc.leads.pipeline.query({});
    expect(ids(mine)).toEqual([leads.a, leads.f, leads.c]);
    expect(mine.totals).toEqual({ open: 2, won: 1, lost: 0, all: 3 });
    expect(ids(await api.operatore2.trpc.leads.pipeline.query({}))).toEqual([leads.b, leads.d]);

    const other = await trpcError(api.operatore1.trpc.leads.pipeline.query({ ownerId: users.operatore2 }));
    expect(other.data).toMatchObject({ httpStatus: 403, domainCode: 'FORBIDDEN_SCOPE' });
    const options = await api.operatore1.trpc.leads.pipelineOptions.query();
    expect(options).toMatchObject({ ownOnly: true, lockedSiteId: 1 });
    expect(options.operators.map((o) => o.id)).toEqual([users.operatore1]);
  });

  it('a team lead sees every lead of their site and no other site', async () => {
    const site = await api.teamlead1.trpc.leads.pipeline.query({});
    // open first by next follow-up, then closed ones most recently closed first
    expect(ids(site)).toEqual([leads.a, leads.b, leads.f, leads.c, leads.d]);
    expect(site.totals).toEqual({ open: 3, won: 1, lost: 1, all: 5 });
    expect(ids(await api.teamlead2.trpc.leads.pipeline.query({}))).toEqual([leads.e]);

    const refused = await trpcError(api.teamlead1.trpc.leads.pipeline.query({ siteId: 2 }));
    expect(refused.data).toMatchObject({ httpStatus: 403, domainCode: 'FORBIDDEN_SCOPE' });

    const options = await api.teamlead1.trpc.leads.pipelineOptions.query();
    expect(options.lockedSiteId).toBe(1);
    expect(options.sites.map((s) => s.id)).toEqual([1]);
    expect(new Set(options.operators.map((o) => o.siteId))).toEqual(new Set([1]));
    expect(options.operators.find((o) => o.id === users.operatore4)).toMatchObject({ active: false });
    expect(options.products.map((p) => p.code).sort()).toEqual(['FIBRA', 'LUCE_GAS', 'SIM']);
  });

  it('an admin sees every site, or the one asked for; a tutor is refused', async () => {
    expect((await api.admin.trpc.leads.pipeline.query({})).totals.all).toBe(6);
    expect(ids(await api.admin.trpc.leads.pipeline.query({ siteId: 2 }))).toEqual([leads.e]);
    const tutor = await trpcError(api.tutor1.trpc.leads.pipeline.query({}));
    expect(tutor.data).toMatchObject({ httpStatus: 403, domainCode: 'FORBIDDEN_ROLE' });
    const anonymous = await trpcError(createApiClient(server.url).trpc.leads.pipeline.query({}));
    expect(anonymous.data).toMatchObject({ httpStatus: 401 });
  });
});

describe('filters', () => {
  it('narrows by status and shows how a won lead was won', async () => {
    const won = await api.teamlead1.trpc.leads.pipeline.query({ status: 'won' });
    expect(won.rows).toEqual([
      expect.objectContaining({
        id: leads.c,
        status: 'won',
        wonBy: 'assisted_sale',
        saleReference: 'ORD-2026-0042',
        productCode: 'FIBRA',
        productName: { it: 'Fibra per la casa', en: 'Home fibre broadband' },
        owner: { userId: users.operatore1, displayName: anyString() },
        closedAt: iso(-5 * DAY),
        ageDays: 15,
        held: false,
      }),
    ]);
    // the totals beside the status filter do not depend on the status chosen
    expect(won.totals).toEqual({ open: 3, won: 1, lost: 1, all: 5 });
    expect(won.matching).toBe(1);
    expect(ids(await api.teamlead1.trpc.leads.pipeline.query({ status: 'lost' }))).toEqual([leads.d]);
    const open = await api.teamlead1.trpc.leads.pipeline.query({ status: 'open' });
    expect(ids(open)).toEqual([leads.a, leads.b, leads.f]);
    expect(open.rows[0]).toMatchObject({ ageDays: 10, held: false, followUpAt: iso(DAY), wonBy: null });
    expect(open.rows[1]).toMatchObject({ held: true });
  });

  it('narrows by product, owner, age and next follow-up', async () => {
    const q = api.teamlead1.trpc.leads.pipeline.query;
    expect(ids(await q({ productCode: 'FIBRA' }))).toEqual([leads.a, leads.f, leads.c]);
    const fibre = await q({ productCode: 'FIBRA' });
    expect(fibre.totals).toEqual({ open: 2, won: 1, lost: 0, all: 3 });
    expect(ids(await q({ ownerId: users.operatore2 }))).toEqual([leads.b, leads.d]);
    expect(ids(await q({ createdFrom: iso(-5 * DAY) }))).toEqual([leads.b, leads.f]);
    expect(ids(await q({ createdTo: iso(-15 * DAY) }))).toEqual([leads.c, leads.d]);
    expect(ids(await q({ status: 'open', followUpFrom: iso(2 * DAY), followUpTo: iso(5 * DAY) }))).toEqual([leads.b]);
    // an offset-style "from" with a zone is read as the instant it names
    const rome = new Date(now + 2 * DAY + 3_600_000).toISOString().replace('Z', '+01:00');
    expect(ids(await q({ status: 'open', followUpFrom: rome, followUpTo: iso(5 * DAY) }))).toEqual([leads.b]);
  });

  it('pages with limit and offset, and refuses a limit over 500 or a period that ends before it starts', async () => {
    const q = api.teamlead1.trpc.leads.pipeline.query;
    const first = await q({ limit: 2 });
    expect(ids(first)).toEqual([leads.a, leads.b]);
    expect(first).toMatchObject({ matching: 5, offset: 0, nextOffset: 2 });
    expect(ids(await q({ limit: 2, offset: 2 }))).toEqual([leads.f, leads.c]);
    const last = await q({ limit: 2, offset: 4 });
    expect(ids(last)).toEqual([leads.d]);
    expect(last.nextOffset).toBeNull();

    expect((await trpcError(q({ limit: 501 }))).data).toMatchObject({ httpStatus: 400, domainCode: 'VALIDATION' });
    expect((await trpcError(q({ createdFrom: iso(0), createdTo: iso(-DAY) }))).data).toMatchObject({
      httpStatus: 400,
      domainCode: 'VALIDATION',
    });
    const unknownKey = await trpcError(q({ sort: 'age' } as never));
    expect(unknownKey.data).toMatchObject({ httpStatus: 400 });
  });
});

describe('CSV export', () => {
  const exportAudits = () =>
    db().selectFrom('audit_log').select(['actor_id', 'details']).where('action', '=', 'leads.export').execute();

  it('exports the filtered rows, with a header, and leaves an audit row per export', async () => {
    const before = (await exportAudits()).length;
    const file = await api.teamlead1.trpc.leads.exportPipelineCsv.mutate({ status: 'won' });
    expect(file.filename).toMatch(/^valore-lead-\d{4}-\d{2}-\d{2}_\d{4}\.csv$/);
    expect(file).toMatchObject({ rows: 1, truncated: false });
    // Italian by default: `;` between cells, as Excel set to Italian opens it (read here by a CSV parser)
    const lines = parse(file.csv, { delimiter: ';' });
    expect(lines).toHaveLength(2);
    const header = lines[0] ?? [];
    const cells = lines[1] ?? [];
    expect(header.slice(0, 4)).toEqual(['id', 'stato', 'cliente_id', 'cliente']);
    const cell = (name: string) => cells[header.indexOf(name)];
    expect(cell('id')).toBe(String(leads.c));
    expect(cell('stato')).toBe('won');
    expect(cell('prodotto_nome')).toBe('Fibra per la casa');
    expect(cell('vinto_con')).toBe('assisted_sale');
    expect(cell('riferimento_vendita')).toBe('ORD-2026-0042');
    expect(cell('eta_giorni')).toBe('15');

    const audits = await exportAudits();
    expect(audits).toHaveLength(before + 1);
    expect(audits.at(-1)).toMatchObject({ actor_id: users.teamlead1 });
    expect(JSON.parse(audits.at(-1)?.details ?? '{}')).toMatchObject({ filters: { status: 'won' }, rows: 1 });
  });

  it('exports in English on request, and an operator only their own leads', async () => {
    const en = await api.teamlead1.trpc.leads.exportPipelineCsv.mutate({ status: 'all', language: 'en' });
    expect(en.csv.split('\r\n')[0]).toMatch(/^id,status,customer_id,customer,product,product_name,owner_id,owner,/);
    expect(en.rows).toBe(5);
    const own = await api.operatore1.trpc.leads.exportPipelineCsv.mutate({});
    expect(own.rows).toBe(3);
    expect(own.csv.split('\r\n').map((line) => line.split(',')[0])).not.toContain(String(leads.b));

    const before = (await exportAudits()).length;
    const refused = await trpcError(api.operatore1.trpc.leads.exportPipelineCsv.mutate({ ownerId: users.operatore2 }));
    expect(refused.data).toMatchObject({ httpStatus: 403 });
    expect(await exportAudits()).toHaveLength(before);
  });
});

describe('reassigning a lead', () => {
  const reassignAudits = (leadId: number) =>
    db()
      .selectFrom('audit_log')
      .select(['actor_id', 'details'])
      .where('action', '=', 'lead.reassigned')
      .where('entity_id', '=', String(leadId))
      .execute();

  it('hands an open lead to another operator of the site, audited, once per request id', async () => {
    const requestId = randomUUID();
    const input = { leadId: leads.a, ownerId: users.operatore3 ?? 0, requestId };
    const first = await api.teamlead1.trpc.leads.reassign.mutate(input);
    expect(first).toMatchObject({ id: leads.a, status: 'open', owner: { userId: users.operatore3 } });

    const row = await db()
      .selectFrom('leads')
      .select(['owner_id', 'personal_until', 'follow_up_at'])
      .where('id', '=', leads.a)
      .executeTakeFirstOrThrow();
    expect(row.owner_id).toBe(users.operatore3);
    // the new owner gets the personal window after the follow-up time (default grace: 15 minutes)
    expect(row.personal_until).toBe(new Date(Date.parse(row.follow_up_at) + 15 * MIN).toISOString());

    const audits = await reassignAudits(leads.a);
    expect(audits).toHaveLength(1);
    expect(audits[0]?.actor_id).toBe(users.teamlead1);
    expect(JSON.parse(audits[0]?.details ?? '{}')).toMatchObject({
      from: users.operatore1,
      to: users.operatore3,
      requestId,
    });

    // a retry (lost answer, double click) gets the first answer and changes nothing
    expect(await api.teamlead1.trpc.leads.reassign.mutate(input)).toEqual(first);
    expect(await reassignAudits(leads.a)).toHaveLength(1);
    const keys = await db()
      .selectFrom('idempotency_keys')
      .select('key')
      .where('scope', '=', 'leads.reassign')
      .execute();
    expect(keys.filter((k) => k.key === requestId)).toHaveLength(1);

    // the same id for another request is refused
    const mismatch = await trpcError(
      api.teamlead1.trpc.leads.reassign.mutate({ ...input, ownerId: users.operatore2 ?? 0 }),
    );
    expect(mismatch.data).toMatchObject({ httpStatus: 409, domainCode: 'IDEMPOTENCY_MISMATCH' });

    // the operator now sees it among their own; the former owner no longer does
    const op1 = await api.operatore1.trpc.leads.pipeline.query({});
    expect(ids(op1)).not.toContain(leads.a);
  });

  it('refuses a lead of another site, an owner from another site or no longer active, and a closed lead', async () => {
    const tl = api.teamlead1.trpc.leads.reassign;
    const otherSite = await trpcError(
      tl.mutate({ leadId: leads.e, ownerId: users.operatore1 ?? 0, requestId: randomUUID() }),
    );
    expect(otherSite.data).toMatchObject({ httpStatus: 403, domainCode: 'FORBIDDEN_SCOPE' });

    const foreignOwner = await trpcError(
      tl.mutate({ leadId: leads.f, ownerId: users.operatore5 ?? 0, requestId: randomUUID() }),
    );
    expect(foreignOwner.data).toMatchObject({
      httpStatus: 400,
      domainCode: 'VALIDATION',
      zodError: { fieldErrors: { ownerId: [expect.stringContaining('active operator')] } },
    });
    const inactive = await trpcError(
      tl.mutate({ leadId: leads.f, ownerId: users.operatore4 ?? 0, requestId: randomUUID() }),
    );
    expect(inactive.data).toMatchObject({ httpStatus: 400, domainCode: 'VALIDATION' });
    const notOperator = await trpcError(
      tl.mutate({ leadId: leads.f, ownerId: users.teamlead1 ?? 0, requestId: randomUUID() }),
    );
    expect(notOperator.data).toMatchObject({ httpStatus: 400 });

    const closed = await trpcError(
      tl.mutate({ leadId: leads.c, ownerId: users.operatore2 ?? 0, requestId: randomUUID() }),
    );
    expect(closed.data).toMatchObject({ httpStatus: 409 });
    expect(closed.message).toContain('already closed');

    const missing = await trpcError(
      tl.mutate({ leadId: 987_654, ownerId: users.operatore2 ?? 0, requestId: randomUUID() }),
    );
    expect(missing.data).toMatchObject({ httpStatus: 404 });

    const operator = await trpcError(
      api.operatore1.trpc.leads.reassign.mutate({
        leadId: leads.f,
        ownerId: users.operatore2 ?? 0,
        requestId: randomUUID(),
      }),
    );
    expect(operator.data).toMatchObject({ httpStatus: 403, domainCode: 'FORBIDDEN_ROLE' });

    // nothing of it changed a lead or left an audit row
    for (const id of [leads.e, leads.f, leads.c]) expect(await reassignAudits(id)).toHaveLength(0);
    const f = await db().selectFrom('leads').select('owner_id').where('id', '=', leads.f).executeTakeFirstOrThrow();
    expect(f.owner_id).toBe(users.operatore1);
  });

  it('lets an admin reassign on any site, to an operator of that site', async () => {
    const done = await api.admin.trpc.leads.reassign.mutate({
      leadId: leads.e,
      ownerId: users.operatore6 ?? 0,
      requestId: randomUUID(),
    });
    expect(done.owner?.userId).toBe(users.operatore6);
    const wrong = await trpcError(
      api.admin.trpc.leads.reassign.mutate({
        leadId: leads.e,
        ownerId: users.operatore1 ?? 0,
        requestId: randomUUID(),
      }),
    );
    expect(wrong.data).toMatchObject({ httpStatus: 400 });
  });
});
