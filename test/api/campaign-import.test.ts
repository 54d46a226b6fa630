import { parse } from 'csv-parse/sync';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOW_VERSIONS } from '@valore/shared/flows/index';
import { createApiClient, type ApiClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';
import { anyNumber } from '@valore/server/testing/matchers';

const CUSTOMERS = 20_000;
const ROWS = 100_000;

let server: TestServer;
let lead: ApiClient;
beforeAll(async () => {
  // every reject of the 100,000-row list is checked in the report: keep them all (the cap: test/api/limits.test.ts)
  server = await startTestServer({ customers: CUSTOMERS, env: { VALORE_IMPORT_MAX_STORED_REJECTS: String(ROWS) } });
  lead = createApiClient(server.url);
  await lead.login('teamlead1');
}, 120_000);
afterAll(async () => {
  await server.close();
});

type Outcome =
  'imported' | 'duplicate' | 'malformed' | 'unknown_customer' | 'no_marketing_consent' | 'on_optout_registry';

interface Upload {
  status: number;
  lines: Record<string, unknown>[];
}

async function upload(
  client: ApiClient,
  path: string,
  csv: string,
  headers: Record<string, string> = {},
): Promise<Upload> {
  const response = await client.fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', ...headers },
    body: csv,
  });
  const text = await response.text();
  const lines = response.headers.get('content-type')?.includes('ndjson')
    ? text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>)
    : [JSON.parse(text) as Record<string, unknown>];
  return { status: response.status, lines };
}

async function newCampaign(name: string): Promise<number> {
  const campaign = await lead.trpc.campaigns.create.mutate({
    requestId: randomUUID(),
    name,
    businessUnit: 'Banking',
    productCode: 'CONTO',
    startsOn: '2026-01-01',
    endsOn: '2027-12-31',
    maxAttempts: 3,
    retryDelayMinutes: 240,
    scriptVersion: FLOW_VERSIONS.campaign,
    siteIds: [1],
  });
  return campaign.id;
}

/**
 * The list a business unit might send: every customer by id, then every customer again by phone (in the local
 * format), then a mix of unknown ids, unknown numbers, broken rows and repeats.
 */
function generateList(customers: { id: number; phone: string }[]): {
  csv: string;
  rows: ({ id: number } | { phone: string } | { bad: string })[];
} {
  const rows: ({ id: number } | { phone: string } | { bad: string })[] = [];
  const lines = ['customer_id,phone,note'];
  for (let i = 0; i < ROWS; i++) {
    const c = customers[i % customers.length] as { id: number; phone: string };
    let line: string;
    if (i < customers.length) {
      line = `${c.id},,primo`;
      rows.push({ id: c.id });
    } else if (i < 2 * customers.length) {
      line = `,${c.phone.slice(3)},per telefono`;
      rows.push({ phone: c.phone });
    } else {
      switch (i % 10) {
        case 0:
          line = `${1_000_000 + i},,sconosciuto`;
          rows.push({ id: 1_000_000 + i });
          break;
        case 1:
          line = `abc${i},,id non numerico`;
          rows.push({ bad: 'id' });
          break;
        case 2:
          line = `${c.id}`;
          rows.push({ bad: 'columns' });
          break;
        case 3:
          line = `,xyz-${i},numero non valido`;
          rows.push({ bad: 'phone' });
          break;
        case 4:
          line = `,,vuota`;
          rows.push({ bad: 'empty' });
          break;
        case 5: {
          const phone = `+39300${String(i).padStart(7, '0')}`;
          line = `,${phone},numero sconosciuto`;
          rows.push({ phone });
          break;
        }
        default: {
          const repeat = customers[(i * 7919) % customers.length] as { id: number };
          line = `${repeat.id},,"ripetuto, di nuovo"`;
          rows.push({ id: repeat.id });
        }
      }
    }
    lines.push(line);
  }
  return { csv: `${lines.join('\n')}\n`, rows };
}

describe('campaign list import', () => {
  it('imports 100,000 rows in batches, reporting every rejected row with its line, and adds nothing on a re-import', async () => {
    const db = server.database.db;
    const customers = await db.selectFrom('customers').select(['id', 'phone']).orderBy('id').execute();
    expect(customers).toHaveLength(CUSTOMERS);
    const consentRows = await db
      .selectFrom('consents')
      .select(['customer_id', 'granted'])
      .where('purpose', '=', 'marketing')
      .where('channel', 'in', ['any', 'phone'])
      .orderBy('customer_id')
      .orderBy('recorded_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    const consent = new Map<number, boolean>();
    for (const r of consentRows) if (!consent.has(r.customer_id)) consent.set(r.customer_id, r.granted === 1);
    const registry = new Set((await db.selectFrom('optout_registry').select('phone').execute()).map((r) => r.phone));
    const byId = new Map(customers.map((c) => [c.id, c]));
    const byPhone = new Map(customers.map((c) => [c.phone, c]));

    const { csv, rows } = generateList(customers);
    const seen = new Set<number>();
    const expected: Outcome[] = rows.map((row) => {
      if ('bad' in row) return 'malformed';
      const c = 'id' in row ? byId.get(row.id) : byPhone.get(row.phone);
      if (!c) return 'unknown_customer';
      if (consent.get(c.id) !== true) return 'no_marketing_consent';
      if (registry.has(c.phone)) return 'on_optout_registry';
      if (seen.has(c.id)) return 'duplicate';
      seen.add(c.id);
      return 'imported';
    });
    const count = (o: Outcome) => expected.filter((e) => e === o).length;
    for (const o of [
      'imported',
      'duplicate',
      'malformed',
      'unknown_customer',
      'no_marketing_consent',
      'on_optout_registry',
    ] as const) {
      expect(count(o), o).toBeGreaterThan(100);
    }

    const campaignId = await newCampaign('Conto corrente — lista BU');
    const started = performance.now();
    const first = await upload(
      lead,
      `/api/v1/campaigns/${campaignId}/import?customerIdColumn=customer_id&phoneColumn=phone`,
      csv,
    );
    const elapsed = performance.now() - started;
    console.log(
      `[campaign-import] ${ROWS} rows imported in ${Math.round(elapsed)} ms (${Math.round(ROWS / (elapsed / 1000))} rows/s)`,
    );
    expect(first.status).toBe(200);
    const progress = first.lines.filter((l) => l.type === 'progress').map((l) => l.processed as number);
    expect(progress).toHaveLength(ROWS / 1000);
    expect(progress.at(-1)).toBe(ROWS);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const rejected = ROWS - count('imported') - count('duplicate');
    const done = first.lines.at(-1);
    expect(done).toEqual({
      type: 'done',
      importId: anyNumber(),
      total: ROWS,
      imported: count('imported'),
      duplicates: count('duplicate'),
      rejected,
      rejectsNotStored: 0,
    });

    // the downloadable report: one line per rejected row, in file order, with the reason
    const report = await lead.fetch(
      `${server.url}/api/v1/campaigns/${campaignId}/imports/${String(done?.importId)}/rejects.csv`,
    );
    expect(report.status).toBe(200);
    expect(report.headers.get('content-type')).toMatch(/^text\/csv/);
    // in Italian by default, as Excel set to Italian opens it: a BOM, `;` between cells, Italian headers and reasons
    const bytes = new Uint8Array(await report.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    const parsed = parse<Record<string, string>>(text, { delimiter: ';', bom: true, columns: true });
    const reasonIt: Record<string, string> = {
      malformed: 'riga non valida',
      unknown_customer: 'cliente sconosciuto',
      no_marketing_consent: 'senza consenso marketing',
      on_optout_registry: 'iscritto al Registro delle opposizioni',
    };
    expect(parsed.map((r) => `${r.riga},${r.motivo}`)).toEqual(
      expected.flatMap((o, i) => (o === 'imported' || o === 'duplicate' ? [] : [`${i + 2},${reasonIt[o]}`])),
    );
    // and in English when asked
    const english = await lead.fetch(
      `${server.url}/api/v1/campaigns/${campaignId}/imports/${String(done?.importId)}/rejects.csv?lang=en`,
    );
    expect((await english.text()).split('\r\n')[0]).toBe('line,reason,value');

    const contacts = await db
      .selectFrom('campaign_contacts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('campaign_id', '=', campaignId)
      .executeTakeFirstOrThrow();
    expect(Number(contacts.n)).toBe(count('imported'));
    const summary = await lead.trpc.campaigns.get.query({ id: campaignId });
    expect(summary.contacts).toMatchObject({ total: count('imported'), pending: count('imported') });
    expect(summary.registryStale).toBe(false);
    const [history] = await lead.trpc.campaigns.imports.query({ id: campaignId });
    expect(history).toMatchObject({
      id: done?.importId,
      status: 'done',
      total: ROWS,
      imported: count('imported'),
      rejected,
    });

    const again = await upload(
      lead,
      `/api/v1/campaigns/${campaignId}/import?customerIdColumn=customer_id&phoneColumn=phone`,
      csv,
    );
    expect(again.lines.at(-1)).toMatchObject({
      type: 'done',
      total: ROWS,
      imported: 0,
      duplicates: count('imported') + count('duplicate'),
      rejected,
    });
    const after = await db
      .selectFrom('campaign_contacts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('campaign_id', '=', campaignId)
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(count('imported'));
  });

  it('refuses a missing column mapping, a wrong type, another site and anonymous callers before reading the file', async () => {
    const campaignId = await newCampaign('Controlli');
    const unmapped = await upload(lead, `/api/v1/campaigns/${campaignId}/import?customerIdColumn=cliente`, 'id\n1\n');
    expect(unmapped.status).toBe(400);
    expect(unmapped.lines[0]).toMatchObject({ error: { domainCode: 'VALIDATION' } });
    expect(String((unmapped.lines[0]?.error as { message: string }).message)).toContain('"cliente"');

    const json = await upload(lead, `/api/v1/campaigns/${campaignId}/import?customerIdColumn=id`, 'id\n1\n', {
      'content-type': 'application/json',
    });
    expect(json.status).toBe(415);
    const crossSite = await upload(lead, `/api/v1/campaigns/${campaignId}/import?customerIdColumn=id`, 'id\n1\n', {
      origin: 'https://evil.example',
    });
    expect(crossSite.status).toBe(403);

    const otherLead = createApiClient(server.url);
    await otherLead.login('teamlead2');
    expect(
      (await upload(otherLead, `/api/v1/campaigns/${campaignId}/import?customerIdColumn=id`, 'id\n1\n')).status,
    ).toBe(403);
    const operator = createApiClient(server.url);
    await operator.login('operatore1');
    expect(
      (await upload(operator, `/api/v1/campaigns/${campaignId}/import?customerIdColumn=id`, 'id\n1\n')).status,
    ).toBe(403);
    expect(
      (
        await upload(
          createApiClient(server.url),
          `/api/v1/campaigns/${campaignId}/import?customerIdColumn=id`,
          'id\n1\n',
        )
      ).status,
    ).toBe(401);
  });

  it('reports a row with broken quoting as malformed and goes on with the next ones', async () => {
    const db = server.database.db;
    const campaignId = await newCampaign('Virgolette');
    const ok = await db
      .selectFrom('customers')
      .select('id')
      .where('phone', 'not in', db.selectFrom('optout_registry').select('phone'))
      .where(
        'id',
        'in',
        db.selectFrom('consents').select('customer_id').where('purpose', '=', 'marketing').where('granted', '=', 1),
      )
      .orderBy('id')
      .limit(2)
      .execute();
    const [a, b] = ok.map((r) => r.id);
    const result = await upload(
      lead,
      `/api/v1/campaigns/${campaignId}/import?customerIdColumn=id&delimiter=%3B`,
      `id;nota\n${a};uno\n12"3;rotta\n${b};due\n`,
    );
    expect(result.lines.at(-1)).toMatchObject({ type: 'done', total: 3, imported: 2, rejected: 1 });
    const report = await lead.fetch(
      `${server.url}/api/v1/campaigns/${campaignId}/imports/${String(result.lines.at(-1)?.importId)}/rejects.csv`,
    );
    expect((await report.text()).trim().split('\n')[1]).toMatch(/^3;riga non valida/);
  });
});

describe('opt-out registry import', () => {
  it('loads numbers and removes them from every open campaign at once', async () => {
    const db = server.database.db;
    const campaignId = await newCampaign('Registro');
    const [target] = await db
      .selectFrom('customers')
      .select(['id', 'phone'])
      .where('phone', 'not in', db.selectFrom('optout_registry').select('phone'))
      .where(
        'id',
        'in',
        db.selectFrom('consents').select('customer_id').where('purpose', '=', 'marketing').where('granted', '=', 1),
      )
      .orderBy('id', 'desc')
      .limit(1)
      .execute();
    if (!target) throw new Error('no customer');
    await upload(lead, `/api/v1/campaigns/${campaignId}/import?customerIdColumn=id`, `id\n${target.id}\n`);
    // the same customer may also sit in the big list imported above: every open campaign loses them
    const pending = await db
      .selectFrom('campaign_contacts')
      .select('id')
      .where('phone', '=', target.phone)
      .where('status', '=', 'pending')
      .execute();
    expect(pending.length).toBeGreaterThanOrEqual(1);
    // the national registry is the admins' (it re-checks every site's campaigns)
    const admin = createApiClient(server.url);
    await admin.login('admin');
    const result = await upload(
      admin,
      '/api/v1/optout-registry/import',
      `phone,date\n${target.phone.slice(3)},2026-11-30\nnot-a-number,2026-11-30\n+393209999999,ieri\n`,
    );
    expect(result.status).toBe(200);
    expect(result.lines.at(-1)).toMatchObject({
      type: 'done',
      total: 3,
      imported: 1,
      rejected: 2,
      removedContacts: pending.length,
    });
    const contact = await db
      .selectFrom('campaign_contacts')
      .select(['status', 'last_outcome'])
      .where('campaign_id', '=', campaignId)
      .executeTakeFirstOrThrow();
    expect(contact).toEqual({ status: 'removed', last_outcome: 'registry' });
    const entry = await db
      .selectFrom('optout_registry')
      .selectAll()
      .where('phone', '=', target.phone)
      .executeTakeFirstOrThrow();
    expect(entry.registered_at).toBe('2026-11-30');
    const operator = createApiClient(server.url);
    await operator.login('operatore1');
    expect((await upload(operator, '/api/v1/optout-registry/import', 'phone,date\n')).status).toBe(403);
    expect(
      (await upload(lead, '/api/v1/optout-registry/import', `phone,date\n${target.phone},2026-11-30\n`)).status,
    ).toBe(403);
  });
});
