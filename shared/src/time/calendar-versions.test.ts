import { describe, expect, it } from 'vitest';
import { serviceCalendarSpec } from '../schemas/service-calendar';
import {
  calendarFromSpec,
  closureOn,
  describeServiceCalendar,
  hoursInEffect,
  isWithinServiceCalendar,
  nextServiceOpening,
  serviceHalfHours,
  serviceHoursOn,
  specOfCalendar,
  type ServiceCalendarSpec,
} from './service-calendar';

/**
 * A site's calendar as data: the source's as-is hours (Mon–Fri 8:00–19:30, Sat 8:00–15:42), its to-be hours (7:30–19:30,
 * Sat 7:30–15:12) from an effective date, the city's patron saint, and a one-off closure. The to-be hours start on the
 * Monday after summer time begins (28 March 2027), which is also Easter Monday: a national holiday.
 */
const spec: ServiceCalendarSpec = {
  name: 'As-is',
  weekdays: { opens: '08:00', closes: '19:30' },
  saturday: { opens: '08:00', closes: '15:42' },
  localHolidays: [{ date: '06-29', name: 'Santi Pietro e Paolo' }],
  versions: [
    {
      name: 'To-be',
      effectiveFrom: '2027-03-29',
      weekdays: { opens: '07:30', closes: '19:30' },
      saturday: { opens: '07:30', closes: '15:12' },
    },
  ],
  closures: [{ from: '2027-04-06', to: '2027-04-07', reason: 'Lavori all’impianto elettrico' }],
};
const calendar = calendarFromSpec(spec);
const hoursOn = (date: string) => {
  const h = serviceHoursOn(date, calendar);
  return h ? [h.opensAt.toISOString(), h.closesAt.toISOString()] : null;
};

describe('a calendar with versions and closures', () => {
  it('keeps the as-is hours until the effective date, in winter time (UTC+1), Saturday included', () => {
    expect(hoursOn('2027-03-26')).toEqual(['2027-03-26T07:00:00.000Z', '2027-03-26T18:30:00.000Z']); // Friday
    expect(hoursOn('2027-03-27')).toEqual(['2027-03-27T07:00:00.000Z', '2027-03-27T14:42:00.000Z']); // Saturday 15:42
    expect(hoursOn('2027-03-28')).toBeNull(); // Sunday (and Easter)
  });

  it('applies the to-be hours from the effective date, in summer time (UTC+2), after the holiday it falls on', () => {
    expect(hoursOn('2027-03-29')).toBeNull(); // Easter Monday: national holiday, whatever the version
    expect(hoursInEffect('2027-03-29', calendar)[1]).toEqual({ opens: 450, closes: 1170 });
    expect(hoursInEffect('2027-03-28', calendar)[1]).toEqual({ opens: 480, closes: 1170 });
    expect(hoursOn('2027-03-30')).toEqual(['2027-03-30T05:30:00.000Z', '2027-03-30T17:30:00.000Z']); // 07:30–19:30
    expect(hoursOn('2027-04-03')).toEqual(['2027-04-03T05:30:00.000Z', '2027-04-03T13:12:00.000Z']); // Sat 15:12
    // the minutes either side of the change: 07:45 on the last as-is Friday is closed, on the first to-be day open
    expect(isWithinServiceCalendar(new Date('2027-03-26T06:45:00Z'), calendar)).toBe(false);
    expect(isWithinServiceCalendar(new Date('2027-03-30T05:45:00Z'), calendar)).toBe(true);
  });

  it('reads the autumn change of time too: the same 07:30 is 05:30 UTC on Friday, 06:30 UTC on Monday', () => {
    const toBe = calendarFromSpec({ ...spec, versions: [{ ...spec.versions![0]!, effectiveFrom: '2026-10-01' }] });
    expect(serviceHoursOn('2026-10-23', toBe)?.opensAt.toISOString()).toBe('2026-10-23T05:30:00.000Z');
    expect(serviceHoursOn('2026-10-26', toBe)?.opensAt.toISOString()).toBe('2026-10-26T06:30:00.000Z');
    // the half-hours a picker offers on the Monday: 07:30 … 19:00 Rome, 24 of them
    const monday = serviceHalfHours(new Date('2026-10-25T23:00:00Z'), 1, toBe);
    expect(monday).toHaveLength(24);
    expect(monday[0]?.toISOString()).toBe('2026-10-26T06:30:00.000Z');
  });

  it('closes on a one-off closure, both days included, and opens again after it', () => {
    expect(hoursOn('2027-04-05')).not.toBeNull(); // Monday
    expect(hoursOn('2027-04-06')).toBeNull();
    expect(hoursOn('2027-04-07')).toBeNull();
    expect(closureOn('2027-04-07', calendar)?.reason).toBe('Lavori all’impianto elettrico');
    expect(hoursOn('2027-04-08')).not.toBeNull();
    expect(nextServiceOpening(new Date('2027-04-06T09:00:00Z'), calendar)?.toISOString()).toBe(
      '2027-04-08T05:30:00.000Z',
    );
  });

  it('closes on the patron saint under every version', () => {
    expect(hoursOn('2026-06-29')).toBeNull();
    expect(hoursOn('2027-06-29')).toBeNull(); // a Tuesday, to-be hours
    expect(hoursOn('2027-06-30')).not.toBeNull();
  });

  it('takes the versions in date order whatever order they are given in, and the last begun applies', () => {
    const later = {
      name: 'Estate',
      effectiveFrom: '2027-07-01',
      weekdays: { opens: '09:00', closes: '18:00' },
      saturday: null,
    };
    const shuffled = calendarFromSpec({ ...spec, versions: [later, ...spec.versions!] });
    expect(shuffled.versions?.map((v) => v.name)).toEqual(['To-be', 'Estate']);
    expect(serviceHoursOn('2027-06-30', shuffled)?.opensAt.toISOString()).toBe('2027-06-30T05:30:00.000Z');
    expect(serviceHoursOn('2027-07-01', shuffled)?.opensAt.toISOString()).toBe('2027-07-01T07:00:00.000Z');
    expect(serviceHoursOn('2027-07-03', shuffled)).toBeNull(); // Saturday: closed in the summer hours
  });

  it('round-trips through the form an admin edits, and describes itself', () => {
    expect(specOfCalendar(calendar)).toEqual(spec);
    expect(describeServiceCalendar(calendar)).toBe(
      'Monday–Friday 08:00–19:30, Saturday 08:00–15:42; from 2027-03-29 (To-be): Monday–Friday 07:30–19:30, ' +
        'Saturday 07:30–15:12 (Europe/Rome), except national holidays and 06-29 (Santi Pietro e Paolo); ' +
        'closed 2027-04-06 to 2027-04-07 (Lavori all’impianto elettrico)',
    );
  });
});

describe('what the API takes as a calendar', () => {
  const errors = (value: unknown) => {
    const parsed = serviceCalendarSpec.safeParse(value);
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('takes a calendar with versions and closures, and one without them as before', () => {
    expect(errors(spec)).toEqual([]);
    expect(errors({ weekdays: spec.weekdays, saturday: null, localHolidays: [] })).toEqual([]);
  });

  it('refuses two versions from the same day, a version without a name or a real date, and closing before opening', () => {
    const v = spec.versions![0]!;
    expect(errors({ ...spec, versions: [v, { ...v, name: 'Bis' }] })).toEqual([
      'versions: Two versions start on the same day',
    ]);
    expect(errors({ ...spec, versions: [{ ...v, name: ' ' }] })).toEqual([
      'versions.0.name: Give the hours a name, e.g. To-be',
    ]);
    expect(errors({ ...spec, versions: [{ ...v, effectiveFrom: '2027-02-30' }] })).toEqual([
      'versions.0.effectiveFrom: Use a date as YYYY-MM-DD',
    ]);
    expect(errors({ ...spec, versions: [{ ...v, weekdays: { opens: '19:30', closes: '07:30' } }] })).toEqual([
      'versions.0.weekdays.closes: Closing comes after opening',
    ]);
  });

  it('refuses a closure ending before it starts, one without a reason, overlapping ones, and more than a year', () => {
    const c = spec.closures![0]!;
    expect(errors({ ...spec, closures: [{ ...c, to: '2027-04-05' }] })).toEqual([
      'closures.0.to: The last day comes on or after the first',
    ]);
    expect(errors({ ...spec, closures: [{ ...c, reason: '' }] })).toEqual([
      'closures.0.reason: Say why the service is closed',
    ]);
    expect(errors({ ...spec, closures: [c, { from: '2027-04-07', to: '2027-04-09', reason: 'Trasloco' }] })).toEqual([
      'closures: Two closures overlap',
    ]);
    expect(errors({ ...spec, closures: [{ ...c, to: '2028-04-07' }] })).toEqual([
      'closures.0.to: A closure lasts at most a year',
    ]);
  });
});
