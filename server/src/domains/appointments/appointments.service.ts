import type { NearbyOffice, OfficeSlot, SetAppointmentStatusInput } from '@valore/shared/schemas/appointments';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type { Executor } from '../../db/database';
import type { AppDeps } from '../../deps';
import { DomainError } from '../../trpc/errors';
import { insertAudit } from '../audit/audit.repository';
import { idempotent, requestHash } from '../audit/idempotency';
import type { EffectContext } from '../outbox/effect-context';
import { customerContactFor, requireProductFor, type CustomerContact } from '../outbox/effect-lookups';
import { enqueueMessage } from '../outbox/outbox.repository';
import {
  findPostOffice,
  findSlotWithOffice,
  listNearbyOffices,
  listOfficeSlots,
  takeSlotSeat,
} from '../post-offices/post-offices.repository';
import { changeAppointmentStatus, type StatusChange } from './appointment-changes';
import { appointmentEmail, appointmentSms } from './appointment-messages';
import { scheduleReminder } from './appointment-reminder';
import { insertAppointment, listOfficeAppointments } from './appointments.repository';

export type { EffectContext };

const DAY_MS = 86_400_000;
/** Window of the "free slots" count shown next to each office. */
export const NEARBY_WINDOW_DAYS = 14;
export const NEARBY_MAX_OFFICES = 12;

/**
 * Books a seat of a real slot for the customer, inside the caller's transaction (the interaction that led to
 * it commits with it or not at all), and queues the customer's confirmation.
 */
export async function bookAppointment(
  trx: Executor,
  ctx: EffectContext,
  args: {
    slotId: number;
    postOfficeId: number;
    customerId: number;
    /** The customer as the caller already read it in this transaction (see customerContactFor). */
    customer?: CustomerContact;
    productCode: string;
    interactionId: number | null;
  },
): Promise<{ id: number; postOfficeName: string; startsAt: string }> {
  if (!Number.isSafeInteger(args.slotId) || !Number.isSafeInteger(args.postOfficeId)) {
    throw new DomainError('BAD_REQUEST', 'VALIDATION', 'Choose an appointment slot of a post office.');
  }
  const slot = await findSlotWithOffice(trx, args.slotId);
  if (!slot) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Appointment slot ${args.slotId} does not exist.`);
  if (slot.post_office_id !== args.postOfficeId) {
    throw new DomainError(
      'BAD_REQUEST',
      'VALIDATION',
      'The chosen slot belongs to another post office: pick the slot again.',
    );
  }
  if (Date.parse(slot.starts_at) <= ctx.now.getTime()) {
    throw new DomainError('BAD_REQUEST', 'VALIDATION', 'The chosen slot has already started: pick a later one.');
  }
  const customer = await customerContactFor(trx, args.customerId, args.customer);
  const product = await requireProductFor(trx, args.productCode, 'up_appointment');

  if (!(await takeSlotSeat(trx, slot.id))) {
    throw new DomainError('CONFLICT', 'SLOT_FULL', 'This slot has just been filled: pick another time or office.');
  }
  const at = ctx.now.toISOString();
  const id = await insertAppointment(trx, {
    interactionId: args.interactionId,
    slotId: slot.id,
    postOfficeId: slot.post_office_id,
    customerId: customer.id,
    productCode: product.code,
    createdBy: ctx.userId,
    at,
  });

  const confirmation = {
    firstName: customer.firstName,
    productName: product.nameIt,
    officeName: slot.office_name,
    officeAddress: slot.office_address,
    officeCity: slot.office_city,
    startsAt: slot.starts_at,
  };
  const ref = { refType: 'appointment', refId: id };
  await enqueueMessage(
    trx,
    { channel: 'sms', recipient: customer.phone, subject: null, body: appointmentSms(confirmation), ...ref },
    ctx.now,
  );
  if (customer.email) {
    const mail = appointmentEmail(confirmation);
    await enqueueMessage(
      trx,
      { channel: 'email', recipient: customer.email, subject: mail.subject, body: mail.body, ...ref },
      ctx.now,
    );
  }
  const reminderAt = await scheduleReminder(trx, { appointmentId: id, customer, details: confirmation, now: ctx.now });
  await insertAudit(trx, {
    at,
    actorId: ctx.userId,
    action: 'appointment.booked',
    entityType: 'appointment',
    entityId: id,
    details: {
      slotId: slot.id,
      postOfficeId: slot.post_office_id,
      customerId: customer.id,
      productCode: product.code,
      interactionId: args.interactionId,
      reminderAt,
    },
    ip: ctx.ip,
  });
  return { id, postOfficeName: slot.office_name, startsAt: slot.starts_at };
}

/** Branches near the customer: their province first, then the rest of their district(s), most availability first. */
export async function nearbyOffices(deps: AppDeps, customerId: number): Promise<NearbyOffice[]> {
  const customer = await deps.db
    .selectFrom('customers')
    .select(['province_code'])
    .where('id', '=', customerId)
    .executeTakeFirst();
  if (!customer) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Customer ${customerId} does not exist.`);
  const now = deps.clock.now();
  const rows = await listNearbyOffices(deps.db, {
    provinceCode: customer.province_code,
    from: now.toISOString(),
    until: new Date(now.getTime() + NEARBY_WINDOW_DAYS * DAY_MS).toISOString(),
    limit: NEARBY_MAX_OFFICES,
  });
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    name: r.name,
    address: r.address,
    city: r.city,
    provinceCode: r.province_code,
    districtCode: r.district_code,
    proximity: r.in_province === 1 ? 'province' : 'district',
    freeSlots: Number(r.free_slots),
    nextFreeAt: r.next_free_at,
  }));
}

export async function officeSlots(deps: AppDeps, postOfficeId: number, days: number): Promise<OfficeSlot[]> {
  if (!(await findPostOffice(deps.db, postOfficeId))) {
    throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Post office ${postOfficeId} does not exist.`);
  }
  const now = deps.clock.now();
  const rows = await listOfficeSlots(
    deps.db,
    postOfficeId,
    now.toISOString(),
    new Date(now.getTime() + days * DAY_MS).toISOString(),
  );
  return rows.map((s) => ({
    id: s.id,
    startsAt: s.starts_at,
    endsAt: s.ends_at,
    capacity: s.capacity,
    booked: s.booked,
    free: s.capacity - s.booked,
  }));
}

export interface OfficeAppointment {
  id: number;
  slotId: number;
  startsAt: string;
  endsAt: string;
  customerId: number;
  customerName: string;
  productCode: string;
  status: 'booked' | 'attended' | 'no_show' | 'cancelled';
  createdAt: string;
}

/**
 * Upcoming appointments of an office. Customer names are personal data: outside admin, only the appointments
 * booked by people of the caller's own site are listed.
 */
export async function officeAppointments(
  deps: AppDeps,
  user: SessionUser,
  postOfficeId: number,
): Promise<OfficeAppointment[]> {
  if (!(await findPostOffice(deps.db, postOfficeId))) {
    throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Post office ${postOfficeId} does not exist.`);
  }
  if (user.role !== 'admin' && user.siteId === null) return [];
  const rows = await listOfficeAppointments(deps.db, {
    postOfficeId,
    from: deps.clock.now().toISOString(),
    siteId: user.role === 'admin' ? null : user.siteId,
    limit: 500,
  });
  return rows.map((r) => ({
    id: r.id,
    slotId: r.slot_id,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    customerId: r.customer_id,
    customerName: `${r.first_name} ${r.last_name}`,
    productCode: r.product_code,
    status: r.status,
    createdAt: r.created_at,
  }));
}

/**
 * Records an appointment's attendance (or no-show, cancellation) from the team lead's screen; what each change means
 * (realisation, reschedule callback, freed seat) is decided in appointment-changes.ts. Team leads act on
 * appointments booked at their site only.
 */
export async function setAppointmentStatus(
  deps: AppDeps,
  user: SessionUser,
  input: SetAppointmentStatusInput,
  ip: string | null,
): Promise<StatusChange> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const hash = requestHash([input.appointmentId, input.status, input.requestId]);
  return deps.db.transaction().execute(async (trx) => {
    const { response } = await idempotent(trx, 'appointments.setStatus', input.requestId, hash, at, () =>
      changeAppointmentStatus(trx, {
        appointmentId: input.appointmentId,
        status: input.status,
        now,
        config: deps.config,
        userId: user.id,
        by: user.role === 'admin' ? 'admin' : 'team_lead',
        ip,
        ...(user.role === 'admin' ? {} : { siteScope: user.siteId }),
      }),
    );
    return response;
  });
}
