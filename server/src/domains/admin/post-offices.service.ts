import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import {
  postOfficeCreateInput,
  type AdminPostOffice,
  type ClosureAddInput,
  type OfficesImportOutput,
  type PostOfficeCreateInput,
  type PostOfficeUpdateInput,
  type SlotTemplate,
} from '@valore/shared/schemas/admin';
import type { SessionUser } from '@valore/shared/schemas/auth';
import { isItalianHoliday } from '@valore/shared/time/holidays';
import { addDays, romeParts, romeToUtc, weekdayOf } from '@valore/shared/time/rome-time';
import type { AppDeps } from '../../deps';
import type { Executor } from '../../db/database';
import { DomainError, fieldError } from '../../errors';
import { insertAudit } from '../audit/audit.repository';
import { adminChange } from './admin-change';

/**
 * Post offices on the admin screen (admin.postOffices.*, docs/admin.md): the offices, the days each is closed (its
 * slots in those days are closed: never offered, never taken — post-offices.repository takeSlotSeat), the weekly
 * slot templates, and the slots generated from them ahead of time (generateSlots, run on a schedule).
 */

/** How far ahead slots are generated from the templates. */
export const SLOTS_AHEAD_DAYS = 28;

const hhmm = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
const minuteOf = (value: string) => Number(value.slice(0, 2)) * 60 + Number(value.slice(3, 5));
/** The instants a set of Rome calendar days covers: [first day 00:00, day after the last 00:00). */
const daySpan = (fromDate: string, toDate: string) => ({
  from: romeToUtc(fromDate, 0).toISOString(),
  until: romeToUtc(addDays(toDate, 1), 0).toISOString(),
});

export function listPostOffices(
  deps: AppDeps,
  input: { id?: number | undefined; search?: string | undefined; provinceCode?: string | undefined; limit: number },
): Promise<{ offices: AdminPostOffice[]; total: number }> {
  return officesIn(deps.db, deps.clock.now(), input);
}

async function officesIn(
  db: Executor,
  now: Date,
  input: { id?: number | undefined; search?: string | undefined; provinceCode?: string | undefined; limit: number },
): Promise<{ offices: AdminPostOffice[]; total: number }> {
  const at = now.toISOString();
  const today = romeParts(now).date;
  let q = db.selectFrom('post_offices as po');
  if (input.id !== undefined) q = q.where('po.id', '=', input.id);
  if (input.provinceCode) q = q.where('po.province_code', '=', input.provinceCode);
  if (input.search) {
    const like = `%${input.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([
        sql<boolean>`po.name LIKE ${like} ESCAPE '\\'`,
        sql<boolean>`po.code LIKE ${like} ESCAPE '\\'`,
        sql<boolean>`po.city LIKE ${like} ESCAPE '\\'`,
      ]),
    );
  }
  const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const offices = await q
    .selectAll('po')
    .select((eb) => [
      eb
        .selectFrom('appointment_slots as s')
        .whereRef('s.post_office_id', '=', 'po.id')
        .where('s.starts_at', '>', at)
        .where('s.closed_at', 'is', null)
        .select((e) => e.fn.countAll<number>().as('n'))
        .$asScalar()
        .$notNull()
        .as('future_slots'),
      eb
        .selectFrom('appointment_slots as s')
        .whereRef('s.post_office_id', '=', 'po.id')
        .where('s.starts_at', '>', at)
        .where('s.closed_at', 'is', null)
        .select(sql<number>`coalesce(sum(s.capacity - s.booked), 0)`.as('n'))
        .$asScalar()
        .$notNull()
        .as('free_seats'),
    ])
    .orderBy('po.city')
    .orderBy('po.name')
    .limit(input.limit)
    .execute();
  const ids = offices.map((o) => o.id);
  const [closures, templates] = ids.length
    ? await Promise.all([
        db
          .selectFrom('post_office_closures')
          .selectAll()
          .where('post_office_id', 'in', ids)
          .where('to_date', '>=', today)
          .orderBy('from_date')
          .execute(),
        db
          .selectFrom('slot_templates')
          .selectAll()
          .where('post_office_id', 'in', ids)
          .orderBy('weekday')
          .orderBy('start_minute')
          .execute(),
      ])
    : [[], []];
  return {
    total,
    offices: offices.map((o) => ({
      id: o.id,
      code: o.code,
      name: o.name,
      address: o.address,
      city: o.city,
      provinceCode: o.province_code,
      districtCode: o.district_code,
      futureSlots: Number(o.future_slots),
      freeSeats: Number(o.free_seats),
      closures: closures
        .filter((c) => c.post_office_id === o.id)
        .map((c) => ({ id: c.id, fromDate: c.from_date, toDate: c.to_date, reason: c.reason })),
      templates: templates.filter((t) => t.post_office_id === o.id).map(toTemplate),
    })),
  };
}

function toTemplate(t: { weekday: number; start_minute: number; duration_minutes: number; capacity: number }) {
  return { weekday: t.weekday, start: hhmm(t.start_minute), durationMinutes: t.duration_minutes, capacity: t.capacity };
}

async function districtOf(db: Executor, provinceCode: string): Promise<string> {
  const row = await db
    .selectFrom('district_provinces')
    .select((eb) => eb.fn.min('district_code').as('d'))
    .where('province_code', '=', provinceCode)
    .executeTakeFirst();
  if (!row?.d) throw fieldError({ provinceCode: [`No province ${provinceCode}`] });
  return row.d;
}

async function officeById(db: Executor, now: Date, id: number): Promise<AdminPostOffice> {
  const office = (await officesIn(db, now, { id, limit: 1 })).offices[0];
  if (!office) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Post office ${id} does not exist.`);
  return office;
}

export async function createPostOffice(
  deps: AppDeps,
  admin: SessionUser,
  input: PostOfficeCreateInput,
  ip: string | null,
): Promise<AdminPostOffice> {
  const at = deps.clock.now().toISOString();
  return adminChange(deps, admin, 'admin.postOffices.create', input, at, async (trx) => {
    const taken = await trx.selectFrom('post_offices').select('id').where('code', '=', input.code).executeTakeFirst();
    if (taken) {
      throw new DomainError('CONFLICT', 'VALIDATION', `The office code ${input.code} is taken.`, {
        code: ['Already used by another office'],
      });
    }
    const row = await trx
      .insertInto('post_offices')
      .values({
        code: input.code,
        name: input.name,
        address: input.address,
        city: input.city,
        province_code: input.provinceCode,
        district_code: await districtOf(trx, input.provinceCode),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await insertAudit(trx, {
      at,
      actorId: admin.id,
      action: 'admin.post_office_created',
      entityType: 'post_office',
      entityId: row.id,
      details: { code: input.code, name: input.name },
      ip,
    });
    return officeById(trx, deps.clock.now(), row.id);
  });
}

export async function updatePostOffice(
  deps: AppDeps,
  admin: SessionUser,
  input: PostOfficeUpdateInput,
  ip: string | null,
): Promise<AdminPostOffice> {
  const at = deps.clock.now().toISOString();
  return adminChange(deps, admin, 'admin.postOffices.update', input, at, async (trx) => {
    const before = await trx.selectFrom('post_offices').selectAll().where('id', '=', input.id).executeTakeFirst();
    if (!before) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Post office ${input.id} does not exist.`);
    const provinceCode = input.provinceCode ?? before.province_code;
    await trx
      .updateTable('post_offices')
      .set({
        name: input.name ?? before.name,
        address: input.address ?? before.address,
        city: input.city ?? before.city,
        province_code: provinceCode,
        district_code:
          provinceCode === before.province_code ? before.district_code : await districtOf(trx, provinceCode),
      })
      .where('id', '=', input.id)
      .execute();
    await insertAudit(trx, {
      at,
      actorId: admin.id,
      action: 'admin.post_office_updated',
      entityType: 'post_office',
      entityId: input.id,
      details: { code: before.code, ...input, requestId: undefined },
      ip,
    });
    return officeById(trx, deps.clock.now(), input.id);
  });
}

/** Closes (or reopens) the slots of an office in the days of its closures; how many changed. */
async function applyClosures(trx: Executor, officeId: number, at: string): Promise<void> {
  const closures = await trx
    .selectFrom('post_office_closures')
    .select(['from_date', 'to_date'])
    .where('post_office_id', '=', officeId)
    .execute();
  for (const c of closures) {
    const span = daySpan(c.from_date, c.to_date);
    await trx
      .updateTable('appointment_slots')
      .set({ closed_at: at })
      .where('post_office_id', '=', officeId)
      .where('starts_at', '>=', span.from)
      .where('starts_at', '<', span.until)
      .where('closed_at', 'is', null)
      .execute();
  }
}

export async function addClosure(deps: AppDeps, admin: SessionUser, input: ClosureAddInput, ip: string | null) {
  const now = deps.clock.now();
  const at = now.toISOString();
  if (input.toDate < romeParts(now).date) throw fieldError({ toDate: ['The closure is already over'] });
  return adminChange(deps, admin, 'admin.postOffices.addClosure', input, at, async (trx) => {
    const office = await trx
      .selectFrom('post_offices')
      .select(['id', 'code'])
      .where('id', '=', input.postOfficeId)
      .executeTakeFirst();
    if (!office) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Post office ${input.postOfficeId} does not exist.`);
    const row = await trx
      .insertInto('post_office_closures')
      .values({
        post_office_id: office.id,
        from_date: input.fromDate,
        to_date: input.toDate,
        reason: input.reason,
        created_by: admin.id,
        created_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const span = daySpan(input.fromDate, input.toDate);
    const closed = await trx
      .updateTable('appointment_slots')
      .set({ closed_at: at })
      .where('post_office_id', '=', office.id)
      .where('starts_at', '>=', span.from)
      .where('starts_at', '<', span.until)
      .where('closed_at', 'is', null)
      .executeTakeFirst();
    const affected = await trx
      .selectFrom('appointments as a')
      .innerJoin('appointment_slots as s', 's.id', 'a.slot_id')
      .innerJoin('customers as c', 'c.id', 'a.customer_id')
      .select(['a.id', 's.starts_at', 'a.customer_id', 'c.first_name', 'c.last_name'])
      .where('s.post_office_id', '=', office.id)
      .where('s.starts_at', '>=', span.from)
      .where('s.starts_at', '<', span.until)
      .where('a.status', '=', 'booked')
      .orderBy('s.starts_at')
      .execute();
    const result = {
      closure: { id: row.id, fromDate: input.fromDate, toDate: input.toDate, reason: input.reason },
      slotsClosed: Number(closed.numUpdatedRows),
      appointmentsAffected: affected.map((a) => ({
        id: a.id,
        startsAt: a.starts_at,
        customerId: a.customer_id,
        customerName: `${a.first_name} ${a.last_name}`,
      })),
    };
    await insertAudit(trx, {
      at,
      actorId: admin.id,
      action: 'admin.post_office_closed',
      entityType: 'post_office',
      entityId: office.id,
      details: {
        code: office.code,
        closureId: row.id,
        fromDate: input.fromDate,
        toDate: input.toDate,
        reason: input.reason,
        slotsClosed: result.slotsClosed,
        appointmentsAffected: result.appointmentsAffected.length,
      },
      ip,
    });
    return result;
  });
}

export async function removeClosure(
  deps: AppDeps,
  admin: SessionUser,
  input: { requestId?: string | undefined; id: number },
  ip: string | null,
) {
  const at = deps.clock.now().toISOString();
  return adminChange(deps, admin, 'admin.postOffices.removeClosure', input, at, async (trx) => {
    const closure = await trx
      .selectFrom('post_office_closures')
      .selectAll()
      .where('id', '=', input.id)
      .executeTakeFirst();
    if (!closure) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Closure ${input.id} does not exist.`);
    await trx.deleteFrom('post_office_closures').where('id', '=', closure.id).execute();
    const span = daySpan(closure.from_date, closure.to_date);
    const reopened = await trx
      .updateTable('appointment_slots')
      .set({ closed_at: null })
      .where('post_office_id', '=', closure.post_office_id)
      .where('starts_at', '>=', span.from)
      .where('starts_at', '<', span.until)
      .where('closed_at', 'is not', null)
      .executeTakeFirst();
    // days another closure still covers stay closed
    await applyClosures(trx, closure.post_office_id, at);
    const stillClosed = await trx
      .selectFrom('appointment_slots')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('post_office_id', '=', closure.post_office_id)
      .where('starts_at', '>=', span.from)
      .where('starts_at', '<', span.until)
      .where('closed_at', 'is not', null)
      .executeTakeFirstOrThrow();
    const slotsReopened = Number(reopened.numUpdatedRows) - Number(stillClosed.n);
    await insertAudit(trx, {
      at,
      actorId: admin.id,
      action: 'admin.post_office_reopened',
      entityType: 'post_office',
      entityId: closure.post_office_id,
      details: { closureId: closure.id, fromDate: closure.from_date, toDate: closure.to_date, slotsReopened },
      ip,
    });
    return { slotsReopened };
  });
}

/**
 * Creates the slots of the next `days` days from the offices' weekly templates: Monday–Saturday, not on national
 * holidays; a slot that exists already (same office and start) is left as it is, so running it again adds nothing;
 * a slot in a closed day is created closed. How many were created.
 */
export async function generateSlots(
  db: Executor,
  now: Date,
  opts: { days?: number; postOfficeId?: number } = {},
): Promise<number> {
  const days = opts.days ?? SLOTS_AHEAD_DAYS;
  let q = db.selectFrom('slot_templates').selectAll();
  if (opts.postOfficeId !== undefined) q = q.where('post_office_id', '=', opts.postOfficeId);
  const templates = await q.execute();
  if (templates.length === 0) return 0;
  const today = romeParts(now).date;
  const at = now.toISOString();
  let created = 0;
  for (let i = 1; i <= days; i++) {
    const date = addDays(today, i);
    const weekday = weekdayOf(date);
    if (weekday === 0 || isItalianHoliday(date)) continue;
    for (const t of templates.filter((x) => x.weekday === weekday)) {
      const startsAt = romeToUtc(date, t.start_minute);
      const result = await sql`
        INSERT INTO appointment_slots (post_office_id, starts_at, ends_at, capacity, closed_at)
        SELECT ${t.post_office_id}, ${startsAt.toISOString()}, ${new Date(startsAt.getTime() + t.duration_minutes * 60_000).toISOString()},
               ${t.capacity},
               CASE WHEN EXISTS (SELECT 1 FROM post_office_closures WHERE post_office_id = ${t.post_office_id}
                                   AND from_date <= ${date} AND to_date >= ${date}) THEN ${at} ELSE NULL END
        ON CONFLICT (post_office_id, starts_at) DO NOTHING`.execute(db);
      created += Number(result.numAffectedRows ?? 0);
    }
  }
  return created;
}

export async function setTemplates(
  deps: AppDeps,
  admin: SessionUser,
  input: { requestId?: string | undefined; postOfficeId: number; templates: SlotTemplate[] },
  ip: string | null,
): Promise<{ templates: SlotTemplate[]; slotsCreated: number }> {
  const now = deps.clock.now();
  const at = now.toISOString();
  for (const [i, t] of input.templates.entries()) {
    if (minuteOf(t.start) + t.durationMinutes > 24 * 60) {
      throw fieldError({ [`templates.${i}.durationMinutes`]: ['The slot must end the same day'] });
    }
  }
  return adminChange(deps, admin, 'admin.postOffices.setTemplates', input, at, async (trx) => {
    const office = await trx
      .selectFrom('post_offices')
      .select(['id', 'code'])
      .where('id', '=', input.postOfficeId)
      .executeTakeFirst();
    if (!office) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Post office ${input.postOfficeId} does not exist.`);
    await trx.deleteFrom('slot_templates').where('post_office_id', '=', office.id).execute();
    if (input.templates.length > 0) {
      await trx
        .insertInto('slot_templates')
        .values(
          input.templates.map((t) => ({
            post_office_id: office.id,
            weekday: t.weekday,
            start_minute: minuteOf(t.start),
            duration_minutes: t.durationMinutes,
            capacity: t.capacity,
          })),
        )
        .execute();
    }
    // the slots ahead follow at once (existing slots, and their bookings, are kept)
    const slotsCreated = await generateSlots(trx, now, { postOfficeId: office.id });
    await insertAudit(trx, {
      at,
      actorId: admin.id,
      action: 'admin.slot_templates_set',
      entityType: 'post_office',
      entityId: office.id,
      details: { code: office.code, templates: input.templates.length, slotsCreated },
      ip,
    });
    const rows = await trx
      .selectFrom('slot_templates')
      .selectAll()
      .where('post_office_id', '=', office.id)
      .orderBy('weekday')
      .orderBy('start_minute')
      .execute();
    return { templates: rows.map(toTemplate), slotsCreated };
  });
}

const OFFICES_IMPORT_MAX = 5_000;

/**
 * Offices from a CSV (header code, name, address, city, province): a known code is updated, a new one created, a bad
 * line refused with its reasons; one transaction and one audit row for the file.
 */
export async function importPostOffices(
  deps: AppDeps,
  admin: SessionUser,
  input: { requestId?: string | undefined; csv: string },
  ip: string | null,
): Promise<OfficesImportOutput> {
  const at = deps.clock.now().toISOString();
  let records: string[][];
  try {
    const rows: unknown = parse(input.csv, {
      delimiter: [',', ';'],
      skip_empty_lines: true,
      trim: true,
      bom: true,
      relax_column_count: true,
    });
    records = rows as string[][];
  } catch (error) {
    throw fieldError({ csv: [`The file is not valid CSV: ${(error as Error).message}`] });
  }
  const header = (records[0] ?? []).map((h) => h.toLowerCase());
  const missing = ['code', 'name', 'address', 'city', 'province'].filter((c) => !header.includes(c));
  if (missing.length > 0) throw fieldError({ csv: [`The header has no column ${missing.join(', ')}`] });
  if (records.length - 1 > OFFICES_IMPORT_MAX)
    throw fieldError({ csv: [`At most ${OFFICES_IMPORT_MAX} offices per file`] });
  const col = (row: string[], name: string) => (row[header.indexOf(name)] ?? '').trim();
  return adminChange(deps, admin, 'admin.postOffices.import', input, at, async (trx) => {
    const lines: OfficesImportOutput['lines'] = [];
    const seen = new Set<string>();
    for (const [index, row] of records.slice(1).entries()) {
      const line = index + 2;
      const parsed = postOfficeCreateInput.safeParse({
        code: col(row, 'code').toUpperCase(),
        name: col(row, 'name'),
        address: col(row, 'address'),
        city: col(row, 'city'),
        provinceCode: col(row, 'province').toUpperCase(),
      });
      const code = col(row, 'code').toUpperCase() || null;
      const errors = parsed.success ? [] : parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
      if (code && seen.has(code)) errors.push('code: twice in this file');
      if (code) seen.add(code);
      let district: string | null = null;
      if (parsed.success && errors.length === 0) {
        district = await trx
          .selectFrom('district_provinces')
          .select((eb) => eb.fn.min('district_code').as('d'))
          .where('province_code', '=', parsed.data.provinceCode)
          .executeTakeFirst()
          .then((r) => r?.d ?? null);
        if (!district) errors.push(`province: no province ${parsed.data.provinceCode}`);
      }
      if (!parsed.success || errors.length > 0 || !district) {
        lines.push({ line, code, status: 'rejected', errors });
        continue;
      }
      const v = parsed.data;
      const existing = await trx.selectFrom('post_offices').select('id').where('code', '=', v.code).executeTakeFirst();
      const values = {
        name: v.name,
        address: v.address,
        city: v.city,
        province_code: v.provinceCode,
        district_code: district,
      };
      if (existing) await trx.updateTable('post_offices').set(values).where('id', '=', existing.id).execute();
      else
        await trx
          .insertInto('post_offices')
          .values({ code: v.code, ...values })
          .execute();
      lines.push({ line, code: v.code, status: existing ? 'updated' : 'created', errors: [] });
    }
    const count = (s: string) => lines.filter((l) => l.status === s).length;
    const result = { created: count('created'), updated: count('updated'), rejected: count('rejected'), lines };
    await insertAudit(trx, {
      at,
      actorId: admin.id,
      action: 'admin.post_offices_imported',
      entityType: 'post_office',
      entityId: null,
      details: { created: result.created, updated: result.updated, rejected: result.rejected },
      ip,
    });
    return result;
  });
}

export interface SlotGenerator {
  runNow: () => Promise<number>;
  stop: () => Promise<void>;
}

/**
 * Keeps SLOTS_AHEAD_DAYS of slots open from the templates: shortly after start, then every `everyMs` (6 hours by
 * default). A failed run is logged and tried again at the next one.
 */
export function startSlotGenerator(
  deps: Pick<AppDeps, 'db' | 'clock' | 'logger'>,
  opts: { everyMs?: number; firstAfterMs?: number } = {},
): SlotGenerator {
  let stopped = false;
  let running: Promise<number> | null = null;
  const run = (): Promise<number> => {
    running ??= deps.db
      .transaction()
      .execute((trx) => generateSlots(trx, deps.clock.now()))
      .then((created) => {
        if (created > 0) deps.logger.info({ created }, 'slots: generated from the post offices’ templates');
        return created;
      })
      .catch((err: unknown) => {
        deps.logger.error({ err }, 'slots: generation failed; it runs again later');
        return 0;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  const first = setTimeout(() => void run(), opts.firstAfterMs ?? 10_000);
  const every = setInterval(() => void run(), opts.everyMs ?? 6 * 3_600_000);
  first.unref();
  every.unref();
  return {
    runNow: () => (stopped ? Promise.resolve(0) : run()),
    stop: async () => {
      stopped = true;
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}
