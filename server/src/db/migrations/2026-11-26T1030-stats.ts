import { sql, type Kysely } from 'kysely';

/**
 * Conversion-stats rollups: additive counts per Rome day and per set of dimensions, kept current in the transaction
 * of each contact and of each realisation (see domains/stats/stats.rollups.ts). Frozen here as text.
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

const TABLES: [string, string[], string[]][] = [
  ['stats_site_day', ['site_id', 'day', 'flow'], MEASURES],
  ['stats_macro_day', ['site_id', 'day', 'flow', 'macro_area'], MEASURES],
  ['stats_version_day', ['site_id', 'day', 'flow', 'script_version'], MEASURES],
  ['stats_product_day', ['site_id', 'day', 'flow', 'product_code', 'campaign_id'], MEASURES],
  ['stats_operator_day', ['site_id', 'day', 'flow', 'team_id', 'operator_id'], MEASURES],
  [
    'stats_operator_product_day',
    ['site_id', 'day', 'flow', 'team_id', 'operator_id', 'product_code', 'campaign_id'],
    MEASURES,
  ],
  ['stats_province_day', ['province_code', 'site_id', 'day', 'flow'], MEASURES],
  ['stats_step_day', ['site_id', 'day', 'flow', 'script_version', 'step'], ['entered', 'lost']],
];

function ddl(name: string, key: string[], measures: string[]): string {
  const dims = key.map((d) => `${d} ${INTEGER_KEYS.has(d) ? 'INTEGER' : 'TEXT'} NOT NULL`);
  const cols = measures.map((m) => `${m} INTEGER NOT NULL DEFAULT 0`);
  return `CREATE TABLE ${name} (${[...dims, ...cols].join(', ')}, PRIMARY KEY (${key.join(', ')})) WITHOUT ROWID`;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, key, measures] of TABLES) await sql.raw(ddl(name, key, measures)).execute(db);
  // realisation events find their contact, and the drill-down tests "realised", through these
  await sql`CREATE INDEX IF NOT EXISTS appointments_interaction ON appointments(interaction_id) WHERE interaction_id IS NOT NULL`.execute(
    db,
  );
  await sql`CREATE INDEX IF NOT EXISTS funnel_links_interaction ON funnel_links(interaction_id) WHERE interaction_id IS NOT NULL`.execute(
    db,
  );
  await sql`CREATE INDEX IF NOT EXISTS leads_interaction ON leads(interaction_id) WHERE interaction_id IS NOT NULL`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS leads_interaction`.execute(db);
  await sql`DROP INDEX IF EXISTS funnel_links_interaction`.execute(db);
  await sql`DROP INDEX IF EXISTS appointments_interaction`.execute(db);
  for (const [name] of [...TABLES].reverse()) await sql.raw(`DROP TABLE IF EXISTS ${name}`).execute(db);
}
