import { z } from 'zod';
import { id } from './common';

export const nearbyOfficesInput = z.object({ customerId: id }).strict();
export const nearbyOffice = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  address: z.string(),
  city: z.string(),
  provinceCode: z.string(),
  districtCode: z.string(),
  /** 'province' when in the customer's province, 'district' when elsewhere in the same district. */
  proximity: z.enum(['province', 'district']),
  freeSlots: z.number().int(),
  nextFreeAt: z.string().nullable(),
});
export type NearbyOffice = z.infer<typeof nearbyOffice>;

export const officeSlotsInput = z
  .object({ postOfficeId: id, days: z.number().int().min(1).max(28).default(14) })
  .strict();
export const officeSlot = z.object({
  id: z.number().int(),
  startsAt: z.string(),
  endsAt: z.string(),
  capacity: z.number().int(),
  booked: z.number().int(),
  free: z.number().int(),
});
export type OfficeSlot = z.infer<typeof officeSlot>;

export const officeAppointmentsInput = z.object({ postOfficeId: id }).strict();

/** Records what happened to a booked appointment (the branch reports attendance); retried safely by requestId. */
export const setAppointmentStatusInput = z
  .object({
    appointmentId: id,
    status: z.enum(['booked', 'attended', 'no_show', 'cancelled']),
    requestId: z.string().uuid(),
  })
  .strict();
export type SetAppointmentStatusInput = z.infer<typeof setAppointmentStatusInput>;

export const appointmentStatus = z.enum(['booked', 'attended', 'no_show', 'cancelled']);
export type AppointmentStatusValue = z.infer<typeof appointmentStatus>;

/** `POST /api/v1/appointments/:id/attendance`: the post office's system reports whether the customer came. */
export const attendanceReportBody = z
  .object({ status: z.enum(['attended', 'no_show'], { message: 'Use "attended" or "no_show"' }) })
  .strict();
export type AttendanceReportBody = z.infer<typeof attendanceReportBody>;
export const attendanceReportResult = z.object({ id: z.number().int(), status: z.enum(['attended', 'no_show']) });
export type AttendanceReportResult = z.infer<typeof attendanceReportResult>;

/** The team lead's day view: appointments booked by people of one site, on one Rome calendar day. */
export const siteAppointmentsInput = z
  .object({
    day: z.iso.date({ message: 'Use a date as YYYY-MM-DD' }),
    /** admins pick a site; team leads always see their own */
    siteId: id.optional(),
  })
  .strict();
export type SiteAppointmentsInput = z.infer<typeof siteAppointmentsInput>;

export const siteAppointment = z.object({
  id: z.number().int(),
  startsAt: z.string(),
  endsAt: z.string(),
  customerId: z.number().int(),
  customerName: z.string(),
  /** from the tax code, for the words that agree with the customer ("segnata come presentata"); null if unknown */
  customerGender: z.enum(['m', 'f']).nullable(),
  postOfficeId: z.number().int(),
  officeName: z.string(),
  officeCity: z.string(),
  productCode: z.string(),
  productName: z.object({ it: z.string(), en: z.string() }),
  status: appointmentStatus,
  bookedBy: z.string().nullable(),
  /** the reschedule callback a no-show created, while it is open or once it was handled */
  reschedule: z
    .object({
      id: z.string(),
      status: z.enum(['pending', 'claimed', 'done', 'failed', 'cancelled']),
      dueAt: z.string(),
    })
    .nullable(),
});
export type SiteAppointment = z.infer<typeof siteAppointment>;
export const siteAppointmentsResult = z.object({
  day: z.string(),
  siteId: z.number().int().nullable(),
  appointments: z.array(siteAppointment),
  truncated: z.boolean(),
});
export type SiteAppointmentsResult = z.infer<typeof siteAppointmentsResult>;

/** What setStatus answers: the new status and, after a no-show, the reschedule callback it created. */
export const appointmentStatusChange = z.object({
  id: z.number().int(),
  status: appointmentStatus,
  // default: answers stored for an idempotent replay before this field existed
  rescheduleCallbackId: z.string().nullable().default(null),
});
