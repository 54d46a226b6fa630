import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { genderFromTaxCode } from '@valore/shared/reference/italian';
import { createApiClient, type ApiClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';
import { db } from '../helpers/sql';

/**
 * The words that agree with a customer ("mai contattata", "segnata come presentata") take the gender their tax code
 * records (shared/src/reference/italian.ts genderFromTaxCode): the search results and the site's appointments carry it.
 */
let server: TestServer;
let operator: ApiClient;
let lead: ApiClient;
beforeAll(async () => {
  server = await startTestServer();
  operator = createApiClient(server.url);
  await operator.login('operatore1');
  lead = createApiClient(server.url);
  await lead.login('teamlead1');
}, 60_000);
afterAll(async () => {
  await server.close();
});

const customers = () =>
  db(server).all<{ id: number; last_name: string; tax_code: string }>(
    'SELECT id, last_name, tax_code FROM customers ORDER BY id LIMIT 60',
  );

describe('customer gender from the tax code', () => {
  it('search results carry it, as the tax code says, for women and men', async () => {
    const sample = await customers();
    const woman = sample.find((c) => genderFromTaxCode(c.tax_code) === 'f');
    const man = sample.find((c) => genderFromTaxCode(c.tax_code) === 'm');
    if (!woman || !man) throw new Error('demo data without both');
    for (const [who, gender] of [
      [woman, 'f'],
      [man, 'm'],
    ] as const) {
      const found = await operator.trpc.customers.search.query({ query: who.tax_code });
      expect(found.find((r) => r.id === who.id)?.gender).toBe(gender);
    }
  });

  it("the site's appointments carry it", async () => {
    const woman = (await customers()).find((c) => genderFromTaxCode(c.tax_code) === 'f');
    if (!woman) throw new Error('no woman in the demo data');
    const sql = db(server);
    const office = await sql.get<{ id: number }>('SELECT id FROM post_offices ORDER BY id LIMIT 1');
    const booker = await sql.get<{ id: number }>(`SELECT id FROM users WHERE username = 'operatore1'`);
    if (!office || !booker) throw new Error('demo data without an office or operatore1');
    const day = new Date().toISOString().slice(0, 10);
    const startsAt = `${day}T10:00:00.000Z`;
    const slot = await sql.get<{ id: number }>(
      `INSERT INTO appointment_slots (post_office_id, starts_at, ends_at, capacity, booked) VALUES (?, ?, ?, 1, 1)
       RETURNING id`,
      office.id,
      startsAt,
      `${day}T10:30:00.000Z`,
    );
    await sql.run(
      `INSERT INTO appointments (interaction_id, slot_id, post_office_id, customer_id, product_code, created_by,
         created_at, updated_at) VALUES (NULL, ?, ?, ?, 'CONTO', ?, ?, ?)`,
      slot?.id,
      office.id,
      woman.id,
      booker.id,
      startsAt,
      startsAt,
    );
    const listed = await lead.trpc.appointments.siteAppointments.query({ day });
    expect(listed.appointments.find((a) => a.customerId === woman.id)?.customerGender).toBe('f');
  });
});
