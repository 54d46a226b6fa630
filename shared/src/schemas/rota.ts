import { z } from 'zod';
import { clientId, id } from './common';
import { addDays, weekdayOf } from '../time/rome-time';
import { serviceCalendarSpec } from './service-calendar';

/**
 * The rota (docs/api.md, `rota.*`; docs/admin.md, "Saturday rota" and "Weekday shifts"): a team lead plans who covers
 * each open Saturday of a period and the weekday each of them recovers the weekly rest, and each operator's hours from
 * Monday to Friday week by week, sees the conflicts, and publishes; operators see their own published shifts
 * (`rota.mine`, `GET /api/v1/rota/mine.ics`).
 */

/**
 * A day of a rota: a real date (2027-02-30 is refused) within the century, so every date the server derives from it
 * (the period's end, the next week's rest days) is still a plain YYYY-MM-DD.
 */
export const rotaDay = z.iso
  .date({ message: 'Use a date as YYYY-MM-DD' })
  .refine((d) => d >= '2000-01-01' && d <= '2099-12-31', 'Choose a date between 2000 and 2099');

/** How many weeks a rota period covers: one to a quarter. */
export const rotaWeeks = z
  .number({ message: 'Give the number of weeks' })
  .int('Whole weeks only')
  .min(1, 'At least 1 week')
  .max(13, 'At most 13 weeks');

const COUNT_MESSAGE = 'count: a whole number of people from 1 to 20';
const SHARE_MESSAGE = 'share: a share of the team from 0.05 (5%) to 1 (100%)';
const countNeed = z
  .object({
    count: z.number({ message: COUNT_MESSAGE }).int(COUNT_MESSAGE).min(1, COUNT_MESSAGE).max(20, COUNT_MESSAGE),
  })
  .strict();
const shareNeed = z
  .object({ share: z.number({ message: SHARE_MESSAGE }).min(0.05, SHARE_MESSAGE).max(1, SHARE_MESSAGE) })
  .strict();

/** The message of a need that fits neither shape (both fields, neither, not an object). */
const NEED_MESSAGE = 'Give either { count: 1–20 } people or { share: 0.05–1 } of the team';

/** People each team needs on an open Saturday: a number, or a share of the team rounded up (at least one). */
export const rotaNeed = z.union([countNeed, shareNeed], { error: NEED_MESSAGE });
export type RotaNeed = z.infer<typeof rotaNeed>;

const siteId = id.optional();
const requestId = clientId.optional();

export const rotaCalendarInput = z.object({ siteId }).strict().default({});
export type RotaCalendarInput = z.infer<typeof rotaCalendarInput>;

/** A site's service calendar as the rota screen shows it (`custom: false`: the centre's default). */
export const rotaCalendar = z.object({
  siteId: z.number().int(),
  siteName: z.string(),
  /** the site has a calendar of its own */
  custom: z.boolean(),
  /** without one: the district whose calendar applies (admin.districts.setCalendar); null: the centre's default */
  district: z.object({ code: z.string(), name: z.string() }).nullable(),
  calendar: serviceCalendarSpec,
});
export type RotaCalendar = z.infer<typeof rotaCalendar>;

export const rotaSetCalendarInput = z.object({ requestId, siteId, calendar: serviceCalendarSpec.nullable() }).strict();
export type RotaSetCalendarInput = z.infer<typeof rotaSetCalendarInput>;

export const rotaPeriodInput = z.object({ siteId, from: rotaDay, weeks: rotaWeeks }).strict();
export type RotaPeriodInput = z.infer<typeof rotaPeriodInput>;

export const rotaGenerateInput = z
  .object({ requestId, siteId, from: rotaDay, weeks: rotaWeeks, need: rotaNeed })
  .strict();
export type RotaGenerateInput = z.infer<typeof rotaGenerateInput>;

export const rotaAssignInput = z.object({ requestId, siteId, date: rotaDay, userId: id }).strict();
export type RotaAssignInput = z.infer<typeof rotaAssignInput>;
export const rotaAssignOutput = z.object({ shiftId: z.number().int() });

export const rotaUnassignInput = z.object({ requestId, shiftId: id }).strict();
export type RotaUnassignInput = z.infer<typeof rotaUnassignInput>;
export const rotaUnassignOutput = z.object({ removed: z.literal(true) });

export const rotaPublishInput = z.object({ requestId, siteId, from: rotaDay, weeks: rotaWeeks }).strict();
export type RotaPublishInput = z.infer<typeof rotaPublishInput>;
export const rotaPublishOutput = z.object({ published: z.number().int() });

/**
 * A rota row: a Saturday shift, the rest day it earns, or one operator's hours on a Monday–Friday date (`weekday`;
 * without hours: a day off planned by the team lead).
 */
export const ROTA_SHIFT_KINDS = ['saturday', 'rest', 'weekday'] as const;
export type RotaShiftKind = (typeof ROTA_SHIFT_KINDS)[number];
export const ROTA_SHIFT_STATUSES = ['draft', 'published'] as const;
export const ROTA_CONFLICT_KINDS = [
  'shortfall',
  'over_coverage',
  'rest_missing',
  'unfair',
  'overlap',
  'outside_hours',
  'rest_rule',
] as const;
export type RotaConflictKind = (typeof ROTA_CONFLICT_KINDS)[number];

const hhmm = z.string();

/** "HH:MM", a wall-clock time in Europe/Rome. */
const CLOCK_MESSAGE = 'Use a time such as 07:30';
const clock = z.string({ message: CLOCK_MESSAGE }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, CLOCK_MESSAGE);
const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** The Monday of a week (a rota week runs Monday to Sunday; weekday shifts Monday to Friday). */
const isDay = (d: unknown): d is string =>
  typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d) && !isNaN(Date.parse(d));
const monday = (what: string) =>
  rotaDay.refine((d) => !isDay(d) || weekdayOf(d) === 1, `${what}: choose the Monday of the week`);

/** One day of an operator's week: the hours they work (HH:MM Rome, end after start), or a day off. */
const weekDay = z.union(
  [
    z.object({ date: rotaDay, starts: clock, ends: clock }).strict(),
    z.object({ date: rotaDay, off: z.literal(true) }).strict(),
  ],
  { error: 'Each day is { date, starts, ends } or { date, off: true }' },
);
export type RotaWeekDay = z.infer<typeof weekDay>;

/** At most three entries a day (a split shift), fifteen a week. */
const MAX_WEEK_ENTRIES = 15;

export const rotaPlanWeekInput = z
  .object({
    requestId,
    siteId,
    weekOf: monday('weekOf'),
    userId: id,
    days: z.array(weekDay).max(MAX_WEEK_ENTRIES, `At most ${MAX_WEEK_ENTRIES} entries a week`),
  })
  .strict()
  .superRefine((input, ctx) => {
    // the fields' own checks have spoken for a malformed week or list
    if (!isDay(input.weekOf) || !Array.isArray(input.days)) return;
    const weekdays = new Set([0, 1, 2, 3, 4].map((n) => addDays(input.weekOf, n)));
    input.days.forEach((day, i) => {
      const path = ['days', i];
      if (!weekdays.has(day.date)) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'date'],
          message: `${day.date}: a day from Monday to Friday of the week of ${input.weekOf}`,
        });
      }
      if ('starts' in day && minutesOf(String(day.ends)) <= minutesOf(String(day.starts))) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'ends'],
          message: `${day.date}: the shift ends after it starts (${day.starts}–${day.ends})`,
        });
      }
      const same = input.days.filter((d) => d.date === day.date);
      if ('off' in day && same.length > 1) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'off'],
          message: `${day.date}: a day off has no hours too`,
        });
      }
      if (same.length > 3 && same[0] === day) {
        ctx.addIssue({ code: 'custom', path: [...path, 'date'], message: `${day.date}: at most 3 shifts a day` });
      }
    });
  });
export type RotaPlanWeekInput = z.infer<typeof rotaPlanWeekInput>;

export const rotaCopyWeekInput = z
  .object({
    requestId,
    siteId,
    from: monday('from'),
    to: monday('to'),
    /** the operators whose week is copied; default: every active operator of the site */
    userIds: z.array(id).min(1, 'Choose at least one operator').max(500, 'At most 500 operators').optional(),
  })
  .strict()
  .refine((input) => input.from !== input.to, { message: 'Copy to another week than the one copied', path: ['to'] });
export type RotaCopyWeekInput = z.infer<typeof rotaCopyWeekInput>;

export const rotaShift = z.object({
  id: z.number().int(),
  userId: z.number().int(),
  /** the user's display name */
  name: z.string(),
  /** the user's team when the shift was made */
  teamId: z.number().int().nullable(),
  date: z.string(),
  kind: z.enum(ROTA_SHIFT_KINDS),
  /** HH:MM (Europe/Rome); null for a rest day */
  starts: hhmm.nullable(),
  ends: hhmm.nullable(),
  status: z.enum(ROTA_SHIFT_STATUSES),
});
export type RotaShift = z.infer<typeof rotaShift>;

export const rotaConflict = z.object({
  kind: z.enum(ROTA_CONFLICT_KINDS),
  date: z.string().nullable(),
  teamId: z.number().int().nullable(),
  userId: z.number().int().nullable(),
  /** the rows the conflict is about, ascending (the two of an overlap; none for a team's coverage) */
  shiftIds: z.array(z.number().int()),
  message: z.string(),
});
export type RotaConflict = z.infer<typeof rotaConflict>;

export const rotaView = z.object({
  siteId: z.number().int(),
  siteName: z.string(),
  from: z.string(),
  weeks: z.number().int(),
  /** the need of the site's last generation; null: never generated */
  need: rotaNeed.nullable(),
  /** the open Saturdays of the period with the Saturday hours in effect that day */
  saturdays: z.array(z.object({ date: z.string(), opens: hhmm, closes: hhmm })),
  /** every Monday–Friday of the period with its open hours (both null: closed, a holiday or a closure) */
  weekdays: z.array(z.object({ date: z.string(), opens: hhmm.nullable(), closes: hhmm.nullable() })),
  teams: z.array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      /** people needed each open Saturday (0: no need stored, or nobody in the team) */
      needed: z.number().int(),
      people: z.array(z.object({ userId: z.number().int(), name: z.string(), saturdays: z.number().int() })),
    }),
  ),
  /**
   * the period's rows: its weekday rows and Saturday shifts by date, the rest days those Saturdays earn (also after
   * the period), and the rest days of earlier Saturdays that fall in it (shown and judged, published with their own)
   */
  shifts: z.array(rotaShift),
  conflicts: z.array(rotaConflict),
  /** the period has rows of its own and none is a draft */
  published: z.boolean(),
});
export type RotaView = z.infer<typeof rotaView>;

/** The caller's own published shifts; default: from this week's Monday, 8 weeks. */
export const rotaMineInput = z.object({ from: rotaDay.optional(), weeks: rotaWeeks.optional() }).strict().default({});
export type RotaMineInput = z.infer<typeof rotaMineInput>;

export const rotaMineOutput = z.object({
  shifts: z.array(
    z.object({
      date: z.string(),
      kind: z.enum(ROTA_SHIFT_KINDS),
      starts: hhmm.nullable(),
      ends: hhmm.nullable(),
      /** the team's name, null without a team */
      team: z.string().nullable(),
    }),
  ),
});
export type RotaMineOutput = z.infer<typeof rotaMineOutput>;

/** One day's adherence of a site's operators (rota.adherence). */
export const rotaAdherenceInput = z.object({ siteId, day: rotaDay }).strict();
export type RotaAdherenceInput = z.infer<typeof rotaAdherenceInput>;
export const rotaAdherence = z.object({
  siteId: z.number().int(),
  siteName: z.string(),
  day: z.string(),
  /** the site's service hours that day (null: closed) */
  hours: z.object({ opens: hhmm, closes: hhmm }).nullable(),
  /** until when the day is counted: its end, or now for today */
  countedUntil: z.string(),
  operators: z.array(
    z.object({
      userId: z.number().int(),
      name: z.string(),
      /** the window the rota expected them (HH:MM–HH:MM, Europe/Rome), null: not on shift that day */
      expected: z.object({ from: hhmm, to: hhmm }).nullable(),
      expectedMinutes: z.number().int(),
      workingMinutes: z.number().int(),
      pausedMinutes: z.number().int(),
      absentMinutes: z.number().int(),
      /** working ÷ expected, 0–1; null when nothing was expected (yet) */
      adherence: z.number().nullable(),
    }),
  ),
});
export type RotaAdherence = z.infer<typeof rotaAdherence>;
