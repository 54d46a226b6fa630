import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceCalendarSpec } from '@valore/shared/time/service-calendar';
import { trpcError, type ApiClient, signedInClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * Calendars per district over HTTP (issue 19): an admin gives a district its hours (the field service's
 * Monday–Saturday), and the sites of that district without their own follow it — the console's picker, the rota's
 * Saturdays and every server check read it through the one reader (org/service-calendars.ts). A site with its own
 * calendar keeps it; Roma, in two districts, follows the first by code that has one. Access, bad input, audit, retries.
 */

// Monday 4 January 2027: eight open Saturdays follow under the centre's default (9 January to 27 February)
const FROM = '2027-01-04';

let server: TestServer;
let admin: ApiClient;
let lead: ApiClient;
let op1: ApiClient;
let op5: ApiClient;

const sign = (username: string) => signedInClient(server.url, username);

const weekdaysOnly: ServiceCalendarSpec = {
  name: 'Servizio sul territorio',
  weekdays: { opens: '08:00', closes: '17:00' },
  saturday: null,
  localHolidays: [{ date: '06-29', name: 'Santi Pietro e Paolo' }],
};
const withSaturday: ServiceCalendarSpec = {
  weekdays: { opens: '07:45', closes: '19:45' },
  saturday: { opens: '07:45', closes: '15:27' },
  localHolidays: [],
};

beforeAll(async () => {
  server = await startTestServer();
  admin = await sign('admin');
  lead = await sign('teamlead1');
  op1 = await sign('operatore1'); // site 1, Roma Eur (province RM: districts RLN and RLS)
  op5 = await sign('operatore5'); // site 2, Milano Bicocca (LOC)
});
afterAll(() => server?.close());

describe('district calendars', () => {
  it('lists the districts with their provinces and sites, none with a calendar at first', async () => {
    const districts = await admin.trpc.admin.districts.list.query();
    expect(districts.length).toBeGreaterThan(20);
    const rls = districts.find((d) => d.code === 'RLS');
    expect(rls).toMatchObject({ name: 'Roma e Lazio Sud', macroArea: 'Centro', calendar: null });
    expect(rls?.provinces).toEqual(expect.arrayContaining(['RM', 'LT', 'FR']));
    expect(rls?.sites).toEqual([{ id: 1, name: 'Roma Eur', ownCalendar: false }]);
    expect(districts.every((d) => d.calendar === null)).toBe(true);
  });

  it('is followed by the sites of the district without their own, everywhere the calendar is read', async () => {
    const requestId = randomUUID();
    const saved = await admin.trpc.admin.districts.setCalendar.mutate({
      requestId,
      code: 'RLS',
      calendar: weekdaysOnly,
    });
    expect(saved.calendar).toEqual(weekdaysOnly);
    // a retry with the same key changes nothing more and answers the same
    expect(
      await admin.trpc.admin.districts.setCalendar.mutate({ requestId, code: 'RLS', calendar: weekdaysOnly }),
    ).toEqual(saved);
    const audits = await server.database.db
      .selectFrom('audit_log')
      .select(['entity_type', 'entity_id', 'details'])
      .where('action', '=', 'admin.district_calendar_changed')
      .execute();
    expect(audits).toEqual([
      { entity_type: 'district', entity_id: 'RLS', details: JSON.stringify({ from: null, to: weekdaysOnly }) },
    ]);

    // the console of site 1 offers the district's times; site 2 (Milano) keeps the centre's default
    expect(await op1.trpc.work.serviceCalendar.query()).toEqual({ siteId: 1, custom: true, calendar: weekdaysOnly });
    expect(await op5.trpc.work.serviceCalendar.query()).toMatchObject({ siteId: 2, custom: false });
    // the sites table and the team lead's rota page say where site 1's hours come from
    const site1 = (await admin.trpc.admin.sites.list.query()).find((s) => s.id === 1);
    expect(site1).toMatchObject({ calendar: null, districtCalendar: { code: 'RLS', name: 'Roma e Lazio Sud' } });
    expect(await lead.trpc.rota.calendar.query({})).toMatchObject({
      siteId: 1,
      custom: false,
      district: { code: 'RLS', name: 'Roma e Lazio Sud' },
      calendar: weekdaysOnly,
    });
    // the server's own rules read it too: with the district's Saturdays closed there is no Saturday to staff
    const none = await lead.trpc.rota.generateSaturdays.mutate({
      requestId: randomUUID(),
      from: FROM,
      weeks: 2,
      need: { count: 1 },
    });
    expect(none.saturdays).toEqual([]);
  });

  it('gives way to a site’s own calendar, and Roma follows the first of its two districts by code', async () => {
    // RLN comes before RLS: once it has a calendar, site 1 follows it
    await admin.trpc.admin.districts.setCalendar.mutate({ code: 'RLN', calendar: withSaturday });
    expect((await op1.trpc.work.serviceCalendar.query()).calendar).toEqual(withSaturday);
    // the site's own calendar wins over both districts
    const own: ServiceCalendarSpec = {
      weekdays: { opens: '09:00', closes: '18:00' },
      saturday: null,
      localHolidays: [],
    };
    await admin.trpc.admin.sites.setCalendar.mutate({ id: 1, calendar: own });
    expect((await op1.trpc.work.serviceCalendar.query()).calendar).toEqual(own);
    expect((await admin.trpc.admin.sites.list.query()).find((s) => s.id === 1)?.districtCalendar).toBeNull();
    expect(
      (await admin.trpc.admin.districts.list.query()).find((d) => d.code === 'RLN')?.sites.find((s) => s.id === 1),
    ).toEqual({ id: 1, name: 'Roma Eur', ownCalendar: true });
    // back to none everywhere: the centre's default again
    await admin.trpc.admin.sites.setCalendar.mutate({ id: 1, calendar: null });
    await admin.trpc.admin.districts.setCalendar.mutate({ code: 'RLN', calendar: null });
    await admin.trpc.admin.districts.setCalendar.mutate({ code: 'RLS', calendar: null });
    expect(await op1.trpc.work.serviceCalendar.query()).toMatchObject({ siteId: 1, custom: false });
    expect(await lead.trpc.rota.calendar.query({})).toMatchObject({ custom: false, district: null });
  });

  it('refuses bad input with the field named, an unknown district, and everyone but admins', async () => {
    const badCode = await trpcError(admin.trpc.admin.districts.setCalendar.mutate({ code: 'rls', calendar: null }));
    expect(badCode.data?.httpStatus).toBe(400);
    expect(badCode.data?.zodError?.fieldErrors).toHaveProperty('code');
    const badHours = await trpcError(
      admin.trpc.admin.districts.setCalendar.mutate({
        code: 'RLS',
        calendar: { weekdays: { opens: '19:00', closes: '08:00' }, saturday: null, localHolidays: [] },
      }),
    );
    expect(badHours.data?.httpStatus).toBe(400);
    expect(JSON.stringify(badHours.data?.zodError?.fieldErrors)).toContain('Closing comes after opening');
    const unknown = await trpcError(admin.trpc.admin.districts.setCalendar.mutate({ code: 'ZZZ', calendar: null }));
    expect(unknown.data?.httpStatus).toBe(404);
    for (const who of [lead, op1]) {
      expect((await trpcError(who.trpc.admin.districts.list.query())).data?.httpStatus).toBe(403);
      const refused = await trpcError(
        who.trpc.admin.districts.setCalendar.mutate({ code: 'RLS', calendar: withSaturday }),
      );
      expect(refused.data?.httpStatus).toBe(403);
    }
    // nothing was written by the refused calls
    expect((await admin.trpc.admin.districts.list.query()).every((d) => d.calendar === null)).toBe(true);
  });
});
