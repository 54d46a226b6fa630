import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MovableClock } from '@valore/server/testing/movable-clock';
import { romeToUtc } from '@valore/shared/time/rome-time';
import { createApiClient } from '../helpers/api-client';
import { postCallbackRequest } from '../helpers/intake';
import { startTestServer, TEST_INTAKE_KEY, type TestServer } from '../helpers/server';
import { db } from '../helpers/sql';

/**
 * Call Me Back capacity over HTTP (issue 19): `GET /api/v1/callback-slots` offers the half-hours of the service
 * calendar with room left, the room coming from the rota (operators on shift × contacts per half-hour), and the intake
 * refuses a scheduled request into a full half-hour with the next free ones — also under a concurrent burst.
 */

// Tuesday 1 December 2026, 10:00 in Rome. Saturday 5 and 12, Sunday 6; Tuesday 8 is a national holiday (Immacolata).
const NOW = '2026-12-01T09:00:00.000Z';
const HALF_HOUR = 30 * 60_000;

interface Slot {
  start: string;
  end: string;
  capacity: number;
  booked: number;
  remaining: number;
}
interface Answer {
  status: number;
  headers: Headers;
  body: {
    slots?: Slot[];
    alternatives?: string[];
    error?: { code: string; domainCode?: string; message: string; fields?: Record<string, string[]> };
  };
}

const rome = (date: string, hhmm: string) =>
  romeToUtc(date, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))).toISOString();
/** One Rome day as a query window: [00:00, next 00:00). */
const romeDay = (date: string, next: string) => ({ from: rome(date, '00:00'), to: rome(next, '00:00') });
/** The half-hour starts from `first` to `last` (Rome, inclusive) of a date. */
function halfHours(date: string, first: string, last: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(rome(date, first)); t <= Date.parse(rome(date, last)); t += HALF_HOUR)
    out.push(new Date(t).toISOString());
  return out;
}

async function getSlots(server: TestServer, query: Record<string, string>, key: string | null = TEST_INTAKE_KEY) {
  const response = await fetch(`${server.url}/api/v1/callback-slots?${new URLSearchParams(query).toString()}`, {
    headers: key === null ? {} : { authorization: `Bearer ${key}` },
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Answer['body'] };
}

async function slotsOf(server: TestServer, query: Record<string, string>): Promise<Slot[]> {
  const { status, body } = await getSlots(server, { productCode: 'CONTO', ...query });
  expect(status, JSON.stringify(body)).toBe(200);
  return body.slots ?? [];
}

let phoneNo = 0;
/** A scheduled request from a fresh phone number at `preferredAt`. */
async function book(
  server: TestServer,
  preferredAt: string,
  headers: Record<string, string> = {},
  phone = `+39 347 ${String(1_000_000 + ++phoneNo).slice(1)}`,
): Promise<Answer> {
  const response = await postCallbackRequest(
    server,
    {
      phone,
      product: 'FIBRA',
      mode: 'scheduled',
      preferredAt,
      channel: 'web',
    },
    headers,
  );
  return { status: response.status, headers: response.headers, body: (await response.json()) as Answer['body'] };
}

const activeOperators = (server: TestServer) =>
  db(server).all<{ id: number; site_id: number }>(
    "SELECT id, site_id FROM users WHERE role = 'operator' AND active = 1 AND site_id IS NOT NULL ORDER BY id",
  );

/** Open scheduled callbacks whose preferred time is in the half-hour starting at `start`. */
const bookedIn = async (server: TestServer, start: string) =>
  (await db(server).get<{ n: number }>(
    `SELECT count(*) AS n FROM callback_requests WHERE mode = 'scheduled' AND status IN ('pending', 'claimed')
       AND preferred_at >= ? AND preferred_at < ?`,
    start,
    new Date(Date.parse(start) + HALF_HOUR).toISOString(),
  ))!.n;

async function addShift(
  server: TestServer,
  row: { userId: number; siteId: number; date: string; kind: 'saturday' | 'rest'; starts?: string; ends?: string },
  status: 'draft' | 'published' = 'published',
): Promise<void> {
  await db(server).run(
    `INSERT INTO rota_shifts (site_id, user_id, date, kind, starts, ends, status, created_at, published_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    row.siteId,
    row.userId,
    row.date,
    row.kind,
    row.starts ?? null,
    row.ends ?? null,
    status,
    NOW,
    status === 'published' ? NOW : null,
  );
}

describe('callback slots from the rota', () => {
  const PER = 3;
  const clock = new MovableClock(NOW);
  let server: TestServer;
  let operators: { id: number; site_id: number }[];

  beforeAll(async () => {
    server = await startTestServer({ clock, env: { VALORE_CALLBACK_CONTACTS_PER_HALF_HOUR: String(PER) } });
    operators = await activeOperators(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('on a weekday offers every half-hour of the service hours, each with every operator × the contacts', async () => {
    const slots = await slotsOf(server, romeDay('2026-12-02', '2026-12-03'));
    expect(operators.length).toBeGreaterThan(10);
    expect(slots.map((s) => s.start)).toEqual(halfHours('2026-12-02', '07:30', '19:00'));
    for (const slot of slots) {
      const booked = await bookedIn(server, slot.start);
      expect(slot).toEqual({
        start: slot.start,
        end: new Date(Date.parse(slot.start) + HALF_HOUR).toISOString(),
        capacity: operators.length * PER,
        booked,
        remaining: operators.length * PER - booked,
      });
    }
  });

  it('by default offers the week from now, starting with the next half-hour', async () => {
    const { status, headers, body } = await getSlots(server, { productCode: 'CONTO' });
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('no-store');
    const starts = (body.slots ?? []).map((s) => s.start);
    // 10:00 in Rome has begun: the first is 10:30
    expect(starts[0]).toBe('2026-12-01T09:30:00.000Z');
    expect(starts.at(-1)).toBe(rome('2026-12-07', '19:00'));
    expect(starts.every((s) => s > NOW)).toBe(true);
  });

  it('has no slots on a Sunday, a national holiday, or a Saturday without a published rota', async () => {
    expect(await slotsOf(server, romeDay('2026-12-06', '2026-12-07'))).toEqual([]);
    expect(await slotsOf(server, romeDay('2026-12-08', '2026-12-09'))).toEqual([]);
    expect(await slotsOf(server, romeDay('2026-12-05', '2026-12-06'))).toEqual([]);
  });

  it('counts a published Saturday rota and its rest days, not a draft (generated by the team lead)', async () => {
    const lead = createApiClient(server.url);
    await lead.login('teamlead1');
    const period = { from: '2026-11-30', weeks: 1 };
    await lead.trpc.rota.generateSaturdays.mutate({ ...period, need: { count: 1 } });
    // a draft is a plan, not people on shift
    expect(await slotsOf(server, romeDay('2026-12-05', '2026-12-06'))).toEqual([]);
    await lead.trpc.rota.publish.mutate(period);

    const rows = await db(server).all<{
      date: string;
      kind: 'saturday' | 'rest';
      starts: string | null;
      ends: string | null;
    }>("SELECT date, kind, starts, ends FROM rota_shifts WHERE status = 'published' ORDER BY date");
    const saturday = rows.filter((r) => r.kind === 'saturday');
    expect(saturday.length).toBeGreaterThan(0);
    expect(saturday.every((r) => r.date === '2026-12-05' && r.starts === '07:30' && r.ends === '15:12')).toBe(true);
    const saturdaySlots = await slotsOf(server, romeDay('2026-12-05', '2026-12-06'));
    // Saturday closes at 15:12: 15:00 is its last half-hour
    expect(saturdaySlots.map((s) => s.start)).toEqual(halfHours('2026-12-05', '07:30', '15:00'));
    expect(saturdaySlots.every((s) => s.capacity === saturday.length * PER && s.booked === 0)).toBe(true);

    // each Saturday earns a rest day the week after: that day has those people fewer
    const rests = rows.filter((r) => r.kind === 'rest');
    expect(rests).toHaveLength(saturday.length);
    const restDate = rests[0]?.date ?? '';
    const resting = rests.filter((r) => r.date === restDate).length;
    const restDaySlots = await slotsOf(server, { from: rome(restDate, '00:00'), to: rome(restDate, '23:00') });
    expect(restDaySlots.length).toBeGreaterThan(0);
    for (const slot of restDaySlots) expect(slot.capacity).toBe((operators.length - resting) * PER);
  });

  it('on a Saturday counts each published shift only within its hours', async () => {
    const [a, b, c, d] = operators;
    if (!a || !b || !c || !d) throw new Error('the demo needs four operators');
    await addShift(server, {
      userId: a.id,
      siteId: a.site_id,
      date: '2026-12-12',
      kind: 'saturday',
      starts: '08:00',
      ends: '11:00',
    });
    await addShift(server, {
      userId: b.id,
      siteId: b.site_id,
      date: '2026-12-12',
      kind: 'saturday',
      starts: '08:00',
      ends: '11:00',
    });
    await addShift(server, {
      userId: c.id,
      siteId: c.site_id,
      date: '2026-12-12',
      kind: 'saturday',
      starts: '10:00',
      ends: '15:12',
    });
    await addShift(
      server,
      { userId: d.id, siteId: d.site_id, date: '2026-12-12', kind: 'saturday', starts: '07:30', ends: '15:12' },
      'draft',
    );
    // a rest day on a Saturday is nobody's shift
    await addShift(server, { userId: d.id, siteId: d.site_id, date: '2026-12-12', kind: 'rest' });

    const slots = await slotsOf(server, romeDay('2026-12-12', '2026-12-13'));
    const capacity = Object.fromEntries(slots.map((s) => [s.start, s.capacity]));
    const expected: Record<string, number> = {};
    for (const s of halfHours('2026-12-12', '08:00', '09:30')) expected[s] = 2 * PER;
    for (const s of halfHours('2026-12-12', '10:00', '10:30')) expected[s] = 3 * PER;
    for (const s of halfHours('2026-12-12', '11:00', '15:00')) expected[s] = 1 * PER;
    expect(capacity).toEqual(expected);
  });

  it('takes a weekday rest day straight from the published rota', async () => {
    const before = await slotsOf(server, romeDay('2026-12-14', '2026-12-15'));
    const [a, b] = operators.slice(-2);
    if (!a || !b) throw new Error('the demo needs two operators');
    await addShift(server, { userId: a.id, siteId: a.site_id, date: '2026-12-14', kind: 'rest' });
    await addShift(server, { userId: b.id, siteId: b.site_id, date: '2026-12-14', kind: 'rest' }, 'draft');
    const after = await slotsOf(server, romeDay('2026-12-14', '2026-12-15'));
    expect(after.map((s) => s.start)).toEqual(before.map((s) => s.start));
    expect(before.every((s) => s.capacity === operators.length * PER)).toBe(true);
    expect(after.every((s) => s.capacity === (operators.length - 1) * PER)).toBe(true);
  });
});

describe('booking against capacity', () => {
  const clock = new MovableClock(NOW);
  let server: TestServer;
  // Saturday 5 December: three people on shift all day, one contact each per half-hour → three places a half-hour
  const SATURDAY = '2026-12-05';
  const requestRows = async () =>
    (await db(server).get<{ n: number }>('SELECT count(*) AS n FROM callback_requests'))!.n;
  const slotAt = async (start: string) =>
    (await slotsOf(server, romeDay(SATURDAY, '2026-12-06'))).find((s) => s.start === start);

  beforeAll(async () => {
    server = await startTestServer({ clock, env: { VALORE_CALLBACK_CONTACTS_PER_HALF_HOUR: '1' } });
    for (const o of (await activeOperators(server)).slice(0, 3))
      await addShift(server, {
        userId: o.id,
        siteId: o.site_id,
        date: SATURDAY,
        kind: 'saturday',
        starts: '07:30',
        ends: '15:12',
      });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('counts each scheduled request in its half-hour, also one not on the hour', async () => {
    const start = rome('2026-12-02', '11:00');
    const before = (await slotsOf(server, romeDay('2026-12-02', '2026-12-03'))).find((s) => s.start === start);
    expect(before).toBeDefined();
    for (const at of [start, start, rome('2026-12-02', '11:10')]) expect((await book(server, at)).status).toBe(201);
    const after = (await slotsOf(server, romeDay('2026-12-02', '2026-12-03'))).find((s) => s.start === start);
    expect(after).toEqual({
      ...before,
      booked: (before?.booked ?? 0) + 3,
      remaining: (before?.remaining ?? 0) - 3,
    });
  });

  it('leaves a full half-hour out, and refuses the next request into it with the next free half-hours', async () => {
    const ten = rome(SATURDAY, '10:00');
    const halfPast = rome(SATURDAY, '10:30');
    expect(await slotAt(ten)).toMatchObject({ capacity: 3, booked: 0, remaining: 3 });
    const first = await book(server, ten, { 'idempotency-key': 'first-of-ten' }, '+39 347 555 0001');
    expect(first.status).toBe(201);
    expect(await slotAt(ten)).toMatchObject({ capacity: 3, booked: 1, remaining: 2 });
    for (const at of [ten, ten, halfPast, halfPast, halfPast]) expect((await book(server, at)).status).toBe(201);
    expect(await slotAt(ten)).toBeUndefined();
    expect(await slotAt(halfPast)).toBeUndefined();

    const rows = await requestRows();
    const refused = await book(server, rome(SATURDAY, '10:20'));
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
    expect(refused.body.error).toMatchObject({ code: 'CONFLICT', domainCode: 'SLOT_FULL' });
    expect(refused.body.error?.message).toMatch(/10:00–10:30.*full/);
    // 10:30 is full too: the next free ones are 11:00, 11:30, 12:00 — each offered by the slots list
    expect(refused.body.alternatives).toEqual([
      rome(SATURDAY, '11:00'),
      rome(SATURDAY, '11:30'),
      rome(SATURDAY, '12:00'),
    ]);
    const offered = (await slotsOf(server, romeDay(SATURDAY, '2026-12-06'))).map((s) => s.start);
    for (const alternative of refused.body.alternatives ?? []) {
      expect(offered).toContain(alternative);
      expect(alternative > ten).toBe(true);
    }
    expect(await requestRows()).toBe(rows);

    // a retry of a request already taken still gets its first answer, full or not
    const retry = await book(server, ten, { 'idempotency-key': 'first-of-ten' }, '+39 347 555 0001');
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
  });

  it('never overbooks: a burst for the last places gets exactly that many 201s, the rest 409', async () => {
    const noon = rome(SATURDAY, '12:30');
    expect((await book(server, noon)).status).toBe(201);
    const remaining = (await slotAt(noon))?.remaining ?? 0;
    expect(remaining).toBe(2);
    const answers = await Promise.all(Array.from({ length: 8 }, () => book(server, noon)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([...Array<number>(remaining).fill(201), ...Array<number>(8 - remaining).fill(409)]);
    expect(await bookedIn(server, noon)).toBe(3);
    expect(await slotAt(noon)).toBeUndefined();
    for (const refused of answers.filter((a) => a.status === 409))
      expect(refused.body.alternatives).toEqual([
        rome(SATURDAY, '13:00'),
        rome(SATURDAY, '13:30'),
        rome(SATURDAY, '14:00'),
      ]);
  });

  it('a Call Me Now is not held to the slots', async () => {
    const response = await postCallbackRequest(server, {
      phone: '+39 347 999 0000',
      product: 'CONTO',
      mode: 'now',
      channel: 'web',
    });
    expect(response.status).toBe(201);
  });

  it('refuses a scheduled request on a Saturday nobody is on shift for, with the next free half-hours', async () => {
    const refused = await book(server, rome('2026-12-12', '09:00'));
    expect(refused.status).toBe(409);
    // nobody on the 12th; the next free half-hours are Monday 14 December's first
    expect(refused.body.alternatives).toEqual([
      rome('2026-12-14', '07:30'),
      rome('2026-12-14', '08:00'),
      rome('2026-12-14', '08:30'),
    ]);
  });
});

describe('callback slots: access and bad input', () => {
  const clock = new MovableClock(NOW);
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ clock });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('needs an intake key: none, a wrong one or a revoked one is a 401', async () => {
    for (const key of [null, 'wrong-key']) {
      const { status, headers, body } = await getSlots(server, { productCode: 'CONTO' }, key);
      expect(status).toBe(401);
      expect(headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(body.error).toMatchObject({ code: 'UNAUTHORIZED' });
    }
    const admin = createApiClient(server.url);
    await admin.login('admin');
    const made = await admin.trpc.admin.apiKeys.create.mutate({ name: 'App', scopes: ['intake'] });
    const key = made.key ?? '';
    expect((await getSlots(server, { productCode: 'CONTO' }, key)).status).toBe(200);
    await admin.trpc.admin.apiKeys.revoke.mutate({ id: made.id });
    expect((await getSlots(server, { productCode: 'CONTO' }, key)).status).toBe(401);
    // a key for attendance reports only does not open the intake
    const attendance = await admin.trpc.admin.apiKeys.create.mutate({ name: 'Uffici', scopes: ['attendance'] });
    expect((await getSlots(server, { productCode: 'CONTO' }, attendance.key ?? '')).status).toBe(401);
  });

  const day = romeDay('2026-12-02', '2026-12-03');
  it.each<[string, string, string, RegExp]>([
    ['from', `from=tomorrow&productCode=CONTO`, 'from', /ISO-8601/],
    ['to', `to=2026-12-02&productCode=CONTO`, 'to', /ISO-8601/],
    ['to equal to from', `from=${day.from}&to=${day.from}&productCode=CONTO`, 'to', /after from/],
    ['to before from', `from=${day.to}&to=${day.from}&productCode=CONTO`, 'to', /after from/],
    ['to before the default from (now)', `to=2026-11-30T10:00:00Z&productCode=CONTO`, 'to', /after from/],
    ['more than 14 days', `from=${day.from}&to=2026-12-17T00:00:00.001Z&productCode=CONTO`, 'to', /14 days/],
    ['no productCode', `from=${day.from}`, 'productCode', /productCode/],
    ['an unknown productCode', `productCode=NOPE`, 'productCode', /not an active catalogue product/],
    ['a lower-case productCode', `productCode=conto`, 'productCode', /catalogue product code/],
    ['a field given twice', `from=${day.from}&from=${day.to}&productCode=CONTO`, 'from', /ISO-8601/],
    ['an unknown field', `productCode=CONTO&limit=5`, 'limit', /Unknown field "limit"/],
  ])('refuses %s with a 400 naming the field', async (_what, query, field, message) => {
    const response = await fetch(`${server.url}/api/v1/callback-slots?${query}`, {
      headers: { authorization: `Bearer ${TEST_INTAKE_KEY}` },
    });
    const body = (await response.json()) as Answer['body'];
    expect(response.status, JSON.stringify(body)).toBe(400);
    expect(body.error?.code).toBe('BAD_REQUEST');
    expect(body.error?.fields?.[field]?.join(' ')).toMatch(message);
  });

  it('takes exactly 14 days, a window in the past, or far in the future without a fault', async () => {
    const cases = [
      { from: day.from, to: new Date(Date.parse(day.from) + 14 * 86_400_000).toISOString() },
      { from: '2026-11-20T00:00:00Z', to: '2026-11-27T00:00:00Z' },
      { from: '9999-12-20T00:00:00Z', to: '9999-12-31T00:00:00Z' },
      { from: '2026-12-02T10:00:00+01:00', to: '2026-12-02T12:00:00+01:00' },
    ];
    const answers = await Promise.all(cases.map((c) => getSlots(server, { ...c, productCode: 'CONTO' })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(answers[1]?.body.slots).toEqual([]);
    // a window given with an offset: [10:00, 12:00) in Rome, four half-hours
    expect(answers[3]?.body.slots?.map((s) => s.start)).toEqual(halfHours('2026-12-02', '10:00', '11:30'));
  });
});
