import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  PIPELINE_STATUSES,
  type LeadPipelineOptions,
  type LeadPipelineRow,
  type LeadStatusTotals,
  type PipelineStatus,
} from '@valore/shared/schemas/lead-pipeline';
import { Alert } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { Panel } from '../../components/ui/panel';
import { Select } from '../../components/ui/select';
import { LoadingState, Skeleton } from '../../components/ui/spinner';
import { DateField } from '../../components/ui/date-field';
import { useTRPC } from '../../lib/trpc';
import { PipelineTable } from './components/pipeline-table';
import { LeadTimelineDialog } from './components/lead-timeline-dialog';
import { ReassignDialog } from './components/reassign-dialog';
import { download, formatCount, useErrorText, useLang } from './format';
import { useUrlFilters } from './hooks/use-url-filters';
import {
  CREATED_PRESETS,
  FOLLOW_UP_PRESETS,
  NO_FILTERS,
  PAGE_SIZE,
  toQuery,
  type CreatedPreset,
  type FollowUpPreset,
  type PipelineFilterState,
} from './pipeline-filters';
import './leads.css';

/**
 * /leads — team leads see their site's leads (admins every site), operators "my leads": the ones they own. Filters
 * live in the address bar; the table pages by 50; open leads can be handed to another operator of the site.
 */
export function LeadsHome() {
  const { t } = useTranslation('leads');
  const trpc = useTRPC();
  const options = useQuery(trpc.leads.pipelineOptions.queryOptions());
  const own = options.data?.ownOnly ?? false;
  return (
    <div className="home leads" data-testid="home-leads">
      <div className="page-header">
        <div>
          <h1 className="page-header__title">{own ? t('titleOwn') : t('title')}</h1>
          <p className="page-header__subtitle">{own ? t('subtitleOwn') : t('subtitle')}</p>
        </div>
      </div>
      {options.isError && <Alert tone="error">{t('error')}</Alert>}
      {options.data ? <Pipeline options={options.data} /> : !options.isError && <LoadingState label={t('loading')} />}
    </div>
  );
}

/** "now" for the period presets, to the minute: the query stays the same (and cached) while the filters do. */
const thisMinute = () => Math.floor(Date.now() / 60_000) * 60_000;

function Pipeline({ options }: { options: LeadPipelineOptions }) {
  const { t } = useTranslation('leads');
  const { lang } = useLang();
  const trpc = useTRPC();
  const errorText = useErrorText();
  const [filters, setFilters] = useUrlFilters();
  // the clock is read when the filters change: the query, and its cache entry, stay put in between
  const { now, query } = useMemo(() => {
    const at = thisMinute();
    return { now: at, query: toQuery(filters, new Date(at)) };
  }, [filters]);
  const pipeline = useQuery({
    ...trpc.leads.pipeline.queryOptions({ ...query, limit: PAGE_SIZE, offset: filters.offset }),
    placeholderData: keepPreviousData,
  });
  const exporter = useMutation(
    trpc.leads.exportPipelineCsv.mutationOptions({ onSuccess: (file) => download(file.filename, file.csv) }),
  );
  const [reassigning, setReassigning] = useState<LeadPipelineRow | null>(null);
  const [timelineOf, setTimelineOf] = useState<LeadPipelineRow | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const trigger = useRef<HTMLButtonElement | null>(null);
  const restoreFocus = useRef(false);
  const tableHeading = useRef<HTMLDivElement>(null);

  const set = <K extends keyof PipelineFilterState>(key: K, value: PipelineFilterState[K]) => {
    setNotice(null);
    // any filter change starts again from the first page
    setFilters({ ...filters, [key]: value, offset: 0, ...(key === 'site' ? { owner: '' } : {}) });
  };
  const manages = !options.ownOnly;
  const data = pipeline.data;

  const closeDialog = () => {
    setReassigning(null);
    setTimelineOf(null);
    restoreFocus.current = true;
  };
  const dialogOpen = reassigning !== null || timelineOf !== null;
  // once the dialog has left the page (while it is open, everything outside it is inert): back to the button that
  // opened it, or to the table when that row has left the view
  useEffect(() => {
    if (dialogOpen || !restoreFocus.current) return;
    restoreFocus.current = false;
    const button = trigger.current;
    if (button?.isConnected) button.focus();
    else tableHeading.current?.focus();
  }, [dialogOpen]);

  return (
    <>
      <LeadFilterForm options={options} filters={filters} set={set} setFilters={setFilters} />

      <StatusTotals status={filters.status} totals={data?.totals} onStatus={(status) => set('status', status)} />

      {notice && (
        <Alert tone="success" className="leads__notice">
          {notice}
        </Alert>
      )}
      {exporter.isError && <Alert tone="error">{errorText(exporter.error)}</Alert>}
      {exporter.data?.truncated && <Alert tone="warning">{t('export.truncated', { count: exporter.data.rows })}</Alert>}

      <Panel
        title={t('table.title')}
        actions={
          <Button size="sm" busy={exporter.isPending} onClick={() => exporter.mutate({ ...query, language: lang })}>
            {t('export.button')}
          </Button>
        }
      >
        <div ref={tableHeading} tabIndex={-1} className="leads__table-anchor">
          {pipeline.isError && <Alert tone="error">{errorText(pipeline.error)}</Alert>}
          {pipeline.isPending && <Skeleton lines={6} />}
          {data && data.rows.length === 0 && <p className="ui-empty">{t('table.empty')}</p>}
          {data && data.rows.length > 0 && (
            <>
              <PipelineTable
                rows={data.rows}
                now={now}
                onReassign={
                  manages
                    ? (row, button) => {
                        trigger.current = button;
                        setNotice(null);
                        setReassigning(row);
                      }
                    : null
                }
                onTimeline={
                  manages
                    ? (row, button) => {
                        trigger.current = button;
                        setTimelineOf(row);
                      }
                    : null
                }
              />
              <Paging
                offset={data.offset}
                shown={data.rows.length}
                matching={data.matching}
                nextOffset={data.nextOffset}
                onPage={(offset) => setFilters({ ...filters, offset }, { push: true })}
              />
            </>
          )}
        </div>
      </Panel>

      {timelineOf && <LeadTimelineDialog lead={timelineOf} onClose={closeDialog} />}

      {reassigning && (
        <ReassignDialog
          lead={reassigning}
          operators={options.operators}
          onClose={closeDialog}
          onDone={(row) => {
            setNotice(t('reassign.done', { customer: row.customerName, owner: row.owner?.displayName ?? '' }));
            closeDialog();
          }}
        />
      )}
    </>
  );
}

type SetFilter = <K extends keyof PipelineFilterState>(key: K, value: PipelineFilterState[K]) => void;

/** The filters, kept in the address bar; a site's team lead sees no site filter, an operator no owner filter. */
function LeadFilterForm({
  options,
  filters,
  set,
  setFilters,
}: {
  options: LeadPipelineOptions;
  filters: PipelineFilterState;
  set: SetFilter;
  setFilters: (next: PipelineFilterState) => void;
}) {
  const { t } = useTranslation('leads');
  const { lang } = useLang();
  const manages = !options.ownOnly;
  const siteFilter = filters.site ? Number(filters.site) : options.lockedSiteId;
  const owners = options.operators.filter((o) => siteFilter === null || o.siteId === siteFilter);
  const siteCode = (id: number) => options.sites.find((s) => s.id === id)?.code ?? '';
  const all = { value: '', label: t('filters.all') };
  const filtered = JSON.stringify({ ...filters, status: NO_FILTERS.status }) !== JSON.stringify(NO_FILTERS);
  return (
    <form className="lead-filters" aria-label={t('filters.title')} onSubmit={(e) => e.preventDefault()}>
      {options.lockedSiteId === null && (
        <Select
          label={t('filters.site')}
          value={filters.site}
          onChange={(e) => set('site', e.target.value)}
          options={[all, ...options.sites.map((s) => ({ value: String(s.id), label: `${s.code} · ${s.name}` }))]}
        />
      )}
      <Select
        label={t('filters.product')}
        value={filters.product}
        onChange={(e) => set('product', e.target.value)}
        options={[all, ...options.products.map((p) => ({ value: p.code, label: lang === 'en' ? p.nameEn : p.nameIt }))]}
      />
      {manages && (
        <Select
          label={t('filters.owner')}
          value={filters.owner}
          onChange={(e) => set('owner', e.target.value)}
          options={[
            all,
            ...owners.map((o) => {
              const name = siteFilter === null ? `${siteCode(o.siteId)} · ${o.displayName}` : o.displayName;
              return { value: String(o.id), label: o.active ? name : t('filters.inactive', { name }) };
            }),
          ]}
        />
      )}
      <Select
        label={t('filters.created')}
        value={filters.created}
        onChange={(e) => set('created', e.target.value as CreatedPreset)}
        options={CREATED_PRESETS.map((p) => ({ value: p, label: t(`created.${p}`) }))}
      />
      {filters.created === 'custom' && (
        <DayRange
          legend={t('filters.created')}
          from={filters.createdFrom}
          to={filters.createdTo}
          onChange={(from, to) => setFilters({ ...filters, createdFrom: from, createdTo: to, offset: 0 })}
        />
      )}
      <Select
        label={t('filters.followUp')}
        value={filters.followUp}
        onChange={(e) => set('followUp', e.target.value as FollowUpPreset)}
        options={FOLLOW_UP_PRESETS.map((p) => ({ value: p, label: t(`followUp.${p}`) }))}
      />
      {filters.followUp === 'custom' && (
        <DayRange
          legend={t('filters.followUp')}
          from={filters.followUpFrom}
          to={filters.followUpTo}
          onChange={(from, to) => setFilters({ ...filters, followUpFrom: from, followUpTo: to, offset: 0 })}
        />
      )}
      {filtered && (
        <Button
          variant="ghost"
          size="sm"
          className="lead-filters__reset"
          onClick={() => setFilters({ ...NO_FILTERS, status: filters.status })}
        >
          {t('filters.reset')}
        </Button>
      )}
    </form>
  );
}

/** One toggle per status with its count: pressing one shows that status's leads. */
function StatusTotals({
  status,
  totals,
  onStatus,
}: {
  status: PipelineStatus;
  totals: LeadStatusTotals | undefined;
  onStatus: (status: PipelineStatus) => void;
}) {
  const { t } = useTranslation('leads');
  const { locale } = useLang();
  return (
    <div className="lead-totals" role="group" aria-label={t('totals.label')}>
      {PIPELINE_STATUSES.map((s) => (
        <button
          key={s}
          type="button"
          className={`lead-totals__item lead-totals__item--${s}`}
          aria-pressed={status === s}
          onClick={() => onStatus(s)}
          data-testid={`lead-total-${s}`}
        >
          <span className="lead-totals__label">{t(`status.${s}`)}</span>
          <span className="lead-totals__count">{totals ? formatCount(locale, totals[s]) : '…'}</span>
        </button>
      ))}
    </div>
  );
}

function Paging({
  offset,
  shown,
  matching,
  nextOffset,
  onPage,
}: {
  offset: number;
  shown: number;
  matching: number;
  nextOffset: number | null;
  onPage: (offset: number) => void;
}) {
  const { t } = useTranslation('leads');
  const { locale } = useLang();
  return (
    <nav className="lead-paging" aria-label={t('table.paging')}>
      <p className="lead-paging__range" aria-live="polite">
        {t('table.range', {
          from: formatCount(locale, offset + 1),
          to: formatCount(locale, offset + shown),
          total: formatCount(locale, matching),
        })}
      </p>
      <Button size="sm" disabled={offset === 0} onClick={() => onPage(Math.max(0, offset - PAGE_SIZE))}>
        {t('table.previous')}
      </Button>
      <Button size="sm" disabled={nextOffset === null} onClick={() => nextOffset !== null && onPage(nextOffset)}>
        {t('table.next')}
      </Button>
    </nav>
  );
}

/** A custom period of calendar days, both inclusive. */
function DayRange({
  legend,
  from,
  to,
  onChange,
}: {
  legend: string;
  from: string;
  to: string;
  onChange: (from: string, to: string) => void;
}) {
  const { t } = useTranslation('leads');
  return (
    <fieldset className="lead-filters__range">
      <legend className="visually-hidden">{legend}</legend>
      <DateField label={t('filters.from')} value={from} max={to || undefined} onChange={(v) => onChange(v, to)} />
      <DateField label={t('filters.to')} value={to} min={from || undefined} onChange={(v) => onChange(from, v)} />
    </fieldset>
  );
}
