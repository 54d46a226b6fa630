import { genderFromTaxCode } from '@valore/shared/reference/italian';
import type {
  AttendanceReportBody,
  AttendanceReportResult,
  NearbyOffice,
  OfficeSlot,
  SetAppointmentStatusInput,
  SiteAppointmentsInput,
  SiteAppointmentsResult,
} from '@valore/shared/schemas/appointments';
import { addDays, romeToUtc } from '@valore/shared/time/rome-time';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type { Executor } from '../../db/database';
import type { AppDeps } from '../../deps';
import { DomainError } from '../../errors';
import { insertAudit } from '../audit/audit.repository';
import { apiKeyCaller, idempotentTransaction, userCaller } from '../audit/idempotency';
import type { EffectContext } from '../outbox/effect-context';
import { customerContactFor, requireProductFor, type CustomerContact } from '../outbox/effect-lookups';
import {
  findPostOffice,
  findSlotWithOffice,
  listNearbyOffices,
  listOfficeSlots,
  takeSlotSeat,
} from '../post-offices/post-offices.repository';
import { changeAppointmentStatus, type StatusChange } from './appointment-changes';
import { appointmentValues } from './appointment-messages';
import { queueCustomerMessages } from '../messages/customer-messages';
import { scheduleReminder } from './appointment-reminder';
import { appointmentSelfServiceUrl } from '../self-service/self-service-links';
import { insertAppointment, listOfficeAppointments, listSiteAppointments } from './appointments.repository';
import { apiKeyId } from '../callbacks/callbacks.service';

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

  if (slot.closed_at !== null) {
    throw new DomainError(
      'CONFLICT',
      'SLOT_FULL',
      'The post office is closed on that day: pick another day or office.',
    );
  }
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

  const details = {
    firstName: customer.firstName,
    productName: { it: product.nameIt, en: product.nameEn },
    officeName: slot.office_name,
    officeAddress: slot.office_address,
    officeCity: slot.office_city,
    startsAt: slot.starts_at,
  };
  // the customer's own link to move or cancel it
  const manageUrl = await appointmentSelfServiceUrl(trx, {
    appointmentId: id,
    startsAt: slot.starts_at,
    now: ctx.now,
    publicUrl: ctx.publicUrl,
  });
  await queueCustomerMessages(trx, {
    purpose: 'appointment_confirmation',
    to: customer,
    values: appointmentValues(details, customer.language, { manageUrl }),
    ref: { refType: 'appointment', refId: id },
    now: ctx.now,
  });
  const reminderAt = await scheduleReminder(trx, { appointmentId: id, customer, details, now: ctx.now });
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
 * booked by people of the caller's own site are listed, and an operator sees only those they booked
 * (customers/access-policy.ts: an operator sees the customers they handle).
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
    createdBy: user.role === 'operator' ? user.id : null,
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
  const { response } = await idempotentTransaction(
    deps,
    {
      caller: userCaller(user),
      scope: 'appointments.setStatus',
      key: input.requestId,
      input: [input.appointmentId, input.status, input.requestId],
      at,
    },
    (trx) =>
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
}

/**
 * `POST /api/v1/appointments/:id/attendance`: the post office's system reports whether the customer came. The same
 * rules as the team lead's screen apply (changeAppointmentStatus); a retry under the same Idempotency-Key gets the
 * first answer back, and a repeated report without one changes nothing either.
 */
export async function reportAttendance(
  deps: AppDeps,
  args: {
    appointmentId: number;
    body: AttendanceReportBody;
    apiKey: string;
    idempotencyKey: string | null;
    ip: string | null;
  },
): Promise<{ response: AttendanceReportResult; replayed: boolean }> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const keyId = apiKeyId(args.apiKey);
  const effect = async (trx: Executor): Promise<AttendanceReportResult> => {
    const change = await changeAppointmentStatus(trx, {
      appointmentId: args.appointmentId,
      status: args.body.status,
      now,
      config: deps.config,
      userId: null,
      by: 'post_office',
      ip: args.ip,
    });
    return { id: change.id, status: args.body.status };
  };
  if (args.idempotencyKey === null) {
    return deps.db.transaction().execute(async (trx) => ({ response: await effect(trx), replayed: false }));
  }
  return idempotentTransaction(
    deps,
    {
      caller: apiKeyCaller(keyId),
      scope: 'api.attendance',
      key: `${keyId}:${args.idempotencyKey}`,
      input: [args.appointmentId, args.body.status],
      at,
    },
    effect,
  );
}

/** Most rows the day view lists (a busy site books a few hundred a day at most). */
export const SITE_DAY_LIMIT = 1000;

/**
 * The team lead's day: the appointments booked by people of their site whose slot falls on that Rome calendar day,
 * whatever their status, with the reschedule callback of a no-show. Admins choose a site, or see every site.
 */
export async function siteAppointments(
  deps: AppDeps,
  user: SessionUser,
  input: SiteAppointmentsInput,
): Promise<SiteAppointmentsResult> {
  let siteId: number | null;
  if (user.role === 'admin') siteId = input.siteId ?? null;
  else {
    if (user.siteId === null) throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'Your account belongs to no site.');
    if (input.siteId !== undefined && input.siteId !== user.siteId) {
      throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'You can see only the appointments of your own site.');
    }
    siteId = user.siteId;
  }
  const rows = await listSiteAppointments(deps.db, {
    from: romeToUtc(input.day, 0).toISOString(),
    until: romeToUtc(addDays(input.day, 1), 0).toISOString(),
    siteId,
    limit: SITE_DAY_LIMIT + 1,
  });
  return {
    day: input.day,
    siteId,
    truncated: rows.length > SITE_DAY_LIMIT,
    appointments: rows.slice(0, SITE_DAY_LIMIT).map((r) => ({
      id: r.id,
      startsAt: r.starts_at,
      endsAt: r.ends_at,
      customerId: r.customer_id,
      customerName: `${r.first_name} ${r.last_name}`,
      customerGender: genderFromTaxCode(r.tax_code),
      postOfficeId: r.post_office_id,
      officeName: r.office_name,
      officeCity: r.office_city,
      productCode: r.product_code,
      productName: { it: r.product_name_it, en: r.product_name_en },
      status: r.status,
      bookedBy: r.booked_by,
      reschedule:
        r.reschedule_id !== null && r.reschedule_status !== null && r.reschedule_due_at !== null
          ? { id: r.reschedule_id, status: r.reschedule_status, dueAt: r.reschedule_due_at }
          : null,
    })),
  };
}
