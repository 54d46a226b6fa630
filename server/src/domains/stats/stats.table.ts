/** Rollup rows (see stats.rollups.ts): dimension columns plus the additive counts of shared/src/metrics. */
interface Measures {
  handled: number;
  reached: number;
  proposals: number;
  value_appointment: number;
  value_funnel: number;
  value_lead: number;
  realised_appointment: number;
  realised_funnel: number;
  realised_lead: number;
  opt_outs: number;
  ocs_asked: number;
  ocs_solved: number;
  propensity_asked: number;
  propensity_yes: number;
  cmn_total: number;
  cmn_within: number;
  handle_ms: number;
  acw_ms: number;
}

interface Base extends Measures {
  site_id: number;
  day: string;
  flow: string;
}

export type StatsSiteDayTable = Base;
export interface StatsMacroDayTable extends Base {
  macro_area: string;
}
export interface StatsVersionDayTable extends Base {
  script_version: string;
}
export interface StatsProductDayTable extends Base {
  product_code: string;
  campaign_id: number;
}
export interface StatsOperatorDayTable extends Base {
  team_id: number;
  operator_id: number;
}
export interface StatsOperatorProductDayTable extends StatsOperatorDayTable {
  product_code: string;
  campaign_id: number;
}
export interface StatsProvinceDayTable extends Base {
  province_code: string;
}
export interface StatsStepDayTable {
  site_id: number;
  day: string;
  flow: string;
  script_version: string;
  step: string;
  entered: number;
  lost: number;
}

/** The monthly twin of a daily rollup: `month` ('YYYY-MM', Rome) instead of `day`. */
type Monthly<T extends { day: string }> = Omit<T, 'day'> & { month: string };
export type StatsSiteMonthTable = Monthly<StatsSiteDayTable>;
export type StatsMacroMonthTable = Monthly<StatsMacroDayTable>;
export type StatsVersionMonthTable = Monthly<StatsVersionDayTable>;
export type StatsProductMonthTable = Monthly<StatsProductDayTable>;
export type StatsOperatorMonthTable = Monthly<StatsOperatorDayTable>;
export type StatsOperatorProductMonthTable = Monthly<StatsOperatorProductDayTable>;
export type StatsProvinceMonthTable = Monthly<StatsProvinceDayTable>;
export type StatsStepMonthTable = Monthly<StatsStepDayTable>;
/** Every site's counts per Rome day and flow (no site in the key). */
export type StatsAllDayTable = Omit<StatsSiteDayTable, 'site_id'>;
export type StatsAllMonthTable = Monthly<StatsAllDayTable>;
/** One row: the last interaction counted in the rollups (domains/stats/stats.catchup.ts). */
export interface StatsCursorTable {
  id: number;
  last_interaction_id: number;
}
