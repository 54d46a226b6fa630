import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { FLOW_VERSIONS } from '@valore/shared/flows/index';
import type { WorkItem } from '@valore/shared/schemas/work';
import { MovableClock } from '@valore/server/testing/movable-clock';
import { createApiClient, trpcError, type ApiClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';

// Wednesday 2 December 2026, 10:00 in Rome: inside the default calling window.
const WEDNESDAY_10 = '2026-12-02T09:00:00.000Z';
const MINUTE = 60_000;

let server: TestServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function start(): Promise<{ server: TestServer; clock: MovableClock; db: TestServer['database']['db'] }> {
  const clock = new MovableClock(WEDNESDAY_10);
  server = await startTestServer({ clock });
  const db = server.database.db;
  // a clean queue whatever the demo seed may hold
  await db.deleteFrom('callback_requests').execute();
  await db.updateTable('leads').set({ status: 'lost' }).execute();
  return { server, clock, db };
}

async function signIn(s: TestServer, username: string): Promise<ApiClient> {
  const client = createApiClient(s.url);
  await client.login(username);
  return client;
}

type Db = TestServer['database']['db'];

/** Demo customers with marketing consent and a number not on the opt-out registry. */
async function reachableCustomers(db: Db, count: number, skip = 0): Promise<{ id: number; phone: string }[]> {
  const rows = await db
    .selectFrom('customers')
    .select(['id', 'phone'])
    .where('phone', 'not in', db.selectFrom('optout_registry').select('phone'))
    .orderBy('id')
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
    if (consent?.granted !== 1) continue;
    if (skip-- > 0) continue;
    out.push(row);
    if (out.length === count) break;
  }
  return out;
}

async function createActiveCampaign(
  s: TestServer,
  manager: ApiClient,
  customers: { id: number }[],
  opts: { siteIds?: number[]; maxAttempts?: number; retryDelayMinutes?: number; name?: string } = {},
) {
  const campaign = await manager.trpc.campaigns.create.mutate({
    requestId: randomUUID(),
    name: opts.name ?? 'Libretto inverno',
    businessUnit: 'Risparmio',
    productCode: 'LIBRETTO',
    startsOn: '2026-11-01',
    endsOn: '2027-01-31',
    maxAttempts: opts.maxAttempts ?? 3,
    retryDelayMinutes: opts.retryDelayMinutes ?? 60,
    scriptVersion: FLOW_VERSIONS.campaign,
    siteIds: opts.siteIds ?? [1],
  });
  const done = await importList(s, manager, campaign.id, `id,name\n${customers.map((c) => `${c.id},x`).join('\n')}\n`);
  expect(done).toMatchObject({ type: 'done', imported: customers.length, rejected: 0 });
  await manager.trpc.campaigns.setStatus.mutate({ requestId: randomUUID(), id: campaign.id, status: 'active' });
  return campaign;
}

async function importList(
  s: TestServer,
  client: ApiClient,
  campaignId: number,
  csv: string,
): Promise<Record<string, unknown>> {
  const response = await client.fetch(`${s.url}/api/v1/campaigns/${campaignId}/import?customerIdColumn=id`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: csv,
  });
  expect(response.status).toBe(200);
  const lines = (await response.text())
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return lines.at(-1) ?? {};
}

let callbackNo = 0;
async function addCallback(
  db: Db,
  mode: 'now' | 'scheduled',
  dueAt: Date,
  dueBy: Date,
  customerId: number | null = null,
) {
  const id = `cb-${++callbackNo}-${randomUUID().slice(0, 8)}`;
  await db
    .insertInto('callback_requests')
    .values({
      id,
      phone: '+393331234567',
      customer_id: customerId,
      product_code: 'CONTO',
      mode,
      channel: 'web',
      preferred_at: mode === 'scheduled' ? dueAt.toISOString() : null,
      note: null,
      due_at: dueAt.toISOString(),
      due_by: dueBy.toISOString(),
      lease_owner: null,
      lease_expires_at: null,
      idempotency_key: null,
      request_hash: null,
      created_at: dueAt.toISOString(),
      answered_at: null,
      updated_at: dueAt.toISOString(),
    })
    .execute();
  return id;
}

async function addLead(db: Db, customerId: number, siteId: number, followUpAt: Date) {
  const { id } = await db
    .insertInto('leads')
    .values({
      interaction_id: null,
      customer_id: customerId,
      product_code: 'FIBRA',
      site_id: siteId,
      notes: 'Richiamare per la fibra',
      follow_up_at: followUpAt.toISOString(),
      lease_owner: null,
      lease_expires_at: null,
      created_by: null,
      created_at: followUpAt.toISOString(),
      closed_at: null,
      updated_at: followUpAt.toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return String(id);
}

/** The operator dials and nobody answers: the simplest way to finish any item. */
async function completeNotReached(client: ApiClient, item: WorkItem, clock: MovableClock) {
  const at = clock.now().getTime();
  return client.trpc.interactions.complete.mutate({
    clientId: randomUUID(),
    flow: item.flow,
    scriptId: item.flow,
    scriptVersion: FLOW_VERSIONS[item.flow],
    customerId: null,
    work: { kind: item.kind, sourceId: item.sourceId },
    startedAt: new Date(at - 30_000).toISOString(),
    endedAt: new Date(at).toISOString(),
    acwMs: 1000,
    events: [{ type: 'contact.not_reached', reason: 'no_answer', at: new Date(at - 20_000).toISOString() }],
    outcome: 'not_reached',
  });
}

describe('work.next: one queue for every operator', () => {
  it('hands every item to exactly one of 20 operators calling at once', async () => {
    const { server: s, clock, db } = await start();
    const admin = await signIn(s, 'admin');
    const customers = await reachableCustomers(db, 60);
    await createActiveCampaign(s, admin, customers, { siteIds: [1, 2, 3, 4, 5], maxAttempts: 1 });
    const now = clock.now();
    for (let i = 0; i < 15; i++)
      await addCallback(db, 'now', new Date(now.getTime() - i * MINUTE), new Date(now.getTime() + 5 * MINUTE));
    for (let i = 0; i < 15; i++)
      await addCallback(db, 'scheduled', new Date(now.getTime() - i * MINUTE), new Date(now.getTime() + 15 * MINUTE));
    for (let site = 1; site <= 5; site++) {
      for (let i = 0; i < 2; i++)
        await addLead(db, customers[site * 2 + i]?.id ?? 1, site, new Date(now.getTime() - MINUTE));
    }
    const expected = 60 + 15 + 15 + 10;

    const operators = await Promise.all(Array.from({ length: 20 }, (_, i) => signIn(s, `operatore${i + 1}`)));
    const size = await operators[0]?.trpc.work.queueSize.query();
    expect(size).toEqual({ count: 15 + 15 + 2 + 60, capped: false }); // site 1 sees its own leads only

    const handed: string[] = [];
    await Promise.all(
      operators.map(async (op) => {
        for (;;) {
          const item = await op.trpc.work.next.mutate({});
          if (!item) return;
          handed.push(item.id);
          await completeNotReached(op, item, clock);
        }
      }),
    );
    expect(handed).toHaveLength(expected);
    expect(new Set(handed).size).toBe(expected);
    for (const op of operators) expect(await op.trpc.work.queueSize.query()).toEqual({ count: 0, capped: false });
  });

  it('serves overdue Call Me Now first, then callbacks and lead follow-ups by due time, then campaign contacts', async () => {
    const { server: s, clock, db } = await start();
    const lead = await signIn(s, 'teamlead1');
    const [c1, c2] = await reachableCustomers(db, 2);
    if (!c1 || !c2) throw new Error('demo data too small');
    const campaign = await createActiveCampaign(s, lead, [c1]);
    const now = clock.now().getTime();
    const scheduled = await addCallback(db, 'scheduled', new Date(now - 5 * MINUTE), new Date(now + 10 * MINUTE));
    const followUp = await addLead(db, c2.id, 1, new Date(now - 10 * MINUTE));
    await addLead(db, c2.id, 2, new Date(now - 60 * MINUTE)); // another site's lead: not for operatore1
    const cmnLate = await addCallback(db, 'now', new Date(now - 2 * MINUTE), new Date(now + 3 * MINUTE));
    const cmnUrgent = await addCallback(db, 'now', new Date(now - 4 * MINUTE), new Date(now + 1 * MINUTE));
    await addCallback(db, 'now', new Date(now + 30 * MINUTE), new Date(now + 35 * MINUTE)); // not due yet
    await addCallback(db, 'scheduled', new Date(now + 60 * MINUTE), new Date(now + 75 * MINUTE)); // not due yet

    const op = await signIn(s, 'operatore1');
    const order: string[] = [];
    for (;;) {
      const item = await op.trpc.work.next.mutate({});
      if (!item) break;
      order.push(item.id);
      if (item.kind === 'campaign') {
        expect(item).toMatchObject({
          flow: 'campaign',
          campaignId: campaign.id,
          campaignName: 'Libretto inverno',
          presetProductCode: 'LIBRETTO',
          customerId: c1.id,
        });
        expect(item.phoneMasked).not.toContain(c1.phone.slice(-7));
      }
      if (item.kind === 'callback' && item.mode === 'now') expect(item.dueBy).toBeTruthy();
      await completeNotReached(op, item, clock);
    }
    expect(order).toEqual([
      `callback:${cmnUrgent}`,
      `callback:${cmnLate}`,
      `lead_followup:${followUp}`,
      `callback:${scheduled}`,
      expect.stringMatching(/^campaign:\d+$/),
    ]);
  });

  it('takes campaign contacts across the site’s campaigns by due time, skipping a campaign with nothing due', async () => {
    const { server: s, clock, db } = await start();
    const lead = await signIn(s, 'teamlead1');
    const customers = await reachableCustomers(db, 5);
    const [a1, a2, b1, c1, c2] = customers;
    if (!a1 || !a2 || !b1 || !c1 || !c2) throw new Error('demo data too small');
    const a = await createActiveCampaign(s, lead, [a1, a2], { name: 'Campagna A' });
    const b = await createActiveCampaign(s, lead, [b1], { name: 'Campagna B' });
    const c = await createActiveCampaign(s, lead, [c1, c2], { name: 'Campagna C' });
    const now = clock.now().getTime();
    const due = async (campaignId: number, customerId: number, at: number) =>
      db
        .updateTable('campaign_contacts')
        .set({ due_at: new Date(at).toISOString() })
        .where('campaign_id', '=', campaignId)
        .where('customer_id', '=', customerId)
        .execute();
    await due(a.id, a1.id, now - 30 * MINUTE);
    await due(a.id, a2.id, now - 10 * MINUTE);
    await due(b.id, b1.id, now - 20 * MINUTE);
    await due(c.id, c1.id, now + 30 * MINUTE); // campaign C has nothing due yet
    await due(c.id, c2.id, now + 40 * MINUTE);

    const op = await signIn(s, 'operatore1');
    const order: string[] = [];
    for (;;) {
      const item = await op.trpc.work.next.mutate({});
      if (!item) break;
      order.push(`${item.campaignName}:${item.customerId}`);
      await completeNotReached(op, item, clock);
    }
    expect(order).toEqual([`Campagna A:${a1.id}`, `Campagna B:${b1.id}`, `Campagna A:${a2.id}`]);
  });

  it('gives the held item back on reload, and returns an item whose lease expired to the queue', async () => {
    const { server: s, clock, db } = await start();
    const now = clock.now().getTime();
    const id = await addCallback(db, 'now', new Date(now - MINUTE), new Date(now + 4 * MINUTE));
    const first = await signIn(s, 'operatore1');
    const item = await first.trpc.work.next.mutate({});
    expect(item).toMatchObject({
      id: `callback:${id}`,
      kind: 'callback',
      flow: 'callback',
      sourceId: id,
      customerId: null,
      mode: 'now',
    });
    expect(item?.leaseExpiresAt).toBe(new Date(now + 5 * MINUTE).toISOString());

    // reload: same item, from next and from current, also in a fresh session
    expect((await first.trpc.work.next.mutate({}))?.id).toBe(item?.id);
    const reloaded = await signIn(s, 'operatore1');
    expect((await reloaded.trpc.work.current.query())?.id).toBe(item?.id);

    const second = await signIn(s, 'operatore2');
    expect(await second.trpc.work.next.mutate({})).toBeNull();

    clock.advance(3 * MINUTE);
    const beat = await first.trpc.work.heartbeat.mutate({});
    expect(beat?.leaseExpiresAt).toBe(new Date(now + 8 * MINUTE).toISOString());
    clock.advance(4 * MINUTE);
    expect(await second.trpc.work.next.mutate({})).toBeNull(); // still leased after the heartbeat

    clock.advance(2 * MINUTE); // the operator closed the browser: the lease runs out
    expect((await second.trpc.work.next.mutate({}))?.id).toBe(item?.id);
    expect(await first.trpc.work.current.query()).toBeNull();
    expect(await first.trpc.work.heartbeat.mutate({})).toBeNull();
    const error = await trpcError(completeNotReached(first, item as WorkItem, clock));
    expect(error.data).toMatchObject({ domainCode: 'FORBIDDEN_SCOPE' });
  });

  it('lets an operator release an item with a reason, audited, so a colleague gets it at once', async () => {
    const { server: s, clock, db } = await start();
    const now = clock.now().getTime();
    const id = await addCallback(db, 'scheduled', new Date(now - MINUTE), new Date(now + 14 * MINUTE));
    const op1 = await signIn(s, 'operatore1');
    const op2 = await signIn(s, 'operatore2');
    const item = await op1.trpc.work.next.mutate({});
    expect(item?.id).toBe(`callback:${id}`);
    expect(await op2.trpc.work.release.mutate({ id: `callback:${id}`, reason: 'non mio' })).toEqual({
      released: false,
    });
    expect(await op1.trpc.work.release.mutate({ id: `callback:${id}`, reason: 'Pausa fisiologica' })).toEqual({
      released: true,
    });
    expect((await op2.trpc.work.next.mutate({}))?.id).toBe(`callback:${id}`);
    const audit = await db.selectFrom('audit_log').selectAll().where('action', '=', 'work.release').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]?.details ?? '{}')).toEqual({ reason: 'Pausa fisiologica' });
    const bad = await trpcError(op1.trpc.work.release.mutate({ id: 'nonsense', reason: 'x' }));
    expect(bad.data).toMatchObject({ httpStatus: 400 });
  });

  it('is for operators only', async () => {
    const { server: s } = await start();
    const tutor = await signIn(s, 'tutor1');
    const error = await trpcError(tutor.trpc.work.next.mutate({}));
    expect(error.data).toMatchObject({ httpStatus: 403, domainCode: 'FORBIDDEN_ROLE' });
  });
});

describe('campaign contacts at claim time', () => {
  it('dials only inside the calling window', async () => {
    const { server: s, clock, db } = await start();
    const lead = await signIn(s, 'teamlead1');
    await createActiveCampaign(s, lead, await reachableCustomers(db, 1));
    clock.set('2026-12-02T19:30:00Z'); // Wednesday 20:30 in Rome
    const late = await signIn(s, 'operatore1');
    expect(await late.trpc.work.queueSize.query()).toEqual({ count: 0, capped: false });
    expect(await late.trpc.work.next.mutate({})).toBeNull();
    clock.set('2026-12-08T10:00:00Z'); // Immacolata, a national holiday
    const holiday = await signIn(s, 'operatore1');
    expect(await holiday.trpc.work.next.mutate({})).toBeNull();
    clock.set('2026-12-09T08:00:00Z'); // Wednesday 09:00
    const morning = await signIn(s, 'operatore1');
    expect(await morning.trpc.work.queueSize.query()).toEqual({ count: 1, capped: false });
    expect((await morning.trpc.work.next.mutate({}))?.kind).toBe('campaign');
  });

  it('retries a contact not reached after the retry delay, and exhausts it at the attempt limit', async () => {
    const { server: s, clock, db } = await start();
    const lead = await signIn(s, 'teamlead1');
    await createActiveCampaign(s, lead, await reachableCustomers(db, 1), { maxAttempts: 2, retryDelayMinutes: 30 });
    let op = await signIn(s, 'operatore1');
    const item = await op.trpc.work.next.mutate({});
    if (!item) throw new Error('no item');
    await completeNotReached(op, item, clock);
    let row = await db
      .selectFrom('campaign_contacts')
      .selectAll()
      .where('id', '=', Number(item.sourceId))
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_outcome: 'not_reached',
      due_at: new Date(clock.now().getTime() + 30 * MINUTE).toISOString(),
    });
    expect(await op.trpc.work.next.mutate({})).toBeNull(); // not due yet

    clock.advance(31 * MINUTE);
    op = await signIn(s, 'operatore1'); // the idle session ran out meanwhile
    const again = await op.trpc.work.next.mutate({});
    expect(again?.id).toBe(item.id);
    expect(again?.attempts).toBe(1);
    await completeNotReached(op, again as WorkItem, clock);
    row = await db
      .selectFrom('campaign_contacts')
      .selectAll()
      .where('id', '=', Number(item.sourceId))
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'exhausted', attempts: 2 });
    clock.advance(120 * MINUTE);
    op = await signIn(s, 'operatore1');
    expect(await op.trpc.work.next.mutate({})).toBeNull();
  });

  it('skips and removes contacts whose consent was withdrawn or whose number joined the registry after the import', async () => {
    const { server: s, clock, db } = await start();
    const lead = await signIn(s, 'teamlead1');
    const [withdrawn, listed, fine] = await reachableCustomers(db, 3);
    if (!withdrawn || !listed || !fine) throw new Error('demo data too small');
    await createActiveCampaign(s, lead, [withdrawn, listed, fine]);
    await db
      .insertInto('consents')
      .values({
        customer_id: withdrawn.id,
        purpose: 'marketing',
        channel: 'any',
        granted: 0,
        source: 'web',
        source_ref: null,
        recorded_at: clock.now().toISOString(),
        recorded_by: null,
      })
      .execute();
    await db
      .insertInto('optout_registry')
      .values({ phone: listed.phone, registered_at: '2026-12-01', imported_at: clock.now().toISOString() })
      .execute();

    const op = await signIn(s, 'operatore1');
    const item = await op.trpc.work.next.mutate({});
    expect(item?.customerId).toBe(fine.id);
    await completeNotReached(op, item as WorkItem, clock);
    expect(await op.trpc.work.next.mutate({})).toBeNull();
    const contacts = await db
      .selectFrom('campaign_contacts')
      .select(['customer_id', 'status', 'last_outcome'])
      .orderBy('customer_id')
      .execute();
    expect(contacts).toEqual(
      expect.arrayContaining([
        { customer_id: withdrawn.id, status: 'removed', last_outcome: 'no_consent' },
        { customer_id: listed.id, status: 'removed', last_outcome: 'registry' },
      ]),
    );
  });

  it('removes an opted-out customer from every campaign at once', async () => {
    const { server: s, clock, db } = await start();
    const lead = await signIn(s, 'teamlead1');
    const [customer] = await reachableCustomers(db, 1);
    if (!customer) throw new Error('demo data too small');
    await createActiveCampaign(s, lead, [customer], { name: 'Campagna A' });
    await createActiveCampaign(s, lead, [customer], { name: 'Campagna B' });
    const op = await signIn(s, 'operatore1');
    const item = await op.trpc.work.next.mutate({});
    if (!item) throw new Error('no item');
    const at = clock.now().getTime();
    await op.trpc.interactions.complete.mutate({
      clientId: randomUUID(),
      flow: 'campaign',
      scriptId: 'campaign',
      scriptVersion: FLOW_VERSIONS.campaign,
      customerId: customer.id,
      work: { kind: 'campaign', sourceId: item.sourceId },
      startedAt: new Date(at - 60_000).toISOString(),
      endedAt: new Date(at).toISOString(),
      acwMs: 0,
      events: [
        { type: 'contact.reached', at: new Date(at - 50_000).toISOString() },
        { type: 'customer.identified', customerId: customer.id, at: new Date(at - 40_000).toISOString() },
        { type: 'customer.opted_out', at: new Date(at - 30_000).toISOString() },
      ],
      outcome: 'opt_out',
    });
    const statuses = await db
      .selectFrom('campaign_contacts')
      .select(['status', 'last_outcome'])
      .where('customer_id', '=', customer.id)
      .execute();
    expect(statuses).toEqual([
      { status: 'removed', last_outcome: 'opt_out' },
      { status: 'removed', last_outcome: 'opt_out' },
    ]);
    expect(await op.trpc.work.next.mutate({})).toBeNull();
  });
});

describe('campaigns', () => {
  it('refuses to activate a campaign whose registry check is missing or older than 30 days', async () => {
    const { server: s, clock, db } = await start();
    let lead = await signIn(s, 'teamlead1');
    const base = {
      businessUnit: 'Telco',
      productCode: 'FIBRA',
      startsOn: '2026-12-01',
      endsOn: '2027-03-31',
      maxAttempts: 3,
      retryDelayMinutes: 120,
      scriptVersion: FLOW_VERSIONS.campaign,
      siteIds: [1],
    };
    const unchecked = await lead.trpc.campaigns.create.mutate({
      requestId: randomUUID(),
      name: 'Fibra mai verificata',
      ...base,
    });
    expect(unchecked).toMatchObject({
      status: 'draft',
      registryCheckedAt: null,
      registryStale: true,
      callingWindow: { timeZone: 'Europe/Rome' },
    });
    const refused = await trpcError(
      lead.trpc.campaigns.setStatus.mutate({ requestId: randomUUID(), id: unchecked.id, status: 'active' }),
    );
    expect(refused.data).toMatchObject({ httpStatus: 412, domainCode: 'REGISTRY_STALE' });

    const checked = await lead.trpc.campaigns.create.mutate({
      requestId: randomUUID(),
      name: 'Fibra verificata',
      ...base,
    });
    await importList(s, lead, checked.id, `id\n${(await reachableCustomers(db, 3)).map((c) => c.id).join('\n')}\n`);
    clock.advance(31 * 24 * 60 * MINUTE);
    lead = await signIn(s, 'teamlead1');
    const stale = await trpcError(
      lead.trpc.campaigns.setStatus.mutate({ requestId: randomUUID(), id: checked.id, status: 'active' }),
    );
    expect(stale.data).toMatchObject({ domainCode: 'REGISTRY_STALE' });

    // a registry update (an admin's) re-checks the list and dates the check now
    const admin = await signIn(s, 'admin');
    const response = await admin.fetch(`${s.url}/api/v1/optout-registry/import`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'phone,date\n+39 320 0000001,2026-12-20\n',
    });
    expect(response.status).toBe(200);
    // the answer streams the import's progress: its 200 comes first, the import ends with the last line
    const last = JSON.parse((await response.text()).trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
    expect(last).toMatchObject({ imported: 1 });
    const active = await lead.trpc.campaigns.setStatus.mutate({
      requestId: randomUUID(),
      id: checked.id,
      status: 'active',
    });
    expect(active).toMatchObject({ status: 'active', registryStale: false, contacts: { total: 3, pending: 3 } });
    const changed = await trpcError(
      lead.trpc.campaigns.update.mutate({ requestId: randomUUID(), id: checked.id, name: 'Rinominata' }),
    );
    expect(changed.data).toMatchObject({ httpStatus: 409, domainCode: 'CAMPAIGN_STATE' });
    const paused = await lead.trpc.campaigns.setStatus.mutate({
      requestId: randomUUID(),
      id: checked.id,
      status: 'paused',
    });
    expect(paused.status).toBe('paused');
    expect(
      (await lead.trpc.campaigns.update.mutate({ requestId: randomUUID(), id: checked.id, name: 'Rinominata' })).name,
    ).toBe('Rinominata');
    const audit = await db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_type', '=', 'campaign')
      .where('entity_id', '=', String(checked.id))
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'campaign.created',
      'campaign.list_imported',
      'campaign.status',
      'campaign.status',
      'campaign.updated',
    ]);
  });

  it('keeps team leads to their own site', async () => {
    const { server: s } = await start();
    const lead = await signIn(s, 'teamlead1');
    const error = await trpcError(
      lead.trpc.campaigns.create.mutate({
        requestId: randomUUID(),
        name: 'Due sedi',
        businessUnit: 'Telco',
        productCode: 'SIM',
        startsOn: '2026-12-01',
        endsOn: '2026-12-31',
        maxAttempts: 2,
        retryDelayMinutes: 60,
        scriptVersion: FLOW_VERSIONS.campaign,
        siteIds: [1, 2],
      }),
    );
    expect(error.data).toMatchObject({ httpStatus: 403, domainCode: 'FORBIDDEN_SCOPE' });
    const admin = await signIn(s, 'admin');
    const other = await admin.trpc.campaigns.create.mutate({
      requestId: randomUUID(),
      name: 'Solo Milano',
      businessUnit: 'Telco',
      productCode: 'SIM',
      startsOn: '2026-12-01',
      endsOn: '2026-12-31',
      maxAttempts: 2,
      retryDelayMinutes: 60,
      scriptVersion: FLOW_VERSIONS.campaign,
      siteIds: [2],
    });
    expect((await lead.trpc.campaigns.list.query({})).map((c) => c.id)).not.toContain(other.id);
    expect((await trpcError(lead.trpc.campaigns.get.query({ id: other.id }))).data).toMatchObject({
      domainCode: 'FORBIDDEN_SCOPE',
    });
    const op = await signIn(s, 'operatore1');
    expect((await trpcError(op.trpc.campaigns.list.query({}))).data).toMatchObject({ httpStatus: 403 });
  });
});
