import { MEASURES } from '@valore/shared/metrics/funnel';

/**
 * The rollup tables: the same additive counts (shared/src/metrics) kept per day and per set of dimensions, updated
 * in the transaction of each contact and of each realisation. A query picks the smallest table whose dimensions
 * cover its filters and groupings (an "aggregate navigator"), so it reads a few thousand rows at most instead of
 * millions of contacts.
 *
 * Keys are NOT NULL (WITHOUT ROWID primary keys): "none" is '' for text and 0 for ids. Every primary key starts
 * with the dimension queries always restrict by an equality or IN list (site, or province then site), then the
 * day, so a period is one range scan per site.
 *
 * stats_all_day drops the site from the key: it serves only periods over every site (the admin's default view).
 *
 * Each daily table has a monthly twin (same key, `month` = the Rome day's 'YYYY-MM' instead of `day`), written in
 * the same statement batch: a long period reads its whole months there and only the odd days at each end from the
 * daily table (see planPeriod).
 */
export type RollupDim =
  | 'site_id'
  | 'day'
  | 'flow'
  | 'product_code'
  | 'campaign_id'
  | 'team_id'
  | 'operator_id'
  | 'macro_area'
  | 'province_code'
  | 'script_version';

export interface RollupTable {
  name: string;
  /** Primary key, in order. */
  key: readonly RollupDim[];
  /** The monthly twin: the same key with `month` ('YYYY-MM', Rome) where this one has `day`. */
  monthly: string;
  /** Summed over every site (no site_id in the key): serves only queries over all sites. */
  allSites?: true;
}

/** Ordered from the smallest to the widest: the navigator takes the first that covers a query. */
export const ROLLUPS: readonly RollupTable[] = [
  // the admin's all-site time series: a year is ~1,300 rows here instead of ~14,000 per-site rows
  { name: 'stats_all_day', monthly: 'stats_all_month', key: ['day', 'flow'], allSites: true },
  { name: 'stats_site_day', monthly: 'stats_site_month', key: ['site_id', 'day', 'flow'] },
  { name: 'stats_macro_day', monthly: 'stats_macro_month', key: ['site_id', 'day', 'flow', 'macro_area'] },
  { name: 'stats_version_day', monthly: 'stats_version_month', key: ['site_id', 'day', 'flow', 'script_version'] },
  {
    name: 'stats_product_day',
    monthly: 'stats_product_month',
    key: ['site_id', 'day', 'flow', 'product_code', 'campaign_id'],
  },
  {
    name: 'stats_operator_day',
    monthly: 'stats_operator_month',
    key: ['site_id', 'day', 'flow', 'team_id', 'operator_id'],
  },
  {
    name: 'stats_operator_product_day',
    monthly: 'stats_operator_product_month',
    key: ['site_id', 'day', 'flow', 'team_id', 'operator_id', 'product_code', 'campaign_id'],
  },
  { name: 'stats_province_day', monthly: 'stats_province_month', key: ['province_code', 'site_id', 'day', 'flow'] },
];

/** Script drop-off per step (entered / lost), beside the funnel rollups. */
export const STEP_ROLLUP = {
  name: 'stats_step_day',
  monthly: 'stats_step_month',
  key: ['site_id', 'day', 'flow', 'script_version', 'step'] as const,
  measures: ['entered', 'lost'] as const,
};

export const MEASURE_COLUMNS: readonly string[] = MEASURES.map((m) => m.column);

const TEXT_DIMS: ReadonlySet<string> = new Set([
  'day',
  'month',
  'flow',
  'product_code',
  'macro_area',
  'province_code',
  'script_version',
]);

export function isTextDim(dim: string): boolean {
  return TEXT_DIMS.has(dim) || dim === 'step';
}

/** DDL of one rollup table (used by the migration; frozen there as text). */
export function rollupDdl(table: { name: string; key: readonly string[] }, measures: readonly string[]): string {
  const dims = table.key.map((d) => `${d} ${isTextDim(d) ? 'TEXT' : 'INTEGER'} NOT NULL`);
  const cols = measures.map((m) => `${m} INTEGER NOT NULL DEFAULT 0`);
  return `CREATE TABLE ${table.name} (${[...dims, ...cols].join(', ')}, PRIMARY KEY (${table.key.join(', ')})) WITHOUT ROWID`;
}

/** The Rome month ('YYYY-MM') of a Rome day. */
export function monthOf(day: string): string {
  return day.slice(0, 7);
}

/** Key columns of the monthly twin of a daily key: `month` where the daily table has `day`. */
export function monthlyKey(key: readonly string[]): string[] {
  return key.map((d) => (d === 'day' ? 'month' : d));
}

/** The monthly key values of a daily key's values (the day replaced by its month). */
export function monthlyKeyValues(key: readonly string[], values: readonly (string | number)[]): (string | number)[] {
  return values.map((v, i) => (key[i] === 'day' ? monthOf(String(v)) : v));
}

// ---------------------------------------------------------------- period plan

/** Inclusive range of Rome days. */
export interface DayRange {
  from: string;
  to: string;
}

/**
 * How to read a period of Rome days: whole months [months.from, months.to] from the monthly tables, plus the
 * `add` day ranges, minus the `subtract` day ranges, from the daily tables. A month only partly in the period is
 * read either as its days in the period, or as the whole month minus its days outside, whichever reads fewer days;
 * so a period never reads more than about a month of daily rows whatever its length (and "this month so far" is
 * one monthly row minus the empty days still to come).
 */
export interface PeriodPlan {
  months: DayRange | null;
  add: DayRange[];
  subtract: DayRange[];
}

function dayNumber(day: string): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / 86_400_000;
}

function dayString(n: number): string {
  return new Date(n * 86_400_000).toISOString().slice(0, 10);
}

function monthBounds(month: string): [number, number] {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return [Date.UTC(y, m - 1, 1) / 86_400_000, Date.UTC(y, m, 0) / 86_400_000];
}

export function planPeriod(fromDay: string, toDay: string): PeriodPlan {
  const plan: PeriodPlan = { months: null, add: [], subtract: [] };
  const a = dayNumber(fromDay);
  const b = dayNumber(toDay);
  if (!(a <= b)) return { months: null, add: [{ from: fromDay, to: toDay }], subtract: [] };
  const months: string[] = [];
  let cursor = a;
  while (cursor <= b) {
    const month = dayString(cursor).slice(0, 7);
    const [first, last] = monthBounds(month);
    const inFrom = Math.max(first, a);
    const inTo = Math.min(last, b);
    const inside = inTo - inFrom + 1;
    const outside = last - first + 1 - inside;
    if (outside === 0 || outside < inside) {
      months.push(month);
      if (inFrom > first) plan.subtract.push({ from: dayString(first), to: dayString(inFrom - 1) });
      if (inTo < last) plan.subtract.push({ from: dayString(inTo + 1), to: dayString(last) });
    } else {
      plan.add.push({ from: dayString(inFrom), to: dayString(inTo) });
    }
    cursor = last + 1;
  }
  const firstMonth = months[0];
  const lastMonth = months[months.length - 1];
  // the months taken whole are contiguous: only the two ends of the period can be read day by day
  if (firstMonth !== undefined && lastMonth !== undefined) plan.months = { from: firstMonth, to: lastMonth };
  return plan;
}
