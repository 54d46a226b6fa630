import type { Selectable } from 'kysely';
import type { Executor } from '../../db/database';
import type { AppointmentSlotsTable, PostOfficesTable } from './post-offices.table';

export type PostOfficeRow = Selectable<PostOfficesTable>;
export type SlotRow = Selectable<AppointmentSlotsTable>;

export async function findPostOffice(db: Executor, id: number): Promise<PostOfficeRow | undefined> {
  return db.selectFrom('post_offices').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findSlotWithOffice(
  db: Executor,
  slotId: number,
): Promise<(SlotRow & { office_name: string; office_address: string; office_city: string }) | undefined> {
  return db
    .selectFrom('appointment_slots as s')
    .innerJoin('post_offices as po', 'po.id', 's.post_office_id')
    .select([
      's.id',
      's.post_office_id',
      's.starts_at',
      's.ends_at',
      's.capacity',
      's.booked',
      's.closed_at',
      'po.name as office_name',
      'po.address as office_address',
      'po.city as office_city',
    ])
    .where('s.id', '=', slotId)
    .executeTakeFirst();
}

/**
 * Takes one seat of a slot if one is left. The condition is in the UPDATE itself, so two bookings racing for
 * the last seat cannot both win, whatever the isolation of the surrounding transaction.
 */
export async function takeSlotSeat(db: Executor, slotId: number): Promise<boolean> {
  const result = await db
    .updateTable('appointment_slots')
    .set((eb) => ({ booked: eb('booked', '+', 1) }))
    .where('id', '=', slotId)
    .whereRef('booked', '<', 'capacity')
    // a slot of a closed office's day is never taken, whatever list it was picked from
    .where('closed_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/**
 * Gives a seat of a slot back (a cancelled or moved appointment). Never below zero, so a seat given back twice by
 * mistake cannot turn into an extra place.
 */
export async function releaseSlotSeat(db: Executor, slotId: number): Promise<void> {
  await db
    .updateTable('appointment_slots')
    .set((eb) => ({ booked: eb('booked', '-', 1) }))
    .where('id', '=', slotId)
    .where('booked', '>', 0)
    .execute();
}

export interface NearbyOfficeRow extends PostOfficeRow {
  in_province: number;
  free_slots: number;
  next_free_at: string | null;
}

/**
 * Offices in the customer's province, then in the other provinces of the district(s) that province belongs to
 * (Roma belongs to two), each with the count of future slots that still have a seat in [from, until).
 */
export async function listNearbyOffices(
  db: Executor,
  args: { provinceCode: string; from: string; until: string; limit: number },
): Promise<NearbyOfficeRow[]> {
  const { provinceCode, from, until } = args;
  return db
    .selectFrom('post_offices as po')
    .selectAll('po')
    .select((eb) => [
      eb.case().when('po.province_code', '=', provinceCode).then(1).else(0).end().as('in_province'),
      eb
        .selectFrom('appointment_slots as s')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('s.post_office_id', '=', 'po.id')
        .where('s.starts_at', '>', from)
        .where('s.starts_at', '<', until)
        .whereRef('s.booked', '<', 's.capacity')
        .where('s.closed_at', 'is', null)
        .$asScalar()
        .$notNull()
        .as('free_slots'),
      eb
        .selectFrom('appointment_slots as s')
        .select((e) => e.fn.min('s.starts_at').as('m'))
        .whereRef('s.post_office_id', '=', 'po.id')
        .where('s.starts_at', '>', from)
        .where('s.starts_at', '<', until)
        .whereRef('s.booked', '<', 's.capacity')
        .where('s.closed_at', 'is', null)
        .$asScalar()
        .as('next_free_at'),
    ])
    .where((eb) =>
      eb.or([
        eb('po.province_code', '=', provinceCode),
        eb(
          'po.province_code',
          'in',
          eb
            .selectFrom('district_provinces as mine')
            .innerJoin('district_provinces as near', 'near.district_code', 'mine.district_code')
            .select('near.province_code')
            .where('mine.province_code', '=', provinceCode),
        ),
      ]),
    )
    .orderBy('in_province', 'desc')
    .orderBy('free_slots', 'desc')
    .orderBy('next_free_at')
    .orderBy('po.name')
    .limit(args.limit)
    .execute();
}

/** Future slots of an office in [from, until), full ones included, closed ones not. */
export async function listOfficeSlots(
  db: Executor,
  postOfficeId: number,
  from: string,
  until: string,
): Promise<SlotRow[]> {
  return db
    .selectFrom('appointment_slots')
    .selectAll()
    .where('post_office_id', '=', postOfficeId)
    .where('starts_at', '>', from)
    .where('starts_at', '<', until)
    .where('closed_at', 'is', null)
    .orderBy('starts_at')
    .execute();
}
