import { describe, expect, it } from 'vitest';
import { createTestDeps } from '../../testing/test-deps';
import { findMessagesByRef } from '../outbox/outbox.repository';
import { messageDate, messageDay, messageTime, queueCustomerMessages } from './customer-messages';

const NOW = new Date('2026-11-30T08:00:00Z');
const values = {
  first_name: 'Anna',
  product: 'Conto BancoPosta',
  office_name: 'Roma 7',
  office_address: 'Via Appia 1',
  office_city: 'Roma',
  date: 'martedì 15 dicembre 2026',
  time: '10:30',
  manage_url: null,
  moved: true,
};

describe('queueCustomerMessages', () => {
  it('writes the admin’s template when there is one (sections resolved), the shipped one otherwise, per channel', async () => {
    const { deps } = await createTestDeps();
    await deps.db
      .insertInto('message_templates')
      .values({
        purpose: 'appointment_confirmation',
        channel: 'email',
        language: 'it',
        subject: 'Appuntamento del {{date}}',
        body: '{{#moved}}Spostato{{/moved}}{{^moved}}Confermato{{/moved}}. {{#manage_url}}Link: {{manage_url}}{{/manage_url}}{{^manage_url}}Ci chiami.{{/manage_url}}',
        updated_by: null,
        updated_at: NOW.toISOString(),
      })
      .execute();
    await deps.db.transaction().execute((trx) =>
      queueCustomerMessages(trx, {
        purpose: 'appointment_confirmation',
        to: { phone: '+393470001122', email: 'anna@example.it', language: 'it' },
        values,
        ref: { refType: 'appointment', refId: 41 },
        now: NOW,
      }),
    );
    const [sms, mail] = await findMessagesByRef(deps.db, 'appointment', 41);
    expect(sms).toMatchObject({ channel: 'sms', subject: null });
    expect(sms?.body).toMatch(/^Gentile Anna, le confermiamo il nuovo orario dell'appuntamento per Conto BancoPosta /);
    expect(mail).toMatchObject({
      channel: 'email',
      recipient: 'anna@example.it',
      subject: 'Appuntamento del martedì 15 dicembre 2026',
      body: 'Spostato. Ci chiami.',
    });
  });

  it('writes English for an English-speaking customer, skips a channel without an address, and defers a reminder', async () => {
    const { deps } = await createTestDeps();
    const sendAt = new Date('2026-12-14T17:00:00Z');
    await deps.db.transaction().execute((trx) =>
      queueCustomerMessages(trx, {
        purpose: 'appointment_reminder',
        to: { phone: '+393470001122', email: null, language: 'en' },
        values: { ...values, date: messageDate('2026-12-15T09:30:00Z', 'en', false) },
        ref: { refType: 'appointment_reminder', refId: 42 },
        now: NOW,
        sendAt,
      }),
    );
    const rows = await findMessagesByRef(deps.db, 'appointment_reminder', 42);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.body).toMatch(
      /^Dear Anna, a reminder of your appointment about Conto BancoPosta on Tuesday 15 December at 10:30/,
    );
    expect(rows[0]?.next_attempt_at).toBe(sendAt.toISOString());
  });

  it('formats dates and times in Rome time in either language', () => {
    // 23:30 UTC on 31 December is already New Year's Day in Rome
    expect(messageDate('2026-12-31T23:30:00Z', 'it')).toBe('venerdì 1 gennaio 2027');
    expect(messageDate('2026-12-31T23:30:00Z', 'en', false)).toBe('Friday 1 January');
    expect(messageTime('2026-07-01T06:05:00Z', 'it')).toBe('08:05');
    expect(messageDay('2026-12-31T23:30:00Z', 'en')).toBe('1 January 2027');
  });
});
