import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCallerFactory, router } from '../../trpc/init';
import { callerContext, createWorld, type FixtureUser } from '../../testing/fixtures';
import { MovableClock } from '../../testing/movable-clock';
import { createTestDeps } from '../../testing/test-deps';
import type { EffectContext } from '../outbox/effect-context';
import { leadsRouter } from './leads.router';
import { createLead } from './leads.service';
import { containing } from '../../testing/matchers';

async function setup() {
  const clock = new MovableClock('2026-11-26T09:00:00Z');
  const { deps } = await createTestDeps({ clock });
  const world = await createWorld(deps.db, clock.now());
  const ctx = (user: FixtureUser = world.users.operator): EffectContext => ({
    now: clock.now(),
    userId: user.id,
    siteId: user.siteId,
    publicUrl: 'http://x',
    ip: null,
  });
  const lead = (
    args: { customerId?: number; productCode?: string; followUpAt?: string; notes?: string | null } = {},
    user?: FixtureUser,
  ) =>
    deps.db.transaction().execute((trx) =>
      createLead(trx, ctx(user), {
        customerId: world.customers.mario,
        productCode: 'FIBRA',
        followUpAt: '2026-11-28T15:00:00+01:00',
        notes: 'Vuole la fibra entro Natale',
        interactionId: null,
        config: deps.config,
        ...args,
      }),
    );
  const caller = (user: FixtureUser = world.users.operator) =>
    createCallerFactory(router({ leads: leadsRouter }))(callerContext(deps, user)).leads;
  return { clock, deps, world, lead, caller };
}

describe('createLead', () => {
  it('opens a lead for the operator site with the follow-up in UTC, and audits', async () => {
    const { deps, world, lead } = await setup();
    const created = await lead();
    expect(created.followUpAt).toBe('2026-11-28T14:00:00.000Z');
    const row = await deps.db.selectFrom('leads').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      status: 'open',
      site_id: world.sites.roma,
      created_by: world.users.operator.id,
      notes: 'Vuole la fibra entro Natale',
    });
    expect(await deps.db.selectFrom('audit_log').select(['action', 'entity_id']).execute()).toEqual([
      { action: 'lead.created', entity_id: String(created.id) },
    ]);
  });

  it('refuses a follow-up in the past or unreadable, and a product that is not sold by phone', async () => {
    const { lead } = await setup();
    await expect(lead({ followUpAt: '2026-11-26T08:59:00Z' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      domainCode: 'VALIDATION',
    });
    await expect(lead({ followUpAt: 'domani' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      domainCode: 'VALIDATION',
    });
    await expect(lead({ productCode: 'LIBRETTO' })).rejects.toMatchObject({ domainCode: 'VALIDATION' });
    await expect(lead({ customerId: 9_999 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('leads router', () => {
  it('lists open leads of the own site to operators and team leads, all sites to admin', async () => {
    const { world, lead, caller } = await setup();
    await lead({ followUpAt: '2026-11-30T09:00:00Z' });
    await lead({ customerId: world.customers.luca, productCode: 'SIM', followUpAt: '2026-11-27T09:00:00Z' });
    await lead({ customerId: world.customers.paola, productCode: 'LUCE_GAS' }, world.users.otherOperator);

    const mine = await caller().list({ status: 'open', limit: 50 });
    expect(mine.map((l) => [l.customerName, l.productCode])).toEqual([
      ['Luca Ferrari', 'SIM'],
      ['Mario Rossi', 'FIBRA'],
    ]);
    expect(await caller(world.users.teamLead).list({ status: 'open', limit: 50 })).toHaveLength(2);
    expect(await caller(world.users.otherOperator).list({ status: 'open', limit: 50 })).toHaveLength(1);
    expect(await caller(world.users.admin).list({ status: 'open', limit: 50 })).toHaveLength(3);
    await expect(caller().list({ status: 'won', limit: 50 })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      domainCode: 'FORBIDDEN_SCOPE',
    });
    await expect(caller(world.users.tutor).list({ status: 'open', limit: 50 })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('closes a lead once per requestId: the retry gets the same answer and changes nothing', async () => {
    const { deps, clock, world, lead, caller } = await setup();
    // the site's team lead closes it (an operator only a lead they hold: test/api/data-access.test.ts)
    const teamLead = () => caller(world.users.teamLead);
    const { id } = await lead();
    const requestId = randomUUID();
    const first = await teamLead().close({ leadId: id, status: 'won', note: 'Contratto firmato', requestId });
    expect(first).toMatchObject({ id, status: 'won', notes: 'Vuole la fibra entro Natale\nContratto firmato' });

    clock.advance(60_000);
    const again = await teamLead().close({ leadId: id, status: 'won', note: 'Contratto firmato', requestId });
    expect(again).toEqual(first);

    const row = await deps.db.selectFrom('leads').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'won', closed_at: '2026-11-26T09:00:00.000Z' });
    const audit = await deps.db.selectFrom('audit_log').select('action').where('entity_type', '=', 'lead').execute();
    expect(audit.map((a) => a.action)).toEqual(['lead.created', 'lead.won']);
    expect(await deps.db.selectFrom('idempotency_keys').selectAll().execute()).toHaveLength(1);

    await expect(
      teamLead().close({ leadId: id, status: 'lost', note: 'Contratto firmato', requestId }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      domainCode: 'IDEMPOTENCY_MISMATCH',
    });
    await expect(teamLead().close({ leadId: id, status: 'lost', requestId: randomUUID() })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: containing('already closed'),
    });
  });

  it('reports the domain code of a reused request id', async () => {
    const { world, lead, caller } = await setup();
    const teamLead = () => caller(world.users.teamLead);
    const { id } = await lead();
    const requestId = randomUUID();
    await teamLead().close({ leadId: id, status: 'lost', requestId });
    const error: unknown = await caller()
      .close({ leadId: id, status: 'won', requestId })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONFLICT', domainCode: 'IDEMPOTENCY_MISMATCH' });
  });

  it('keeps leads of another site out of reach', async () => {
    const { world, lead, caller } = await setup();
    const { id } = await lead();
    await expect(
      caller(world.users.otherOperator).close({ leadId: id, status: 'won', requestId: randomUUID() }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(
      caller(world.users.admin).close({ leadId: id, status: 'won', requestId: randomUUID() }),
    ).resolves.toMatchObject({ status: 'won' });
    await expect(caller().close({ leadId: 777, status: 'won', requestId: randomUUID() })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
