import { useMemo, useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { change, FUNNEL_STAGES, RATES, type FunnelStageId, type RateId } from '@valore/shared/metrics/funnel';
import { FLOWS } from '@valore/shared/reference/outcomes';
import type { ConversionRow, DrillStage, StatsGroupBy, StatsOptions } from '@valore/shared/schemas/stats';
import { Alert } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { Panel } from '../../components/ui/panel';
import { Select } from '../../components/ui/select';
import { LoadingState } from '../../components/ui/spinner';
import { DateField } from '../../components/ui/date-field';
import { useTRPC } from '../../lib/trpc';
import { useSearchState } from '../../lib/url-state';
import { BreakdownTable } from './components/breakdown-table';
import { COHORT_PANEL_ID, CohortPanel } from './components/cohort-panel';
import { DrillPanel } from './components/drill-panel';
import { FunnelChart } from './components/funnel-chart';
import { MetricInfo } from './components/metric-info';
import { ScriptsPanel } from './components/scripts-panel';
import { TerritoryPicker } from './components/territory-picker';
import { TimeSeries } from './components/time-series';
import { formatChange, formatCount, formatDay, formatRate, useLang } from './format';
import { download, drillOf } from './query';
import {
  DEFAULT_VIEW,
  FILTER_KEYS,
  filtersOf,
  fitToOptions,
  NONE_ROW,
  parseStatsView,
  PRESETS,
  statsViewToParams,
  territoryOf,
  territoryParamOf,
  type FilterKey,
  type Preset,
  type StatsView,
} from './stats-search';
import './stats.css';

const BREAKDOWNS: StatsGroupBy[] = [
  'flow',
  'product',
  'campaign',
  'operator',
  'team',
  'site',
  'day',
  'week',
  'macroArea',
  'province',
  'scriptVersion',
];
const TILES: ({ kind: 'stage'; id: FunnelStageId } | { kind: 'rate'; id: RateId })[] = [
  { kind: 'stage', id: 'handled' },
  { kind: 'stage', id: 'value' },
  { kind: 'rate', id: 'conversionRate' },
  { kind: 'rate', id: 'realisationRate' },
  { kind: 'rate', id: 'ocsRate' },
  { kind: 'rate', id: 'propensityRate' },
  { kind: 'rate', id: 'cmnWithinTarget' },
  { kind: 'rate', id: 'optOutRate' },
  { kind: 'rate', id: 'avgHandleSeconds' },
  { kind: 'rate', id: 'avgAcwSeconds' },
];

const localDate = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const atMidnight = (day: string) => new Date(`${day}T00:00:00`);
const plusDays = (day: string, n: number) => {
  const d = atMidnight(day);
  d.setDate(d.getDate() + n);
  return localDate(d);
};

/** [first day, last day] of a preset, both inclusive, in the browser's calendar. */
function presetDays(preset: Preset, custom: { from: string; to: string }): { first: string; last: string } {
  const today = localDate(new Date());
  switch (preset) {
    case '7d':
    case '30d':
    case '90d':
    case '365d':
      return { first: plusDays(today, -Number.parseInt(preset, 10) + 1), last: today };
    case 'month':
      return { first: `${today.slice(0, 7)}-01`, last: today };
    case 'prevMonth': {
      const firstThis = `${today.slice(0, 7)}-01`;
      const lastPrev = plusDays(firstThis, -1);
      return { first: `${lastPrev.slice(0, 7)}-01`, last: lastPrev };
    }
    case 'custom':
      return { first: custom.from, last: custom.to >= custom.from ? custom.to : custom.from };
  }
}

/** The period shown and the one of equal length just before it (the tiles' comparison), as instants. */
function periodOf(preset: Preset, custom: { from: string; to: string }) {
  const { first, last } = presetDays(preset, custom);
  const period = { from: atMidnight(first).toISOString(), to: atMidnight(plusDays(last, 1)).toISOString() };
  const span = Math.round((atMidnight(plusDays(last, 1)).getTime() - atMidnight(first).getTime()) / 86_400_000);
  const previous = { from: atMidnight(plusDays(first, -span)).toISOString(), to: period.from };
  return { first, last, period, previous };
}

export function StatsHome() {
  const { t } = useTranslation('stats');
  const { t: tShell } = useTranslation();
  const trpc = useTRPC();
  const options = useQuery(trpc.stats.options.queryOptions());
  // the signed-in user, as the shell asked for it (same query options: answered from its cache)
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { retry: false, staleTime: 5 * 60_000 }));
  const role = me.data?.role;
  // "does training pay?" is for those who plan the training (training.cohort: team leads and admins)
  const planner = role === 'team_lead' || role === 'admin';
  return (
    <div className="home" data-testid="home-team_lead">
      <div className="page-header">
        <div>
          <h1 className="page-header__title">{tShell('stats.title')}</h1>
          <p className="page-header__subtitle">{t('subtitle')}</p>
          {planner && (
            <a
              className="stats-jump"
              href={`#${COHORT_PANEL_ID}`}
              // the panel is at the end of a long page: one key press takes a keyboard user there, focus included
              onClick={(e) => {
                e.preventDefault();
                const panel = document.getElementById(COHORT_PANEL_ID);
                panel?.focus();
                panel?.scrollIntoView({ block: 'start' });
              }}
            >
              {t('cohort.jump')}
            </a>
          )}
        </div>
      </div>
      {options.isError && <Alert tone="error">{t('error')}</Alert>}
      {options.data ? (
        <StatsDashboard options={options.data} />
      ) : (
        !options.isError && <LoadingState label={t('loading')} />
      )}
      {planner && (
        <div id={COHORT_PANEL_ID} className="stats-cohort-anchor" tabIndex={-1}>
          <CohortPanel />
        </div>
      )}
    </div>
  );
}

type RowRef = Pick<ConversionRow, 'key' | 'labels'>;
const NUMERIC_DIMS: readonly StatsGroupBy[] = ['campaign', 'team', 'operator', 'site'];

/** A breakdown row as the address names it: its key's value, NONE_ROW for the row without one. */
function rowParamOf(row: RowRef, dim: StatsGroupBy): string {
  const v = row.key[dim];
  if (v === null || v === undefined) return '';
  return v === '' || v === 0 ? NONE_ROW : String(v);
}

/** The breakdown row the address names: the table's own once loaded, else one made from the key alone. */
function rowOf(view: StatsView, rows: readonly ConversionRow[] | undefined): RowRef | null {
  if (!view.row) return null;
  const dim = view.breakdown;
  const found = rows?.find((r) => rowParamOf(r, dim) === view.row);
  if (found) return found;
  const numeric = NUMERIC_DIMS.includes(dim);
  const none = view.row === NONE_ROW;
  return { key: { [dim]: none ? (numeric ? 0 : '') : numeric ? Number(view.row) : view.row }, labels: {} };
}

/** The custom period's days, the last 30 days until chosen. */
function customDays(view: StatsView): { from: string; to: string } {
  const today = localDate(new Date());
  return { from: view.from || plusDays(today, -29), to: view.to || today };
}

function StatsDashboard({ options }: { options: StatsOptions }) {
  const { t } = useTranslation('stats');
  const { lang, locale } = useLang();
  const trpc = useTRPC();
  const [urlView, setView] = useSearchState(parseStatsView, statsViewToParams);
  // an address naming a campaign, team, territory… these options do not know shows the view without it
  const view = useMemo(() => fitToOptions(urlView, options), [urlView, options]);
  const update = (patch: Partial<StatsView>, opts?: { push?: boolean }) => setView({ ...view, ...patch }, opts);
  const { grain, breakdown } = view;

  const { first, last, period, previous } = periodOf(view.period, customDays(view));
  const filters = useMemo(() => filtersOf(view), [view]);
  const base = { ...period, ...filters };

  const current = useQuery(trpc.stats.conversion.queryOptions({ ...base, groupBy: [] }));
  const before = useQuery(trpc.stats.conversion.queryOptions({ ...previous, ...filters, groupBy: [] }));
  const series = useQuery(trpc.stats.conversion.queryOptions({ ...base, groupBy: [grain] }));
  const breakdownQuery = { ...base, groupBy: [breakdown] };
  const table = useQuery(trpc.stats.conversion.queryOptions(breakdownQuery));
  const scripts = useQuery(trpc.stats.scripts.queryOptions(base));
  const exporter = useMutation(
    trpc.stats.exportCsv.mutationOptions({ onSuccess: (file) => download(file.filename, file.csv) }),
  );

  const { productName, label } = useRowLabel(options);

  // the drill-down the address names; the panel is remade (first page, focus on its title) when its query changes
  const drillRow = rowOf(view, table.data?.rows);
  const drillGroupBy = drillRow ? [breakdown] : [];
  const drillQuery = view.drill ? drillOf(base, drillGroupBy, drillRow, view.drill) : null;
  const drillTitle = () => {
    const stageLabel = FUNNEL_STAGES.find((s) => s.id === view.drill)?.label[lang] ?? view.drill;
    const where = drillRow ? label(breakdown, drillRow) : t('breakdown.total');
    return t('drill.title', { stage: stageLabel, where });
  };
  // opening a drill-down is a step Back undoes
  const openDrill = (row: ConversionRow | null, stage: DrillStage) =>
    update({ drill: stage, row: row ? rowParamOf(row, breakdown) : '' }, { push: true });
  const changeFilters = (patch: Partial<StatsView>) => update({ ...patch, drill: null, row: '' });

  const loading = current.isPending || table.isPending;
  const failed = current.isError || table.isError || series.isError || scripts.isError;

  return (
    <>
      <StatsFilterForm options={options} view={view} first={first} last={last} onChange={changeFilters} />
      <p className="stats-period" aria-live="polite">
        {t('periodShown', {
          from: formatDay(locale, first, { day: 'numeric', month: 'long', year: 'numeric' }),
          to: formatDay(locale, last, { day: 'numeric', month: 'long', year: 'numeric' }),
        })}
      </p>
      {failed && <Alert tone="error">{t('error')}</Alert>}
      {loading || !current.data ? (
        <LoadingState label={t('loading')} />
      ) : (
        <div className="stats-grid">
          <MetricTiles current={current.data.total} before={before.data?.total} />
          <Panel title={t('funnel.title')} className="stats-grid__funnel">
            <FunnelChart row={current.data.total} onDrill={(stage) => openDrill(null, stage)} />
          </Panel>
          <Panel
            title={t('trend.title')}
            className="stats-grid__trend"
            actions={
              <Select
                inline
                hideLabel
                label={t('trend.grain')}
                value={grain}
                onChange={(e) => update({ grain: e.target.value === 'week' ? 'week' : 'day' })}
                options={[
                  { value: 'day', label: t('grain.day') },
                  { value: 'week', label: t('grain.week') },
                ]}
              />
            }
          >
            {series.data ? <TimeSeries rows={series.data.rows} grain={grain} /> : <LoadingState label={t('loading')} />}
          </Panel>
          <Panel
            title={t('breakdown.title')}
            className="stats-grid__full"
            actions={
              <BreakdownActions
                options={options}
                breakdown={breakdown}
                onBreakdown={(b) => update({ breakdown: b, drill: null, row: '' })}
                exporting={exporter.isPending}
                onExport={() => exporter.mutate({ kind: 'breakdown', query: breakdownQuery, language: lang })}
              />
            }
          >
            {table.data && (
              <BreakdownTable
                rows={table.data.rows}
                total={table.data.total}
                groupBy={[breakdown]}
                label={label}
                onDrill={openDrill}
              />
            )}
          </Panel>
          {drillQuery && (
            <div className="stats-grid__full">
              <DrillPanel
                key={JSON.stringify(drillQuery)}
                query={drillQuery}
                title={drillTitle()}
                productName={productName}
                onClose={() => update({ drill: null, row: '' })}
              />
            </div>
          )}
          <Panel title={t('scripts.title')} className="stats-grid__full">
            {scripts.data ? <ScriptsPanel data={scripts.data} /> : <LoadingState label={t('loading')} />}
          </Panel>
        </div>
      )}
    </>
  );
}

/**
 * A custom period's day: typed in the field as the user goes (day, month, year — the year passes through 2, 20, 202),
 * and put in the address only once it is a whole day of this era, so the address and the figures never chase a
 * half-typed year; a new address (Back, a shared link) shows its own day.
 */
function CustomDay({
  label,
  value,
  min,
  max,
  onCommit,
}: {
  label: string;
  value: string;
  min?: string;
  max?: string;
  onCommit: (day: string) => void;
}) {
  const [draft, setDraft] = useState(value);
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setDraft(value);
  }
  return (
    <DateField
      label={label}
      value={draft}
      min={min}
      max={max}
      onChange={(v) => {
        setDraft(v);
        if (/^(19|20)\d\d-\d\d-\d\d$/.test(v) && v !== value) onCommit(v);
      }}
    />
  );
}

/** The filter bar: period preset (with its custom days), then the dimensions; a site's team lead sees no site filter. */
function StatsFilterForm({
  options,
  view,
  first,
  last,
  onChange,
}: {
  options: StatsOptions;
  view: StatsView;
  first: string;
  last: string;
  onChange: (patch: Partial<StatsView>) => void;
}) {
  const { t } = useTranslation('stats');
  const { lang } = useLang();
  // a site's teams and operators, a team's operators: choosing a site or team clears what no longer fits
  const onFilter = (key: FilterKey, value: string) =>
    onChange({
      [key]: value,
      ...(key === 'siteId' ? { teamId: '', operatorId: '' } : {}),
      ...(key === 'teamId' ? { operatorId: '' } : {}),
    });
  const set = (key: FilterKey) => (e: { target: { value: string } }) => onFilter(key, e.target.value);
  const siteFilter = view.siteId ? Number(view.siteId) : options.lockedSiteId;
  const teams = options.teams.filter((x) => siteFilter === null || x.siteId === siteFilter);
  const operators = options.operators.filter(
    (o) => (siteFilter === null || o.siteId === siteFilter) && (!view.teamId || o.teamId === Number(view.teamId)),
  );
  const custom = customDays(view);
  const all = { value: '', label: t('filters.all') };
  return (
    <form className="stats-filters" aria-label={t('filters.title')} onSubmit={(e) => e.preventDefault()}>
      <Select
        label={t('filters.period')}
        value={view.period}
        // a custom period starts from the days shown
        onChange={(e) => onChange({ period: e.target.value as Preset, from: first, to: last })}
        options={PRESETS.map((p) => ({ value: p, label: t(`presets.${p}`) }))}
      />
      {view.period === 'custom' && (
        <>
          <CustomDay
            label={t('filters.from')}
            value={custom.from}
            max={custom.to}
            onCommit={(v) => onChange({ from: v, to: custom.to })}
          />
          <CustomDay
            label={t('filters.to')}
            value={custom.to}
            min={custom.from}
            onCommit={(v) => onChange({ from: custom.from, to: v })}
          />
        </>
      )}
      <Select
        label={t('dims.flow')}
        value={view.flow}
        onChange={set('flow')}
        options={[all, ...FLOWS.map((f) => ({ value: f, label: t(`flows.${f}`) }))]}
      />
      <Select
        label={t('dims.campaign')}
        value={view.campaignId}
        onChange={set('campaignId')}
        options={[all, ...options.campaigns.map((c) => ({ value: String(c.id), label: c.name }))]}
      />
      <Select
        label={t('dims.product')}
        value={view.productCode}
        onChange={set('productCode')}
        options={[all, ...options.products.map((p) => ({ value: p.code, label: lang === 'en' ? p.nameEn : p.nameIt }))]}
      />
      {options.lockedSiteId === null && (
        <Select
          label={t('dims.site')}
          value={view.siteId}
          onChange={set('siteId')}
          options={[all, ...options.sites.map((s) => ({ value: String(s.id), label: `${s.code} · ${s.name}` }))]}
        />
      )}
      <Select
        label={t('dims.team')}
        value={view.teamId}
        onChange={set('teamId')}
        options={[all, ...teams.map((x) => ({ value: String(x.id), label: x.name }))]}
      />
      <Select
        label={t('dims.operator')}
        value={view.operatorId}
        onChange={set('operatorId')}
        options={[all, ...operators.map((o) => ({ value: String(o.id), label: o.name }))]}
      />
      <TerritoryPicker
        options={options}
        value={territoryOf(view.territory)}
        onChange={(territory) => onFilter('territory', territoryParamOf(territory))}
      />
      {FILTER_KEYS.some((k) => view[k] !== DEFAULT_VIEW[k]) && (
        <Button
          variant="ghost"
          size="sm"
          className="stats-filters__reset"
          onClick={() => onChange(Object.fromEntries(FILTER_KEYS.map((k) => [k, DEFAULT_VIEW[k]])))}
        >
          {t('filters.reset')}
        </Button>
      )}
    </form>
  );
}

/** Headline figures of the period, each with its change against the period before. */
function MetricTiles({ current, before }: { current: ConversionRow; before: ConversionRow | undefined }) {
  const { t } = useTranslation('stats');
  const { lang, locale } = useLang();
  return (
    <section className="stats-tiles" aria-label={t('tiles.title')}>
      {TILES.map((tile) => {
        const def =
          tile.kind === 'stage' ? FUNNEL_STAGES.find((s) => s.id === tile.id) : RATES.find((r) => r.id === tile.id);
        if (!def) return null;
        const now = tile.kind === 'stage' ? current.stages[tile.id] : current.rates[tile.id];
        const prev = before ? (tile.kind === 'stage' ? before.stages[tile.id] : before.rates[tile.id]) : null;
        const delta = change(now, prev);
        return (
          <div className="stats-tile" key={tile.id} data-testid={`tile-${tile.id}`}>
            <div className="stats-tile__label">
              {def.label[lang]}
              <MetricInfo label={def.label[lang]} definition={def.definition[lang]} />
            </div>
            <div className="stats-tile__value">
              {tile.kind === 'stage' ? formatCount(locale, now ?? 0) : formatRate(locale, tile.id, now)}
            </div>
            <div
              className={`stats-tile__change ${delta === null ? '' : delta >= 0 ? 'stats-tile__change--up' : 'stats-tile__change--down'}`}
            >
              {t('tiles.change', { change: formatChange(locale, delta) })}
            </div>
          </div>
        );
      })}
    </section>
  );
}

/** How a breakdown row's key reads on screen (and in the drill-down's title). */
function useRowLabel(options: StatsOptions) {
  const { t } = useTranslation('stats');
  const { lang, locale } = useLang();
  const productName = (code: string) => {
    const p = options.products.find((x) => x.code === code);
    return p ? (lang === 'en' ? p.nameEn : p.nameIt) : code || t('none');
  };

  const label = (dim: StatsGroupBy, row: Pick<ConversionRow, 'key' | 'labels'>): string => {
    const v = row.key[dim];
    if (v === null || v === undefined || v === '' || v === 0) return t('none');
    switch (dim) {
      case 'flow':
        return t(`flows.${String(v)}`, { defaultValue: String(v) });
      case 'product':
        return productName(String(v));
      case 'day':
        return formatDay(locale, String(v), { weekday: 'short', day: '2-digit', month: 'short', year: 'numeric' });
      case 'week':
        return t('weekOf', { day: formatDay(locale, String(v), { day: '2-digit', month: 'short', year: 'numeric' }) });
      case 'macroArea':
        return options.macroAreas.find((m) => m.code === v)?.name ?? String(v);
      case 'province':
        return `${String(v)} · ${options.provinces.find((p) => p.code === v)?.name ?? ''}`;
      case 'scriptVersion':
        return `v${String(v)}`;
      default:
        return row.labels[dim] ?? String(v);
    }
  };
  return { productName, label };
}

/** The breakdown panel's header: the dimension to group by and the CSV export of what the table shows. */
function BreakdownActions({
  options,
  breakdown,
  onBreakdown,
  exporting,
  onExport,
}: {
  options: StatsOptions;
  breakdown: StatsGroupBy;
  onBreakdown: (breakdown: StatsGroupBy) => void;
  exporting: boolean;
  onExport: () => void;
}) {
  const { t } = useTranslation('stats');
  return (
    <>
      <Select
        inline
        label={t('breakdown.by')}
        value={breakdown}
        onChange={(e) => onBreakdown(e.target.value as StatsGroupBy)}
        options={BREAKDOWNS.filter((b) => b !== 'site' || options.lockedSiteId === null).map((b) => ({
          value: b,
          label: t(`dims.${b}`),
        }))}
      />
      <Button size="sm" busy={exporting} onClick={onExport}>
        {t('export.breakdown')}
      </Button>
    </>
  );
}
