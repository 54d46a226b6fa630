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

const day = z.iso.date({ message: 'Use a date as YYYY-MM-DD' });
const versionName = text(40).pipe(z.string().min(1, 'Give the hours a name, e.g. To-be'));

/** Later hours, from their effective date (the source's "to-be" schedule from the day it starts). */
const version = z
  .object({ name: versionName, effectiveFrom: day, weekdays: hours, saturday: hours.nullable() })
  .strict();

/** Days closed once, from and to included. */
const closure = z
  .object({ from: day, to: day, reason: text(120).pipe(z.string().min(1, 'Say why the service is closed')) })
  .strict()
  .refine((c) => c.to >= c.from, { message: 'The last day comes on or after the first', path: ['to'] })
  .refine((c) => Date.parse(c.to) - Date.parse(c.from) <= 366 * 86_400_000, {
    message: 'A closure lasts at most a year',
    path: ['to'],
  });

/** A site's service calendar (shared/src/time/service-calendar.ts, ServiceCalendarSpec). */
export const serviceCalendarSpec = z
  .object({
    name: text(40).optional(),
    weekdays: hours,
    saturday: hours.nullable(),
    localHolidays: z
      .array(localHoliday)
      .max(20, 'At most 20 local holidays')
      .refine((list) => new Set(list.map((h) => h.date)).size === list.length, 'The same day is listed twice'),
    versions: z
      .array(version)
      .max(10, 'At most 10 versions of the hours')
      .refine(
        (list) => new Set(list.map((v) => v.effectiveFrom)).size === list.length,
        'Two versions start on the same day',
      )
      .optional(),
    closures: z
      .array(closure)
      .max(50, 'At most 50 closures')
      .refine(
        (list) =>
          [...list]
            .sort((a, b) => a.from.localeCompare(b.from))
            .every((c, i, sorted) => i === 0 || (sorted[i - 1]?.to ?? '') < c.from),
        'Two closures overlap',
      )
      .optional(),
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
