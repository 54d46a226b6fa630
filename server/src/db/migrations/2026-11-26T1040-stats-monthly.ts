import { sql, type Kysely } from 'kysely';

/**
 * Monthly twins of the conversion-stats rollups: the same additive counts per Rome month ('YYYY-MM', the month of the
 * daily rollups' Rome day), so a long period reads its whole months here and only its odd days from the daily tables.
 * Kept current with the daily ones in the same transaction (domains/stats/stats.writer.ts); filled here from the
 * daily rows already stored, set-wise. Also stats_all_day (and its twin): counts per day and flow summed over every
 * site, for the admin's all-site time series. Frozen here as text.
 */
const MEASURES = [
  'handled',
  'reached',
  'proposals',
  'value_appointment',
  'value_funnel',
  'value_lead',
  'realised_appointment',
  'realised_funnel',
  'realised_lead',
  'opt_outs',
  'ocs_asked',
  'ocs_solved',
  'propensity_asked',
  'propensity_yes',
  'cmn_total',
  'cmn_within',
  'handle_ms',
  'acw_ms',
];
const INTEGER_KEYS = new Set(['site_id', 'campaign_id', 'team_id', 'operator_id']);

/** [monthly table, daily table, daily key, measures] */
const TABLES: [string, string, string[], string[]][] = [
  ['stats_all_month', 'stats_all_day', ['day', 'flow'], MEASURES],
  ['stats_site_month', 'stats_site_day', ['site_id', 'day', 'flow'], MEASURES],
  ['stats_macro_month', 'stats_macro_day', ['site_id', 'day', 'flow', 'macro_area'], MEASURES],
  ['stats_version_month', 'stats_version_day', ['site_id', 'day', 'flow', 'script_version'], MEASURES],
  ['stats_product_month', 'stats_product_day', ['site_id', 'day', 'flow', 'product_code', 'campaign_id'], MEASURES],
  ['stats_operator_month', 'stats_operator_day', ['site_id', 'day', 'flow', 'team_id', 'operator_id'], MEASURES],
  [
    'stats_operator_product_month',
    'stats_operator_product_day',
    ['site_id', 'day', 'flow', 'team_id', 'operator_id', 'product_code', 'campaign_id'],
    MEASURES,
  ],
  ['stats_province_month', 'stats_province_day', ['province_code', 'site_id', 'day', 'flow'], MEASURES],
  ['stats_step_month', 'stats_step_day', ['site_id', 'day', 'flow', 'script_version', 'step'], ['entered', 'lost']],
];

const monthly = (key: string[]) => key.map((d) => (d === 'day' ? 'month' : d));

function ddl(name: string, key: string[], measures: string[]): string {
  const dims = key.map((d) => `${d} ${INTEGER_KEYS.has(d) ? 'INTEGER' : 'TEXT'} NOT NULL`);
  const cols = measures.map((m) => `${m} INTEGER NOT NULL DEFAULT 0`);
  return `CREATE TABLE ${name} (${[...dims, ...cols].join(', ')}, PRIMARY KEY (${key.join(', ')})) WITHOUT ROWID`;
}

/** The daily rows folded into months (rows whose counts all cancelled out are left behind). */
function fill(name: string, daily: string, key: string[], measures: string[]): string {
  const select = key.map((d) => (d === 'day' ? 'substr(day, 1, 7)' : d));
  return (
    `INSERT INTO ${name} (${[...monthly(key), ...measures].join(', ')}) ` +
    `SELECT ${[...select, ...measures.map((m) => `SUM(${m})`)].join(', ')} FROM ${daily} ` +
    `GROUP BY ${select.join(', ')} HAVING ${measures.map((m) => `SUM(${m}) <> 0`).join(' OR ')}`
  );
}

export async function up(db: Kysely<unknown>): Promise<void> {
  // every site's counts per Rome day and flow (the admin's all-site time series), from the per-site daily rows
  await sql.raw(ddl('stats_all_day', ['day', 'flow'], MEASURES)).execute(db);
  await sql
    .raw(
      `INSERT INTO stats_all_day (day, flow, ${MEASURES.join(', ')}) SELECT day, flow, ` +
        `${MEASURES.map((m) => `SUM(${m})`).join(', ')} FROM stats_site_day GROUP BY day, flow`,
    )
    .execute(db);
  for (const [name, daily, key, measures] of TABLES) {
    await sql.raw(ddl(name, monthly(key), measures)).execute(db);
    await sql.raw(fill(name, daily, key, measures)).execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name] of [...TABLES].reverse()) await sql.raw(`DROP TABLE IF EXISTS ${name}`).execute(db);
  await sql`DROP TABLE IF EXISTS stats_all_day`.execute(db);
}
