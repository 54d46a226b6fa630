import type SQLite from 'better-sqlite3';
import { contactCounts, stepCounts, type Realisation } from '@valore/shared/metrics/contribution';
import { FLOW_VERSIONS } from '@valore/shared/flows/index';
import type { FlowId, Outcome, ValueOutcome } from '@valore/shared/reference/outcomes';
import { addDays, romeParts, romeToUtc, weekdayOf } from '@valore/shared/time/rome-time';
import { PROVINCE_MACRO } from '../../domains/stats/stats.facts';
import { accumulateContacts, PENDING_CONTACTS_SQL, type PendingContactRow } from '../../domains/stats/stats.catchup';
import { RollupAccumulator } from '../../domains/stats/stats.writer';
import { Rng } from './rng';

export interface HistoryOptions {
  interactions: number;
  /** Days back from `now` (yesterday is the last day filled). Default 365. */
  days?: number;
  now?: Date;
  seed?: number;
  /** Rows per transaction. */
  batch?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface HistorySummary {
  interactions: number;
  appointments: number;
  funnelLinks: number;
  leads: number;
  callbackRequests: number;
  rollupRows: number;
  ms: number;
}

interface Operator {
  id: number;
  siteId: number;
  teamId: number | null;
}

const FLOW_WEIGHTS: [FlowId, number][] = [
  ['campaign', 0.35],
  ['inbound_sales', 0.25],
  ['ocs_cross_sell', 0.25],
  ['callback', 0.15],
];

/**
 * Fills a migrated, demo-seeded database with a realistic history of contacts (and the appointments, funnel links,
 * leads and Call Me Now requests they produced), fast: raw prepared statements in large transactions with
 * synchronous=OFF, rollups accumulated in memory during the same pass and merged into the rollup tables (daily and
 * monthly) at the end.
 * Deterministic for a given seed. Not for a database serving traffic: it holds the write lock for seconds at a time.
 */
export function generateHistory(sqlite: SQLite.Database, opts: HistoryOptions): HistorySummary {
  const cursor = () =>
    (
      sqlite.prepare('SELECT last_interaction_id AS id FROM stats_cursor WHERE id = 1').get() as
        { id: number } | undefined
    )?.id ?? 0;
  const started = Date.now();
  const rng = new Rng(opts.seed ?? 424_242);
  const now = opts.now ?? new Date();
  const days = opts.days ?? 365;
  const batch = opts.batch ?? 50_000;
  const total = opts.interactions;

  const operators = sqlite
    .prepare(
      `SELECT id, site_id AS siteId, team_id AS teamId FROM users WHERE role = 'operator' AND site_id IS NOT NULL ORDER BY id`,
    )
    .all() as Operator[];
  const customers = sqlite.prepare('SELECT id, province_code AS province FROM customers ORDER BY id').all() as {
    id: number;
    province: string;
  }[];
  const products = (
    sqlite.prepare('SELECT code, outcomes FROM products WHERE active = 1 ORDER BY code').all() as {
      code: string;
      outcomes: string;
    }[]
  ).map((p) => ({ code: p.code, outcomes: JSON.parse(p.outcomes) as ValueOutcome[] }));
  const slots = sqlite
    .prepare('SELECT id, post_office_id AS officeId FROM appointment_slots ORDER BY id LIMIT 2000')
    .all() as { id: number; officeId: number }[];
  if (!operators.length || !customers.length || !products.length || !slots.length) {
    throw new Error('generateHistory needs a demo-seeded database (operators, customers, products, slots)');
  }
  const campaigns = ensureCampaigns(
    sqlite,
    now,
    products.map((p) => p.code),
  );
  const runId = now.getTime().toString(36) + rng.int(0, 1_000_000).toString(36);

  const insertInteraction =
    sqlite.prepare(`INSERT INTO interactions (client_id, request_hash, operator_id, site_id, team_id,
      customer_id, flow, script_id, script_version, work_kind, source_id, campaign_id, product_code, path, events, outcome,
      outcome_details, reached, proposal_made, ocs_solved, propensity, notes, started_at, ended_at, handle_ms, acw_ms, created_at)
    VALUES (?, 'history', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, '{}', ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)`);
  const insertAppointment =
    sqlite.prepare(`INSERT INTO appointments (interaction_id, slot_id, post_office_id, customer_id,
      product_code, status, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertLink =
    sqlite.prepare(`INSERT INTO funnel_links (token, interaction_id, customer_id, product_code, channel,
      destination, expires_at, created_at, click_count, first_clicked_at) VALUES (?, ?, ?, ?, 'sms', 'storico', ?, ?, ?, ?)`);
  const insertLead =
    sqlite.prepare(`INSERT INTO leads (interaction_id, customer_id, product_code, site_id, status, follow_up_at,
      created_by, created_at, closed_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertRequest =
    sqlite.prepare(`INSERT INTO callback_requests (id, phone, customer_id, product_code, mode, channel,
      preferred_at, due_at, due_by, status, attempts, created_at, answered_at, updated_at)
    VALUES (?, '+390000000000', ?, ?, ?, ?, ?, ?, ?, 'done', 1, ?, ?, ?)`);

  // weekdays carry the load; Saturday a third; Sundays and the current day none
  const today = romeParts(now).date;
  const dayList: { day: string; weight: number }[] = [];
  for (let i = days; i >= 1; i--) {
    const day = addDays(today, -i);
    const wd = weekdayOf(day);
    dayList.push({ day, weight: wd === 0 ? 0 : wd === 6 ? 0.35 : 1 });
  }
  const weightSum = dayList.reduce((s, d) => s + d.weight, 0);

  const acc = new RollupAccumulator();
  const summary: HistorySummary = {
    interactions: 0,
    appointments: 0,
    funnelLinks: 0,
    leads: 0,
    callbackRequests: 0,
    rollupRows: 0,
    ms: 0,
  };
  const pathJson = new Map<string, string>();
  const previousSync = sqlite.pragma('synchronous', { simple: true });
  sqlite.pragma('synchronous = OFF');
  // For a big load, building the secondary indexes once at the end (a sort) beats millions of B-tree insertions.
  const rebuild =
    total >= 500_000
      ? dropIndexes(sqlite, ['interactions', 'appointments', 'funnel_links', 'leads', 'callback_requests'])
      : [];

  let seq = 0;
  let carry = 0;
  try {
    let dayIndex = 0;
    while (dayIndex < dayList.length && seq < total) {
      // one transaction per group of days, about `batch` contacts
      const tx = sqlite.transaction(() => {
        // contacts a running server stored but has not counted yet: counted here, and the cursor moves past them and
        // past this batch in this transaction, so the server's catch-up never counts either twice
        const pending = sqlite.prepare(PENDING_CONTACTS_SQL).all(cursor(), -1) as PendingContactRow[];
        accumulateContacts(acc, pending);
        let inTx = 0;
        while (dayIndex < dayList.length && seq < total && inTx < batch) {
          const { day, weight } = dayList[dayIndex++] ?? { day: today, weight: 0 };
          const exact = (total * weight) / weightSum + carry;
          let n = dayIndex === dayList.length ? total - seq : Math.floor(exact);
          carry = exact - n;
          n = Math.min(n, total - seq);
          const dayStart = romeToUtc(day, 0).getTime();
          const recent = Date.parse(`${day}T00:00:00Z`) > now.getTime() - 10 * 86_400_000;
          for (let k = 0; k < n; k++) {
            seq++;
            inTx++;
            // zero-padded so unique keys arrive in order (appends, not random B-tree insertions)
            const tag = String(seq).padStart(10, '0');
            // 07:30–19:30 Rome, in time order
            const startMs = dayStart + (450 + (k / n) * 720) * 60_000 + rng.int(0, 59_000);
            const op = rng.pick(operators);
            const customer = rng.pick(customers);
            const flow = weighted(rng);
            const campaign = flow === 'campaign' ? rng.pick(campaigns) : null;
            const product = campaign
              ? (products.find((p) => p.code === campaign.productCode) ?? rng.pick(products))
              : rng.pick(products);
            const sim = simulate(rng, flow, product.outcomes);
            const handleMs = sim.reached ? rng.int(90, 720) * 1000 : rng.int(15, 45) * 1000;
            const acwMs = sim.reached ? rng.int(5, 90) * 1000 : rng.int(0, 10) * 1000;
            const startedAt = new Date(startMs).toISOString();
            const endedAt = new Date(startMs + handleMs).toISOString();
            const pathKey = sim.path.join(',');
            let path = pathJson.get(pathKey);
            if (path === undefined) {
              path = JSON.stringify(sim.path);
              pathJson.set(pathKey, path);
            }
            let sourceId: string | null = null;
            let cmn: { dueBy: string; answeredAt: string } | null = null;
            if (flow === 'callback') {
              sourceId = `h-${runId}-${tag}`;
              const now_ = rng.chance(0.7);
              const created = startMs - rng.int(1, 20) * 60_000;
              // Call Me Now: target a few minutes after the request; most are answered in time
              const dueBy = now_
                ? rng.chance(0.85)
                  ? startMs + rng.int(0, 240) * 1000
                  : startMs - rng.int(1, 600) * 1000
                : startMs + 3_600_000;
              const createdIso = new Date(created).toISOString();
              const dueByIso = new Date(dueBy).toISOString();
              insertRequest.run(
                sourceId,
                customer.id,
                product.code,
                now_ ? 'now' : 'scheduled',
                rng.chance(0.6) ? 'web' : 'app',
                now_ ? null : startedAt,
                now_ ? createdIso : startedAt,
                dueByIso,
                createdIso,
                startedAt,
                endedAt,
              );
              summary.callbackRequests++;
              if (now_) cmn = { dueBy: dueByIso, answeredAt: startedAt };
            }
            const hasProduct = sim.path.includes('needs') || flow === 'campaign' || flow === 'callback';
            const productCode = hasProduct ? product.code : null;
            const info = insertInteraction.run(
              `h-${runId}-${tag}`,
              op.id,
              op.siteId,
              op.teamId,
              customer.id,
              flow,
              flow,
              FLOW_VERSIONS[flow],
              flow === 'callback' ? 'callback' : flow === 'campaign' ? 'campaign' : 'inbound',
              sourceId,
              campaign?.id ?? null,
              productCode,
              path,
              sim.outcome,
              sim.reached ? 1 : 0,
              sim.proposal ? 1 : 0,
              sim.ocsSolved === null ? null : sim.ocsSolved ? 1 : 0,
              sim.propensity === null ? null : sim.propensity ? 1 : 0,
              startedAt,
              endedAt,
              handleMs,
              acwMs,
              endedAt,
            );
            const interactionId = Number(info.lastInsertRowid);
            summary.interactions++;

            const realisation: Realisation = { appointmentAttended: false, linkClicked: false, leadWon: false };
            if (sim.outcome === 'up_appointment') {
              const slot = rng.pick(slots);
              const status = recent
                ? 'booked'
                : rng.chance(0.62)
                  ? 'attended'
                  : rng.chance(0.7)
                    ? 'no_show'
                    : 'cancelled';
              realisation.appointmentAttended = status === 'attended';
              insertAppointment.run(
                interactionId,
                slot.id,
                slot.officeId,
                customer.id,
                product.code,
                status,
                op.id,
                endedAt,
                endedAt,
              );
              summary.appointments++;
            } else if (sim.outcome === 'digital_funnel') {
              const clicked = rng.chance(0.48);
              realisation.linkClicked = clicked;
              const clickAt = clicked ? new Date(startMs + rng.int(60, 172_800) * 1000).toISOString() : null;
              insertLink.run(
                `h${runId}${tag}`,
                interactionId,
                customer.id,
                product.code,
                new Date(startMs + 14 * 86_400_000).toISOString(),
                endedAt,
                clicked ? rng.int(1, 4) : 0,
                clickAt,
              );
              summary.funnelLinks++;
            } else if (sim.outcome === 'lead') {
              const status = recent ? 'open' : rng.chance(0.34) ? 'won' : rng.chance(0.8) ? 'lost' : 'open';
              realisation.leadWon = status === 'won';
              const followUp = new Date(startMs + rng.int(1, 10) * 86_400_000).toISOString();
              insertLead.run(
                interactionId,
                customer.id,
                product.code,
                op.siteId,
                status,
                followUp,
                op.id,
                endedAt,
                status === 'open' ? null : followUp,
                endedAt,
              );
              summary.leads++;
            }

            const counts = contactCounts(
              {
                flow,
                outcome: sim.outcome,
                reached: sim.reached,
                proposalMade: sim.proposal,
                ocsSolved: sim.ocsSolved,
                propensity: sim.propensity,
                handleMs,
                acwMs,
                callMeNow: cmn,
              },
              realisation,
            );
            acc.add(
              {
                site_id: op.siteId,
                day,
                flow,
                product_code: productCode ?? '',
                campaign_id: campaign?.id ?? 0,
                team_id: op.teamId ?? 0,
                operator_id: op.id,
                macro_area: PROVINCE_MACRO.get(customer.province) ?? '',
                province_code: customer.province,
                script_version: FLOW_VERSIONS[flow],
              },
              counts,
              stepCounts(sim.path, sim.outcome),
            );
          }
        }
        sqlite
          .prepare(
            'UPDATE stats_cursor SET last_interaction_id = (SELECT COALESCE(MAX(id), 0) FROM interactions) WHERE id = 1',
          )
          .run();
      });
      tx();
      opts.onProgress?.(seq, total);
    }
    summary.rollupRows = sqlite.transaction(() => acc.writeTo(sqlite))();
  } finally {
    for (const ddl of rebuild) sqlite.exec(ddl);
    sqlite.pragma(`synchronous = ${Number(previousSync)}`);
  }
  summary.ms = Date.now() - started;
  return summary;
}

/** Drops the named tables' secondary indexes (not the unique constraints) and returns their DDL to recreate them. */
function dropIndexes(sqlite: SQLite.Database, tables: string[]): string[] {
  const rows = sqlite
    .prepare(
      `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${tables.map(() => '?').join(', ')})`,
    )
    .all(...tables) as { name: string; sql: string }[];
  for (const r of rows) sqlite.exec(`DROP INDEX "${r.name.replace(/"/g, '""')}"`);
  return rows.map((r) => r.sql);
}

function weighted(rng: Rng): FlowId {
  let x = rng.next();
  for (const [flow, w] of FLOW_WEIGHTS) {
    if (x < w) return flow;
    x -= w;
  }
  return 'inbound_sales';
}

interface Simulated {
  path: string[];
  outcome: Outcome;
  reached: boolean;
  proposal: boolean;
  ocsSolved: boolean | null;
  propensity: boolean | null;
}

/** Walks a flow's script like a real contact would, with plausible odds at each step. */
function simulate(rng: Rng, flow: FlowId, outcomes: readonly ValueOutcome[]): Simulated {
  const path: string[] = [];
  const end = (outcome: Outcome, extra: Partial<Simulated> = {}): Simulated => ({
    path,
    outcome,
    reached: outcome !== 'not_reached',
    proposal: path.includes('proposal'),
    ocsSolved: null,
    propensity: null,
    ...extra,
  });
  if (flow === 'campaign' || flow === 'callback') {
    path.push('dialling');
    if (rng.chance(flow === 'campaign' ? 0.32 : 0.12)) return end('not_reached');
  }
  path.push('identify');
  if (rng.chance(0.03)) return end('not_eligible');
  let ocsSolved: boolean | null = null;
  let propensity: boolean | null = null;
  if (flow === 'ocs_cross_sell') {
    path.push('problem');
    ocsSolved = rng.chance(0.74);
    if (!ocsSolved) return end('no_proposal', { ocsSolved });
    path.push('propensity');
    propensity = rng.chance(0.55);
    if (!propensity) return end('no_proposal', { ocsSolved, propensity });
  }
  const ocs = { ocsSolved, propensity };
  if (flow === 'campaign' || flow === 'ocs_cross_sell') {
    path.push('consent');
    if (rng.chance(0.04)) return end('opt_out', ocs);
    if (rng.chance(0.06)) return end('not_eligible', ocs);
  }
  path.push('needs');
  if (rng.chance(flow === 'inbound_sales' ? 0.08 : 0.15))
    return end(
      flow === 'ocs_cross_sell' ? 'not_interested' : rng.chance(0.5) ? 'callback_scheduled' : 'not_interested',
      ocs,
    );
  path.push('proposal');
  if (rng.chance(0.22)) path.push('objection', 'proposal');
  const accept = flow === 'inbound_sales' ? 0.62 : flow === 'callback' ? 0.55 : flow === 'ocs_cross_sell' ? 0.4 : 0.3;
  if (!rng.chance(accept)) {
    if (rng.chance(0.03)) return end('opt_out', ocs);
    return end(flow !== 'ocs_cross_sell' && rng.chance(0.15) ? 'callback_scheduled' : 'not_interested', ocs);
  }
  path.push('close');
  const outcome = outcomes.length ? (outcomes[rng.int(0, outcomes.length - 1)] ?? 'lead') : 'lead';
  return end(outcome, ocs);
}

/** A few closed campaigns of the past year when the database has none, so campaign numbers have names. */
function ensureCampaigns(
  sqlite: SQLite.Database,
  now: Date,
  productCodes: string[],
): { id: number; productCode: string }[] {
  const existing = sqlite.prepare('SELECT id, product_code AS productCode FROM campaigns ORDER BY id').all() as {
    id: number;
    productCode: string;
  }[];
  if (existing.length >= 3) return existing;
  const at = now.toISOString();
  const insert =
    sqlite.prepare(`INSERT INTO campaigns (name, business_unit, product_code, starts_on, ends_on, calling_window,
      max_attempts, retry_delay_minutes, script_version, status, created_at) VALUES (?, ?, ?, ?, ?, ?, 3, 60, ?, 'closed', ?)`);
  const window = JSON.stringify({
    timeZone: 'Europe/Rome',
    weekdays: {
      '1': [['09:00', '20:00']],
      '2': [['09:00', '20:00']],
      '3': [['09:00', '20:00']],
      '4': [['09:00', '20:00']],
      '5': [['09:00', '20:00']],
      '6': [['09:00', '13:00']],
    },
    holidays: 'closed',
  });
  const plan: [string, string, string][] = [
    ['Primavera Risparmio', 'Risparmio', 'LIBRETTO'],
    ['Conto Giovani', 'Banking', 'CONTO'],
    ['Fibra Casa Autunno', 'Telco', 'FIBRA'],
    ['Energia Sicura', 'Energia', 'LUCE_GAS'],
    ['Protezione Famiglia', 'Assicurazioni', 'POLIZZA_VITA'],
  ];
  const from = new Date(now.getTime() - 400 * 86_400_000).toISOString().slice(0, 10);
  const to = new Date(now.getTime() + 60 * 86_400_000).toISOString().slice(0, 10);
  for (const [name, bu, product] of plan) {
    if (!productCodes.includes(product)) continue;
    insert.run(name, bu, product, from, to, window, FLOW_VERSIONS.campaign, at);
  }
  return sqlite.prepare('SELECT id, product_code AS productCode FROM campaigns ORDER BY id').all() as {
    id: number;
    productCode: string;
  }[];
}
