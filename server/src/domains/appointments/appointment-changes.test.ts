import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCallerFactory, router } from '../../trpc/init';
import { callerContext, createSlot, createUser, createWorld } from '../../testing/fixtures';
import { MovableClock } from '../../testing/movable-clock';
import { createTestDeps } from '../../testing/test-deps';
import type { EffectContext } from '../outbox/effect-context';
import { cancelAppointment, changeAppointmentStatus, freeSlotsForMove, moveAppointment } from './appointment-changes';
import { REMINDER_REF_TYPE, reminderSendAt } from './appointment-reminder';
import { appointmentsRouter } from './appointments.router';
import { bookAppointment } from './appointments.service';
import { workRouter } from '../work/work.router';
import { reapExpiredLeases } from '../work/work.repository';
import { anyArray, anyString, containing } from '../../testing/matchers';

const NOW = '2026-11-26T09:00:00Z'; // Thursday, 10:00 in Rome

async function setup() {
  const clock = new MovableClock(NOW);
  const { deps } = await createTestDeps({ clock });
  const world = await createWorld(deps.db, clock.now());
  const ctx: EffectContext = {
    now: clock.now(),
    userId: world.users.operator.id,
    siteId: world.sites.roma,
    publicUrl: 'http://localhost:3000',
    ip: '10.0.0.7',
  };
  const caller = (user = world.users.teamLead) =>
    createCallerFactory(router({ appointments: appointmentsRouter }))(callerContext(deps, user)).appointments;
  const book = (slotId = world.slots.romaCentroTomorrow, customerId = world.customers.mario) =>
    deps.db.transaction().execute((trx) =>
      bookAppointment(trx, ctx, {
        slotId,
        postOfficeId: world.offices.romaCentro,
        customerId,
        productCode: 'LIBRETTO',
        interactionId: null,
      }),
    );
  const booked = async (slotId: number) =>
    (await deps.db.selectFrom('appointment_slots').select('booked').where('id', '=', slotId).executeTakeFirstOrThrow())
      .booked;
  const reminders = (appointmentId: number) =>
    deps.db
      .selectFrom('outbox')
      .select(['channel', 'recipient', 'body', 'status', 'next_attempt_at'])
      .where('ref_type', '=', REMINDER_REF_TYPE)
      .where('ref_id', '=', String(appointmentId))
      .orderBy('id')
      .execute();
  const reschedules = (appointmentId: number) =>
    deps.db
      .selectFrom('callback_requests')
      .selectAll()
      .where('appointment_id', '=', appointmentId)
      .where('origin', '=', 'reschedule')
      .orderBy('created_at')
      .execute();
  const actor = { userId: world.users.teamLead.id, by: 'team_lead' as const, ip: '10.0.0.9' };
  return { clock, deps, world, caller, book, booked, reminders, reschedules, actor };
}

describe('reminder at booking', () => {
  it('queues an Italian SMS and e-mail for the evening before at 18:00 Rome time, with office and address', async () => {
    const { book, reminders } = await setup();
    const { id } = await book();
    const rows = await reminders(id);
    expect(rows.map((r) => [r.channel, r.recipient, r.status, r.next_attempt_at])).toEqual([
      ['sms', '+393331112223', 'pending', '2026-11-26T17:00:00.000Z'],
      ['email', 'mario.rossi@example.it', 'pending', '2026-11-26T17:00:00.000Z'],
    ]);
    for (const r of rows) {
      expect(r.body).toContain('venerdì 27 novembre');
      expect(r.body).toContain('10:30');
      expect(r.body).toContain('Roma Centro');
      expect(r.body).toContain('Piazza di San Silvestro 19');
    }
  });
});

describe('cancelAppointment', () => {
  it('frees the seat, withdraws the pending reminder and audits; a cancelled appointment stays cancelled', async () => {
    const { deps, world, book, booked, reminders, actor, clock, caller } = await setup();
    const { id } = await book();
    expect(await booked(world.slots.romaCentroTomorrow)).toBe(1);
    const result = await deps.db
      .transaction()
      .execute((trx) =>
        cancelAppointment(trx, { ...actor, appointmentId: id, now: clock.now(), reason: 'customer called' }),
      );
    expect(result).toEqual({ id, status: 'cancelled' });
    expect(await booked(world.slots.romaCentroTomorrow)).toBe(0);
    expect(await reminders(id)).toEqual([]);
    // the confirmation already queued is not a reminder: it stays
    expect(
      await deps.db.selectFrom('outbox').select('ref_type').where('ref_type', '=', 'appointment').execute(),
    ).toHaveLength(2);
    const audit = await deps.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'appointment.cancelled')
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]?.details ?? '{}')).toMatchObject({
      by: 'team_lead',
      reason: 'customer called',
      remindersWithdrawn: 2,
    });

    await expect(
      deps.db
        .transaction()
        .execute((trx) => cancelAppointment(trx, { ...actor, appointmentId: id, now: clock.now(), reason: null })),
    ).rejects.toMatchObject({ code: 'CONFLICT', message: containing('only a booked appointment') });
    await expect(
      caller().setStatus({ appointmentId: id, status: 'booked', requestId: randomUUID() }),
    ).rejects.toMatchObject({ code: 'CONFLICT', message: containing('book a new appointment') });
    await expect(
      caller().setStatus({ appointmentId: id, status: 'attended', requestId: randomUUID() }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await booked(world.slots.romaCentroTomorrow)).toBe(0);
  });

  it('cancelling through setStatus frees the seat too; an appointment that has started cannot be cancelled', async () => {
    const { world, book, booked, caller, clock, reminders } = await setup();
    const first = await book();
    const second = await book(world.slots.romaCentroTomorrow, world.customers.giulia);
    expect(await booked(world.slots.romaCentroTomorrow)).toBe(2);
    await caller().setStatus({ appointmentId: first.id, status: 'cancelled', requestId: randomUUID() });
    expect(await booked(world.slots.romaCentroTomorrow)).toBe(1);
    expect(await reminders(first.id)).toEqual([]);
    clock.set('2026-11-27T09:45:00Z');
    await expect(
      caller().setStatus({ appointmentId: second.id, status: 'cancelled', requestId: randomUUID() }),
    ).rejects.toMatchObject({ code: 'CONFLICT', message: containing('already started') });
    expect(await booked(world.slots.romaCentroTomorrow)).toBe(1);
  });

  it('answers NOT_FOUND for an unknown appointment', async () => {
    const { deps, actor, clock } = await setup();
    await expect(
      deps.db
        .transaction()
        .execute((trx) => cancelAppointment(trx, { ...actor, appointmentId: 4242, now: clock.now(), reason: null })),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('moveAppointment', () => {
  it('takes the new seat, gives the old one back and moves the reminder to the evening before the new day', async () => {
    const { deps, world, book, booked, reminders, actor, clock } = await setup();
    const target = await createSlot(deps.db, {
      postOfficeId: world.offices.romaCentro,
      startsAt: '2026-12-03T14:00:00Z',
      capacity: 1,
    });
    const { id } = await book();
    const moved = await deps.db
      .transaction()
      .execute((trx) => moveAppointment(trx, { ...actor, appointmentId: id, slotId: target, now: clock.now() }));
    expect(moved).toEqual({
      id,
      slotId: target,
      startsAt: '2026-12-03T14:00:00.000Z',
      endsAt: '2026-12-03T14:30:00.000Z',
    });
    expect(await booked(world.slots.romaCentroTomorrow)).toBe(0);
    expect(await booked(target)).toBe(1);
    const rows = await reminders(id);
    expect(rows.map((r) => r.next_attempt_at)).toEqual(['2026-12-02T17:00:00.000Z', '2026-12-02T17:00:00.000Z']);
    expect(rows[0]?.body).toContain('giovedì 3 dicembre');
    expect(rows[0]?.body).toContain('15:00');
    const audit = await deps.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'appointment.moved')
      .execute();
    expect(JSON.parse(audit[0]?.details ?? '{}')).toMatchObject({
      fromSlotId: world.slots.romaCentroTomorrow,
      toSlotId: target,
    });
  });

  it('never overbooks: a full slot is refused, and of two moves racing for the last seat exactly one wins', async () => {
    const { deps, world, book, booked, actor, clock } = await setup();
    const full = await createSlot(deps.db, {
      postOfficeId: world.offices.romaCentro,
      startsAt: '2026-12-03T09:00:00Z',
      capacity: 1,
      booked: 1,
    });
    const last = await createSlot(deps.db, {
      postOfficeId: world.offices.romaCentro,
      startsAt: '2026-12-03T10:00:00Z',
      capacity: 1,
    });
    const a = await book();
    const b = await book(world.slots.romaCentroTomorrow, world.customers.giulia);
    const move = (appointmentId: number, slotId: number) =>
      deps.db
        .transaction()
        .execute((trx) => moveAppointment(trx, { ...actor, appointmentId, slotId, now: clock.now() }));
    await expect(move(a.id, full)).rejects.toMatchObject({ code: 'CONFLICT', domainCode: 'SLOT_FULL' });
    expect(await booked(world.slots.romaCentroTomorrow)).toBe(2);

    const results = await Promise.allSettled([move(a.id, last), move(b.id, last)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(lost?.reason).toMatchObject({ code: 'CONFLICT', domainCode: 'SLOT_FULL' });
    expect(await booked(last)).toBe(1);
    expect(await booked(world.slots.romaCentroTomorrow)).toBe(1);
    const onLast = await deps.db.selectFrom('appointments').select('id').where('slot_id', '=', last).execute();
    expect(onLast).toHaveLength(1);
  });

  it('refuses the same slot, a past slot, and an appointment that is not booked', async () => {
    const { deps, world, book, actor, clock, caller } = await setup();
    const { id } = await book();
    const move = (slotId: number) =>
      deps.db
        .transaction()
        .execute((trx) => moveAppointment(trx, { ...actor, appointmentId: id, slotId, now: clock.now() }));
    await expect(move(world.slots.romaCentroTomorrow)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      fields: { slotId: anyArray() },
    });
    await expect(move(world.slots.romaCentroPast)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      fields: { slotId: anyArray() },
    });
    await caller().setStatus({ appointmentId: id, status: 'attended', requestId: randomUUID() });
    await expect(move(world.slots.romaCentroTomorrowSingle)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: containing('already marked as attended'),
    });
  });
});

describe('freeSlotsForMove', () => {
  it('lists the future slots of the same office that have room, not the current one', async () => {
    const { deps, world, book, clock } = await setup();
    await createSlot(deps.db, {
      postOfficeId: world.offices.romaCentro,
      startsAt: '2026-12-01T09:00:00Z',
      capacity: 1,
      booked: 1,
    });
    const later = await createSlot(deps.db, {
      postOfficeId: world.offices.romaCentro,
      startsAt: '2026-12-01T10:00:00Z',
      capacity: 3,
      booked: 1,
    });
    await createSlot(deps.db, {
      postOfficeId: world.offices.romaCentro,
      startsAt: '2026-12-30T10:00:00Z',
      capacity: 3,
    });
    const { id } = await book();
    const slots = await freeSlotsForMove(deps.db, { appointmentId: id, now: clock.now(), days: 14 });
    expect(slots).toEqual([
      {
        slotId: world.slots.romaCentroTomorrowSingle,
        startsAt: '2026-11-27T10:00:00.000Z',
        endsAt: '2026-11-27T10:30:00.000Z',
        free: 1,
      },
      { slotId: later, startsAt: '2026-12-01T10:00:00.000Z', endsAt: '2026-12-01T10:30:00.000Z', free: 2 },
    ]);
  });
});

describe('attendance (changeAppointmentStatus)', () => {
  it('a no-show becomes one reschedule callback owned by the booking operator, due at the next opening an hour on', async () => {
    const { world, book, caller, clock, reschedules } = await setup();
    const { id } = await book();
    clock.set('2026-11-27T11:00:00Z'); // Friday 12:00 in Rome
    const change = await caller().setStatus({ appointmentId: id, status: 'no_show', requestId: randomUUID() });
    expect(change).toMatchObject({ id, status: 'no_show', rescheduleCallbackId: anyString() });
    // repeated reports change nothing
    await caller().setStatus({ appointmentId: id, status: 'no_show', requestId: randomUUID() });
    const rows = await reschedules(id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: change.rescheduleCallbackId,
      status: 'pending',
      flow: 'callback',
      customer_id: world.customers.mario,
      product_code: 'LIBRETTO',
      phone: '+393331112223',
      owner_id: world.users.operator.id,
      site_id: world.sites.roma,
      due_at: '2026-11-27T12:00:00.000Z',
    });

    // corrected to attended: the pending reschedule is withdrawn; back to no-show: a new one, still only one open
    await caller().setStatus({ appointmentId: id, status: 'attended', requestId: randomUUID() });
    expect((await reschedules(id)).map((r) => r.status)).toEqual(['cancelled']);
    const again = await caller().setStatus({ appointmentId: id, status: 'no_show', requestId: randomUUID() });
    expect((await reschedules(id)).map((r) => [r.id, r.status])).toEqual([
      [rows[0]?.id, 'cancelled'],
      [again.rescheduleCallbackId, 'pending'],
    ]);
  });

  it('a reschedule an operator is calling when the no-show is corrected stays theirs, and closes when it comes back', async () => {
    const { deps, world, book, caller, clock, reschedules } = await setup();
    const work = createCallerFactory(router({ work: workRouter }))(callerContext(deps, world.users.operator)).work;
    const { id } = await book();
    clock.set('2026-11-27T11:00:00Z');
    const noShow = await caller().setStatus({ appointmentId: id, status: 'no_show', requestId: randomUUID() });
    clock.set('2026-11-27T12:01:00Z'); // the reschedule is due: the booking operator takes it
    expect(await work.next({})).toMatchObject({ id: `callback:${noShow.rescheduleCallbackId}` });

    // the branch corrects its report while the operator is on it: it stays theirs, marked withdrawn
    const attended = await caller().setStatus({ appointmentId: id, status: 'attended', requestId: randomUUID() });
    expect(attended.rescheduleCallbackId).toBeNull();
    expect((await reschedules(id)).map((r) => [r.status, r.lease_owner, r.withdrawn_reason])).toEqual([
      ['claimed', world.users.operator.id, 'appointment_attended'],
    ]);
    // a no-show again: it is wanted after all (the mark comes off, no second reschedule)
    const again = await caller().setStatus({ appointmentId: id, status: 'no_show', requestId: randomUUID() });
    expect(again.rescheduleCallbackId).toBe(noShow.rescheduleCallbackId);
    expect((await reschedules(id)).map((r) => [r.status, r.withdrawn_reason])).toEqual([['claimed', null]]);
    await caller().setStatus({ appointmentId: id, status: 'attended', requestId: randomUUID() });

    // released: it closes with the withdrawal's reason instead of going back to the queue
    expect(await work.release({ id: `callback:${noShow.rescheduleCallbackId}`, reason: 'Pausa' })).toEqual({
      released: true,
    });
    expect((await reschedules(id)).map((r) => [r.status, r.close_reason, r.lease_owner])).toEqual([
      ['cancelled', 'appointment_attended', null],
    ]);
    expect(await work.next({})).toBeNull();
  });

  it('a withdrawn reschedule whose lease runs out closes too; a held one not withdrawn goes back to the queue', async () => {
    const { deps, world, book, caller, clock, reschedules } = await setup();
    const work = createCallerFactory(router({ work: workRouter }))(callerContext(deps, world.users.operator)).work;
    const first = await book();
    const second = await book(world.slots.romaCentroTomorrow, world.customers.giulia);
    clock.set('2026-11-27T11:00:00Z');
    for (const a of [first, second])
      await caller().setStatus({ appointmentId: a.id, status: 'no_show', requestId: randomUUID() });
    clock.set('2026-11-27T12:01:00Z');
    await work.next({});
    const held = await deps.db
      .selectFrom('callback_requests')
      .select(['id', 'appointment_id'])
      .where('status', '=', 'claimed')
      .executeTakeFirstOrThrow();
    const other = held.appointment_id === first.id ? second.id : first.id;
    await caller().setStatus({ appointmentId: held.appointment_id ?? 0, status: 'booked', requestId: randomUUID() });
    await deps.db.transaction().execute((trx) => reapExpiredLeases(trx, '2026-11-28T00:00:00.000Z'));
    expect((await reschedules(held.appointment_id ?? 0)).map((r) => [r.status, r.close_reason])).toEqual([
      ['cancelled', 'appointment_booked'],
    ]);
    expect((await reschedules(other)).map((r) => r.status)).toEqual(['pending']);
  });

  it('after closing time the reschedule is due when the service opens again; a no-show before the start is refused', async () => {
    const { deps, world, book, caller, clock, reschedules } = await setup();
    // Saturday 28 November is staffed: a reschedule takes a place of the Call Me Back capacity, and a Saturday has
    // people on shift only by a published rota (callbacks/callback-capacity.ts)
    await deps.db
      .insertInto('rota_shifts')
      .values({
        site_id: world.sites.roma,
        user_id: world.users.operator.id,
        date: '2026-11-28',
        kind: 'saturday',
        starts: '07:30',
        ends: '15:12',
        status: 'published',
        created_at: '2026-11-20T08:00:00.000Z',
        published_at: '2026-11-20T08:00:00.000Z',
      })
      .execute();
    const { id } = await book();
    await expect(
      caller().setStatus({ appointmentId: id, status: 'no_show', requestId: randomUUID() }),
    ).rejects.toMatchObject({ code: 'CONFLICT', message: containing('has not started yet') });
    expect(await reschedules(id)).toEqual([]);
    clock.set('2026-11-27T18:45:00Z'); // Friday 19:45 in Rome, the service closes at 19:30
    await caller().setStatus({ appointmentId: id, status: 'no_show', requestId: randomUUID() });
    expect((await reschedules(id))[0]).toMatchObject({ due_at: '2026-11-28T06:30:00.000Z' }); // Saturday 07:30
  });

  it('a booking operator who is no longer active leaves the reschedule to the site pool', async () => {
    const { deps, world, book, clock, reschedules } = await setup();
    const { id } = await book();
    await deps.db.updateTable('users').set({ active: 0 }).where('id', '=', world.users.operator.id).execute();
    clock.set('2026-11-27T11:00:00Z');
    await deps.db.transaction().execute((trx) =>
      changeAppointmentStatus(trx, {
        appointmentId: id,
        status: 'no_show',
        now: clock.now(),
        config: deps.config,
        userId: null,
        by: 'post_office',
        ip: null,
      }),
    );
    expect((await reschedules(id))[0]).toMatchObject({
      owner_id: null,
      site_id: world.sites.roma,
      personal_until: null,
    });
  });

  it('team leads act only on their own site, admins on any; the idempotent retry answers the first result', async () => {
    const { deps, world, book, caller, clock } = await setup();
    const { id } = await book();
    clock.set('2026-11-27T11:00:00Z');
    const otherLead = await createUser(deps.db, {
      username: 'teamlead2',
      displayName: 'Other Lead',
      role: 'team_lead',
      siteId: world.sites.milano,
      now: clock.now(),
    });
    await expect(
      caller(otherLead).setStatus({ appointmentId: id, status: 'attended', requestId: randomUUID() }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const requestId = randomUUID();
    const first = await caller(world.users.admin).setStatus({ appointmentId: id, status: 'attended', requestId });
    const retry = await caller(world.users.admin).setStatus({ appointmentId: id, status: 'attended', requestId });
    expect(retry).toEqual(first);
    const audits = await deps.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'appointment.attended')
      .execute();
    expect(audits).toHaveLength(1);
  });
});

describe('siteAppointments (the team lead day view)', () => {
  it("lists the site's appointments of a Rome day, every status, with the no-show's reschedule", async () => {
    const { world, book, caller, clock } = await setup();
    const a = await book();
    const b = await book(world.slots.romaCentroTomorrow, world.customers.giulia);
    clock.set('2026-11-27T11:00:00Z');
    await caller().setStatus({ appointmentId: a.id, status: 'no_show', requestId: randomUUID() });
    const day = await caller().siteAppointments({ day: '2026-11-27' });
    expect(day).toMatchObject({ day: '2026-11-27', siteId: world.sites.roma, truncated: false });
    expect(
      day.appointments.map((r) => [r.id, r.customerName, r.officeName, r.status, r.reschedule?.status ?? null]),
    ).toEqual([
      [a.id, 'Mario Rossi', 'Roma Centro', 'no_show', 'pending'],
      [b.id, 'Giulia Esposito', 'Roma Centro', 'booked', null],
    ]);
    expect(day.appointments[0]?.productName.it).toBe('Libretto di risparmio');
    expect((await caller().siteAppointments({ day: '2026-11-28' })).appointments).toEqual([]);
    // the other site sees none of them; a team lead cannot ask for another site; an admin can
    await expect(caller().siteAppointments({ day: '2026-11-27', siteId: world.sites.milano })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(
      (await caller(world.users.admin).siteAppointments({ day: '2026-11-27', siteId: world.sites.milano }))
        .appointments,
    ).toEqual([]);
    expect((await caller(world.users.admin).siteAppointments({ day: '2026-11-27' })).appointments).toHaveLength(2);
  });
});

describe('reminderSendAt', () => {
  it('is the evening before at 18:00 Rome, at once when that has passed, none within two hours', async () => {
    // summer time: 18:00 Rome is 16:00Z
    expect(reminderSendAt('2026-07-10T08:00:00Z', new Date('2026-07-01T08:00:00Z'))?.toISOString()).toBe(
      '2026-07-09T16:00:00.000Z',
    );
    // winter time: 17:00Z
    expect(reminderSendAt('2026-12-10T08:00:00Z', new Date('2026-12-01T08:00:00Z'))?.toISOString()).toBe(
      '2026-12-09T17:00:00.000Z',
    );
    // booked at 20:00 for tomorrow morning: at once
    expect(reminderSendAt('2026-12-10T08:00:00Z', new Date('2026-12-09T19:00:00Z'))?.toISOString()).toBe(
      '2026-12-09T19:00:00.000Z',
    );
    // booked for the same afternoon, more than 2 h away: at once; within 2 h: none
    expect(reminderSendAt('2026-12-10T15:00:00Z', new Date('2026-12-10T09:00:00Z'))?.toISOString()).toBe(
      '2026-12-10T09:00:00.000Z',
    );
    expect(reminderSendAt('2026-12-10T15:00:00Z', new Date('2026-12-10T13:00:00Z'))).toBeNull();
    expect(reminderSendAt('2026-12-10T15:00:00Z', new Date('2026-12-10T13:30:00Z'))).toBeNull();
  });
});
