import { sql, type Kysely } from 'kysely';

/**
 * Lookups of the appointment changes (domains/appointments/appointment-changes.ts): a cancelled or moved
 * appointment's pending reminder is found by its outbox reference, a no-show's open reschedule callback by its
 * appointment, and the team lead's day view walks the slots of one day.
 */
const up_statements = [
  `CREATE INDEX IF NOT EXISTS outbox_ref_pending ON outbox(ref_type, ref_id) WHERE status = 'pending'`,
  `CREATE INDEX IF NOT EXISTS callback_requests_appointment ON callback_requests(appointment_id) WHERE appointment_id IS NOT NULL`,
  `CREATE INDEX IF NOT EXISTS appointment_slots_starts ON appointment_slots(starts_at)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of ['appointment_slots_starts', 'callback_requests_appointment', 'outbox_ref_pending']) {
    await sql.raw(`DROP INDEX IF EXISTS ${name}`).execute(db);
  }
}
