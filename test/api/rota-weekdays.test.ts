import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MovableClock } from '@valore/server/testing/movable-clock';
import { anyString } from '@valore/server/testing/matchers';
import type { RotaView, RotaWeekDay } from '@valore/shared/schemas/rota';
import { romeToUtc } from '@valore/shared/time/rome-time';
import { trpcError, type ApiClient, signedInClient } from '../helpers/api-client';
import { startTestServer, TEST_INTAKE_KEY, type TestServer } from '../helpers/server';
import { db } from '../helpers/sql';

/**
 * Weekday shifts over HTTP (issue 19): a team lead plans an operator's Monday–Friday hours week by week
 * (rota.planWeek) or copies a week (rota.copyWeek); the view judges overlaps, hours outside the site's calendar and
 * the rest rules, publishing is refused until they are fixed; the operator then reads the shifts (rota.mine, the .ics
 * file), and the Call Me Back capacity and the adherence count each person only within their hours. Access, bad input
 * and idempotent retries too.
 */

// Monday 4 January 2027, 09:00 in Rome; the week planned is the next one (11–15 January, no holiday). Wednesday 6
// January is Epiphany, a national holiday.
const NOW = '2027-01-04T08:00:00.000Z';
const WEEK = '2027-01-11';
const NEXT = '2027-01-18';
const PER = 3;
const day = (n: number) => ['2027-01-11', '2027-01-12', '2027-01-13', '2027-01-14', '2027-01-15'][n] ?? '';

let server: TestServer;
let lead: ApiClient;
let admin: ApiClient;
let operator: ApiClient;
let tutor: ApiClient;
/** operatore1, and another operator of site 1 */
let a = 0;
let b = 0;
/** a third operator of site 1, never planned in the week copied */
let c = 0;
let otherSiteOperator = 0;
let otherSite = 0;

const sign = (username: string) => signedInClient(server.url, username);
const idOf = async (username: string) =>
  (await db(server).get<{ id: number }>('SELECT id FROM users WHERE username = ?', username))!.id;
const fieldsOf = (error: Awaited<ReturnType<typeof trpcError>>) =>
  (error.data?.zodError?.fieldErrors ?? {}) as Record<string, string[] | undefined>;
const count = async (sql: string, ...params: unknown[]) => (await db(server).get<{ n: number }>(sql, ...params))!.n;
const weekdayRows = (view: RotaView, userId: number) =>
  view.shifts.filter((s) => s.kind === 'weekday' && s.userId === userId);
const plan = (userId: number, days: RotaWeekDay[], weekOf = WEEK) =>
  lead.trpc.rota.planWeek.mutate({ requestId: randomUUID(), weekOf, userId, days });

beforeAll(async () => {
  server = await startTestServer({
    clock: new MovableClock(NOW),
    env: { VALORE_CALLBACK_CONTACTS_PER_HALF_HOUR: String(PER) },
  });
  [lead, admin, operator, tutor] = await Promise.all([
    sign('teamlead1'),
    sign('admin'),
    sign('operatore1'),
    sign('tutor1'),
  ]);
  a = await idOf('operatore1');
  const others = await db(server).all<{ id: number; site_id: number }>(
    "SELECT id, site_id FROM users WHERE role = 'operator' AND active = 1 AND id != ? ORDER BY id",
    a,
  );
  [b = 0, c = 0] = others.filter((o) => o.site_id === 1).map((o) => o.id);
  const stranger = others.find((o) => o.site_id !== 1);
  otherSiteOperator = stranger?.id ?? 0;
  otherSite = stranger?.site_id ?? 0;
  expect(b).toBeGreaterThan(0);
  expect(c).toBeGreaterThan(0);
  expect(otherSiteOperator).toBeGreaterThan(0);
});
afterAll(async () => {
  await server?.close();
});

describe('weekday shifts', () => {
  it("plans an operator's week as drafts, replaces them when planned again, and answers a retry once", async () => {
    const requestId = randomUUID();
    const input = {
      requestId,
      weekOf: WEEK,
      userId: a,
      days: [
        { date: day(0), starts: '08:00', ends: '14:00' },
        { date: day(1), starts: '08:00', ends: '14:00' },
        { date: day(2), off: true as const },
        { date: day(3), starts: '12:00', ends: '19:30' },
      ],
    };
    const view = await lead.trpc.rota.planWeek.mutate(input);
    expect(view).toMatchObject({ siteId: 1, from: WEEK, weeks: 1, conflicts: [], published: false });
    expect(view.weekdays).toEqual([0, 1, 2, 3, 4].map((n) => ({ date: day(n), opens: '07:30', closes: '19:30' })));
    expect(weekdayRows(view, a).map(({ date, starts, ends, status }) => ({ date, starts, ends, status }))).toEqual([
      { date: day(0), starts: '08:00', ends: '14:00', status: 'draft' },
      { date: day(1), starts: '08:00', ends: '14:00', status: 'draft' },
      { date: day(2), starts: null, ends: null, status: 'draft' },
      { date: day(3), starts: '12:00', ends: '19:30', status: 'draft' },
    ]);

    // the same request again: the first answer, nothing written twice
    const rows = await count('SELECT count(*) AS n FROM rota_shifts');
    const audits = await count("SELECT count(*) AS n FROM audit_log WHERE action = 'rota.week_planned'");
    expect(await lead.trpc.rota.planWeek.mutate(input)).toEqual(view);
    expect(await count('SELECT count(*) AS n FROM rota_shifts')).toBe(rows);
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE action = 'rota.week_planned'")).toBe(audits);
    // the same key with another body is refused
    const changed = await trpcError(lead.trpc.rota.planWeek.mutate({ ...input, days: [] }));
    expect(changed.data?.httpStatus).toBe(409);

    // planned again: the week's drafts are replaced (Friday now too); rota.view reads the same
    const again = await plan(a, [
      { date: day(0), starts: '08:00', ends: '14:00' },
      { date: day(2), off: true },
      { date: day(4), starts: '07:30', ends: '13:30' },
    ]);
    expect(weekdayRows(again, a).map((s) => s.date)).toEqual([day(0), day(2), day(4)]);
    expect(await lead.trpc.rota.view.query({ from: WEEK, weeks: 1 })).toEqual(again);
    expect(
      await count(
        "SELECT count(*) AS n FROM audit_log WHERE action = 'rota.week_planned' AND entity_id = ?",
        String(a),
      ),
    ).toBe(2);
  });

  it('flags overlaps, hours outside the calendar and the rest rules; publishing waits until they are fixed', async () => {
    // b works Saturday 9 January: their rest day falls in the week planned
    await lead.trpc.rota.assign.mutate({ requestId: randomUUID(), date: '2027-01-09', userId: b });
    const rest = (await lead.trpc.rota.view.query({ from: WEEK, weeks: 1 })).shifts.find(
      (s) => s.kind === 'rest' && s.userId === b,
    );
    if (!rest) throw new Error('no rest day in the week');
    const fullWeek = [0, 1, 2, 3, 4].map((n) => ({ date: day(n), starts: '09:00', ends: '17:00' }));
    await plan(b, fullWeek);
    const view = await plan(a, [
      { date: day(0), starts: '08:00', ends: '14:00' },
      { date: day(0), starts: '13:00', ends: '19:00' }, // overlaps the morning
      { date: day(1), starts: '07:00', ends: '12:00' }, // opens 07:30
      { date: day(2), starts: '13:00', ends: '21:00' }, // closes 19:30, and the next day starts 10 hours later
      { date: day(3), starts: '07:00', ends: '12:00' },
    ]);
    const of = (kind: string, userId: number) => view.conflicts.filter((c) => c.kind === kind && c.userId === userId);
    const [morning, afternoon] = weekdayRows(view, a);
    expect(of('overlap', a)).toEqual([
      expect.objectContaining({ date: day(0), shiftIds: [morning?.id, afternoon?.id] }),
    ]);
    expect(of('outside_hours', a).map((c) => c.date)).toEqual([day(1), day(2), day(3)]);
    expect(of('rest_rule', a)).toEqual([
      expect.objectContaining({ date: day(3), message: expect.stringContaining('10 h 00') as unknown }),
    ]);
    // b works on their rest day
    expect(of('overlap', b)).toEqual([expect.objectContaining({ date: rest.date })]);
    expect(of('overlap', b)[0]?.shiftIds).toContain(rest.id);

    const refused = await trpcError(lead.trpc.rota.publish.mutate({ requestId: randomUUID(), from: WEEK, weeks: 1 }));
    expect(refused.data?.httpStatus).toBe(400);
    expect(refused.message).toContain('overlapping');
    expect(refused.message).toContain('outside the site');
    expect(await count("SELECT count(*) AS n FROM rota_shifts WHERE status = 'published'")).toBe(0);

    // fixed: one shift a day within the hours, and b off on the rest day
    await plan(a, [
      { date: day(0), starts: '08:00', ends: '14:00' },
      { date: day(1), starts: '08:00', ends: '14:00' },
      { date: day(2), starts: '12:00', ends: '19:30' },
      { date: day(3), starts: '08:00', ends: '14:00' },
      { date: day(4), off: true },
    ]);
    const fixed = await plan(
      b,
      fullWeek.map((d) => (d.date === rest.date ? { date: d.date, off: true as const } : d)),
    );
    expect(fixed.conflicts).toEqual([]);
    const { published } = await lead.trpc.rota.publish.mutate({ requestId: randomUUID(), from: WEEK, weeks: 1 });
    expect(published).toBe(4 + 4); // a's four shifts, b's four (the days off are published uncounted)
    const after = await lead.trpc.rota.view.query({ from: WEEK, weeks: 1 });
    expect(after.published).toBe(true);
    expect(after.shifts.filter((s) => s.kind === 'weekday').every((s) => s.status === 'published')).toBe(true);
    // the rest day belongs to its Saturday, of the week before: published with it, not with this week
    expect(after.shifts.find((s) => s.id === rest.id)?.status).toBe('draft');

    // a published week is not planned again
    const frozen = await trpcError(plan(a, []));
    expect(frozen.data?.httpStatus).toBe(409);
    expect(frozen.message).toContain('published');
  });

  it('shows the operator their published weekday shifts, also in the .ics file; drafts never', async () => {
    await plan(a, [{ date: '2027-01-18', starts: '09:00', ends: '13:00' }], NEXT); // a draft
    const mine = await operator.trpc.rota.mine.query({ from: WEEK, weeks: 2 });
    expect(mine.shifts).toEqual([
      { date: day(0), kind: 'weekday', starts: '08:00', ends: '14:00', team: anyString() },
      { date: day(1), kind: 'weekday', starts: '08:00', ends: '14:00', team: anyString() },
      { date: day(2), kind: 'weekday', starts: '12:00', ends: '19:30', team: anyString() },
      { date: day(3), kind: 'weekday', starts: '08:00', ends: '14:00', team: anyString() },
      { date: day(4), kind: 'weekday', starts: null, ends: null, team: anyString() },
    ]);
    const ics = await operator.fetch(`${server.url}/api/v1/rota/mine.ics?from=${WEEK}&weeks=2`);
    expect(ics.status).toBe(200);
    const body = await ics.text();
    expect(body.split('\r\n').filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(5);
    // 08:00 in Rome in winter is 07:00 UTC
    expect(body).toContain('DTSTART:20270111T070000Z\r\nDTEND:20270111T130000Z\r\nSUMMARY:Turno (');
    expect(body).toContain('DTSTART;VALUE=DATE:20270115\r\nDTEND;VALUE=DATE:20270116\r\nSUMMARY:Riposo (');
    expect(body).not.toContain('20270118');
  });

  it('counts for the Call Me Back capacity and the adherence only those on shift at that time', async () => {
    const operators = await count(
      "SELECT count(*) AS n FROM users WHERE role = 'operator' AND active = 1 AND site_id IS NOT NULL",
    );
    const rome = (hhmm: string) =>
      romeToUtc(day(0), Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))).toISOString();
    const response = await fetch(
      `${server.url}/api/v1/callback-slots?${new URLSearchParams({
        productCode: 'CONTO',
        from: rome('00:00'),
        to: rome('23:59'),
      }).toString()}`,
      { headers: { authorization: `Bearer ${TEST_INTAKE_KEY}` } },
    );
    expect(response.status).toBe(200);
    const { slots } = (await response.json()) as { slots: { start: string; capacity: number }[] };
    const capacity = (hhmm: string) => slots.find((s) => s.start === rome(hhmm))?.capacity;
    // Monday: a works 08:00–14:00; b works 09:00–17:00 unless Monday is their rest day; everyone else all day
    const bWorksMonday = (await lead.trpc.rota.view.query({ from: WEEK, weeks: 1 })).shifts.some(
      (s) => s.userId === b && s.date === day(0) && s.kind === 'weekday' && s.starts !== null,
    );
    const others = operators - 2;
    const withB = (on: boolean) => (on && bWorksMonday ? 1 : 0);
    expect(capacity('07:30')).toBe((others + withB(false)) * PER);
    expect(capacity('08:00')).toBe((others + 1 + withB(false)) * PER);
    expect(capacity('09:00')).toBe((others + 1 + withB(true)) * PER);
    expect(capacity('13:30')).toBe((others + 1 + withB(true)) * PER);
    expect(capacity('14:00')).toBe((others + withB(true)) * PER);
    expect(capacity('17:00')).toBe(others * PER);

    const adherence = await lead.trpc.rota.adherence.query({ day: day(0) });
    expect(adherence.operators.find((o) => o.userId === a)?.expected).toEqual({ from: '08:00', to: '14:00' });
    expect(adherence.operators.find((o) => o.userId === b)?.expected).toEqual(
      bWorksMonday ? { from: '09:00', to: '17:00' } : null,
    );
    const friday = await lead.trpc.rota.adherence.query({ day: day(4) });
    expect(friday.operators.find((o) => o.userId === a)?.expected).toBeNull(); // a day off
  });

  it("copies a week's pattern to another, leaving out the days the site is closed, never into a published week", async () => {
    // someone with nothing in the week copied keeps their plan of the next
    await plan(c, [{ date: '2027-01-19', starts: '10:00', ends: '16:00' }], NEXT);
    const copied = await lead.trpc.rota.copyWeek.mutate({ requestId: randomUUID(), from: WEEK, to: NEXT });
    expect(weekdayRows(copied, c).map((s) => [s.date, s.starts])).toEqual([['2027-01-19', '10:00']]);
    expect(copied).toMatchObject({ from: NEXT, weeks: 1, published: false });
    expect(weekdayRows(copied, a).map(({ date, starts, ends, status }) => ({ date, starts, ends, status }))).toEqual([
      { date: '2027-01-18', starts: '08:00', ends: '14:00', status: 'draft' },
      { date: '2027-01-19', starts: '08:00', ends: '14:00', status: 'draft' },
      { date: '2027-01-20', starts: '12:00', ends: '19:30', status: 'draft' },
      { date: '2027-01-21', starts: '08:00', ends: '14:00', status: 'draft' },
      { date: '2027-01-22', starts: null, ends: null, status: 'draft' },
    ]);
    expect(weekdayRows(copied, b)).toHaveLength(5);

    // the week of Epiphany: Wednesday 6 January is closed, so a's Wednesday is not copied
    const epiphany = await lead.trpc.rota.copyWeek.mutate({ from: WEEK, to: '2027-01-04', userIds: [a] });
    expect(weekdayRows(epiphany, a).map((s) => s.date)).toEqual([
      '2027-01-04',
      '2027-01-05',
      '2027-01-07',
      '2027-01-08',
    ]);
    expect(epiphany.weekdays.find((d) => d.date === '2027-01-06')).toEqual({
      date: '2027-01-06',
      opens: null,
      closes: null,
    });
    // a shift planned on the holiday is flagged
    const holiday = await plan(a, [{ date: '2027-01-06', starts: '09:00', ends: '12:00' }], '2027-01-04');
    expect(holiday.conflicts.filter((c) => c.userId === a).map((c) => c.kind)).toEqual(['outside_hours']);

    const published = await trpcError(lead.trpc.rota.copyWeek.mutate({ from: NEXT, to: WEEK, userIds: [a] }));
    expect(published.data?.httpStatus).toBe(409);
    const stranger = await trpcError(
      lead.trpc.rota.copyWeek.mutate({ from: WEEK, to: NEXT, userIds: [a, otherSiteOperator] }),
    );
    expect(fieldsOf(stranger).userIds?.[0]).toContain(String(otherSiteOperator));
  });
});

describe('weekday shifts on the wallboard', () => {
  it('expects someone with published weekday shifts today only within them', async () => {
    // now is Monday 4 January, 09:00 in Rome: a works 10:00–12:00 today, once published
    const before = await lead.trpc.monitor.wallboard.query();
    await plan(a, [{ date: '2027-01-04', starts: '10:00', ends: '12:00' }], '2027-01-04');
    expect((await lead.trpc.monitor.wallboard.query()).adherence.onShift).toBe(before.adherence.onShift);
    await lead.trpc.rota.publish.mutate({ requestId: randomUUID(), from: '2027-01-04', weeks: 1 });
    expect((await lead.trpc.monitor.wallboard.query()).adherence.onShift).toBe(before.adherence.onShift - 1);
  });
});

describe('weekday shifts: access and input', () => {
  const someDays = [{ date: '2027-01-18', starts: '08:00', ends: '14:00' }];

  it('is for team leads (their own site) and admins (the site they name)', async () => {
    for (const client of [operator, tutor]) {
      const planCall = await trpcError(
        client.trpc.rota.planWeek.mutate({ siteId: 1, weekOf: NEXT, userId: a, days: someDays }),
      );
      expect(planCall.data?.httpStatus).toBe(403);
      const copyCall = await trpcError(client.trpc.rota.copyWeek.mutate({ siteId: 1, from: WEEK, to: NEXT }));
      expect(copyCall.data?.httpStatus).toBe(403);
    }
    const scoped = await trpcError(
      lead.trpc.rota.planWeek.mutate({ siteId: otherSite, weekOf: NEXT, userId: otherSiteOperator, days: someDays }),
    );
    expect(scoped.data?.domainCode).toBe('FORBIDDEN_SCOPE');
    const copyElsewhere = await trpcError(lead.trpc.rota.copyWeek.mutate({ siteId: otherSite, from: WEEK, to: NEXT }));
    expect(copyElsewhere.data?.httpStatus).toBe(403);
    // the lead's own site, someone of another
    const stranger = await trpcError(
      lead.trpc.rota.planWeek.mutate({ weekOf: NEXT, userId: otherSiteOperator, days: someDays }),
    );
    expect(fieldsOf(stranger).userId?.[0]).toContain('Not an active operator');
    const noSite = await trpcError(admin.trpc.rota.planWeek.mutate({ weekOf: NEXT, userId: a, days: someDays }));
    expect(fieldsOf(noSite).siteId).toEqual(['Choose the site']);
    const byAdmin = await admin.trpc.rota.planWeek.mutate({
      siteId: otherSite,
      weekOf: NEXT,
      userId: otherSiteOperator,
      days: someDays,
    });
    expect(byAdmin.siteId).toBe(otherSite);
    expect(weekdayRows(byAdmin, otherSiteOperator)).toHaveLength(1);
  });

  it('refuses bad input with a message per field', async () => {
    const bad = async (input: Record<string, unknown>, field: string, text: string) => {
      const error = await trpcError(
        lead.trpc.rota.planWeek.mutate({ weekOf: NEXT, userId: a, days: someDays, ...input }),
      );
      expect(error.data?.httpStatus).toBe(400);
      expect(fieldsOf(error)[field]?.join(' ')).toContain(text);
    };
    await bad({ weekOf: '2027-01-19' }, 'weekOf', 'choose the Monday');
    await bad({ weekOf: '2027-02-30' }, 'weekOf', 'Use a date as YYYY-MM-DD');
    await bad({ days: [{ date: '2027-01-23', starts: '08:00', ends: '12:00' }] }, 'days', 'Monday to Friday');
    await bad({ days: [{ date: '2027-01-18', starts: '14:00', ends: '08:00' }] }, 'days', 'ends after it starts');
    await bad({ days: [{ date: '2027-01-18', starts: '25:00', ends: '26:00' }] }, 'days', '');
    await bad(
      {
        days: [
          { date: '2027-01-18', off: true },
          { date: '2027-01-18', starts: '08:00', ends: '12:00' },
        ],
      },
      'days',
      'a day off has no hours too',
    );
    await bad({ days: [{ date: '2027-01-18' }] }, 'days', '');
    await bad({ userId: 0 }, 'userId', '');
    const same = await trpcError(lead.trpc.rota.copyWeek.mutate({ from: WEEK, to: WEEK }));
    expect(fieldsOf(same).to).toEqual(['Copy to another week than the one copied']);
    const notMonday = await trpcError(lead.trpc.rota.copyWeek.mutate({ from: '2027-01-12', to: NEXT }));
    expect(fieldsOf(notMonday).from?.[0]).toContain('Monday');
  });
});
