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
  .object({ appointmentId: id, status: z.enum(['booked', 'attended', 'no_show', 'cancelled']), requestId: z.string().uuid() })
  .strict();
export type SetAppointmentStatusInput = z.infer<typeof setAppointmentStatusInput>;
