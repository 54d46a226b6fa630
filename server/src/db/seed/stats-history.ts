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
  /** Also today's contacts so far (07:30 until `now`): the living demo's "today". Default false. */
  includeToday?: boolean;
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

interface Customer {
  id: number;
  province: string;
}

interface Product {
  code: string;
  outcomes: ValueOutcome[];
}

interface Slot {
  id: number;
  officeId: number;
}

interface Campaign {
  id: number;
  productCode: string;
}

/** The demo rows a history is drawn from: who calls, whom, about what, where appointments go, for which campaign. */
interface ReferenceData {
  operators: Operator[];
  customers: Customer[];
  products: Product[];
  slots: Slot[];
  campaigns: Campaign[];
}

/** One day of the spread and its share of the load. */
interface HistoryDay {
  day: string;
  weight: number;
  /** the share of the working day (07:30–19:30) its contacts spread over: 1 but for a today still under way */
  span: number;
}

/** What every transaction of one run shares. */
interface HistoryRun {
  sqlite: SQLite.Database;
  rng: Rng;
  now: Date;
  /** The current Rome day: the stand-in when the day list runs out (it does not: the loop stops first). */
  today: string;
  /** Makes the run's client ids, request ids and link tokens unique across runs on one database. */
  runId: string;
  total: number;
  batch: number;
  refs: ReferenceData;
  inserts: Inserts;
  days: HistoryDay[];
  weightSum: number;
  acc: RollupAccumulator;
  summary: HistorySummary;
  /** A path's JSON, built once per distinct path rather than once per contact. */
  pathJson: Map<string, string>;
}

/** Where the spread of contacts over the days has got to; carried from one transaction to the next. */
interface Progress {
  dayIndex: number;
  /** Contacts written so far (also the sequence number of the last one). */
  seq: number;
  /** The fraction of a contact the previous days' shares left over, so the rounding never loses contacts. */
  carry: number;
}

/** One contact as drawn: who called whom, in which flow, about what, and how the script went. */
interface DrawnContact {
  startMs: number;
  op: Operator;
  customer: Customer;
  flow: FlowId;
  campaign: Campaign | null;
  product: Product;
  sim: Simulated;
  handleMs: number;
  acwMs: number;
  startedAt: string;
  endedAt: string;
}

/** A Call Me Now request's target and answer time, as the statistics read them. */
type CallMeNow = { dueBy: string; answeredAt: string } | null;

/**
 * Fills a migrated, demo-seeded database with a realistic history of contacts (and the appointments, funnel links,
 * leads and Call Me Now requests they produced), fast: raw prepared statements in large transactions with
 * synchronous=OFF, rollups accumulated in memory during the same pass and merged into the rollup tables (daily and
 * monthly) at the end.
 * Deterministic for a given seed. Not for a database serving traffic: it holds the write lock for seconds at a time.
 *
 * The random draws happen in a fixed order (run id, then per contact: time, operator, customer, flow, campaign,
 * product, script walk, durations, request, realisation); the helpers below keep that order, so a seed keeps
 * producing the same history.
 */
export function generateHistory(sqlite: SQLite.Database, opts: HistoryOptions): HistorySummary {
  const started = Date.now();
  const rng = new Rng(opts.seed ?? 424_242);
  const now = opts.now ?? new Date();
  const total = opts.interactions;
  const refs = loadReferenceData(sqlite, now);
  const runId = now.getTime().toString(36) + rng.int(0, 1_000_000).toString(36);
  const today = romeParts(now).date;
  const days = historyDays(today, opts.days ?? 365, opts.includeToday ? now : null);
  const run: HistoryRun = {
    sqlite,
    rng,
    now,
    today,
    runId,
    total,
    batch: opts.batch ?? 50_000,
    refs,
    inserts: prepareInserts(sqlite),
    days,
    weightSum: days.reduce((s, d) => s + d.weight, 0),
    acc: new RollupAccumulator(),
    summary: {
      interactions: 0,
      appointments: 0,
      funnelLinks: 0,
      leads: 0,
      callbackRequests: 0,
      rollupRows: 0,
      ms: 0,
    },
    pathJson: new Map(),
  };

  const previousSync = sqlite.pragma('synchronous', { simple: true });
  sqlite.pragma('synchronous = OFF');
  // For a big load, building the secondary indexes once at the end (a sort) beats millions of B-tree insertions.
  const rebuild =
    total >= 500_000
      ? dropIndexes(sqlite, ['interactions', 'appointments', 'funnel_links', 'leads', 'callback_requests'])
      : [];
  const progress: Progress = { dayIndex: 0, seq: 0, carry: 0 };
  try {
    while (progress.dayIndex < days.length && progress.seq < total) {
      // one transaction per group of days, about `batch` contacts
      sqlite.transaction(() => writeBatch(run, progress))();
      opts.onProgress?.(progress.seq, total);
    }
    run.summary.rollupRows = sqlite.transaction(() => run.acc.writeTo(sqlite))();
  } finally {
    for (const ddl of rebuild) sqlite.exec(ddl);
    sqlite.pragma(`synchronous = ${Number(previousSync)}`);
  }
  run.summary.ms = Date.now() - started;
  return run.summary;
}

/** The demo rows the history draws from (and a few past campaigns when there are none); throws on an unseeded database. */
function loadReferenceData(sqlite: SQLite.Database, now: Date): ReferenceData {
  const operators = sqlite
    .prepare(
      `SELECT id, site_id AS siteId, team_id AS teamId FROM users WHERE role = 'operator' AND site_id IS NOT NULL ORDER BY id`,
    )
    .all() as Operator[];
  const customers = sqlite
    .prepare('SELECT id, province_code AS province FROM customers ORDER BY id')
    .all() as Customer[];
  const products = (
    sqlite.prepare('SELECT code, outcomes FROM products WHERE active = 1 ORDER BY code').all() as {
      code: string;
      outcomes: string;
    }[]
  ).map((p) => ({ code: p.code, outcomes: JSON.parse(p.outcomes) as ValueOutcome[] }));
  const slots = sqlite
    .prepare('SELECT id, post_office_id AS officeId FROM appointment_slots ORDER BY id LIMIT 2000')
    .all() as Slot[];
  if (!operators.length || !customers.length || !products.length || !slots.length) {
    throw new Error('generateHistory needs a demo-seeded database (operators, customers, products, slots)');
  }
  const campaigns = ensureCampaigns(
    sqlite,
    now,
    products.map((p) => p.code),
  );
  return { operators, customers, products, slots, campaigns };
}

type Inserts = ReturnType<typeof prepareInserts>;

/** The run's INSERT statements, prepared once. */
function prepareInserts(sqlite: SQLite.Database) {
  return {
    interaction: sqlite.prepare(`INSERT INTO interactions (client_id, request_hash, operator_id, site_id, team_id,
      customer_id, flow, script_id, script_version, work_kind, source_id, campaign_id, product_code, path, events, outcome,
      outcome_details, reached, proposal_made, ocs_solved, propensity, notes, started_at, ended_at, handle_ms, acw_ms, created_at)
    VALUES (?, 'history', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, '{}', ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)`),
    appointment: sqlite.prepare(`INSERT INTO appointments (interaction_id, slot_id, post_office_id, customer_id,
      product_code, status, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    link: sqlite.prepare(`INSERT INTO funnel_links (token, interaction_id, customer_id, product_code, channel,
      destination, expires_at, created_at, click_count, first_clicked_at) VALUES (?, ?, ?, ?, 'sms', 'storico', ?, ?, ?, ?)`),
    lead: sqlite.prepare(`INSERT INTO leads (interaction_id, customer_id, product_code, site_id, status, follow_up_at,
      created_by, created_at, closed_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    request: sqlite.prepare(`INSERT INTO callback_requests (id, phone, customer_id, product_code, mode, channel,
      preferred_at, due_at, due_by, status, attempts, created_at, answered_at, updated_at)
    VALUES (?, '+390000000000', ?, ?, ?, ?, ?, ?, ?, 'done', 1, ?, ?, ?)`),
  };
}

/** The `count` days before `today`, oldest first: weekdays carry the load, Saturday a third, Sundays none. */
function historyDays(today: string, count: number, todayUntil: Date | null): HistoryDay[] {
  const dayList: HistoryDay[] = [];
  const weightOf = (day: string) => {
    const wd = weekdayOf(day);
    return wd === 0 ? 0 : wd === 6 ? 0.35 : 1;
  };
  for (let i = count; i >= 1; i--) {
    const day = addDays(today, -i);
    dayList.push({ day, weight: weightOf(day), span: 1 });
  }
  if (todayUntil) {
    const { hour, minute } = romeParts(todayUntil);
    // the contacts of today up to a few minutes ago: none before 07:30, a whole day's after 19:30
    const span = Math.min(1, Math.max(0, (hour * 60 + minute - 5 - 450) / 720));
    if (span > 0) dayList.push({ day: today, weight: weightOf(today) * span, span });
  }
  return dayList;
}

/** The id of the last contact the rollups have counted. */
function statsCursor(sqlite: SQLite.Database): number {
  return (
    (
      sqlite.prepare('SELECT last_interaction_id AS id FROM stats_cursor WHERE id = 1').get() as
        { id: number } | undefined
    )?.id ?? 0
  );
}

/** The body of one transaction: whole days of contacts until about `batch` of them are written. */
function writeBatch(run: HistoryRun, progress: Progress): void {
  const { sqlite, days, total } = run;
  // contacts a running server stored but has not counted yet: counted here, and the cursor moves past them and
  // past this batch in this transaction, so the server's catch-up never counts either twice
  const pending = sqlite.prepare(PENDING_CONTACTS_SQL).all(statsCursor(sqlite), -1) as PendingContactRow[];
  accumulateContacts(run.acc, pending);
  let inTx = 0;
  while (progress.dayIndex < days.length && progress.seq < total && inTx < run.batch) {
    const { day, weight, span } = days[progress.dayIndex++] ?? { day: run.today, weight: 0, span: 1 };
    const n = dayShare(run, progress, weight);
    writeDay(run, progress, day, n, span);
    inTx += n;
  }
  sqlite
    .prepare(
      'UPDATE stats_cursor SET last_interaction_id = (SELECT COALESCE(MAX(id), 0) FROM interactions) WHERE id = 1',
    )
    .run();
}

/**
 * How many contacts the day just taken gets: its weight's share of the total plus what earlier days' rounding left
 * over; the last day takes whatever remains. Updates the carry.
 */
function dayShare(run: HistoryRun, progress: Progress, weight: number): number {
  const { total } = run;
  const exact = (total * weight) / run.weightSum + progress.carry;
  const n = progress.dayIndex === run.days.length ? total - progress.seq : Math.floor(exact);
  progress.carry = exact - n;
  return Math.min(n, total - progress.seq);
}

/** Writes one day's `n` contacts, spread in time order over 07:30–19:30 Rome. */
function writeDay(run: HistoryRun, progress: Progress, day: string, n: number, span = 1): void {
  const dayStart = romeToUtc(day, 0).getTime();
  // the last ten days' appointments and leads are still open
  const recent = Date.parse(`${day}T00:00:00Z`) > run.now.getTime() - 10 * 86_400_000;
  for (let k = 0; k < n; k++) {
    progress.seq++;
    // zero-padded so unique keys arrive in order (appends, not random B-tree insertions)
    const tag = String(progress.seq).padStart(10, '0');
    // 07:30–19:30 Rome, in time order
    const startMs = dayStart + (450 + (k / n) * 720 * span) * 60_000 + run.rng.int(0, 59_000);
    writeContact(run, drawContact(run.rng, run.refs, startMs), day, tag, recent);
  }
}

/** Draws who called whom, in which flow, about what, how the script went and how long it took. */
function drawContact(rng: Rng, refs: ReferenceData, startMs: number): DrawnContact {
  const op = rng.pick(refs.operators);
  const customer = rng.pick(refs.customers);
  const flow = weighted(rng);
  const campaign = flow === 'campaign' ? rng.pick(refs.campaigns) : null;
  const product = campaign
    ? (refs.products.find((p) => p.code === campaign.productCode) ?? rng.pick(refs.products))
    : rng.pick(refs.products);
  const sim = simulate(rng, flow, product.outcomes);
  const handleMs = sim.reached ? rng.int(90, 720) * 1000 : rng.int(15, 45) * 1000;
  const acwMs = sim.reached ? rng.int(5, 90) * 1000 : rng.int(0, 10) * 1000;
  return {
    startMs,
    op,
    customer,
    flow,
    campaign,
    product,
    sim,
    handleMs,
    acwMs,
    startedAt: new Date(startMs).toISOString(),
    endedAt: new Date(startMs + handleMs).toISOString(),
  };
}

/** Stores one drawn contact with the request that started it and what it produced, and counts it in the rollups. */
function writeContact(run: HistoryRun, c: DrawnContact, day: string, tag: string, recent: boolean): void {
  const { sim, flow } = c;
  const path = pathJsonOf(run.pathJson, sim.path);
  const request = flow === 'callback' ? insertCallbackRequest(run, c, tag) : null;
  const hasProduct = sim.path.includes('needs') || flow === 'campaign' || flow === 'callback';
  const productCode = hasProduct ? c.product.code : null;
  const info = run.inserts.interaction.run(
    `h-${run.runId}-${tag}`,
    c.op.id,
    c.op.siteId,
    c.op.teamId,
    c.customer.id,
    flow,
    flow,
    FLOW_VERSIONS[flow],
    flow === 'callback' ? 'callback' : flow === 'campaign' ? 'campaign' : 'inbound',
    request?.sourceId ?? null,
    c.campaign?.id ?? null,
    productCode,
    path,
    sim.outcome,
    sim.reached ? 1 : 0,
    sim.proposal ? 1 : 0,
    sim.ocsSolved === null ? null : sim.ocsSolved ? 1 : 0,
    sim.propensity === null ? null : sim.propensity ? 1 : 0,
    c.startedAt,
    c.endedAt,
    c.handleMs,
    c.acwMs,
    c.endedAt,
  );
  const interactionId = Number(info.lastInsertRowid);
  run.summary.interactions++;
  const realisation = insertRealisation(run, c, interactionId, tag, recent);
  accumulate(run.acc, c, day, productCode, request?.callMeNow ?? null, realisation);
}

/** The path's JSON text, from the cache when the same path came before. */
function pathJsonOf(cache: Map<string, string>, path: string[]): string {
  const key = path.join(',');
  let json = cache.get(key);
  if (json === undefined) {
    json = JSON.stringify(path);
    cache.set(key, json);
  }
  return json;
}

/**
 * The web or app request a callback contact answered: Call Me Now (answer within minutes) or scheduled (a chosen
 * time, due within the hour).
 */
function insertCallbackRequest(
  run: HistoryRun,
  c: DrawnContact,
  tag: string,
): { sourceId: string; callMeNow: CallMeNow } {
  const { rng } = run;
  const { startMs, startedAt } = c;
  const sourceId = `h-${run.runId}-${tag}`;
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
  run.inserts.request.run(
    sourceId,
    c.customer.id,
    c.product.code,
    now_ ? 'now' : 'scheduled',
    rng.chance(0.6) ? 'web' : 'app',
    now_ ? null : startedAt,
    now_ ? createdIso : startedAt,
    dueByIso,
    createdIso,
    startedAt,
    c.endedAt,
  );
  run.summary.callbackRequests++;
  return { sourceId, callMeNow: now_ ? { dueBy: dueByIso, answeredAt: startedAt } : null };
}

/**
 * What the contact's outcome produced: an appointment, a funnel link or a lead, with how it turned out (recent ones
 * still open). Returns the realisation the conversion counts read.
 */
function insertRealisation(
  run: HistoryRun,
  c: DrawnContact,
  interactionId: number,
  tag: string,
  recent: boolean,
): Realisation {
  const { rng, inserts, summary } = run;
  const { customer, product, op, startMs, endedAt } = c;
  const realisation: Realisation = { appointmentAttended: false, linkClicked: false, leadWon: false };
  if (c.sim.outcome === 'up_appointment') {
    const slot = rng.pick(run.refs.slots);
    const status = recent ? 'booked' : rng.chance(0.62) ? 'attended' : rng.chance(0.7) ? 'no_show' : 'cancelled';
    realisation.appointmentAttended = status === 'attended';
    inserts.appointment.run(
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
  } else if (c.sim.outcome === 'digital_funnel') {
    const clicked = rng.chance(0.48);
    realisation.linkClicked = clicked;
    const clickAt = clicked ? new Date(startMs + rng.int(60, 172_800) * 1000).toISOString() : null;
    inserts.link.run(
      `h${run.runId}${tag}`,
      interactionId,
      customer.id,
      product.code,
      new Date(startMs + 14 * 86_400_000).toISOString(),
      endedAt,
      clicked ? rng.int(1, 4) : 0,
      clickAt,
    );
    summary.funnelLinks++;
  } else if (c.sim.outcome === 'lead') {
    const status = recent ? 'open' : rng.chance(0.34) ? 'won' : rng.chance(0.8) ? 'lost' : 'open';
    realisation.leadWon = status === 'won';
    const followUp = new Date(startMs + rng.int(1, 10) * 86_400_000).toISOString();
    inserts.lead.run(
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
  return realisation;
}

/** Counts the contact in the in-memory rollups, under the same dimensions the live stats writer uses. */
function accumulate(
  acc: RollupAccumulator,
  c: DrawnContact,
  day: string,
  productCode: string | null,
  callMeNow: CallMeNow,
  realisation: Realisation,
): void {
  const { sim, flow, op, customer } = c;
  const counts = contactCounts(
    {
      flow,
      outcome: sim.outcome,
      reached: sim.reached,
      proposalMade: sim.proposal,
      ocsSolved: sim.ocsSolved,
      propensity: sim.propensity,
      handleMs: c.handleMs,
      acwMs: c.acwMs,
      callMeNow,
    },
    realisation,
  );
  acc.add(
    {
      site_id: op.siteId,
      day,
      flow,
      product_code: productCode ?? '',
      campaign_id: c.campaign?.id ?? 0,
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
