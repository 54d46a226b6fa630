import { describe, expect, it } from 'vitest';
import { createTestDeps } from '../../testing/test-deps';
import { findSecret } from '../funnel/secrets.repository';
import { findMessagesByRef } from '../outbox/outbox.repository';
import { enqueueCallbackConfirmation } from './callback-confirmation';
import { SELF_SERVICE_SECRET_NAME, verifySelfServiceToken } from './self-service-token';

const NOW = new Date('2026-11-30T08:00:00Z');
const ID = '0b9f6a52-3c1e-4d2a-8f7b-6e5d4c3b2a19';

describe('a callback’s confirmation', () => {
  it('is an Italian SMS (and an e-mail when there is an address) with a link that opens this callback only', async () => {
    const { deps, database } = await createTestDeps();
    const { url } = await deps.db.transaction().execute((trx) =>
      enqueueCallbackConfirmation(trx, {
        callbackId: ID,
        customerId: null,
        phone: '+393470001122',
        email: 'anna@example.it',
        firstName: 'Anna',
        language: 'it',
        dueAt: '2026-12-02T09:30:00.000Z',
        now: NOW,
        publicUrl: 'https://valore.example/',
      }),
    );
    if (!url) throw new Error('no link');
    expect(url).toMatch(/^https:\/\/valore\.example\/s\/c\./);
    const messages = await findMessagesByRef(deps.db, 'callback_request', ID);
    expect(messages.map((m) => m.channel)).toEqual(['sms', 'email']);
    expect(messages[0]?.body).toBe(
      `Gentile Anna, la richiameremo mercoledì 2 dicembre alle 10:30; per spostare o annullare: ${url}`,
    );
    expect(messages[1]?.body).toContain(url);

    const secret = (await findSecret(deps.db, SELF_SERVICE_SECRET_NAME)) ?? '';
    const check = verifySelfServiceToken(secret, url.split('/s/')[1] ?? '', NOW, 'c');
    expect(check).toMatchObject({ ok: true, subject: { purpose: 'c', id: ID } });
    // valid a little after the agreed time, then no more
    expect(check.ok && check.expiresAt.getTime()).toBeGreaterThan(Date.parse('2026-12-02T09:30:00.000Z'));
    expect(check.ok && check.expiresAt.getTime()).toBeLessThan(Date.parse('2026-12-03T09:30:00.000Z'));
    await database.close();
  });

  it('greets a customer it does not know by name, and sends no e-mail without an address', async () => {
    const { deps, database } = await createTestDeps();
    await deps.db.transaction().execute((trx) =>
      enqueueCallbackConfirmation(trx, {
        callbackId: ID,
        customerId: null,
        phone: '+393470001122',
        firstName: null,
        language: 'it',
        dueAt: '2026-12-05T13:00:00.000Z',
        now: NOW,
        publicUrl: 'https://valore.example',
      }),
    );
    const messages = await findMessagesByRef(deps.db, 'callback_request', ID);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.body).toMatch(
      /^Gentile cliente, la richiameremo sabato 5 dicembre alle 14:00; per spostare o annullare: https:\/\/valore\.example\/s\/c\./,
    );
    await database.close();
  });

  it('without a public address confirms the time without a broken link', async () => {
    const { deps, database } = await createTestDeps();
    const { url } = await deps.db.transaction().execute((trx) =>
      enqueueCallbackConfirmation(trx, {
        callbackId: ID,
        customerId: null,
        phone: '+393470001122',
        firstName: 'Anna',
        language: 'it',
        dueAt: '2026-12-02T09:30:00.000Z',
        now: NOW,
        publicUrl: '',
      }),
    );
    expect(url).toBeNull();
    const [sms] = await findMessagesByRef(deps.db, 'callback_request', ID);
    expect(sms?.body).toBe('Gentile Anna, la richiameremo mercoledì 2 dicembre alle 10:30.');
    await database.close();
  });
});
