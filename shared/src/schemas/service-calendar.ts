import { z } from 'zod';
import { text } from './common';

/** "HH:MM", a wall-clock time in Europe/Rome. */
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use a time such as 07:30');
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const hours = z
  .object({ opens: clock, closes: clock })
  .strict()
  .refine((h) => minutes(h.closes) > minutes(h.opens), { message: 'Closing comes after opening', path: ['closes'] });

const localHoliday = z
  .object({
    date: z
      .string()
      .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'Month and day, such as 06-29')
      .refine((md) => Number(md.slice(3)) <= (DAYS_IN_MONTH[Number(md.slice(0, 2)) - 1] ?? 0), 'No such day'),
    name: text(80).pipe(z.string().min(1, 'Give the holiday a name, e.g. Santi Pietro e Paolo')),
  })
  .strict();

/** A site's service calendar (shared/src/time/service-calendar.ts, ServiceCalendarSpec). */
export const serviceCalendarSpec = z
  .object({
    weekdays: hours,
    saturday: hours.nullable(),
    localHolidays: z
      .array(localHoliday)
      .max(20, 'At most 20 local holidays')
      .refine((list) => new Set(list.map((h) => h.date)).size === list.length, 'The same day is listed twice'),
  })
  .strict();

/** What `work.serviceCalendar` answers: the calendar of the caller's site, the times they may agree with customers. */
export const siteServiceCalendar = z.object({
  siteId: z.number().int().nullable(),
  /** false: the centre's default calendar */
  custom: z.boolean(),
  calendar: serviceCalendarSpec,
});
export type SiteServiceCalendar = z.infer<typeof siteServiceCalendar>;
