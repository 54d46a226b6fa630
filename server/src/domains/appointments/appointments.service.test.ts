import { describe, expect, it } from 'vitest';
import { createCallerFactory, router } from '../../trpc/init';
import { callerContext, createPostOffice, createSlot, createWorld } from '../../testing/fixtures';
import { MovableClock } from '../../testing/movable-clock';
import { createTestDeps } from '../../testing/test-deps';
import type { EffectContext } from '../outbox/effect-context';
import { appointmentsRouter } from './appointments.router';
import { bookAppointment } from './appointments.service';

const NOW = '2026-11-26T09:00:00Z';

async function setup() {
  const clock = new MovableClock(NOW);
  const { deps, database } = await createTestDeps({ clock });
  const world = await createWorld(deps.db, clock.now());
  const ctx: EffectContext = {
    now: clock.now(),
    userId: world.users.operator.id,
    siteId: world.sites.roma,
    publicUrl: 'http://localhost:3000',
    ip: '10.0.0.7',
  };
  const caller = (user = world.users.operator) =>
    createCallerFactory(router({ appointments: appointmentsRouter }))(callerContext(deps, user)).appointments;
  return { clock, deps, database, world, ctx, caller };
}

describe('bookAppointment', () => {
  it('books a seat, queues an Italian SMS and e-mail with office, address and Rome time, and audits', async () => {
    const { deps, world, ctx } = await setup();
    const slotId = await createSlot(deps.db, {
      postOfficeId: world.offices.romaCentro,
      startsAt: '2026-12-01T09:30:00Z',
      capacity: 2,
    });
    const result = await deps.db.transaction().execute((trx) =>
      bookAppointment(trx, ctx, {
        slotId,
        postOfficeId: world.offices.romaCentro,
        customerId: world.customers.mario,
        productCode: 'LIBRETTO',
        interactionId: null,
      }),
    );
    expect(result).toMatchObject({ postOfficeName: 'Roma Centro', startsAt: '2026-12-01T09:30:00.000Z' });

    const slot = await deps.db
      .selectFrom('appointment_slots')
      .selectAll()
      .where('id', '=', slotId)
      .executeTakeFirstOrThrow();
    expect(slot.booked).toBe(1);
    const appointment = await deps.db
      .selectFrom('appointments')
      .selectAll()
      .where('id', '=', result.id)
      .executeTakeFirstOrThrow();
    expect(appointment).toMatchObject({
      status: 'booked',
      customer_id: world.customers.mario,
      created_by: world.users.operator.id,
      product_code: 'LIBRETTO',
    });

    const messages = await deps.db
      .selectFrom('outbox')
      .selectAll()
      .where('ref_type', '=', 'appointment')
      .orderBy('id')
      .execute();
    expect(messages.map((m) => [m.channel, m.recipient, m.status])).toEqual([
      ['sms', '+393331112223', 'pending'],
      ['email', 'mario.rossi@example.it', 'pending'],
    ]);
    // 09:30 UTC is 10:30 in Rome in December
    for (const m of messages) {
      expect(m.body).toContain('Roma Centro');
      expect(m.body).toContain('Piazza di San Silvestro 19');
      expect(m.body).toContain('martedì 1 dicembre 2026');
      expect(m.body).toContain('10:30');
      expect(m.body).toContain('Libretto di risparmio');
    }
    expect(messages[1]?.subject).toContain('Conferma appuntamento');
    const audit = await deps.db.selectFrom('audit_log').selectAll().execute();
    expect(audit).toMatchObject([
      { action: 'appointment.booked', entity_id: String(result.id), actor_id: world.users.operator.id, ip: '10.0.0.7' },
    ]);
  });

  it('sends only the SMS to a customer without e-mail', async () => {
    const { deps, world, ctx } = await setup();
    await deps.db.transaction().execute((trx) =>
      bookAppointment(trx, ctx, {
        slotId: world.slots.romaCentroTomorrow,
        postOfficeId: world.offices.romaCentro,
        customerId: world.customers.giulia,
        productCode: 'CONTO',
        interactionId: null,
      }),
    );
    const messages = await deps.db
      .selectFrom('outbox')
      .select(['channel', 'recipient', 'ref_type'])
      .orderBy('id')
      .execute();
    // the confirmation now and the reminder the evening before, both by SMS only
    expect(messages).toEqual([
      { channel: 'sms', recipient: '+393471234567', ref_type: 'appointment' },
      { channel: 'sms', recipient: '+393471234567', ref_type: 'appointment_reminder' },
    ]);
  });

  it('lets exactly `capacity` of 20 concurrent bookings win; the others get SLOT_FULL', async () => {
    const { deps, world, ctx } = await setup();
    const slotId = world.slots.romaCentroTomorrow; // capacity 2
    const attempts = Array.from({ length: 20 }, (_, i) =>
      deps.db.transaction().execute((trx) =>
        bookAppointment(trx, ctx, {
          slotId,
          postOfficeId: world.offices.romaCentro,
          customerId: i % 2 === 0 ? world.customers.mario : world.customers.giulia,
          productCode: 'LIBRETTO',
          interactionId: null,
        }),
      ),
    );
    const results = await Promise.allSettled(attempts);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(2);
    expect(failed).toHaveLength(18);
    for (const f of failed) expect(f.reason).toMatchObject({ code: 'CONFLICT', domainCode: 'SLOT_FULL' });
    const slot = await deps.db
      .selectFrom('appointment_slots')
      .select('booked')
      .where('id', '=', slotId)
      .executeTakeFirstOrThrow();
    expect(slot.booked).toBe(2);
    const rows = await deps.db.selectFrom('appointments').select('id').where('slot_id', '=', slotId).execute();
    expect(rows).toHaveLength(2);
    // the losers rolled back: no stray messages or audit rows
    expect(await deps.db.selectFrom('audit_log').select('id').execute()).toHaveLength(2);
  });

  it('refuses a slot that has already started', async () => {
    const { deps, world, ctx } = await setup();
    await expect(
      deps.db.transaction().execute((trx) =>
        bookAppointment(trx, ctx, {
          slotId: world.slots.romaCentroPast,
          postOfficeId: world.offices.romaCentro,
          customerId: world.customers.mario,
          productCode: 'LIBRETTO',
          interactionId: null,
        }),
      ),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', domainCode: 'VALIDATION' });
  });

  it('refuses a slot of another office, an unknown slot and a product that is not sold in branches', async () => {
    const { deps, world, ctx } = await setup();
    const book = (args: { slotId: number; postOfficeId: number; productCode?: string }) =>
      deps.db.transaction().execute((trx) =>
        bookAppointment(trx, ctx, {
          customerId: world.customers.mario,
          productCode: 'LIBRETTO',
          interactionId: null,
          ...args,
        }),
      );
    await expect(
      book({ slotId: world.slots.romaCentroTomorrow, postOfficeId: world.offices.romaEur }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', domainCode: 'VALIDATION' });
    await expect(book({ slotId: 99_999, postOfficeId: world.offices.romaEur })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      domainCode: 'NOT_FOUND',
    });
    await expect(
      book({ slotId: world.slots.romaCentroTomorrow, postOfficeId: world.offices.romaCentro, productCode: 'FIBRA' }),
    ).rejects.toMatchObject({ domainCode: 'VALIDATION' });
    const slot = await deps.db
      .selectFrom('appointment_slots')
      .select('booked')
      .where('id', '=', world.slots.romaCentroTomorrow)
      .executeTakeFirstOrThrow();
    expect(slot.booked).toBe(0);
  });
});

describe('appointments router', () => {
  it('lists the customer province first, then the rest of the district, busiest availability first', async () => {
    const { deps, world, caller } = await setup();
    // Viterbo customer: VT is only in Roma e Lazio Nord (RM VT RI)
    await createSlot(deps.db, { postOfficeId: world.offices.rieti, startsAt: '2026-11-28T09:00:00Z', capacity: 3 });
    const offices = await caller().nearbyOffices({ customerId: world.customers.giulia });
    expect(offices.map((o) => [o.name, o.proximity])).toEqual([
      ['Viterbo Centro', 'province'],
      ['Rieti Centro', 'district'], // 3 free slots
      ['Roma Centro', 'district'], // 2 free (the past one does not count)
      ['Roma Eur', 'district'],
    ]);
    expect(offices[1]).toMatchObject({ freeSlots: 3, nextFreeAt: '2026-11-27T09:30:00.000Z' });
  });

  it('serves a Roma customer from both Lazio districts, and not from Milan', async () => {
    const { world, caller } = await setup();
    const offices = await caller().nearbyOffices({ customerId: world.customers.mario });
    expect(offices.slice(0, 2).map((o) => o.proximity)).toEqual(['province', 'province']);
    expect(new Set(offices.slice(0, 2).map((o) => o.districtCode))).toEqual(new Set(['RLN', 'RLS']));
    expect(
      offices
        .slice(2)
        .map((o) => o.provinceCode)
        .sort(),
    ).toEqual(['FR', 'LT', 'RI', 'VT']);
    const latina = await caller().nearbyOffices({ customerId: world.customers.luca });
    expect(latina.map((o) => o.provinceCode)).toEqual(['LT', 'FR', 'RM', 'RM']);
  });

  it('ignores full and far-away slots in the free count, and caps the list at 12 offices', async () => {
    const { deps, world, caller } = await setup();
    await createSlot(deps.db, {
      postOfficeId: world.offices.viterbo,
      startsAt: '2026-11-27T12:00:00Z',
      capacity: 1,
      booked: 1,
    });
    await createSlot(deps.db, { postOfficeId: world.offices.viterbo, startsAt: '2026-12-20T12:00:00Z', capacity: 1 });
    for (let i = 0; i < 15; i++) {
      await createPostOffice(deps.db, {
        code: `UPX${i}`,
        name: `Viterbo ${i}`,
        provinceCode: 'VT',
        districtCode: 'RLN',
      });
    }
    const offices = await caller().nearbyOffices({ customerId: world.customers.giulia });
    expect(offices).toHaveLength(12);
    expect(offices.every((o) => o.proximity === 'province')).toBe(true);
    expect(offices[0]).toMatchObject({ name: 'Viterbo Centro', freeSlots: 2 });
  });

  it('shows an office slots, full ones included, and a booking among its appointments', async () => {
    const { deps, world, ctx, caller } = await setup();
    await deps.db.transaction().execute((trx) =>
      bookAppointment(trx, ctx, {
        slotId: world.slots.romaCentroTomorrowSingle,
        postOfficeId: world.offices.romaCentro,
        customerId: world.customers.mario,
        productCode: 'BUONI',
        interactionId: null,
      }),
    );
    const slots = await caller().slots({ postOfficeId: world.offices.romaCentro, days: 7 });
    expect(slots.map((s) => [s.id, s.free])).toEqual([
      [world.slots.romaCentroTomorrow, 2],
      [world.slots.romaCentroTomorrowSingle, 0],
    ]);
    const booked = await caller(world.users.teamLead).officeAppointments({ postOfficeId: world.offices.romaCentro });
    expect(booked).toMatchObject([
      {
        slotId: world.slots.romaCentroTomorrowSingle,
        customerName: 'Mario Rossi',
        productCode: 'BUONI',
        status: 'booked',
      },
    ]);
    // an operator sees only the appointments they booked, another site's operator none of this site's
    expect(
      await caller(world.users.operator).officeAppointments({ postOfficeId: world.offices.romaCentro }),
    ).toHaveLength(1);
    expect(
      await caller(world.users.otherOperator).officeAppointments({ postOfficeId: world.offices.romaCentro }),
    ).toEqual([]);
    expect(
      await caller(world.users.otherOperator).officeAppointments({ postOfficeId: world.offices.romaCentro }),
    ).toEqual([]);
    expect(await caller(world.users.admin).officeAppointments({ postOfficeId: world.offices.romaCentro })).toHaveLength(
      1,
    );
  });

  it('answers NOT_FOUND for unknown customers and offices, and FORBIDDEN to team leads searching branches', async () => {
    const { world, caller } = await setup();
    await expect(caller().nearbyOffices({ customerId: 4242 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(caller().slots({ postOfficeId: 4242, days: 14 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      caller(world.users.teamLead).nearbyOffices({ customerId: world.customers.mario }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
