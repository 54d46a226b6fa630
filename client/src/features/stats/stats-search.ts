import { FLOWS } from '@valore/shared/reference/outcomes';
import {
  DRILL_STAGES,
  STATS_GROUP_BY,
  TERRITORY_LEVELS,
  type DrillStage,
  type StatsFilters,
  type StatsGroupBy,
  type StatsOptions,
} from '@valore/shared/schemas/stats';
import type { SearchParams } from '../../lib/url-state';

/**
 * The team lead's view of the statistics as it lives in the address bar
 * (`/stats?period=90d&flow=inbound_sales&territory=district:VE1&by=product&drill=value&row=FIBRA`), so a filtered
 * view, a breakdown and a drill-down can be bookmarked, shared and restored with Back. Whatever the address says is
 * checked here: an unknown or malformed value is dropped (its default applies), never an error.
 */

export const PRESETS = ['7d', '30d', '90d', '365d', 'month', 'prevMonth', 'custom'] as const;
export type Preset = (typeof PRESETS)[number];
export const GRAINS = ['day', 'week'] as const;
export type Grain = (typeof GRAINS)[number];

export interface StatsView {
  period: Preset;
  /** Rome calendar days of a custom period ('' = the last 30 days) */
  from: string;
  to: string;
  flow: string;
  campaignId: string;
  productCode: string;
  siteId: string;
  teamId: string;
  operatorId: string;
  /** `level:code`, e.g. `province:MI` (see territoryOf) */
  territory: string;
  grain: Grain;
  breakdown: StatsGroupBy;
  /** the drill-down open: the stage, and the breakdown row's key ('' = the total, NONE_ROW = the row without a value) */
  drill: DrillStage | null;
  row: string;
}

export const DEFAULT_VIEW: StatsView = {
  period: '30d',
  from: '',
  to: '',
  flow: '',
  campaignId: '',
  productCode: '',
  siteId: '',
  teamId: '',
  operatorId: '',
  territory: '',
  grain: 'day',
  breakdown: 'flow',
  drill: null,
  row: '',
};

/** The filter fields (what 'Reset filters' clears). */
export const FILTER_KEYS = [
  'flow',
  'campaignId',
  'productCode',
  'siteId',
  'teamId',
  'operatorId',
  'territory',
] as const satisfies readonly (keyof StatsView)[];
export type FilterKey = (typeof FILTER_KEYS)[number];

const ID_RE = /^[1-9]\d{0,14}$/;
const PRODUCT_RE = /^[A-Z0-9_]{1,32}$/;
const CODE_RE = /^[A-Z0-9]{1,32}$/;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const VERSION_RE = /^[\w.-]{1,32}$/;

/** A calendar day that exists, between 2000 and 2099 (the statistics' calendar). */
export function isDay(value: string): boolean {
  if (!DAY_RE.test(value) || value < '2000-01-01' || value > '2099-12-31') return false;
  return new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
}

function oneOf<T extends string>(list: readonly T[], value: string | undefined): T | undefined {
  return value !== undefined && (list as readonly string[]).includes(value) ? (value as T) : undefined;
}
const matching = (re: RegExp, value: string | undefined) => (value !== undefined && re.test(value) ? value : '');

/** `level:code` of a known level and a well-formed code, else ''. */
function territoryParam(value: string | undefined): string {
  if (!value) return '';
  const [level, code, ...rest] = value.split(':');
  return rest.length === 0 && oneOf(TERRITORY_LEVELS, level) && code && CODE_RE.test(code) ? value : '';
}

/** The `row` of a breakdown row without a value (no product, no campaign, no province…). */
export const NONE_ROW = '~';

/** Whether a breakdown row's key is well-formed for its dimension. */
function rowKeyFits(dim: StatsGroupBy, value: string): boolean {
  if (value === NONE_ROW) return true;
  switch (dim) {
    case 'flow':
      return oneOf(FLOWS, value) !== undefined;
    case 'campaign':
    case 'operator':
    case 'team':
    case 'site':
      return ID_RE.test(value);
    case 'product':
      return PRODUCT_RE.test(value);
    case 'day':
    case 'week':
      return isDay(value);
    case 'macroArea':
    case 'province':
      return CODE_RE.test(value);
    case 'scriptVersion':
      return VERSION_RE.test(value);
  }
}

/** Reads the view from the search params; anything unreadable falls back to its default. */
export function parseStatsView(q: SearchParams): StatsView {
  const period = oneOf(PRESETS, q.period) ?? DEFAULT_VIEW.period;
  const from = period === 'custom' && q.from && isDay(q.from) ? q.from : '';
  const to = period === 'custom' && q.to && isDay(q.to) ? q.to : '';
  const breakdown = oneOf(STATS_GROUP_BY, q.by) ?? DEFAULT_VIEW.breakdown;
  const drill = oneOf(DRILL_STAGES, q.drill) ?? null;
  const row = drill && q.row && rowKeyFits(breakdown, q.row) ? q.row : '';
  return {
    period,
    from,
    to,
    flow: oneOf(FLOWS, q.flow) ?? '',
    campaignId: matching(ID_RE, q.campaign),
    productCode: matching(PRODUCT_RE, q.product),
    siteId: matching(ID_RE, q.site),
    teamId: matching(ID_RE, q.team),
    operatorId: matching(ID_RE, q.operator),
    territory: territoryParam(q.territory),
    grain: oneOf(GRAINS, q.grain) ?? DEFAULT_VIEW.grain,
    breakdown,
    drill,
    row,
  };
}

/** The search params of a view: only what differs from the defaults, so a plain `/stats` stays plain. */
export function statsViewToParams(v: StatsView): Record<string, string> {
  const q: Record<string, string> = {};
  if (v.period !== DEFAULT_VIEW.period) q.period = v.period;
  if (v.period === 'custom') {
    if (v.from) q.from = v.from;
    if (v.to) q.to = v.to;
  }
  if (v.flow) q.flow = v.flow;
  if (v.campaignId) q.campaign = v.campaignId;
  if (v.productCode) q.product = v.productCode;
  if (v.siteId) q.site = v.siteId;
  if (v.teamId) q.team = v.teamId;
  if (v.operatorId) q.operator = v.operatorId;
  if (v.territory) q.territory = v.territory;
  if (v.grain !== DEFAULT_VIEW.grain) q.grain = v.grain;
  if (v.breakdown !== DEFAULT_VIEW.breakdown) q.by = v.breakdown;
  if (v.drill) {
    q.drill = v.drill;
    if (v.row) q.row = v.row;
  }
  return q;
}

/**
 * The view with what these options do not know dropped: a campaign, team or operator of another site, a product or
 * territory that does not exist, a site filter for a team lead (the server keeps them to their own site).
 * Returns the same object when nothing is dropped.
 */
export function fitToOptions(v: StatsView, o: StatsOptions): StatsView {
  const out = { ...v };
  if (o.lockedSiteId !== null || !o.sites.some((s) => String(s.id) === v.siteId)) out.siteId = '';
  const site = out.siteId ? Number(out.siteId) : o.lockedSiteId;
  const team = o.teams.find((t) => String(t.id) === v.teamId && (site === null || t.siteId === site));
  if (!team) out.teamId = '';
  const operator = o.operators.find((x) => String(x.id) === v.operatorId);
  if (!operator || (site !== null && operator.siteId !== site) || (team && operator.teamId !== team.id))
    out.operatorId = '';
  if (!o.campaigns.some((c) => String(c.id) === v.campaignId)) out.campaignId = '';
  if (!o.products.some((p) => p.code === v.productCode)) out.productCode = '';
  const territory = territoryOf(v.territory);
  const known =
    territory &&
    (territory.level === 'macroArea' ? o.macroAreas : territory.level === 'district' ? o.districts : o.provinces).some(
      (x) => x.code === territory.code,
    );
  if (!known) out.territory = '';
  if (v.breakdown === 'site' && o.lockedSiteId !== null) {
    out.breakdown = DEFAULT_VIEW.breakdown;
    out.drill = null;
    out.row = '';
  }
  const same = (Object.keys(v) as (keyof StatsView)[]).every((k) => v[k] === out[k]);
  return same ? v : out;
}

export type Territory = NonNullable<StatsFilters['territory']>;

/** `province:MI` → {level: 'province', code: 'MI'}; '' or anything else → null. */
export function territoryOf(value: string): Territory | null {
  const [level, code] = value.split(':');
  const known = oneOf(TERRITORY_LEVELS, level);
  return known && code ? { level: known, code } : null;
}

export const territoryParamOf = (t: Territory | null): string => (t ? `${t.level}:${t.code}` : '');

/** The server's filters of a view. */
export function filtersOf(v: StatsView): StatsFilters {
  const out: StatsFilters = {};
  const flow = oneOf(FLOWS, v.flow);
  if (flow) out.flow = flow;
  if (v.campaignId) out.campaignId = Number(v.campaignId);
  if (v.productCode) out.productCode = v.productCode;
  if (v.siteId) out.siteId = Number(v.siteId);
  if (v.teamId) out.teamId = Number(v.teamId);
  if (v.operatorId) out.operatorId = Number(v.operatorId);
  const territory = territoryOf(v.territory);
  if (territory) out.territory = territory;
  return out;
}
