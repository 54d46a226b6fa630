import { compareProportions } from '@valore/shared/metrics/two-proportion';
import { compareVersions } from '@valore/shared/flows/definition';
import { OBJECTION_STEP_PREFIX } from '@valore/shared/metrics/contribution';
import { sql } from 'kysely';
import {
  addCounts,
  computeRates,
  emptyCounts,
  FUNNEL_STAGES,
  ratio,
  RATES,
  type Counts,
} from '@valore/shared/metrics/funnel';
import { DISTRICTS, PROVINCE_NAMES, MACRO_AREAS } from '@valore/shared/reference/territory';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type {
  ConversionInput,
  ConversionOutput,
  ConversionRow,
  DrillStage,
  ExportInput,
  ExportOutput,
  InteractionsInput,
  InteractionsOutput,
  ScriptsInput,
  ScriptsOutput,
  StatsFilters,
  StatsGroupBy,
  StatsInteraction,
  StatsOptions,
} from '@valore/shared/schemas/stats';
import { addDays, romeToUtc, weekdayOf } from '@valore/shared/time/rome-time';
import type { Executor } from '../../db/database';
import type { AppDeps } from '../../deps';
import { DomainError } from '../../errors';
import { insertAudit } from '../audit/audit.repository';
import { catchUpStats } from './stats.catchup';
import { countsOf, dimsOf, macroCode, PROVINCE_MACRO, romeDay } from './stats.facts';
import type { RollupDim } from './stats.rollups';
import {
  drillPage,
  pickRollup,
  rawContacts,
  REALISED_CONDITION,
  sumRollup,
  sumSteps,
  type DimCondition,
  type GroupedCounts,
  type RawFilter,
} from './stats.repository';
import { csvDocument, type CsvValue } from '../../csv-export';

// ---------------------------------------------------------------- scope and period

interface Scope {
  siteIds: number[];
  /** every site of the installation (admin without a site filter) */
  allSites: boolean;
}

/** Team leads see their own site only (asking for another is refused); admins see all or the one they pick. */
async function scopeOf(db: Executor, user: SessionUser, siteId: number | undefined): Promise<Scope> {
  if (user.role === 'team_lead') {
    if (user.siteId === null)
      throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'Your account is not attached to a site.');
    if (siteId !== undefined && siteId !== user.siteId) {
      throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'You can see the statistics of your own site only.');
    }
    return { siteIds: [user.siteId], allSites: false };
  }
  if (user.role !== 'admin')
    throw new DomainError('FORBIDDEN', 'FORBIDDEN_ROLE', 'Statistics are for team leads and admins.');
  if (siteId !== undefined) return { siteIds: [siteId], allSites: false };
  const sites = await db.selectFrom('sites').select('id').orderBy('id').execute();
  return { siteIds: sites.map((s) => s.id), allSites: true };
}

interface Period {
  fromDay: string;
  toDay: string;
  fromUtc: string;
  toUtc: string;
}

/** Numbers are kept per Rome calendar day: the period covers the days of `from` through the last instant before `to`. */
function periodOf(from: string, to: string): Period {
  const fromDay = romeDay(new Date(Date.parse(from)).toISOString());
  const toDay = romeDay(new Date(Date.parse(to) - 1).toISOString());
  return {
    fromDay,
    toDay,
    fromUtc: romeToUtc(fromDay, 0).toISOString(),
    toUtc: romeToUtc(addDays(toDay, 1), 0).toISOString(),
  };
}

/** Monday of the ISO week of a day. */
export function weekOf(day: string): string {
  return addDays(day, -((weekdayOf(day) + 6) % 7));
}

function provincesOfTerritory(t: NonNullable<StatsFilters['territory']>): string[] {
  if (t.level === 'province') return [t.code];
  if (t.level === 'district') return DISTRICTS.find((d) => d.code === t.code)?.provinces.slice() ?? [];
  return [...PROVINCE_MACRO].filter(([, m]) => m === t.code).map(([p]) => p);
}

// ---------------------------------------------------------------- conversion

const GROUP_DIM: Record<StatsGroupBy, RollupDim> = {
  flow: 'flow',
  campaign: 'campaign_id',
  product: 'product_code',
  operator: 'operator_id',
  team: 'team_id',
  site: 'site_id',
  day: 'day',
  week: 'day',
  macroArea: 'macro_area',
  province: 'province_code',
  scriptVersion: 'script_version',
};

function conditionsOf(f: StatsFilters): DimCondition[] {
  const c: DimCondition[] = [];
  if (f.flow) c.push({ dim: 'flow', op: '=', value: f.flow });
  if (f.campaignId !== undefined) c.push({ dim: 'campaign_id', op: '=', value: f.campaignId });
  if (f.productCode !== undefined) c.push({ dim: 'product_code', op: '=', value: f.productCode });
  if (f.teamId !== undefined) c.push({ dim: 'team_id', op: '=', value: f.teamId });
  if (f.operatorId !== undefined) c.push({ dim: 'operator_id', op: '=', value: f.operatorId });
  if (f.scriptVersion !== undefined) c.push({ dim: 'script_version', op: '=', value: f.scriptVersion });
  if (f.territory) {
    if (f.territory.level === 'macroArea') c.push({ dim: 'macro_area', op: '=', value: f.territory.code });
    else c.push({ dim: 'province_code', op: 'in', values: provincesOfTerritory(f.territory) });
  }
  return c;
}

function rowOf(
  key: Record<string, string | number | null>,
  labels: Record<string, string>,
  counts: Counts,
): ConversionRow {
  const stages = Object.fromEntries(FUNNEL_STAGES.map((s) => [s.id, s.count(counts)])) as ConversionRow['stages'];
  return { key, labels, counts, stages, rates: computeRates(counts) };
}

/** Grouped counts from the smallest covering rollup, or from raw contacts when no rollup covers the combination. */
async function groupedCounts(
  db: Executor,
  scope: Scope,
  period: Period,
  filters: StatsFilters,
  dims: RollupDim[],
): Promise<{ groups: GroupedCounts[]; source: string }> {
  const conditions = conditionsOf(filters);
  const needed = new Set<RollupDim>([...dims, ...conditions.map((c) => c.dim)]);
  const table = pickRollup(needed, scope.allSites);
  if (table) {
    const groups = await sumRollup(db, table, {
      siteIds: scope.siteIds,
      fromDay: period.fromDay,
      toDay: period.toDay,
      conditions,
      groupBy: dims,
    });
    return { groups, source: table.name };
  }
  const rows = await rawContacts(db, rawFilterOf(scope, period, filters));
  const map = new Map<string, GroupedCounts>();
  for (const row of rows) {
    const d = dimsOf(row);
    const key: Record<string, string | number> = {};
    for (const dim of dims) key[dim] = d[dim];
    const id = JSON.stringify(key);
    const entry = map.get(id) ?? { key, counts: emptyCounts() };
    addCounts(
      entry.counts,
      countsOf(row, {
        appointmentAttended: row.r_appointment === 1,
        linkClicked: row.r_funnel === 1,
        leadWon: row.r_lead === 1,
      }),
    );
    map.set(id, entry);
  }
  return { groups: [...map.values()], source: 'interactions' };
}

async function labelsFor(
  db: Executor,
  groupBy: readonly StatsGroupBy[],
): Promise<Partial<Record<StatsGroupBy, Map<string, string>>>> {
  const out: Partial<Record<StatsGroupBy, Map<string, string>>> = {};
  if (groupBy.includes('operator')) {
    const rows = await db.selectFrom('users').select(['id', 'display_name']).where('role', '=', 'operator').execute();
    out.operator = new Map(rows.map((r) => [String(r.id), r.display_name]));
  }
  if (groupBy.includes('team')) {
    const rows = await db.selectFrom('teams').select(['id', 'name']).execute();
    out.team = new Map(rows.map((r) => [String(r.id), r.name]));
  }
  if (groupBy.includes('site')) {
    const rows = await db.selectFrom('sites').select(['id', 'name']).execute();
    out.site = new Map(rows.map((r) => [String(r.id), r.name]));
  }
  if (groupBy.includes('campaign')) {
    const rows = await db.selectFrom('campaigns').select(['id', 'name']).execute();
    out.campaign = new Map(rows.map((r) => [String(r.id), r.name]));
  }
  return out;
}

export async function conversion(deps: AppDeps, user: SessionUser, input: ConversionInput): Promise<ConversionOutput> {
  const { from, to, groupBy, ...filters } = input;
  const scope = await scopeOf(deps.db, user, filters.siteId);
  const period = periodOf(from, to);
  // only once the request is known to be answerable: a refused request writes nothing
  await catchUpStats(deps.db);
  const dims = [...new Set(groupBy.map((g) => GROUP_DIM[g]))];
  const { groups, source } = await groupedCounts(deps.db, scope, period, filters, dims);
  const labels = await labelsFor(deps.db, groupBy);

  // fold days into weeks (and any duplicate key) after the query: the rollups are daily
  const merged = new Map<string, { key: Record<string, string | number | null>; counts: Counts }>();
  const total = emptyCounts();
  for (const g of groups) {
    const key: Record<string, string | number | null> = {};
    for (const dim of groupBy) {
      const raw = g.key[GROUP_DIM[dim]] ?? null;
      key[dim] = dim === 'week' && typeof raw === 'string' ? weekOf(raw) : raw;
    }
    const id = JSON.stringify(key);
    const entry = merged.get(id) ?? { key, counts: emptyCounts() };
    addCounts(entry.counts, g.counts);
    merged.set(id, entry);
    addCounts(total, g.counts);
  }
  const rows = [...merged.values()].map(({ key, counts }) => {
    const names: Record<string, string> = {};
    for (const dim of groupBy) {
      const name = labels[dim]?.get(String(key[dim]));
      if (name) names[dim] = name;
    }
    return rowOf(key, names, counts);
  });
  rows.sort((a, b) => {
    for (const dim of groupBy) {
      const x = a.key[dim] ?? '';
      const y = b.key[dim] ?? '';
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });
  return { from, to, fromDay: period.fromDay, toDay: period.toDay, groupBy, rows, total: rowOf({}, {}, total), source };
}

// ---------------------------------------------------------------- drill-down

function stageCondition(stage: DrillStage) {
  switch (stage) {
    case 'handled':
      return undefined;
    case 'reached':
      return sql`i.reached = 1`;
    case 'proposal':
      return sql`i.proposal_made = 1`;
    case 'value':
      return sql`i.outcome IN ('up_appointment', 'digital_funnel', 'lead')`;
    case 'realised':
      return REALISED_CONDITION;
    case 'opt_out':
      return sql`i.outcome = 'opt_out'`;
    case 'ocs_solved':
      return sql`i.flow = 'ocs_cross_sell' AND i.ocs_solved = 1`;
    case 'propensity':
      return sql`i.flow = 'ocs_cross_sell' AND i.propensity = 1`;
  }
}

function rawFilterOf(
  scope: Scope,
  period: Period,
  f: StatsFilters,
  stage?: DrillStage,
  cell?: InteractionsInput['cell'],
): RawFilter {
  let { fromUtc, toUtc } = period;
  if (cell?.day || cell?.week) {
    const first = cell.day ?? cell.week ?? period.fromDay;
    const last = cell.day ?? addDays(first, 6);
    // clamp the cell's days to the period
    const a = first > period.fromDay ? first : period.fromDay;
    const b = last < period.toDay ? last : period.toDay;
    fromUtc = romeToUtc(a, 0).toISOString();
    toUtc = romeToUtc(addDays(b, 1), 0).toISOString();
  }
  let provinces: (string | null)[] | undefined = f.territory ? provincesOfTerritory(f.territory) : undefined;
  const narrow = (list: (string | null)[]) =>
    (provinces = provinces ? provinces.filter((p) => list.includes(p)) : list);
  if (cell?.macroArea !== undefined) {
    narrow(
      cell.macroArea === '' ? [null] : [...PROVINCE_MACRO].filter(([, m]) => m === cell.macroArea).map(([p]) => p),
    );
  }
  if (cell?.province !== undefined) narrow([cell.province === '' ? null : cell.province]);
  return {
    siteIds: scope.allSites ? null : scope.siteIds,
    fromUtc,
    toUtc,
    flow: f.flow,
    campaignId: f.campaignId,
    productCode: f.productCode,
    teamId: f.teamId,
    operatorId: f.operatorId,
    scriptVersion: f.scriptVersion,
    provinces,
    cellProduct: cell?.product,
    cellCampaign: cell?.campaign,
    cellTeam: cell?.team,
    stage: stage ? stageCondition(stage) : undefined,
  };
}

function toInteraction(r: Awaited<ReturnType<typeof drillPage>>[number]): StatsInteraction {
  return {
    id: r.id,
    startedAt: r.started_at,
    day: romeDay(r.started_at),
    flow: r.flow as StatsInteraction['flow'],
    outcome: r.outcome as StatsInteraction['outcome'],
    productCode: r.product_code,
    campaignId: r.campaign_id,
    campaignName: r.campaign_name,
    siteCode: r.site_code,
    operatorId: r.operator_id,
    operatorName: r.operator_name,
    teamId: r.team_id,
    customerId: r.customer_id,
    provinceCode: r.province_code,
    scriptVersion: r.script_version,
    reached: r.reached === 1,
    proposalMade: r.proposal_made === 1,
    realised: r.realised === 1,
    handleSeconds: Math.round(r.handle_ms / 1000),
    acwSeconds: Math.round(r.acw_ms / 1000),
  };
}

export async function interactions(
  deps: AppDeps,
  user: SessionUser,
  input: InteractionsInput,
): Promise<InteractionsOutput> {
  const { from, to, stage, cell, cursor, limit, ...filters } = input;
  const scope = await scopeOf(deps.db, user, filters.siteId);
  const f = rawFilterOf(scope, periodOf(from, to), filters, stage, cell);
  const rows = await drillPage(deps.db, f, cursor ?? null, limit + 1);
  const page = rows.slice(0, limit).map(toInteraction);
  const last = page[page.length - 1];
  return { rows: page, nextCursor: rows.length > limit && last ? { startedAt: last.startedAt, id: last.id } : null };
}

// ---------------------------------------------------------------- scripts

export async function scripts(deps: AppDeps, user: SessionUser, input: ScriptsInput): Promise<ScriptsOutput> {
  const { from, to, ...filters } = input;
  const scope = await scopeOf(deps.db, user, filters.siteId);
  const period = periodOf(from, to);
  await catchUpStats(deps.db);
  const { groups } = await groupedCounts(deps.db, scope, period, filters, ['flow', 'script_version']);
  const versions = groups
    .map((g) => {
      const row = rowOf({}, {}, g.counts);
      return {
        flow: g.key.flow as ScriptsOutput['versions'][number]['flow'],
        scriptVersion: String(g.key.script_version),
        counts: g.counts,
        stages: row.stages,
        rates: row.rates,
      };
    })
    .sort((a, b) => (a.flow + a.scriptVersion < b.flow + b.scriptVersion ? -1 : 1));
  const counted = await sumSteps(deps.db, {
    siteIds: scope.siteIds,
    fromDay: period.fromDay,
    toDay: period.toDay,
    flow: filters.flow,
    scriptVersion: filters.scriptVersion,
  });
  // the step rollup holds the objections too, under their prefix (metrics/contribution.ts objectionCounts)
  const isObjection = (s: { step: string }) => s.step.startsWith(OBJECTION_STEP_PREFIX);
  const steps = counted
    .filter((s) => !isObjection(s))
    .map((s) => ({
      flow: s.flow as ScriptsOutput['steps'][number]['flow'],
      scriptVersion: s.script_version,
      step: s.step,
      entered: s.entered,
      lost: s.lost,
      dropOff: ratio(s.lost, s.entered),
    }));
  const objections = counted.filter(isObjection).map((s) => ({
    flow: s.flow as ScriptsOutput['objections'][number]['flow'],
    scriptVersion: s.script_version,
    code: s.step.slice(OBJECTION_STEP_PREFIX.length),
    raised: s.entered,
    kept: s.entered - s.lost,
    keptRate: ratio(s.entered - s.lost, s.entered),
  }));
  return { versions, steps, objections, comparisons: versionComparisons(versions) };
}

/** Each version of a flow against the flow's oldest version in the period (conversion: value ÷ handled). */
function versionComparisons(versions: ScriptsOutput['versions']): ScriptsOutput['comparisons'] {
  const out: ScriptsOutput['comparisons'] = [];
  for (const flow of new Set(versions.map((v) => v.flow))) {
    const ofFlow = versions
      .filter((v) => v.flow === flow)
      .sort((a, b) => compareVersions(a.scriptVersion, b.scriptVersion));
    const [baseline, ...others] = ofFlow;
    if (!baseline) continue;
    for (const v of others) {
      const r = compareProportions(
        { successes: v.stages.value, total: v.stages.handled },
        { successes: baseline.stages.value, total: baseline.stages.handled },
      );
      if (!r) continue;
      out.push({
        flow,
        scriptVersion: v.scriptVersion,
        baseline: baseline.scriptVersion,
        handled: v.stages.handled,
        value: v.stages.value,
        baselineHandled: baseline.stages.handled,
        baselineValue: baseline.stages.value,
        ...r,
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------- export

const EXPORT_MAX_ROWS = 100_000;

export async function exportCsv(
  deps: AppDeps,
  user: SessionUser,
  input: ExportInput,
  ip: string | null,
): Promise<ExportOutput> {
  const lang = input.language;
  let lines: CsvValue[][];
  let rows = 0;
  let truncated = false;
  if (input.kind === 'breakdown') {
    const result = await conversion(deps, user, input.query);
    const rateIds = RATES.map((r) => r.id);
    lines = [
      [
        ...result.groupBy.map((g) => dimHeader(g, lang)),
        ...result.groupBy.map((g) => `${dimHeader(g, lang)}_${lang === 'it' ? 'nome' : 'name'}`),
        ...FUNNEL_STAGES.map((s) => s.label[lang]),
        ...RATES.map((r) => r.label[lang]),
      ],
    ];
    for (const r of [
      ...result.rows,
      { ...result.total, key: Object.fromEntries(result.groupBy.map((g) => [g, lang === 'it' ? 'Totale' : 'Total'])) },
    ]) {
      lines.push([
        ...result.groupBy.map((g) => r.key[g] ?? ''),
        ...result.groupBy.map((g) => r.labels[g] ?? ''),
        r.stages.handled,
        r.stages.reached,
        r.stages.proposal,
        r.stages.value,
        r.stages.realised,
        ...rateIds.map((id) => {
          const v = r.rates[id];
          return v === null ? '' : Number(v.toFixed(6));
        }),
      ]);
    }
    rows = result.rows.length;
  } else {
    const { stage, cell, ...rest } = input.query;
    const { from, to, ...filters } = rest;
    const scope = await scopeOf(deps.db, user, filters.siteId);
    const f = rawFilterOf(scope, periodOf(from, to), filters, stage, cell);
    lines = [[...INTERACTION_HEADERS[lang]]];
    let cursor: { startedAt: string; id: number } | null = null;
    for (;;) {
      const page: StatsInteraction[] = (await drillPage(deps.db, f, cursor, 5_000)).map(toInteraction);
      for (const r of page) {
        if (rows >= EXPORT_MAX_ROWS) {
          truncated = true;
          break;
        }
        lines.push([
          r.id,
          r.startedAt,
          r.day,
          r.siteCode,
          r.operatorId,
          r.operatorName,
          r.teamId,
          r.flow,
          r.scriptVersion,
          r.campaignId,
          r.campaignName,
          r.productCode,
          r.customerId,
          r.provinceCode,
          r.outcome,
          r.reached ? 1 : 0,
          r.proposalMade ? 1 : 0,
          r.realised ? 1 : 0,
          r.handleSeconds,
          r.acwSeconds,
        ]);
        rows++;
      }
      const last: StatsInteraction | undefined = page[page.length - 1];
      if (truncated || page.length < 5_000 || !last) break;
      cursor = { startedAt: last.startedAt, id: last.id };
    }
  }
  const q = input.query;
  const filename = `valore-${input.kind === 'breakdown' ? 'conversione' : 'contatti'}-${periodOf(q.from, q.to).fromDay}_${periodOf(q.from, q.to).toDay}.csv`;
  await insertAudit(deps.db, {
    at: deps.clock.now().toISOString(),
    actorId: user.id,
    action: 'stats.export',
    entityType: 'stats',
    entityId: input.kind,
    details: { query: input.query, rows, truncated },
    ip,
  });
  return { filename, csv: csvDocument(lines, lang), rows, truncated };
}

/** The drill-down export's columns, in the reader's language (the values stay codes and ids). */
const INTERACTION_HEADERS = {
  en: [
    'id',
    'started_at',
    'day',
    'site',
    'operator_id',
    'operator',
    'team_id',
    'flow',
    'script_version',
    'campaign_id',
    'campaign',
    'product',
    'customer_id',
    'province',
    'outcome',
    'reached',
    'proposal_made',
    'realised',
    'handle_s',
    'acw_s',
  ],
  it: [
    'id',
    'inizio',
    'giorno',
    'sede',
    'operatore_id',
    'operatore',
    'team_id',
    'flusso',
    'versione_script',
    'campagna_id',
    'campagna',
    'prodotto',
    'cliente_id',
    'provincia',
    'esito',
    'raggiunto',
    'proposta_fatta',
    'realizzato',
    'durata_s',
    'post_chiamata_s',
  ],
} as const;

const DIM_HEADERS_IT: Record<StatsGroupBy, string> = {
  flow: 'flusso',
  campaign: 'campagna',
  product: 'prodotto',
  operator: 'operatore',
  site: 'sede',
  day: 'giorno',
  week: 'settimana',
  team: 'team',
  macroArea: 'macro_area',
  province: 'provincia',
  scriptVersion: 'versione_script',
};
const dimHeader = (dim: StatsGroupBy, lang: 'it' | 'en') => (lang === 'it' ? DIM_HEADERS_IT[dim] : dim);

// ---------------------------------------------------------------- filter options

export async function options(deps: AppDeps, user: SessionUser): Promise<StatsOptions> {
  const scope = await scopeOf(deps.db, user, undefined);
  const db = deps.db;
  const sites = await db
    .selectFrom('sites')
    .select(['id', 'code', 'name'])
    .where('id', 'in', scope.siteIds)
    .orderBy('code')
    .execute();
  const teams = await db
    .selectFrom('teams')
    .select(['id', 'site_id', 'name'])
    .where('site_id', 'in', scope.siteIds)
    .orderBy('name')
    .execute();
  const operators = await db
    .selectFrom('users')
    .select(['id', 'site_id', 'team_id', 'display_name'])
    .where('role', '=', 'operator')
    .where('site_id', 'in', scope.siteIds)
    .orderBy('display_name')
    .execute();
  // the campaigns worked by the sites in scope: a team lead's own site's, an admin's all
  let campaignQuery = db.selectFrom('campaigns').select(['id', 'name', 'product_code']);
  if (!scope.allSites) {
    campaignQuery = campaignQuery.where((eb) =>
      eb.exists(
        eb
          .selectFrom('campaign_sites')
          .select('campaign_sites.campaign_id')
          .whereRef('campaign_sites.campaign_id', '=', 'campaigns.id')
          .where('campaign_sites.site_id', 'in', scope.siteIds),
      ),
    );
  }
  const campaigns = await campaignQuery.orderBy('name').execute();
  const products = await db.selectFrom('products').select(['code', 'name_it', 'name_en']).orderBy('code').execute();
  return {
    lockedSiteId: user.role === 'team_lead' ? user.siteId : null,
    sites,
    teams: teams.map((t) => ({ id: t.id, siteId: t.site_id, name: t.name })),
    operators: operators.map((o) => ({ id: o.id, siteId: o.site_id ?? 0, teamId: o.team_id, name: o.display_name })),
    campaigns: campaigns.map((c) => ({ id: c.id, name: c.name, productCode: c.product_code })),
    products: products.map((p) => ({ code: p.code, nameIt: p.name_it, nameEn: p.name_en })),
    macroAreas: MACRO_AREAS.map((m) => ({ code: macroCode(m), name: m })),
    districts: DISTRICTS.map((d) => ({ code: d.code, name: d.name, macroArea: macroCode(d.macroArea) })),
    provinces: Object.entries(PROVINCE_NAMES)
      .map(([code, name]) => ({ code, name }))
      .sort((a, b) => a.code.localeCompare(b.code)),
  };
}
