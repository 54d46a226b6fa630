import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompleteInteractionInput } from '@valore/shared/schemas/interactions';
import { completion, type EventWithoutTime } from '@valore/server/testing/completions';
import { MovableClock } from '@valore/server/testing/movable-clock';
import { createApiClient, trpcError, type ApiClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';
import { db } from '../helpers/sql';

/**
 * One lead's timeline over HTTP (leads.timeline, issue 19's per-item monitoring of a lead follow-up): created on a
 * call, its follow-up planned, called and not reached, retried, released, reassigned by the team lead, called again
 * (a new time agreed), late once, and won — read from what is recorded, in time order, for tutors and team leads of
 * its site and admins.
 */

// Wednesday 2 December 2026, 10:00 in Rome
const NOW = '2026-12-02T09:00:00.000Z';
const MINUTE = 60_000;
const clock = new MovableClock(NOW);
let server: TestServer;
const clients = new Map<string, ApiClient>();

async function as(username: string): Promise<ApiClient> {
  const known = clients.get(username);
  if (known) return known;
  const client = createApiClient(server.url);
  await client.login(username);
  clients.set(username, client);
  return client;
}
const sql = () => db(server);
const nameOf = async (username: string) =>
  (await sql().get<{ display_name: string }>('SELECT display_name FROM users WHERE username = ?', username))!
    .display_name;

/** A customer with marketing consent who holds no product: any proposal may be made to them. */
async function customer(offset: number): Promise<number> {
  const row = await sql().get<{ id: number }>(
    `SELECT c.id FROM customers c
     WHERE (SELECT granted FROM consents k WHERE k.customer_id = c.id AND k.purpose = 'marketing'
            ORDER BY recorded_at DESC, id DESC LIMIT 1) = 1
       AND NOT EXISTS (SELECT 1 FROM customer_products p WHERE p.customer_id = c.id)
     ORDER BY c.id LIMIT 1 OFFSET ?`,
    offset,
  );
  if (!row) throw new Error('demo data too small');
  return row.id;
}

/** A contact that started a minute ago and lasted 40 s, on the held lead (or none). */
function contact(
  flow: CompleteInteractionInput['flow'],
  customerId: number,
  outcome: CompleteInteractionInput['outcome'],
  events: readonly EventWithoutTime[],
  leadId: number | null,
): CompleteInteractionInput {
  const input = completion(flow, customerId, outcome, events, {
    startMs: clock.now().getTime() - MINUTE,
    stepMs: 5_000,
    handleMs: 40_000,
  });
  return { ...input, work: leadId === null ? null : { kind: 'lead_followup', sourceId: String(leadId) } };
}

beforeAll(async () => {
  // the clock jumps hours ahead: sessions must outlive the jumps
  server = await startTestServer({ clock, env: { VALORE_SESSION_IDLE_MINUTES: '720' } });
  // nothing else due at site 1: the operators take the lead of this test and nothing but it
  await sql().exec(`
    UPDATE callback_requests SET status = 'cancelled' WHERE status IN ('pending', 'claimed');
    UPDATE campaigns SET status = 'paused' WHERE status = 'active';
    UPDATE leads SET follow_up_at = '2099-01-01T00:00:00.000Z' WHERE status = 'open';`);
}, 60_000);
afterAll(async () => {
  await server?.close();
});

describe('a lead’s timeline', () => {
  it('reads created, planned, not reached, retried late, released, reassigned, a new time agreed, won — in order', async () => {
    const [op1, op2, lead] = [await as('operatore1'), await as('operatore2'), await as('teamlead1')];
    const c = await customer(0);
    const identified: EventWithoutTime = { type: 'customer.identified', customerId: c };
    // 10:00: operatore1 records the lead on an inbound call, follow-up at 11:00
    const sale = await op1.trpc.interactions.complete.mutate(
      contact(
        'inbound_sales',
        c,
        'lead',
        [
          identified,
          { type: 'needs.identified', productCode: 'FIBRA' },
          { type: 'proposal.accepted' },
          { type: 'outcome.lead', followUpAt: '2026-12-02T10:00:00.000Z' },
        ],
        null,
      ),
    );
    const leadId = sale.effects.lead?.id ?? 0;
    // 11:01: operatore1 takes the follow-up and does not reach the customer: retried 15 minutes on (11:16)
    clock.set('2026-12-02T10:01:00.000Z');
    expect(await op1.trpc.work.next.mutate({})).toMatchObject({ id: `lead_followup:${leadId}` });
    clock.set('2026-12-02T10:02:00.000Z');
    await op1.trpc.interactions.complete.mutate(
      contact('callback', c, 'not_reached', [{ type: 'contact.not_reached', reason: 'no_answer' }], leadId),
    );
    // 11:40: nobody called it by 11:31 (11:16 + the 15 minutes' tolerance); operatore1 takes it and lets it go
    clock.set('2026-12-02T10:40:00.000Z');
    expect(await op1.trpc.work.next.mutate({})).toMatchObject({ id: `lead_followup:${leadId}` });
    clock.set('2026-12-02T10:41:00.000Z');
    await op1.trpc.work.release.mutate({ id: `lead_followup:${leadId}`, reason: 'in riunione' });
    // 11:42: the team lead hands it to operatore2, who calls and agrees 15:00 with the customer
    clock.set('2026-12-02T10:42:00.000Z');
    const op2Id = (await sql().get<{ id: number }>("SELECT id FROM users WHERE username = 'operatore2'"))!.id;
    await lead.trpc.leads.reassign.mutate({ leadId, ownerId: op2Id, requestId: randomUUID() });
    clock.set('2026-12-02T10:45:00.000Z');
    expect(await op2.trpc.work.next.mutate({})).toMatchObject({ id: `lead_followup:${leadId}` });
    clock.set('2026-12-02T10:46:00.000Z');
    await op2.trpc.interactions.complete.mutate(
      contact(
        'callback',
        c,
        'callback_scheduled',
        [
          { type: 'contact.reached' },
          identified,
          { type: 'callback.requested', callbackAt: '2026-12-02T14:00:00.000Z' },
        ],
        leadId,
      ),
    );
    // 15:01: operatore2 calls again and the customer takes the link to sign up: won
    clock.set('2026-12-02T14:01:00.000Z');
    expect(await op2.trpc.work.next.mutate({})).toMatchObject({ id: `lead_followup:${leadId}` });
    clock.set('2026-12-02T14:02:00.000Z');
    await op2.trpc.interactions.complete.mutate(
      contact(
        'callback',
        c,
        'digital_funnel',
        [
          { type: 'contact.reached' },
          identified,
          { type: 'needs.identified', productCode: 'FIBRA' },
          { type: 'proposal.accepted' },
          { type: 'outcome.funnel', channel: 'sms' },
        ],
        leadId,
      ),
    );

    const timeline = await lead.trpc.leads.timeline.query({ leadId });
    const [one, two, teamLead] = [await nameOf('operatore1'), await nameOf('operatore2'), await nameOf('teamlead1')];
    expect(timeline).toMatchObject({
      id: leadId,
      status: 'won',
      productCode: 'FIBRA',
      interactionId: sale.interactionId,
      followUpAt: '2026-12-02T14:00:00.000Z',
    });
    expect(timeline.events.map((e) => [e.at, e.event, e.by, e.detail])).toEqual([
      [NOW, 'created', one, 'inbound_sales'],
      [NOW, 'scheduled', one, '2026-12-02T10:00:00.000Z'],
      ['2026-12-02T10:01:00.000Z', 'contact_started', one, null],
      ['2026-12-02T10:01:40.000Z', 'contact_ended', one, 'not_reached'],
      ['2026-12-02T10:02:00.000Z', 'scheduled', null, '2026-12-02T10:17:00.000Z'],
      ['2026-12-02T10:32:00.000Z', 'breached', null, null],
      ['2026-12-02T10:41:00.000Z', 'released', one, null],
      ['2026-12-02T10:42:00.000Z', 'changed', teamLead, 'lead.reassigned'],
      ['2026-12-02T10:45:00.000Z', 'contact_started', two, null],
      ['2026-12-02T10:45:40.000Z', 'contact_ended', two, 'callback_scheduled'],
      ['2026-12-02T10:46:00.000Z', 'scheduled', two, '2026-12-02T14:00:00.000Z'],
      ['2026-12-02T14:01:00.000Z', 'contact_started', two, null],
      ['2026-12-02T14:01:40.000Z', 'contact_ended', two, 'digital_funnel'],
      ['2026-12-02T14:02:00.000Z', 'won', two, 'digital_funnel'],
    ]);
    // no note's text, no customer's data: the events say what happened, not what was written
    expect(JSON.stringify(timeline)).not.toContain('in riunione');
  });

  it('tells a lease left to run out by the operator who held it, and a lead closed by hand', async () => {
    // a new day, new sign-ins
    clock.set('2026-12-03T09:00:00.000Z');
    clients.clear();
    const [op1, lead] = [await as('operatore1'), await as('teamlead1')];
    const c = await customer(1);
    const sale = await op1.trpc.interactions.complete.mutate(
      contact(
        'inbound_sales',
        c,
        'lead',
        [
          { type: 'customer.identified', customerId: c },
          { type: 'needs.identified', productCode: 'FIBRA' },
          { type: 'proposal.accepted' },
          { type: 'outcome.lead', followUpAt: '2026-12-03T09:30:00.000Z' },
        ],
        null,
      ),
    );
    const leadId = sale.effects.lead?.id ?? 0;
    clock.set('2026-12-03T09:31:00.000Z');
    expect(await op1.trpc.work.next.mutate({})).toMatchObject({ id: `lead_followup:${leadId}` });
    const lease = (await sql().get<{ lease_expires_at: string }>(
      'SELECT lease_expires_at FROM leads WHERE id = ?',
      leadId,
    ))!;
    clock.set(new Date(Date.parse(lease.lease_expires_at) + MINUTE));
    const expired = await lead.trpc.leads.timeline.query({ leadId });
    expect(expired.events.find((e) => e.event === 'lease_expired')).toEqual({
      at: lease.lease_expires_at,
      event: 'lease_expired',
      by: await nameOf('operatore1'),
      detail: null,
    });
    await lead.trpc.leads.close.mutate({ leadId, status: 'lost', note: 'Cliente trasferito', requestId: randomUUID() });
    const closed = await lead.trpc.leads.timeline.query({ leadId });
    expect(closed.status).toBe('lost');
    expect(closed.events.at(-1)).toMatchObject({ event: 'lost', by: await nameOf('teamlead1'), detail: null });
    // the close's note stays in the lead, not in its timeline
    expect(JSON.stringify(closed)).not.toContain('trasferito');
  });

  it('is for tutors and team leads of its site and admins; bad input is a 400, an unknown lead a 404', async () => {
    clients.clear();
    const leadId = (await sql().get<{ id: number }>(
      'SELECT id FROM leads WHERE site_id = 1 AND interaction_id IS NOT NULL ORDER BY id DESC',
    ))!.id;
    for (const username of ['tutor1', 'teamlead1', 'admin'])
      expect((await (await as(username)).trpc.leads.timeline.query({ leadId })).id).toBe(leadId);
    const operator = await trpcError((await as('operatore1')).trpc.leads.timeline.query({ leadId }));
    expect(operator.data).toMatchObject({ httpStatus: 403, domainCode: 'FORBIDDEN_ROLE' });
    // site 2's tutor and team lead see site 2's leads only
    for (const username of ['tutor2', 'teamlead2']) {
      const refused = await trpcError((await as(username)).trpc.leads.timeline.query({ leadId }));
      expect(refused.data).toMatchObject({ httpStatus: 403, domainCode: 'FORBIDDEN_SCOPE' });
    }
    const site2 = await sql().get<{ id: number }>('SELECT id FROM leads WHERE site_id = 2 LIMIT 1');
    if (site2)
      expect((await (await as('teamlead2')).trpc.leads.timeline.query({ leadId: site2.id })).id).toBe(site2.id);

    const admin = await as('admin');
    for (const input of [{ leadId: 0 }, { leadId: -1 }, { leadId: 1.5 }, { leadId: '7' }, {}, { leadId, extra: 1 }]) {
      const bad = await trpcError(admin.trpc.leads.timeline.query(input as never));
      expect(bad.data?.httpStatus, JSON.stringify(input)).toBe(400);
    }
    const unknown = await trpcError(admin.trpc.leads.timeline.query({ leadId: 999_999_999 }));
    expect(unknown.data).toMatchObject({ httpStatus: 404, domainCode: 'NOT_FOUND' });
  });
});
