import { sql, type Kysely } from 'kysely';

/**
 * Coaching at any time (domains/monitor/coaching.service.ts): a message sent while the operator is not on a contact
 * waits (`delivered_at` null, no contact yet) and is pinned to the next contact they open, at the step it opens on.
 * Messages sent before this migration went with a contact at once: delivered when sent.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE tutor_messages ADD COLUMN delivered_at TEXT`.execute(db);
  await sql`UPDATE tutor_messages SET delivered_at = sent_at`.execute(db);
  await sql`CREATE INDEX tutor_messages_queued ON tutor_messages (to_user_id, id) WHERE delivered_at IS NULL`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX tutor_messages_queued`.execute(db);
  await sql`ALTER TABLE tutor_messages DROP COLUMN delivered_at`.execute(db);
}
