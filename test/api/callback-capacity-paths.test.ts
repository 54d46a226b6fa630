import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompleteInteractionInput } from '@valore/shared/schemas/interactions';
import { romeToUtc } from '@valore/shared/time/rome-time';
import { completion } from '@valore/server/testing/completions';
import { anyString } from '@valore/server/testing/matchers';
import { MovableClock } from '@valore/server/testing/movable-clock';
import { createApiClient, trpcError, type ApiClient } from '../helpers/api-client';
import { postCallbackRequest } from '../helpers/intake';
import { startTestServer, type TestServer } from '../helpers/server';
import { db } from '../helpers/sql';

/**
 * Call Me Back capacity on every path that books a time (issue 19): besides the web and app intake
 * (callback-slots.test.ts), a customer moving their callback on the self-service page and an operator agreeing a
 * callback on a call are held to the same half-hour capacity, checked in the transaction of the write. A full
 * half-hour is refused with the next free ones and nothing written; a callback moved never counts against itself;
 * a burst for the last place never overbooks; and over random sequences of all three no half-hour ever holds more
 * open scheduled callbacks than its capacity.
 */

// Tuesday 1 December 2026, 10:00 in Rome. Saturday 5 December has only the rota's people on shift.
const NOW = '2026-12-01T09:00:00.000Z';
const SATURDAY = '2026-12-05';
const HALF_HOUR = 30 * 60_000;
const rome = (hhmm: string, date = SATURDAY) =>
  romeToUtc(date, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))).toISOString();

/**
 * Saturday's rota, one contact a person per half-hour: capacity 1 at 08:00–08:30 (A), 2 at 09:00–10:30 (A and B),
 * 1 at 11:00–11:30 (B), 0 before 08:00 and from 12:00 (nobody on shift).
 */
const SHIFTS = [
  { starts: '08:00', ends: '11:00' },
  { starts: '09:00', ends: '12:00' },
];
const minuteOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
/** The test's own reckoning of a Saturday half-hour's capacity (the rule: people on shift × 1). */
function capacityOf(start: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Rome',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(start));
  const minute = minuteOf(parts);
  return SHIFTS.filter((s) => minuteOf(s.starts) <= minute && minute < minuteOf(s.ends)).length;
}

const clock = new MovableClock(NOW);
let server: TestServer;
let operators: ApiClient[];
let customerIds: number[];

const sql = () => db(server);
const count = async (table: string) => (await sql().get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))!.n;

/** Everything a booking, a move or an agreement writes: compared before and after a refusal. */
const footprint = async () => ({
  interactions: await count('interactions'),
  audit: await count('audit_log'),
  outbox: await count('outbox'),
  idempotency: await count('idempotency_keys'),
  callbacks: await sql().all('SELECT id, status, mode, preferred_at, due_at FROM callback_requests ORDER BY id'),
});

/** Open scheduled callbacks per half-hour start, straight from the table. */
async function bookedByHalfHour(): Promise<Map<string, number>> {
  const rows = await sql().all<{ at: string }>(
    `SELECT coalesce(preferred_at, due_at) AS at FROM callback_requests
     WHERE mode = 'scheduled' AND status IN ('pending', 'claimed')`,
  );
  const booked = new Map<string, number>();
  for (const r of rows) {
    const start = new Date(Math.floor(Date.parse(r.at) / HALF_HOUR) * HALF_HOUR).toISOString();
    booked.set(start, (booked.get(start) ?? 0) + 1);
  }
  return booked;
}
const bookedIn = async (start: string) => (await bookedByHalfHour()).get(start) ?? 0;

/** The Saturday half-hours holding more open scheduled callbacks than the rota gives them. */
async function overbooked(): Promise<string[]> {
  return [...(await bookedByHalfHour())]
    .filter(([start, n]) => start.startsWith('2026-12-05') && n > capacityOf(start))
    .map(([start, n]) => `${start}: ${n} > ${capacityOf(start)}`);
}

let phoneNo = 0;
/** A web Call Me Back at `at`; the id on 201. */
async function book(at: string): Promise<{ status: number; id: string | null; alternatives: string[] }> {
  const response = await postCallbackRequest(server, {
    phone: `+39 347 ${String(2_000_000 + ++phoneNo).slice(1)}`,
    product: 'CONTO',
    mode: 'scheduled',
    preferredAt: at,
    channel: 'web',
  });
  const body = (await response.json()) as { id?: string; alternatives?: string[] };
  return { status: response.status, id: body.id ?? null, alternatives: body.alternatives ?? [] };
}

/** The newest self-service link of a callback, as its last confirmation carries it. */
async function linkOf(id: string): Promise<string> {
  const row = await sql().get<{ body: string }>(
    "SELECT body FROM outbox WHERE ref_type = 'callback_request' AND ref_id = ? ORDER BY id DESC LIMIT 1",
    id,
  );
  const url = /https?:\/\/\S+\/s\/[A-Za-z0-9._-]+/.exec(row?.body ?? '')?.[0];
  if (!url) throw new Error(`no self-service link for callback ${id}`);
  return url;
}

/** The move form of a callback's page: its keys and the times it offers. */
async function moveForm(id: string): Promise<{ url: string; keys: Record<string, string>; options: string[] }> {
  // the pages allow a customer 60 requests a minute: the clock moves on as a person's would
  clock.advance(2_000);
  const url = await linkOf(id);
  const html = await (await fetch(`${url}/move`)).text();
  const requestId = /name="requestId" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const formToken = /name="formToken" value="([^"]+)"/.exec(html)?.[1] ?? '';
  return {
    url,
    keys: { requestId, formToken },
    options: [...html.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1] ?? ''),
  };
}

/** Posts the move form (as the customer's browser does) for `choice`. */
async function postMove(form: { url: string; keys: Record<string, string> }, choice: string) {
  clock.advance(1_000);
  const response = await fetch(`${form.url}/move`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(form.url).origin },
    body: new URLSearchParams({ ...form.keys, choice }).toString(),
  });
  return { status: response.status, html: await response.text() };
}

/** An inbound call on which the customer asks to be called back at `at`. */
function agreement(customerId: number, at: string): CompleteInteractionInput {
  return completion(
    'inbound_sales',
    customerId,
    'callback_scheduled',
    [
      { type: 'customer.identified', customerId },
      { type: 'callback.requested', callbackAt: at },
    ],
    { startMs: clock.now().getTime() - 5 * 60_000, handleMs: 4 * 60_000 },
  );
}

let agreements = 0;
async function agree(at: string, op = operators[0]) {
  const customerId = customerIds[agreements++ % customerIds.length] ?? 0;
  return (op ?? operators[0])?.trpc.interactions.complete.mutate(agreement(customerId, at));
}

/** No open callbacks left: every test (and every run of the property) starts from an empty Saturday. */
const clearCallbacks = () =>
  sql().run("UPDATE callback_requests SET status = 'cancelled' WHERE status IN ('pending', 'claimed')");

beforeAll(async () => {
  server = await startTestServer({
    clock,
    env: {
      VALORE_CALLBACK_CONTACTS_PER_HALF_HOUR: '1',
      VALORE_SESSION_IDLE_MINUTES: '720',
      VALORE_INTAKE_RATE_PER_MINUTE: '100000',
    },
  });
  const ops = await sql().all<{ id: number; site_id: number }>(
    "SELECT id, site_id FROM users WHERE role = 'operator' AND active = 1 AND site_id IS NOT NULL ORDER BY id LIMIT 2",
  );
  for (const [i, o] of ops.entries()) {
    const shift = SHIFTS[i];
    if (!shift) continue;
    await sql().run(
      `INSERT INTO rota_shifts (site_id, user_id, date, kind, starts, ends, status, created_at, published_at)
       VALUES (?, ?, ?, 'saturday', ?, ?, 'published', ?, ?)`,
      o.site_id,
      o.id,
      SATURDAY,
      shift.starts,
      shift.ends,
      NOW,
      NOW,
    );
  }
  operators = [];
  for (const username of ['operatore1', 'operatore2', 'operatore3', 'operatore4']) {
    const client = createApiClient(server.url);
    await client.login(username);
    operators.push(client);
  }
  customerIds = (await sql().all<{ id: number }>('SELECT id FROM customers ORDER BY id LIMIT 40')).map((r) => r.id);
}, 60_000);
afterAll(async () => {
  await server?.close();
});

describe('a customer moving their callback on the self-service page', () => {
  it('is not offered a full half-hour, and one taken meanwhile is refused with the free ones, nothing written', async () => {
    await clearCallbacks();
    // 09:00 and 09:30 full (two places each), the customer's callback at 10:00
    for (const at of [rome('09:00'), rome('09:10'), rome('09:30'), rome('09:45')])
      expect((await book(at)).status).toBe(201);
    const mine = await book(rome('10:00'));
    expect(mine.status).toBe(201);
    const form = await moveForm(mine.id ?? '');
    expect(form.options).not.toContain(rome('09:00'));
    expect(form.options).not.toContain(rome('09:30'));
    // its own half-hour stays offered, a free one too; nobody is on shift at 12:00
    expect(form.options).toContain(rome('10:00'));
    expect(form.options).toContain(rome('10:30'));
    expect(form.options).not.toContain(rome('12:00'));

    const before = await footprint();
    const refused = await postMove(form, rome('09:30'));
    expect(refused.status).toBe(409);
    expect(refused.html).toContain('role="alert"');
    expect(refused.html).toContain('Questo orario è stato appena occupato');
    // the next free half-hours after 09:30: 10:00 (its own: it does not count against itself), 10:30, 11:00
    expect(refused.html).toContain(
      'I primi orari ancora liberi: sabato 5 dicembre alle ore 10:00; sabato 5 dicembre alle ore 10:30; sabato 5 dicembre alle ore 11:00.',
    );
    expect(await footprint()).toEqual(before);
    expect(await overbooked()).toEqual([]);
  });

  it('moves within its own full half-hour and into a free one', async () => {
    await clearCallbacks();
    const mine = await book(rome('08:10'));
    expect(mine.status).toBe(201);
    // 08:00–08:30 has one place (A), now the customer's: full, and the move stays in it
    expect(await bookedIn(rome('08:00'))).toBe(1);
    const same = await postMove(await moveForm(mine.id ?? ''), rome('08:00'));
    expect(same.status).toBe(303);
    expect(await sql().get('SELECT preferred_at FROM callback_requests WHERE id = ?', mine.id)).toEqual({
      preferred_at: rome('08:00'),
    });
    // into a free half-hour: 10:30 has two places
    const free = await postMove(await moveForm(mine.id ?? ''), rome('10:30'));
    expect(free.status).toBe(303);
    expect(await bookedIn(rome('08:00'))).toBe(0);
    expect(await bookedIn(rome('10:30'))).toBe(1);
    // and back into 08:00, which it left free
    expect((await postMove(await moveForm(mine.id ?? ''), rome('08:00'))).status).toBe(303);
    expect(await overbooked()).toEqual([]);
  });
});

describe('an operator agreeing a callback time on a call', () => {
  it('into a full half-hour is refused with the free ones: no interaction, no callback, no audit row', async () => {
    await clearCallbacks();
    for (const at of [rome('09:00'), rome('09:20')]) expect((await book(at)).status).toBe(201);
    const before = await footprint();
    const refused = await trpcError(agree(rome('09:15')));
    expect(refused.data).toMatchObject({
      httpStatus: 409,
      code: 'CONFLICT',
      domainCode: 'SLOT_FULL',
      alternatives: [rome('09:30'), rome('10:00'), rome('10:30')],
    });
    expect(refused.message).toMatch(/09:00–09:30.*full/);
    expect(await footprint()).toEqual(before);

    // the console offers the first alternative; the operator agrees it with the customer
    const done = await agree(rome('09:30'));
    expect(done?.effects).toMatchObject({ callbackAt: rome('09:30'), callbackId: anyString() });
    expect(await bookedIn(rome('09:30'))).toBe(1);
    // nobody is on shift from 12:00 on Saturday: the next free half-hour is Monday's first
    const closed = await trpcError(agree(rome('12:30')));
    expect(closed.data).toMatchObject({ domainCode: 'SLOT_FULL' });
    expect(closed.data?.alternatives?.[0]).toBe(rome('07:30', '2026-12-07'));
    expect(await overbooked()).toEqual([]);
  });

  it('a lead follow-up agreed on a call is not a callback: it moves the lead, outside the Call Me Back capacity', async () => {
    await clearCallbacks();
    const [c] = customerIds;
    const sale = await operators[0]?.trpc.interactions.complete.mutate(
      completion(
        'inbound_sales',
        c ?? 0,
        'lead',
        [
          { type: 'customer.identified', customerId: c ?? 0 },
          { type: 'needs.identified', productCode: 'FIBRA' },
          { type: 'proposal.accepted' },
          // nobody is on shift at 12:30 on Saturday: a lead's follow-up is its owner's to plan
          { type: 'outcome.lead', followUpAt: rome('12:30') },
        ],
        { startMs: clock.now().getTime() - 5 * 60_000 },
      ),
    );
    expect(sale?.effects.lead?.followUpAt).toBe(rome('12:30'));
    expect(await bookedIn(rome('12:30'))).toBe(0);
  });
});

describe('a burst for the last place', () => {
  it('of agreements, moves and web requests together never overbooks: exactly one wins', async () => {
    await clearCallbacks();
    // 10:00–10:30 has two places: one taken, one left
    expect((await book(rome('10:00'))).status).toBe(201);
    const movers = [];
    for (const at of [rome('11:00'), rome('11:30'), rome('08:00')]) {
      const b = await book(at);
      expect(b.status).toBe(201);
      movers.push(await moveForm(b.id ?? ''));
    }
    const before = await count('interactions');
    // all at once: the agreements, the moves and the web requests race for the one place
    const [agreed, moved, booked] = await Promise.all([
      Promise.allSettled(operators.map((op) => agree(rome('10:15'), op))),
      Promise.allSettled(movers.map((form) => postMove(form, rome('10:00')))),
      Promise.allSettled([book(rome('10:20')), book(rome('10:25'))]),
    ]);
    const wins =
      agreed.filter((r) => r.status === 'fulfilled').length +
      moved.filter((r) => r.status === 'fulfilled' && r.value.status === 303).length +
      booked.filter((r) => r.status === 'fulfilled' && r.value.status === 201).length;
    expect(wins).toBe(1);
    for (const r of agreed)
      if (r.status === 'rejected') expect(r.reason).toMatchObject({ data: { domainCode: 'SLOT_FULL' } });
    for (const r of moved) expect(r.status === 'fulfilled' && [303, 409].includes(r.value.status)).toBe(true);
    for (const r of booked) expect(r.status === 'fulfilled' && [201, 409].includes(r.value.status)).toBe(true);
    expect(await bookedIn(rome('10:00'))).toBe(2);
    expect(await count('interactions')).toBe(before + agreed.filter((r) => r.status === 'fulfilled').length);
    expect(await overbooked()).toEqual([]);
  });
});

describe('the invariant', () => {
  // the Saturday's half-hours from 07:30 (nobody) to 12:30 (nobody), and a minute within each
  const HALF_HOURS = [
    '07:30',
    '08:00',
    '08:30',
    '09:00',
    '09:30',
    '10:00',
    '10:30',
    '11:00',
    '11:30',
    '12:00',
    '12:30',
  ];
  const time = (slot: number, minute: number) =>
    new Date(Date.parse(rome(HALF_HOURS[slot % HALF_HOURS.length] ?? '09:00')) + minute * 60_000).toISOString();
  const slot = fc.integer({ min: 0, max: HALF_HOURS.length - 1 });
  const minute = fc.constantFrom(0, 10, 29);
  type Command =
    | { kind: 'intake'; slot: number; minute: number }
    | { kind: 'move'; pick: number; slot: number }
    | { kind: 'agree'; op: number; slot: number; minute: number };
  const command: fc.Arbitrary<Command> = fc.oneof(
    fc.record({ kind: fc.constant('intake' as const), slot, minute }),
    fc.record({ kind: fc.constant('move' as const), pick: fc.nat(20), slot }),
    fc.record({ kind: fc.constant('agree' as const), op: fc.nat(3), slot, minute }),
  );

  it('no half-hour ever holds more open scheduled callbacks than its capacity, whatever the mix', async () => {
    let steps = 0;
    await fc.assert(
      fc.asyncProperty(
        // steps of one to three commands sent at once
        fc.array(fc.array(command, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 8 }),
        async (sequence) => {
          await clearCallbacks();
          const mine: string[] = [];
          for (const step of sequence) {
            const run = async (c: Command): Promise<string> => {
              if (c.kind === 'intake') {
                const b = await book(time(c.slot, c.minute));
                if (b.id) mine.push(b.id);
                return String(b.status);
              }
              if (c.kind === 'agree') {
                try {
                  const done = await agree(time(c.slot, c.minute), operators[c.op % operators.length]);
                  if (done?.effects.callbackId) mine.push(done.effects.callbackId);
                  return 'agreed';
                } catch (error) {
                  return String((error as { data?: { domainCode?: string } }).data?.domainCode);
                }
              }
              const id = mine[c.pick % Math.max(1, mine.length)];
              if (id === undefined) return 'nothing to move';
              return String((await postMove(await moveForm(id), time(c.slot, 0))).status);
            };
            // sequentially, a refusal means the half-hour was full; at once, they race for the places
            const full = step.length === 1 ? await fullAt(step[0]) : null;
            const answers = await Promise.all(step.map(run));
            for (const answer of answers)
              expect(['201', '409', 'agreed', 'SLOT_FULL', '303', 'nothing to move']).toContain(answer);
            if (full !== null && answers[0] !== 'nothing to move') {
              const refused = answers[0] === '409' || answers[0] === 'SLOT_FULL';
              expect(refused, `${JSON.stringify(step[0])} → ${answers[0]}`).toBe(full);
            }
            steps++;
            expect(await overbooked(), JSON.stringify(sequence)).toEqual([]);
          }

          /** Whether a lone command must be refused: its half-hour has no place left for it. */
          async function fullAt(c: Command | undefined): Promise<boolean | null> {
            if (!c) return null;
            const start = rome(HALF_HOURS[c.slot % HALF_HOURS.length] ?? '09:00');
            if (c.kind !== 'move') return (await bookedIn(start)) >= capacityOf(start);
            const id = mine[c.pick % Math.max(1, mine.length)];
            if (id === undefined) return null;
            const row = (await sql().get<{ status: string; preferred_at: string }>(
              'SELECT status, preferred_at FROM callback_requests WHERE id = ?',
              id,
            ))!;
            // a callback no longer open (moved by nobody else here, but cleared) is not this property's business
            if (row.status !== 'pending') return null;
            if (row.preferred_at >= start && Date.parse(row.preferred_at) < Date.parse(start) + HALF_HOUR) return false;
            return (await bookedIn(start)) >= capacityOf(start);
          }
        },
      ),
      { numRuns: 40 },
    );
    expect(steps).toBeGreaterThan(25);
  }, 120_000);
});
