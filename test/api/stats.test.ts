import SQLite from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completion, type EventWithoutTime } from '@valore/server/testing/completions';
import type { CompleteInteractionInput } from '@valore/shared/schemas/interactions';
import type { ConversionOutput } from '@valore/shared/schemas/stats';
import { FLOW_VERSIONS } from '@valore/shared/flows/index';
import { addCounts, emptyCounts, type Counts } from '@valore/shared/metrics/funnel';
import { addDays, romeParts, romeToUtc } from '@valore/shared/time/rome-time';
import { planPeriod } from '@valore/server/domains/stats/stats.rollups';
import { generateHistory } from '@valore/server/db/seed/stats-history';
import { compareRollupsWithRecount } from '@valore/server/domains/stats/stats.recount';
import { createApiClient, trpcError, type ApiClient } from '../helpers/api-client';
import { seededTemplate, startTestServer, type TestServer } from '../helpers/server';
import { agreedTime } from '@valore/server/testing/agreed-time';
import { anyNumber } from '@valore/server/testing/matchers';

let server: TestServer;
let operator: ApiClient;
let teamLead: ApiClient;
let admin: ApiClient;

/**
 * The file's database: the demo template plus a generated history of 20,000 contacts over 90 days until four days ago, written
 * before the server starts (the generator writes through a SQLite connection; on PostgreSQL the prepared file is
 * copied in, as every test database is). The live contacts of the tests below then fold on top of it.
 */
async function withHistory(): Promise<string> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'valore-stats-')), 'history.sqlite');
  fs.copyFileSync(await seededTemplate(2_000, new Date()), file);
  const sqlite = new SQLite(file);
  try {
    // up to four days ago: the tests of a known day read today ± 2 days, and see only their own contacts
    const now = new Date(Date.now() - 3 * 86_400_000);
    const summary = generateHistory(sqlite, { interactions: 20_000, days: 90, seed: 7, now });
    expect(summary.interactions).toBe(20_000);
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    sqlite.close();
  }
  return file;
}

beforeAll(async () => {
  server = await startTestServer({ fromFile: await withHistory() });
  operator = createApiClient(server.url);
  teamLead = createApiClient(server.url);
  admin = createApiClient(server.url);
  await Promise.all([operator.login('operatore1'), teamLead.login('teamlead1'), admin.login('admin')]);
});
afterAll(async () => {
  await server?.close();
});

const db = () => server.database.db;
function contact(
  flow: CompleteInteractionInput['flow'],
  customerId: number | null,
  outcome: CompleteInteractionInput['outcome'],
  events: EventWithoutTime[],
  handleSeconds = 240,
): CompleteInteractionInput {
  return completion(flow, customerId, outcome, events, {
    startMs: Date.now() - 600_000,
    stepMs: 5_000,
    handleMs: handleSeconds * 1000,
    acwMs: 20_000,
  });
}

let used = new Set<number>();
/** A customer with recorded marketing consent, not used by another contact of this file. */
async function consentingCustomer(): Promise<number> {
  const rows = await db()
    .selectFrom('customers')
    .select('id')
    .where('email', 'is not', null)
    // who holds no product: a product a customer holds is never proposed to them
    .where('id', 'not in', db().selectFrom('customer_products').select('customer_id'))
    .orderBy('id')
    .limit(300)
    .execute();
  for (const { id } of rows) {
    if (used.has(id)) continue;
    const consent = await db()
      .selectFrom('consents')
      .select('granted')
      .where('customer_id', '=', id)
      .where('purpose', '=', 'marketing')
      .orderBy('recorded_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    if (consent?.granted === 1) {
      used = new Set([...used, id]);
      return id;
    }
  }
  throw new Error('no consenting customer left');
}

async function freeSlot() {
  const slot = await db()
    .selectFrom('appointment_slots')
    .select(['id', 'post_office_id'])
    .where('booked', '=', 0)
    .where('starts_at', '>', new Date(Date.now() + 86_400_000).toISOString())
    .orderBy('id')
    .executeTakeFirstOrThrow();
  return slot;
}

const period = () => ({
  from: new Date(Date.now() - 2 * 86_400_000).toISOString(),
  to: new Date(Date.now() + 2 * 86_400_000).toISOString(),
});

const total = (r: ConversionOutput) => r.total;

describe('conversion stats of a known day', () => {
  let before: ConversionOutput;
  let interactionIds: number[] = [];

  it('counts every funnel stage and rate of the contacts an operator logs, realisations included', async () => {
    before = await teamLead.trpc.stats.conversion.query({ ...period(), groupBy: [] });

    const a = await consentingCustomer();
    const slot = await freeSlot();
    const appointment = await operator.trpc.interactions.complete.mutate(
      contact('inbound_sales', a, 'up_appointment', [
        { type: 'customer.identified', customerId: a },
        { type: 'needs.identified', productCode: 'CONTO' },
        { type: 'proposal.accepted' },
        { type: 'outcome.appointment', postOfficeId: slot.post_office_id, slotId: slot.id },
      ]),
    );
    const b = await consentingCustomer();
    const lead = await operator.trpc.interactions.complete.mutate(
      contact('inbound_sales', b, 'lead', [
        { type: 'customer.identified', customerId: b },
        { type: 'needs.identified', productCode: 'FIBRA' },
        { type: 'proposal.accepted' },
        { type: 'outcome.lead', followUpAt: agreedTime(3) },
      ]),
    );
    const c = await consentingCustomer();
    const funnel = await operator.trpc.interactions.complete.mutate(
      contact('inbound_sales', c, 'digital_funnel', [
        { type: 'customer.identified', customerId: c },
        { type: 'needs.identified', productCode: 'CARTA_IBAN' },
        { type: 'proposal.accepted' },
        { type: 'outcome.funnel', channel: 'sms' },
      ]),
    );
    const d = await consentingCustomer();
    const declined = await operator.trpc.interactions.complete.mutate(
      contact('inbound_sales', d, 'not_interested', [
        { type: 'customer.identified', customerId: d },
        { type: 'needs.identified', productCode: 'SIM' },
        { type: 'proposal.declined' },
      ]),
    );
    const e = await consentingCustomer();
    const unsolved = await operator.trpc.interactions.complete.mutate(
      contact('ocs_cross_sell', e, 'no_proposal', [
        { type: 'customer.identified', customerId: e },
        { type: 'ocs.unsolved' },
      ]),
    );
    const f = await consentingCustomer();
    const noPropensity = await operator.trpc.interactions.complete.mutate(
      contact('ocs_cross_sell', f, 'no_proposal', [
        { type: 'customer.identified', customerId: f },
        { type: 'ocs.solved' },
        { type: 'propensity.declined' },
      ]),
    );
    const g = await consentingCustomer();
    const optOut = await operator.trpc.interactions.complete.mutate(
      contact('inbound_sales', g, 'opt_out', [
        { type: 'customer.identified', customerId: g },
        { type: 'customer.opted_out' },
      ]),
    );
    const h = await consentingCustomer();
    const notReached = await operator.trpc.interactions.complete.mutate(
      contact('campaign', h, 'not_reached', [{ type: 'contact.not_reached', reason: 'no_answer' }], 30),
    );
    interactionIds = [appointment, lead, funnel, declined, unsolved, noPropensity, optOut, notReached].map(
      (r) => r.interactionId,
    );

    // realisations arrive later: attendance from the branch, the customer's click, the lead closed won
    await admin.trpc.appointments.setStatus.mutate({
      appointmentId: appointment.effects.appointment?.id ?? 0,
      status: 'attended',
      requestId: randomUUID(),
    });
    const click = await fetch(funnel.effects.funnelLink?.url ?? '', { redirect: 'manual' });
    expect(click.status).toBe(302);
    await fetch(funnel.effects.funnelLink?.url ?? '', { redirect: 'manual' }); // a second click realises nothing more
    await teamLead.trpc.leads.close.mutate({
      leadId: lead.effects.lead?.id ?? 0,
      status: 'won',
      requestId: randomUUID(),
    });

    const after = await teamLead.trpc.stats.conversion.query({ ...period(), groupBy: [] });
    const delta = (k: keyof ConversionOutput['total']['counts']) => total(after).counts[k] - total(before).counts[k];
    expect({
      handled: delta('handled'),
      reached: delta('reached'),
      proposals: delta('proposals'),
      appointments: delta('appointments'),
      funnelLinks: delta('funnelLinks'),
      leads: delta('leads'),
      appointmentsAttended: delta('appointmentsAttended'),
      linksClicked: delta('linksClicked'),
      leadsWon: delta('leadsWon'),
      optOuts: delta('optOuts'),
      ocsAsked: delta('ocsAsked'),
      ocsSolved: delta('ocsSolved'),
      propensityAsked: delta('propensityAsked'),
      propensityYes: delta('propensityYes'),
      cmnRequests: delta('cmnRequests'),
      handleMs: delta('handleMs'),
      acwMs: delta('acwMs'),
    }).toEqual({
      handled: 8,
      reached: 7,
      proposals: 4,
      appointments: 1,
      funnelLinks: 1,
      leads: 1,
      appointmentsAttended: 1,
      linksClicked: 1,
      leadsWon: 1,
      optOuts: 1,
      ocsAsked: 2,
      ocsSolved: 1,
      propensityAsked: 1,
      propensityYes: 0,
      cmnRequests: 0,
      handleMs: 7 * 240_000 + 30_000,
      acwMs: 8 * 20_000,
    });
    if (total(before).counts.handled === 0) {
      expect(total(after).stages).toEqual({ handled: 8, reached: 7, proposal: 4, value: 3, realised: 3 });
      expect(total(after).rates).toMatchObject({
        reachRate: 7 / 8,
        proposalRate: 4 / 7,
        proposalConversion: 3 / 4,
        conversionRate: 3 / 8,
        realisationRate: 1,
        optOutRate: 1 / 7,
        ocsRate: 1 / 2,
        propensityRate: 0,
        cmnWithinTarget: null,
        avgHandleSeconds: (7 * 240 + 30) / 8,
        avgAcwSeconds: 20,
      });
    }
  });

  it('groups by flow and product as docs/api.md names them, with the same totals', async () => {
    const byFlow = await teamLead.trpc.stats.conversion.query({ ...period(), groupBy: ['flow'] });
    const sum = byFlow.rows.reduce((s, r) => s + r.stages.handled, 0);
    expect(sum).toBe(byFlow.total.stages.handled);
    const ocs = byFlow.rows.find((r) => r.key.flow === 'ocs_cross_sell');
    expect(ocs?.counts).toMatchObject({ ocsAsked: anyNumber() });
    const byProduct = await teamLead.trpc.stats.conversion.query({
      ...period(),
      groupBy: ['product', 'operator'],
      flow: 'inbound_sales',
    });
    expect(byProduct.source).toBe('stats_operator_product_day');
    const fibra = byProduct.rows.find((r) => r.key.product === 'FIBRA');
    expect(fibra).toMatchObject({ stages: { value: 1, realised: 1 } });
    expect(fibra?.labels.operator).toBeTruthy();
  });

  it('lists the contacts behind a number, newest first, and pages through them', async () => {
    const value = await teamLead.trpc.stats.interactions.query({ ...period(), stage: 'value', limit: 2 });
    expect(value.rows).toHaveLength(2);
    expect(value.nextCursor).not.toBeNull();
    const rest = await teamLead.trpc.stats.interactions.query({
      ...period(),
      stage: 'value',
      limit: 2,
      cursor: value.nextCursor,
    });
    const ids = [...value.rows, ...rest.rows].map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining(interactionIds.slice(0, 3)));
    const realised = await teamLead.trpc.stats.interactions.query({ ...period(), stage: 'realised' });
    expect(realised.rows.every((r) => r.realised)).toBe(true);
    expect(realised.rows.map((r) => r.id).sort()).toEqual(interactionIds.slice(0, 3).sort());
    // the page's flag (a lookup per contact) and the filter (REALISED_CONDITION) pick the same contacts
    const realisedIds = new Set(realised.rows.map((r) => r.id));
    const handled = await teamLead.trpc.stats.interactions.query({ ...period(), stage: 'handled', limit: 200 });
    expect(handled.rows.length).toBeGreaterThan(realisedIds.size);
    for (const r of handled.rows) expect(r.realised, `contact ${r.id}`).toBe(realisedIds.has(r.id));
  });

  it('exports the same rows the screen shows as CSV, and audits the export', async () => {
    const query = { ...period(), groupBy: ['flow' as const] };
    const screen = await teamLead.trpc.stats.conversion.query(query);
    const file = await teamLead.trpc.stats.exportCsv.mutate({ kind: 'breakdown', query, language: 'en' });
    const lines = file.csv.trim().split('\r\n');
    expect(lines[0]).toContain('Contacts handled');
    expect(lines).toHaveLength(screen.rows.length + 2);
    const handledColumn = (lines[0] ?? '').split(',').indexOf('Contacts handled');
    expect(Number(lines[lines.length - 1]?.split(',')[handledColumn])).toBe(screen.total.stages.handled);

    const contacts = await teamLead.trpc.stats.exportCsv.mutate({
      kind: 'interactions',
      query: { ...period(), stage: 'handled' },
    });
    expect(contacts.rows).toBe(screen.total.stages.handled);
    // in Italian (the default): `;`, Italian headers, read back by a CSV parser with `;`
    const table = parse<Record<string, string>>(contacts.csv, { delimiter: ';', columns: true });
    expect(table).toHaveLength(screen.total.stages.handled);
    expect(Object.keys(table[0] ?? {}).slice(0, 4)).toEqual(['id', 'inizio', 'giorno', 'sede']);
    const italian = await teamLead.trpc.stats.exportCsv.mutate({ kind: 'breakdown', query });
    const rates = parse<Record<string, string>>(italian.csv, { delimiter: ';', columns: true });
    const total = rates.at(-1) ?? {};
    expect(Number(total['Contatti gestiti'])).toBe(screen.total.stages.handled);
    // a rate with a decimal comma, as an Italian spreadsheet reads numbers
    expect(Object.values(total).some((v) => /^0,\d+$/.test(v))).toBe(true);
    const audits = await db()
      .selectFrom('audit_log')
      .select('entity_id')
      .where('action', '=', 'stats.export')
      .execute();
    expect(audits.map((a) => a.entity_id)).toEqual(['breakdown', 'interactions', 'breakdown']);
  });

  it('compares script versions and shows where customers are lost', async () => {
    const s = await teamLead.trpc.stats.scripts.query({ ...period(), flow: 'ocs_cross_sell' });
    expect(s.versions.map((v) => v.scriptVersion)).toEqual([FLOW_VERSIONS.ocs_cross_sell]);
    const problem = s.steps.find((x) => x.step === 'problem');
    const propensity = s.steps.find((x) => x.step === 'propensity');
    expect(problem).toMatchObject({ entered: 2, lost: 1 });
    expect(propensity).toMatchObject({ entered: 1, lost: 1, dropOff: 1 });
  });
});

describe('who sees which numbers', () => {
  it('keeps a team lead to their own site and refuses another', async () => {
    const error = await trpcError(teamLead.trpc.stats.conversion.query({ ...period(), groupBy: [], siteId: 2 }));
    expect(error.data?.code).toBe('FORBIDDEN');
    expect(error.data?.domainCode).toBe('FORBIDDEN_SCOPE');
    const bySite = await teamLead.trpc.stats.conversion.query({ ...period(), groupBy: ['site'] });
    expect(bySite.rows.map((r) => r.key.site)).toEqual([1]);
    const drill = await trpcError(teamLead.trpc.stats.interactions.query({ ...period(), stage: 'handled', siteId: 2 }));
    expect(drill.data?.code).toBe('FORBIDDEN');
  });

  it('refuses operators and tutors', async () => {
    const tutor = createApiClient(server.url);
    await tutor.login('tutor1');
    for (const client of [operator, tutor]) {
      const error = await trpcError(client.trpc.stats.conversion.query({ ...period(), groupBy: [] }));
      expect(error.data?.code).toBe('FORBIDDEN');
      const exportError = await trpcError(
        client.trpc.stats.exportCsv.mutate({ kind: 'interactions', query: { ...period(), stage: 'handled' } }),
      );
      expect(exportError.data?.code).toBe('FORBIDDEN');
    }
  });

  it('lets the admin see every site, or pick one', async () => {
    const all = await admin.trpc.stats.conversion.query({ ...period(), groupBy: ['site'] });
    const site1 = await admin.trpc.stats.conversion.query({ ...period(), groupBy: [], siteId: 1 });
    expect(all.rows.find((r) => r.key.site === 1)?.stages.handled).toBe(site1.total.stages.handled);
  });

  it('answers bad input with field messages, not a server error', async () => {
    const error = await trpcError(
      teamLead.trpc.stats.conversion.query({ from: period().to, to: period().from, groupBy: ['flow'] }),
    );
    expect(error.data?.code).toBe('BAD_REQUEST');
  });
});

describe('rollups against a full recount', () => {
  it('agree exactly after live contacts, realisations and a generated history of 20,000 contacts', async () => {
    // the history was generated before the server started (withHistory); the live contacts above folded on top
    expect(await compareRollupsWithRecount(db())).toEqual([]);

    // and every grouping sums to the same total
    const range = {
      from: new Date(Date.now() - 100 * 86_400_000).toISOString(),
      to: new Date(Date.now() + 86_400_000).toISOString(),
    };
    const plain = await admin.trpc.stats.conversion.query({ ...range, groupBy: [] });
    for (const groupBy of [
      ['week'],
      ['operator'],
      ['macroArea'],
      ['province'],
      ['scriptVersion'],
      ['product', 'campaign'],
    ] as const) {
      const grouped = await admin.trpc.stats.conversion.query({ ...range, groupBy: [...groupBy] });
      expect(
        grouped.rows.reduce((s, r) => s + r.counts.handled, 0),
        groupBy.join(),
      ).toBe(plain.total.counts.handled);
      expect(grouped.total.counts).toEqual(plain.total.counts);
    }
    // a combination no rollup covers falls back to raw contacts, with the same numbers
    const raw = await admin.trpc.stats.conversion.query({ ...range, groupBy: ['macroArea'], productCode: 'FIBRA' });
    const viaProduct = await admin.trpc.stats.conversion.query({ ...range, groupBy: [], productCode: 'FIBRA' });
    expect(raw.source).toBe('interactions');
    expect(raw.total.counts).toEqual(viaProduct.total.counts);
  });
});

describe('long periods read whole months from the monthly rollups', () => {
  /** The Rome days a plan reads: its months' days plus the added days, minus the subtracted ones (as a multiset). */
  function daysOf(plan: ReturnType<typeof planPeriod>): Map<string, number> {
    const out = new Map<string, number>();
    const bump = (from: string, to: string, by: number) => {
      for (let d = from; d <= to; d = addDays(d, 1)) out.set(d, (out.get(d) ?? 0) + by);
    };
    if (plan.months)
      bump(`${plan.months.from}-01`, addDays(`${addDays(`${plan.months.to}-28`, 4).slice(0, 7)}-01`, -1), 1);
    for (const r of plan.add) bump(r.from, r.to, 1);
    for (const r of plan.subtract) bump(r.from, r.to, -1);
    for (const [d, n] of out) if (n === 0) out.delete(d);
    return out;
  }

  it('plans every period as exactly its own days, reading few days one by one', () => {
    for (const [from, to] of [
      ['2026-01-15', '2026-03-10'],
      ['2026-01-31', '2026-02-01'],
      ['2026-02-01', '2026-02-28'],
      ['2024-02-03', '2024-02-26'],
      ['2025-12-31', '2026-12-30'],
      ['2026-03-29', '2026-03-29'],
      ['2025-11-26', '2026-11-25'],
    ] as const) {
      const plan = planPeriod(from, to);
      const want = new Map<string, number>();
      for (let d: string = from; d <= to; d = addDays(d, 1)) want.set(d, 1);
      expect(daysOf(plan), `${from}..${to}`).toEqual(want);
      const daily = [...plan.add, ...plan.subtract].reduce(
        (n, r) => n + (Date.parse(r.to) - Date.parse(r.from)) / 86_400_000 + 1,
        0,
      );
      expect(daily, `${from}..${to}`).toBeLessThanOrEqual(31);
    }
    // a year ending at this month so far: whole months, minus the days of this month still to come
    expect(planPeriod('2025-12-01', '2026-11-25')).toEqual({
      months: { from: '2025-12', to: '2026-11' },
      add: [],
      subtract: [{ from: '2026-11-26', to: '2026-11-30' }],
    });
  });

  it('give the same numbers as the daily rollups for periods across month ends', async () => {
    // the generated history (withHistory, before the server started) covers 90 days until four days ago
    const today = romeParts(new Date()).date;
    const m1 = `${today.slice(0, 7)}-01`; // first day of this month
    const m2 = `${addDays(m1, -1).slice(0, 7)}-01`; // of the previous one
    const m3 = `${addDays(m2, -1).slice(0, 7)}-01`;
    const periods: [string, string][] = [
      [addDays(m3, 14), addDays(m2, 9)], // mid-month to mid-month
      [addDays(m3, 2), addDays(m2, -1)], // a month less its first two days
      [addDays(m2, -1), m1], // last day of a month through the first of the month after next
      [m2, addDays(m1, -1)], // exactly one month
      [addDays(m2, 3), addDays(m2, 25)], // inside one month, missing a few days at each end
      [addDays(m1, -1), m1], // two days across a month end
      [addDays(m3, -20), today], // the whole history up to today
    ];
    const range = ([a, b]: [string, string]) => ({
      from: romeToUtc(a, 0).toISOString(),
      to: romeToUtc(addDays(b, 1), 0).toISOString(),
    });
    for (const p of periods) {
      const label = p.join('..');
      const plain = await admin.trpc.stats.conversion.query({ ...range(p), groupBy: [] });
      const byDay = await admin.trpc.stats.conversion.query({ ...range(p), groupBy: ['day'] });
      expect(plain.source, label).toBe('stats_all_day');
      expect(plain.total.counts, label).toEqual(byDay.total.counts);
      expect(plain.total.counts.handled, label).toBeGreaterThan(0);

      // per site and per product and campaign too (the per-site tables and their monthly twins)
      const site = { ...range(p), siteId: 1 };
      const products = await admin.trpc.stats.conversion.query({ ...site, groupBy: ['product', 'campaign'] });
      const productDays = await admin.trpc.stats.conversion.query({ ...site, groupBy: ['day', 'product', 'campaign'] });
      const folded = new Map<string, Counts>();
      for (const r of productDays.rows) {
        const id = `${r.key.product}|${r.key.campaign}`;
        folded.set(id, addCounts(folded.get(id) ?? emptyCounts(), r.counts));
      }
      expect(new Map(products.rows.map((r) => [`${r.key.product}|${r.key.campaign}`, r.counts])), label).toEqual(
        folded,
      );
      const bySite = await admin.trpc.stats.conversion.query({ ...range(p), groupBy: ['site'] });
      expect(bySite.source, label).toBe('stats_site_day');
      expect(bySite.total.counts, label).toEqual(plain.total.counts);

      // script drop-off: the period at once equals the sum of its single days
      const whole = await admin.trpc.stats.scripts.query({ ...range(p), siteId: 2 });
      const steps = new Map<string, number[]>();
      for (let d = p[0]; d <= p[1]; d = addDays(d, 1)) {
        const one = await admin.trpc.stats.scripts.query({ ...range([d, d]), siteId: 2 });
        for (const s of one.steps) {
          const id = `${s.flow}|${s.scriptVersion}|${s.step}`;
          const sum = steps.get(id) ?? [0, 0];
          steps.set(id, [(sum[0] ?? 0) + s.entered, (sum[1] ?? 0) + s.lost]);
        }
      }
      expect(
        new Map(whole.steps.map((s) => [`${s.flow}|${s.scriptVersion}|${s.step}`, [s.entered, s.lost]])),
        label,
      ).toEqual(steps);
    }
  });
});
