import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RotaView } from '@valore/shared/schemas/rota';
import { trpcError, type ApiClient, signedInClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * The Saturday rota over HTTP: a team lead generates two months of Saturdays for their site (every team covered by the
 * people it needs, each Saturday with its rest day, fairly spread), fixes a gap by hand, publishes, and the operators
 * see their own published shifts (rota.mine and the .ics file). Access, bad input and idempotent retries too.
 */

// Monday 4 January 2027: eight open Saturdays follow (9 January to 27 February), no holiday among them
const FROM = '2027-01-04';
const WEEKS = 8;

let server: TestServer;
let lead: ApiClient;
let admin: ApiClient;
let operator: ApiClient;
let tutor: ApiClient;
let operatorId = 0;

const sign = (username: string) => signedInClient(server.url, username);

beforeAll(async () => {
  server = await startTestServer();
  lead = await sign('teamlead1');
  admin = await sign('admin');
  operator = await sign('operatore1');
  tutor = await sign('tutor1');
  operatorId = (
    await server.database.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'operatore1')
      .executeTakeFirstOrThrow()
  ).id;
  // the demo has two operators a team: three more each, so a count of 2 rotates
  const site = (await admin.trpc.admin.sites.list.query()).find((s) => s.id === 1);
  for (const team of site?.teams ?? []) {
    for (let i = 0; i < 3; i++) {
      await admin.trpc.admin.users.create.mutate({
        username: `rota-${team.id}-${i}`,
        displayName: `Rota ${team.id}.${i}`,
        role: 'operator',
        siteId: 1,
        teamId: team.id,
      });
    }
  }
});
afterAll(async () => {
  await server?.close();
});

const saturdayShifts = (view: RotaView) => view.shifts.filter((s) => s.kind === 'saturday');
const rotaRows = async () =>
  Number(
    (
      await server.database.db
        .selectFrom('rota_shifts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const fieldsOf = (error: Awaited<ReturnType<typeof trpcError>>) =>
  (error.data?.zodError?.fieldErrors ?? {}) as Record<string, string[] | undefined>;

describe('the Saturday rota', () => {
  let generated: RotaView;

  it('generates two months: each team has exactly the people it needs every open Saturday, with rest days', async () => {
    const requestId = randomUUID();
    const input = { requestId, from: FROM, weeks: WEEKS, need: { count: 2 } };
    generated = await lead.trpc.rota.generateSaturdays.mutate(input);
    expect(generated.siteId).toBe(1);
    expect(generated.saturdays).toHaveLength(8);
    expect(generated.saturdays[0]).toEqual({ date: '2027-01-09', opens: '07:30', closes: '15:12' });
    expect(generated.teams.length).toBeGreaterThanOrEqual(2);
    for (const team of generated.teams) {
      expect(team.needed).toBe(2);
      expect(team.people).toHaveLength(5);
      for (const { date } of generated.saturdays) {
        expect(saturdayShifts(generated).filter((s) => s.teamId === team.id && s.date === date)).toHaveLength(2);
      }
      // fairness: nobody above the team's mean rounded up
      const total = team.people.reduce((sum, p) => sum + p.saturdays, 0);
      const fair = Math.ceil(total / team.people.length);
      expect(Math.max(...team.people.map((p) => p.saturdays))).toBeLessThanOrEqual(fair);
    }
    for (const shift of saturdayShifts(generated)) {
      expect(shift).toMatchObject({ starts: '07:30', ends: '15:12', status: 'draft' });
      const rest = generated.shifts.find((s) => s.kind === 'rest' && s.userId === shift.userId && s.date > shift.date);
      expect(rest?.date.localeCompare(shift.date)).toBe(1);
    }
    expect(generated.shifts.filter((s) => s.kind === 'rest')).toHaveLength(saturdayShifts(generated).length);
    expect(generated.conflicts).toEqual([]);
    expect(generated.published).toBe(false);
    expect(generated.need).toEqual({ count: 2 });

    // the same request again: the first answer, nothing written twice
    const rows = await rotaRows();
    const audits = await server.database.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'rota.generated')
      .execute();
    expect(await lead.trpc.rota.generateSaturdays.mutate(input)).toEqual(generated);
    expect(await rotaRows()).toBe(rows);
    expect(
      await server.database.db.selectFrom('audit_log').select('id').where('action', '=', 'rota.generated').execute(),
    ).toHaveLength(audits.length);
  });

  it('flags a gap made by hand, refuses to publish it, and clears it when another operator is assigned', async () => {
    const shift = saturdayShifts(generated)[0];
    if (!shift) throw new Error('no shift generated');
    expect(await lead.trpc.rota.unassign.mutate({ requestId: randomUUID(), shiftId: shift.id })).toEqual({
      removed: true,
    });
    const gap = await lead.trpc.rota.view.query({ from: FROM, weeks: WEEKS });
    expect(gap.conflicts).toEqual([
      expect.objectContaining({ kind: 'shortfall', date: shift.date, teamId: shift.teamId, userId: null }),
    ]);
    expect(gap.shifts.find((s) => s.id === shift.id)).toBeUndefined();

    const refused = await trpcError(lead.trpc.rota.publish.mutate({ from: FROM, weeks: WEEKS }));
    expect(refused.data?.httpStatus).toBe(400);
    expect(refused.message).toContain('1 of 2 people');

    // someone else of the same team, not on that Saturday, still within the fair share once assigned
    const team = gap.teams.find((t) => t.id === shift.teamId);
    const total = (team?.people.reduce((s, p) => s + p.saturdays, 0) ?? 0) + 1;
    const fair = Math.ceil(total / (team?.people.length ?? 1));
    const onDate = new Set(
      saturdayShifts(gap)
        .filter((s) => s.date === shift.date)
        .map((s) => s.userId),
    );
    const other = team?.people.find((p) => !onDate.has(p.userId) && p.saturdays < fair && p.userId !== shift.userId);
    if (!other) throw new Error('nobody free to assign');
    // bad assignments first: the same person twice, a Sunday, an operator of another site
    const onIt = [...onDate][0] ?? 0;
    const twice = await trpcError(lead.trpc.rota.assign.mutate({ date: shift.date, userId: onIt }));
    expect(twice.data?.httpStatus).toBe(400);
    expect(fieldsOf(twice).userId?.[0]).toContain('already on the rota');
    const sunday = await trpcError(lead.trpc.rota.assign.mutate({ date: '2027-01-10', userId: other.userId }));
    expect(fieldsOf(sunday).date?.[0]).toContain('not an open Saturday');
    const otherSite = await server.database.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'operatore5')
      .executeTakeFirstOrThrow();
    const stranger = await trpcError(lead.trpc.rota.assign.mutate({ date: shift.date, userId: otherSite.id }));
    expect(fieldsOf(stranger).userId?.[0]).toContain('Not an active operator');

    const { shiftId } = await lead.trpc.rota.assign.mutate({
      requestId: randomUUID(),
      date: shift.date,
      userId: other.userId,
    });
    const fixed = await lead.trpc.rota.view.query({ from: FROM, weeks: WEEKS });
    expect(fixed.conflicts).toEqual([]);
    expect(fixed.shifts.find((s) => s.id === shiftId)).toMatchObject({ kind: 'saturday', starts: '07:30' });
    expect(fixed.shifts.filter((s) => s.kind === 'rest' && s.userId === other.userId).length).toBe(
      fixed.teams.flatMap((t) => t.people).find((p) => p.userId === other.userId)?.saturdays,
    );
  });

  it('publishes; operators see only their published rows, also as an .ics file', async () => {
    // a draft after the period, which operatore1 must not see
    await lead.trpc.rota.assign.mutate({ date: '2027-03-06', userId: operatorId });

    const { published } = await lead.trpc.rota.publish.mutate({ requestId: randomUUID(), from: FROM, weeks: WEEKS });
    expect(published).toBe(8 * 2 * generated.teams.filter((t) => t.needed > 0).length);
    const view = await lead.trpc.rota.view.query({ from: FROM, weeks: WEEKS });
    expect(view.published).toBe(true);

    const mine = await operator.trpc.rota.mine.query({ from: FROM, weeks: 13 });
    const expected = view.shifts.filter((s) => s.userId === operatorId);
    expect(expected.length).toBeGreaterThan(0);
    expect(mine.shifts).toHaveLength(expected.length);
    expect(mine.shifts.every((s) => s.date !== '2027-03-06')).toBe(true);
    expect(mine.shifts.find((s) => s.kind === 'saturday')).toMatchObject({
      starts: '07:30',
      ends: '15:12',
      team: expect.stringContaining('Team') as unknown,
    });

    const ics = await operator.fetch(`${server.url}/api/v1/rota/mine.ics?from=${FROM}&weeks=13`);
    expect(ics.status).toBe(200);
    expect(ics.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(ics.headers.get('content-disposition')).toBe('attachment; filename="turni.ics"');
    const body = await ics.text();
    expect(body.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(body.split('\r\n').filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(expected.length);
    expect(body).not.toMatch(/[^\r]\n/);
    const saturday = mine.shifts.find((s) => s.kind === 'saturday');
    // 07:30 in Rome in winter is 06:30 UTC
    expect(body).toContain(`DTSTART:${saturday?.date.replace(/-/g, '')}T063000Z`);
    expect(body).toContain(`DTSTART;VALUE=DATE:${mine.shifts.find((s) => s.kind === 'rest')?.date.replace(/-/g, '')}`);
    const anonymous = await fetch(`${server.url}/api/v1/rota/mine.ics`);
    expect(anonymous.status).toBe(401);
    const bad = await operator.fetch(`${server.url}/api/v1/rota/mine.ics?weeks=14`);
    expect(bad.status).toBe(400);

    // a published period is not regenerated
    const again = await trpcError(
      lead.trpc.rota.generateSaturdays.mutate({ from: FROM, weeks: WEEKS, need: { count: 1 } }),
    );
    expect(again.data?.httpStatus).toBe(409);
    expect(again.message).toContain('published');
    const shift = saturdayShifts(view)[0];
    const frozen = await trpcError(lead.trpc.rota.unassign.mutate({ shiftId: shift?.id ?? 0 }));
    expect(frozen.data?.httpStatus).toBe(400);
    expect(frozen.message).toContain('published shifts are not changed here');
  });

  it('lets the team lead set the site’s to-be hours, which the rota follows from their date', async () => {
    const current = await lead.trpc.rota.calendar.query();
    expect(current).toMatchObject({ siteId: 1, custom: false });
    const changed = await lead.trpc.rota.setCalendar.mutate({
      requestId: randomUUID(),
      calendar: {
        ...current.calendar,
        name: 'As-is',
        versions: [
          {
            name: 'To-be',
            effectiveFrom: '2027-03-15',
            weekdays: { opens: '07:30', closes: '19:30' },
            saturday: { opens: '08:00', closes: '13:00' },
          },
        ],
      },
    });
    expect(changed.custom).toBe(true);
    const view = await lead.trpc.rota.view.query({ from: '2027-03-01', weeks: 4 });
    expect(view.saturdays).toEqual([
      { date: '2027-03-06', opens: '07:30', closes: '15:12' },
      { date: '2027-03-13', opens: '07:30', closes: '15:12' },
      { date: '2027-03-20', opens: '08:00', closes: '13:00' },
      { date: '2027-03-27', opens: '08:00', closes: '13:00' },
    ]);
    const audit = await server.database.db
      .selectFrom('audit_log')
      .select('actor_id')
      .where('action', '=', 'admin.site_calendar_changed')
      .where('entity_id', '=', '1')
      .executeTakeFirstOrThrow();
    const leadUser = await server.database.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'teamlead1')
      .executeTakeFirstOrThrow();
    expect(audit.actor_id).toBe(leadUser.id);
    // a period with no open Saturday (26 December is a holiday) is an empty rota, not an error
    const empty = await lead.trpc.rota.generateSaturdays.mutate({ from: '2027-12-20', weeks: 1, need: { share: 0.2 } });
    expect(empty.saturdays).toEqual([]);
    expect(empty.shifts).toEqual([]);
  });
});

describe('rota access and input', () => {
  const period = { from: FROM, weeks: 2 };
  it('refuses operators and tutors on the planning procedures, and lets them read their own', async () => {
    for (const client of [operator, tutor]) {
      for (const call of [
        () => client.trpc.rota.view.query({ siteId: 1, ...period }),
        () => client.trpc.rota.calendar.query({ siteId: 1 }),
        () => client.trpc.rota.generateSaturdays.mutate({ siteId: 1, ...period, need: { count: 1 } }),
        () => client.trpc.rota.publish.mutate({ siteId: 1, ...period }),
        () => client.trpc.rota.assign.mutate({ siteId: 1, date: '2027-01-09', userId: operatorId }),
        () => client.trpc.rota.unassign.mutate({ shiftId: 1 }),
      ]) {
        expect((await trpcError(call())).data?.httpStatus).toBe(403);
      }
      expect(await client.trpc.rota.mine.query()).toHaveProperty('shifts');
    }
  });

  it('keeps a team lead to their own site and asks an admin which site', async () => {
    const other = await trpcError(lead.trpc.rota.view.query({ siteId: 2, ...period }));
    expect(other.data?.httpStatus).toBe(403);
    expect(other.data?.domainCode).toBe('FORBIDDEN_SCOPE');
    expect((await trpcError(lead.trpc.rota.setCalendar.mutate({ siteId: 2, calendar: null }))).data?.httpStatus).toBe(
      403,
    );
    const noSite = await trpcError(admin.trpc.rota.view.query(period));
    expect(noSite.data?.httpStatus).toBe(400);
    expect(fieldsOf(noSite).siteId).toEqual(['Choose the site']);
    expect((await admin.trpc.rota.view.query({ siteId: 2, ...period })).siteId).toBe(2);
  });

  it('refuses bad input with a message per field', async () => {
    const bad = async (input: Record<string, unknown>, field: string) => {
      const error = await trpcError(
        lead.trpc.rota.generateSaturdays.mutate({ from: FROM, weeks: 1, need: { count: 1 }, ...input }),
      );
      expect(error.data?.httpStatus).toBe(400);
      expect(fieldsOf(error)[field]?.length).toBeGreaterThan(0);
    };
    await bad({ weeks: 0 }, 'weeks');
    await bad({ weeks: 14 }, 'weeks');
    await bad({ from: '2027-02-30' }, 'from');
    await bad({ need: { share: 2 } }, 'need');
    const view = await trpcError(lead.trpc.rota.view.query({ from: '2027-13-01', weeks: 1 }));
    expect(fieldsOf(view).from).toEqual(['Use a date as YYYY-MM-DD']);
  });
});
