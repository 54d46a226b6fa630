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
}

/** Ordered from the smallest to the widest: the navigator takes the first that covers a query. */
export const ROLLUPS: readonly RollupTable[] = [
  { name: 'stats_site_day', key: ['site_id', 'day', 'flow'] },
  { name: 'stats_macro_day', key: ['site_id', 'day', 'flow', 'macro_area'] },
  { name: 'stats_version_day', key: ['site_id', 'day', 'flow', 'script_version'] },
  { name: 'stats_product_day', key: ['site_id', 'day', 'flow', 'product_code', 'campaign_id'] },
  { name: 'stats_operator_day', key: ['site_id', 'day', 'flow', 'team_id', 'operator_id'] },
  {
    name: 'stats_operator_product_day',
    key: ['site_id', 'day', 'flow', 'team_id', 'operator_id', 'product_code', 'campaign_id'],
  },
  { name: 'stats_province_day', key: ['province_code', 'site_id', 'day', 'flow'] },
];

/** Script drop-off per step (entered / lost), beside the funnel rollups. */
export const STEP_ROLLUP = {
  name: 'stats_step_day',
  key: ['site_id', 'day', 'flow', 'script_version', 'step'] as const,
  measures: ['entered', 'lost'] as const,
};

export const MEASURE_COLUMNS: readonly string[] = MEASURES.map((m) => m.column);

const TEXT_DIMS: ReadonlySet<RollupDim> = new Set([
  'day',
  'flow',
  'product_code',
  'macro_area',
  'province_code',
  'script_version',
]);

export function isTextDim(dim: string): boolean {
  return TEXT_DIMS.has(dim as RollupDim) || dim === 'step';
}

/** DDL of one rollup table (used by the migration; frozen there as text). */
export function rollupDdl(table: { name: string; key: readonly string[] }, measures: readonly string[]): string {
  const dims = table.key.map((d) => `${d} ${isTextDim(d) ? 'TEXT' : 'INTEGER'} NOT NULL`);
  const cols = measures.map((m) => `${m} INTEGER NOT NULL DEFAULT 0`);
  return `CREATE TABLE ${table.name} (${[...dims, ...cols].join(', ')}, PRIMARY KEY (${table.key.join(', ')})) WITHOUT ROWID`;
}
