import { sql, type Kysely } from 'kysely';

/**
 * Message templates an admin edits (domains/messages/message-templates.ts): an override of the shipped text per
 * purpose, channel and language; no row means the default. Customers and callback requests get the language their
 * messages are written in (Italian unless the customer, or the web/app request, says English).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE message_templates (
      purpose TEXT NOT NULL,
      channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
      language TEXT NOT NULL CHECK (language IN ('it', 'en')),
      subject TEXT,
      body TEXT NOT NULL,
      updated_by INTEGER REFERENCES users(id),
      updated_at TEXT NOT NULL,
      PRIMARY KEY (purpose, channel, language)
    ) WITHOUT ROWID`.execute(db);
  await sql`ALTER TABLE customers ADD COLUMN language TEXT NOT NULL DEFAULT 'it' CHECK (language IN ('it', 'en'))`.execute(
    db,
  );
  await sql`ALTER TABLE callback_requests ADD COLUMN language TEXT CHECK (language IN ('it', 'en'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE callback_requests DROP COLUMN language`.execute(db);
  await sql`ALTER TABLE customers DROP COLUMN language`.execute(db);
  await sql`DROP TABLE message_templates`.execute(db);
}
