import { sql, type RawBuilder } from 'kysely';
import { MEASURES, type Counts, emptyCounts } from '@valore/shared/metrics/funnel';
import type { Executor } from '../../db/database';
import { MEASURE_COLUMNS, planPeriod, ROLLUPS, STEP_ROLLUP, type RollupDim, type RollupTable } from './stats.rollups';
import { CONTACT_COLUMNS, CONTACT_JOINS, REALISATION_COLUMNS, type ContactRow } from './stats.facts';

/** A condition on one rollup dimension: equality or membership. */
export type DimCondition =
  { dim: RollupDim; op: '='; value: string | number } | { dim: RollupDim; op: 'in'; values: (string | number)[] };

export interface RollupQuery {
  siteIds: number[];
  fromDay: string;
  toDay: string;
  conditions: DimCondition[];
  groupBy: RollupDim[];
}

/**
 * The smallest rollup whose key covers every dimension the query touches, or null (raw contacts needed). A table
 * summed over all sites serves only a query over every site.
 */
export function pickRollup(needed: ReadonlySet<RollupDim>, allSites = false): RollupTable | null {
  return ROLLUPS.find((t) => (!t.allSites || allSites) && [...needed].every((d) => t.key.includes(d))) ?? null;
}

export type GroupedCounts = { key: Record<string, string | number>; counts: Counts };

function condition(c: DimCondition, column: (d: RollupDim) => RawBuilder<unknown>): RawBuilder<unknown> {
  if (c.op === '=') return sql`${column(c.dim)} = ${c.value}`;
  if (c.values.length === 0) return sql`FALSE`;
  return sql`${column(c.dim)} IN (${sql.join(c.values)})`;
}

/**
 * The parts of a period to read from a table pair: whole months from the monthly twin, the odd days from the daily
 * table, some subtracted (a month minus its days outside the period). Grouping by day needs the daily table alone.
 */
function periodParts(
  daily: string,
  monthly: string,
  fromDay: string,
  toDay: string,
  byDay: boolean,
): { table: string; column: 'day' | 'month'; from: string; to: string; sign: 1 | -1 }[] {
  if (byDay) return [{ table: daily, column: 'day', from: fromDay, to: toDay, sign: 1 }];
  const plan = planPeriod(fromDay, toDay);
  return [
    ...(plan.months ? [{ table: monthly, column: 'month' as const, ...plan.months, sign: 1 as const }] : []),
    ...plan.add.map((r) => ({ table: daily, column: 'day' as const, ...r, sign: 1 as const })),
    ...plan.subtract.map((r) => ({ table: daily, column: 'day' as const, ...r, sign: -1 as const })),
  ];
}

/**
 * One statement (one consistent snapshot) summing `measures` of the parts, grouped by `groups`. A group only the
 * subtracted days had nets to zero contacts (`nonZero`): it is dropped, exactly as the daily table alone would never
 * have returned it.
 */
async function sumParts(
  db: Executor,
  parts: ReturnType<typeof periodParts>,
  where: RawBuilder<unknown>[],
  groups: readonly string[],
  measures: readonly string[],
  nonZero: RawBuilder<unknown>,
): Promise<Record<string, string | number | null>[]> {
  const groupRefs = groups.map((d) => sql.ref(d));
  const selects = parts.map((p) => {
    const values = measures.map((m) => (p.sign === 1 ? sql.ref(m) : sql`-${sql.ref(m)} AS ${sql.ref(m)}`));
    const conditions = [...where, sql`${sql.ref(p.column)} >= ${p.from}`, sql`${sql.ref(p.column)} <= ${p.to}`];
    return sql`SELECT ${sql.join([...groupRefs, ...values])} FROM ${sql.table(p.table)}
      WHERE ${sql.join(conditions, sql` AND `)}`;
  });
  const sums = measures.map((m) => sql`SUM(${sql.ref(m)}) AS ${sql.ref(m)}`);
  const result = await sql<Record<string, string | number | null>>`SELECT ${sql.join([...groupRefs, ...sums])}
    FROM (${sql.join(selects, sql` UNION ALL `)}) AS parts
    ${groups.length ? sql`GROUP BY ${sql.join(groupRefs)}` : sql``} HAVING ${nonZero}`.execute(db);
  return result.rows;
}

/** Sums the counts of one rollup table (and its monthly twin) over a period, grouped by some of its dimensions. */
export async function sumRollup(db: Executor, table: RollupTable, q: RollupQuery): Promise<GroupedCounts[]> {
  const column = (d: RollupDim) => sql.ref(d);
  const where: RawBuilder<unknown>[] = [
    // an IN list on the leading key column turns the period into one range scan per site
    table.allSites ? sql`TRUE` : q.siteIds.length ? sql`site_id IN (${sql.join(q.siteIds)})` : sql`FALSE`,
    ...q.conditions.map((c) => condition(c, column)),
  ];
  const parts = periodParts(table.name, table.monthly, q.fromDay, q.toDay, q.groupBy.includes('day'));
  const rows = await sumParts(db, parts, where, q.groupBy, MEASURE_COLUMNS, sql`SUM(handled) <> 0`);
  return rows.map((r) => {
    const counts = emptyCounts();
    for (const m of MEASURES) counts[m.key] = Number(r[m.column] ?? 0);
    const key: Record<string, string | number> = {};
    for (const d of q.groupBy) key[d] = r[d] ?? '';
    return { key, counts };
  });
}

export interface StepRow {
  flow: string;
  script_version: string;
  step: string;
  entered: number;
  lost: number;
}

export async function sumSteps(
  db: Executor,
  q: {
    siteIds: number[];
    fromDay: string;
    toDay: string;
    flow?: string | undefined;
    scriptVersion?: string | undefined;
  },
): Promise<StepRow[]> {
  const where: RawBuilder<unknown>[] = [q.siteIds.length ? sql`site_id IN (${sql.join(q.siteIds)})` : sql`FALSE`];
  if (q.flow) where.push(sql`flow = ${q.flow}`);
  if (q.scriptVersion) where.push(sql`script_version = ${q.scriptVersion}`);
  const parts = periodParts(STEP_ROLLUP.name, STEP_ROLLUP.monthly, q.fromDay, q.toDay, false);
  const rows = await sumParts(
    db,
    parts,
    where,
    ['flow', 'script_version', 'step'],
    STEP_ROLLUP.measures,
    sql`SUM(entered) <> 0 OR SUM(lost) <> 0`,
  );
  return rows.map((r) => ({
    flow: String(r.flow),
    script_version: String(r.script_version),
    step: String(r.step),
    entered: Number(r.entered),
    lost: Number(r.lost),
  }));
}

/** Conditions on raw contacts `i` (customer `c`), for drill-down, export and the raw fallback. */
export interface RawFilter {
  /** null: every site (lets the planner walk the time index instead of sorting many sites' rows) */
  siteIds: number[] | null;
  fromUtc: string;
  toUtc: string;
  flow?: string | undefined;
  campaignId?: number | undefined;
  productCode?: string | undefined;
  teamId?: number | undefined;
  operatorId?: number | undefined;
  scriptVersion?: string | undefined;
  /** null = contacts without a known customer province */
  provinces?: (string | null)[] | undefined;
  /** '' / 0 = none */
  cellProduct?: string | undefined;
  cellCampaign?: number | undefined;
  cellTeam?: number | undefined;
  stage?: RawBuilder<unknown> | undefined;
}

export function rawWhere(f: RawFilter): RawBuilder<unknown> {
  const w: RawBuilder<unknown>[] = [
    f.siteIds === null ? sql`TRUE` : f.siteIds.length ? sql`i.site_id IN (${sql.join(f.siteIds)})` : sql`FALSE`,
    sql`i.started_at >= ${f.fromUtc}`,
    sql`i.started_at < ${f.toUtc}`,
  ];
  if (f.flow) w.push(sql`i.flow = ${f.flow}`);
  if (f.campaignId !== undefined) w.push(sql`i.campaign_id = ${f.campaignId}`);
  if (f.productCode !== undefined) w.push(sql`i.product_code = ${f.productCode}`);
  if (f.teamId !== undefined) w.push(sql`i.team_id = ${f.teamId}`);
  if (f.operatorId !== undefined) w.push(sql`i.operator_id = ${f.operatorId}`);
  if (f.scriptVersion !== undefined) w.push(sql`i.script_version = ${f.scriptVersion}`);
  if (f.cellProduct !== undefined) w.push(sql`coalesce(i.product_code, '') = ${f.cellProduct}`);
  if (f.cellCampaign !== undefined) w.push(sql`coalesce(i.campaign_id, 0) = ${f.cellCampaign}`);
  if (f.cellTeam !== undefined) w.push(sql`coalesce(i.team_id, 0) = ${f.cellTeam}`);
  if (f.provinces !== undefined) {
    const codes = f.provinces.filter((p): p is string => p !== null);
    const parts: RawBuilder<unknown>[] = [];
    if (codes.length) parts.push(sql`c.province_code IN (${sql.join(codes)})`);
    if (f.provinces.includes(null)) parts.push(sql`c.province_code IS NULL`);
    w.push(parts.length ? sql`(${sql.join(parts, sql` OR `)})` : sql`FALSE`);
  }
  if (f.stage) w.push(f.stage);
  return sql.join(w, sql` AND `);
}

export type RawContactRow = ContactRow & { id: number; r_appointment: number; r_funnel: number; r_lead: number };

/** Every matching contact with its facts (raw fallback, recount). Unbounded: callers keep the period small. */
export async function rawContacts(db: Executor, f: RawFilter): Promise<RawContactRow[]> {
  const result = await sql<RawContactRow>`SELECT i.id, ${sql.raw(CONTACT_COLUMNS)}, ${sql.raw(REALISATION_COLUMNS)}
    FROM interactions i ${sql.raw(CONTACT_JOINS)} WHERE ${rawWhere(f)}`.execute(db);
  return result.rows;
}

export interface DrillRow {
  id: number;
  started_at: string;
  flow: string;
  outcome: string;
  product_code: string | null;
  campaign_id: number | null;
  campaign_name: string | null;
  site_code: string;
  operator_id: number;
  operator_name: string;
  team_id: number | null;
  customer_id: number | null;
  province_code: string | null;
  script_version: string;
  reached: number;
  proposal_made: number;
  realised: number;
  handle_ms: number;
  acw_ms: number;
}

export const REALISED_CONDITION = sql`(
  (i.outcome = 'up_appointment' AND EXISTS (SELECT 1 FROM appointments a WHERE a.interaction_id = i.id AND a.status = 'attended'))
  OR (i.outcome = 'digital_funnel' AND EXISTS (SELECT 1 FROM funnel_links f WHERE f.interaction_id = i.id AND f.first_clicked_at IS NOT NULL))
  OR (i.outcome = 'lead' AND EXISTS (SELECT 1 FROM leads l WHERE l.interaction_id = i.id AND l.status = 'won')))`;

/**
 * REALISED_CONDITION as a value per contact (1/0), for a page of them: one index lookup per contact. As EXISTS in the
 * select list PostgreSQL's planner hashed each outcome table whole (~15 ms of a drill-down page's ~25) to answer 50
 * rows; a scalar lookup is not hashed on either engine. The same rule: stats.test checks that the page's flag and
 * the filter by REALISED_CONDITION pick the same contacts.
 */
const REALISED_PER_CONTACT = sql`CASE i.outcome
  WHEN 'up_appointment' THEN COALESCE((SELECT 1 FROM appointments a WHERE a.interaction_id = i.id AND a.status = 'attended' LIMIT 1), 0)
  WHEN 'digital_funnel' THEN COALESCE((SELECT 1 FROM funnel_links f WHERE f.interaction_id = i.id AND f.first_clicked_at IS NOT NULL LIMIT 1), 0)
  WHEN 'lead' THEN COALESCE((SELECT 1 FROM leads l WHERE l.interaction_id = i.id AND l.status = 'won' LIMIT 1), 0)
  ELSE 0 END`;

/** A page of contacts, newest first, after a keyset cursor. */
export async function drillPage(
  db: Executor,
  f: RawFilter,
  cursor: { startedAt: string; id: number } | null,
  limit: number,
): Promise<DrillRow[]> {
  const after = cursor
    ? sql`AND (i.started_at < ${cursor.startedAt} OR (i.started_at = ${cursor.startedAt} AND i.id < ${cursor.id}))`
    : sql``;
  // the page first, then whether each of its contacts was realised: computed below the sort, the flag would be
  // looked up for every contact of the period
  const result = await sql<DrillRow>`SELECT i.*, ${REALISED_PER_CONTACT} AS realised FROM (
    SELECT i.id, i.started_at, i.flow, i.outcome, i.product_code, i.campaign_id,
      k.name AS campaign_name, s.code AS site_code, i.operator_id, u.display_name AS operator_name, i.team_id,
      i.customer_id, c.province_code, i.script_version, i.reached, i.proposal_made, i.handle_ms, i.acw_ms
    FROM interactions i
    LEFT JOIN customers c ON c.id = i.customer_id
    JOIN users u ON u.id = i.operator_id
    JOIN sites s ON s.id = i.site_id
    LEFT JOIN campaigns k ON k.id = i.campaign_id
    WHERE ${rawWhere(f)} ${after}
    ORDER BY i.started_at DESC, i.id DESC LIMIT ${limit}) AS i
    ORDER BY i.started_at DESC, i.id DESC`.execute(db);
  return result.rows;
}
