import { useState } from 'react';
import { keepPreviousData, skipToken, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { COHORT_DAYS, type CohortOutput, type CohortSubject } from '@valore/shared/schemas/training';
import { cohortVerdict, type CohortEffect, type RateEstimate } from '@valore/shared/training/cohort';
import { Alert } from '../../../components/ui/alert';
import { EmptyState, Panel } from '../../../components/ui/panel';
import { RadioGroup } from '../../../components/ui/radio-group';
import { Select } from '../../../components/ui/select';
import { LoadingState } from '../../../components/ui/spinner';
import { useTRPC } from '../../../lib/trpc';
import { formatCount, formatPercent, useLang } from '../format';

/**
 * "Does training pay?" (docs/training.md, `training.cohort`): the conversion of the operators who completed a course
 * or a practice set, in the days before and after their completion, with the 95% intervals, by site and by trainer
 * (a practice set: by its author). The verdict comes from the interval alone (cohortVerdict), so a difference whose
 * interval crosses 0 is never read out as a change.
 */

const DEFAULT_DAYS = 30;
/** The element the page header's "go to" link focuses (the panel is at the end of a long page). */
export const COHORT_PANEL_ID = 'training-cohort';

const keyOf = (s: Pick<CohortSubject, 'kind' | 'id'>) => `${s.kind}:${s.id}`;

/** Percentage points with one decimal and a sign ("+12,5"), the locale's decimal mark. */
function formatPoints(locale: string, v: number): string {
  return new Intl.NumberFormat(locale, {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  }).format(v * 100);
}

export function CohortPanel() {
  const { t } = useTranslation('stats');
  const trpc = useTRPC();
  const subjects = useQuery(trpc.training.cohortSubjects.queryOptions());
  const [picked, setPicked] = useState('');
  const [days, setDays] = useState<number>(DEFAULT_DAYS);
  const list = subjects.data ?? [];
  // newest first: the latest course or set until another is picked
  const subject = list.find((s) => keyOf(s) === picked) ?? list[0];
  const cohort = useQuery({
    ...trpc.training.cohort.queryOptions(
      subject === undefined
        ? skipToken
        : subject.kind === 'course'
          ? { courseId: subject.id, days }
          : { practiceSetId: subject.id, days },
    ),
    // the figures stay while another window loads, so the page does not jump under the keyboard
    placeholderData: keepPreviousData,
  });
  return (
    <Panel title={t('cohort.title')} className="stats-cohort">
      <p className="stats-cohort__intro">{t('cohort.intro')}</p>
      <form className="stats-cohort__controls" aria-label={t('cohort.controls')} onSubmit={(e) => e.preventDefault()}>
        <Select
          label={t('cohort.subject')}
          value={subject ? keyOf(subject) : ''}
          disabled={list.length === 0}
          onChange={(e) => setPicked(e.target.value)}
          options={list.map((s) => ({ value: keyOf(s), label: t(`cohort.kind.${s.kind}`, { name: s.name }) }))}
        />
        <RadioGroup
          legend={t('cohort.window')}
          layout="row"
          className="stats-cohort__window"
          value={String(days)}
          onChange={(v) => setDays(Number(v))}
          options={COHORT_DAYS.map((d) => ({ value: String(d), label: t('cohort.days', { count: d }) }))}
        />
      </form>
      {(subjects.isError || cohort.isError) && <Alert tone="error">{t('cohort.error')}</Alert>}
      {subjects.data && list.length === 0 && <EmptyState>{t('cohort.noSubjects')}</EmptyState>}
      {cohort.data ? (
        <CohortResult data={cohort.data} busy={cohort.isFetching} />
      ) : (
        subject !== undefined && !cohort.isError && <LoadingState label={t('loading')} />
      )}
    </Panel>
  );
}

function CohortResult({ data, busy }: { data: CohortOutput; busy: boolean }) {
  const { t } = useTranslation('stats');
  const { total } = data;
  return (
    <div className="stats-cohort__result" aria-busy={busy} data-testid="cohort-result">
      <CohortSummary effect={total} days={data.days} />
      {data.pending > 0 && (
        <p className="stats-cohort__note" data-testid="cohort-pending">
          {t('cohort.pending', { count: data.pending, days: data.days })}
        </p>
      )}
      {total.operators === 0 && data.pending === 0 && <EmptyState>{t('cohort.nobody')}</EmptyState>}
      {data.bySite.length > 0 && (
        <CohortTable
          caption={t('cohort.bySite')}
          head={t('dims.site')}
          rows={data.bySite.map((r) => ({ key: `site-${r.siteId}`, label: r.siteName, effect: r }))}
        />
      )}
      {data.byTrainer.length > 0 && (
        <CohortTable
          caption={t(data.trainerIs === 'set_author' ? 'cohort.byAuthor' : 'cohort.byTrainer')}
          head={t(data.trainerIs === 'set_author' ? 'cohort.author' : 'cohort.trainer')}
          rows={data.byTrainer.map((r) => ({ key: `t-${r.trainer}`, label: r.trainer || t('none'), effect: r }))}
        />
      )}
      <p className="stats-cohort__note">{t('cohort.caution')}</p>
    </div>
  );
}

/** "12,5% (25/200)": the rate with the counts it comes from. */
function RateWithCounts({ r }: { r: RateEstimate }) {
  const { locale } = useLang();
  return (
    <>
      {formatPercent(locale, r.rate)}{' '}
      <span className="stats-cohort__counts">
        ({formatCount(locale, r.value)}/{formatCount(locale, r.handled)})
      </span>
    </>
  );
}

/** The whole cohort: the verdict in words, then the figures it rests on. */
function CohortSummary({ effect, days }: { effect: CohortEffect; days: number }) {
  const { t } = useTranslation('stats');
  const { locale } = useLang();
  const verdict = cohortVerdict(effect.difference);
  const d = effect.difference;
  const pct = (r: RateEstimate) =>
    t('cohort.rateCounts', {
      rate: formatPercent(locale, r.rate),
      value: formatCount(locale, r.value),
      handled: formatCount(locale, r.handled),
    });
  return (
    <div className="stats-cohort__summary">
      <p className={`stats-cohort__verdict stats-cohort__verdict--${verdict}`} data-testid="cohort-verdict">
        {t(`cohort.verdict.${verdict}`)}
      </p>
      {d && (
        <p data-testid="cohort-sentence">
          {t('cohort.sentence', {
            before: pct(effect.before),
            after: pct(effect.after),
            diff: formatPoints(locale, d.estimate),
            low: formatPoints(locale, d.low),
            high: formatPoints(locale, d.high),
          })}{' '}
          {t(`cohort.explain.${verdict}`)}
        </p>
      )}
      {!d && <p data-testid="cohort-sentence">{t('cohort.explain.no_data')}</p>}
      {effect.operators > 0 && <CohortFigures effect={effect} days={days} />}
    </div>
  );
}

/** The figures the verdict rests on, and their picture; nothing to show while nobody is counted yet. */
function CohortFigures({ effect, days }: { effect: CohortEffect; days: number }) {
  const { t } = useTranslation('stats');
  const { locale } = useLang();
  const d = effect.difference;
  return (
    <>
      <dl className="stats-cohort__figures">
        <div>
          <dt>{t('cohort.operators')}</dt>
          <dd data-testid="cohort-operators">{formatCount(locale, effect.operators)}</dd>
        </div>
        <div>
          <dt>{t('cohort.before', { count: days })}</dt>
          <dd>
            <RateWithCounts r={effect.before} />
          </dd>
        </div>
        <div>
          <dt>{t('cohort.after', { count: days })}</dt>
          <dd>
            <RateWithCounts r={effect.after} />
          </dd>
        </div>
        <div>
          <dt>{t('cohort.difference')}</dt>
          <dd data-testid="cohort-difference">
            {d ? t('cohort.points', { points: formatPoints(locale, d.estimate) }) : '—'}
            {d && (
              <span className="stats-cohort__counts">
                {' '}
                {t('cohort.interval', { low: formatPoints(locale, d.low), high: formatPoints(locale, d.high) })}
              </span>
            )}
          </dd>
        </div>
      </dl>
      <CohortBars before={effect.before} after={effect.after} />
    </>
  );
}

/** Before and after as two bars with their intervals: a picture of the figures above (hidden from screen readers). */
function CohortBars({ before, after }: { before: RateEstimate; after: RateEstimate }) {
  const { t } = useTranslation('stats');
  const { locale } = useLang();
  const top = Math.max(before.high ?? 0, after.high ?? 0, 0.05);
  const bar = (label: string, r: RateEstimate, tone: string) => (
    <div className="stats-cohort__bar-row">
      <span className="stats-cohort__bar-label">{label}</span>
      <span className="stats-cohort__bar-track">
        {r.rate !== null && (
          <span
            className={`stats-cohort__bar stats-cohort__bar--${tone}`}
            style={{ width: `${(r.rate / top) * 100}%` }}
          />
        )}
        {r.low !== null && r.high !== null && (
          <span
            className="stats-cohort__whisker"
            style={{ left: `${(r.low / top) * 100}%`, width: `${((r.high - r.low) / top) * 100}%` }}
          />
        )}
      </span>
      <span className="stats-cohort__bar-value">{formatPercent(locale, r.rate)}</span>
    </div>
  );
  return (
    <div className="stats-cohort__bars" aria-hidden="true">
      {bar(t('cohort.beforeShort'), before, 'before')}
      {bar(t('cohort.afterShort'), after, 'after')}
    </div>
  );
}

function CohortTable({
  caption,
  head,
  rows,
}: {
  caption: string;
  head: string;
  rows: { key: string; label: string; effect: CohortEffect }[];
}) {
  const { t } = useTranslation('stats');
  const { locale } = useLang();
  return (
    <div className="stats-table-wrap">
      <table className="stats-table stats-cohort__table">
        <caption className="stats-cohort__caption">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{head}</th>
            <th scope="col" className="stats-table__num">
              {t('cohort.operators')}
            </th>
            <th scope="col" className="stats-table__num">
              {t('cohort.beforeShort')}
            </th>
            <th scope="col" className="stats-table__num">
              {t('cohort.afterShort')}
            </th>
            <th scope="col" className="stats-table__num">
              {t('cohort.difference')}
            </th>
            <th scope="col" className="stats-table__num">
              {t('cohort.intervalHead')}
            </th>
            <th scope="col">{t('cohort.verdictHead')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ key, label, effect }) => {
            const d = effect.difference;
            const verdict = cohortVerdict(d);
            return (
              <tr key={key}>
                <th scope="row">{label}</th>
                <td className="stats-table__num">{formatCount(locale, effect.operators)}</td>
                <td className="stats-table__num">
                  <RateWithCounts r={effect.before} />
                </td>
                <td className="stats-table__num">
                  <RateWithCounts r={effect.after} />
                </td>
                <td className="stats-table__num">{d ? formatPoints(locale, d.estimate) : '—'}</td>
                <td className="stats-table__num">
                  {d
                    ? t('cohort.range', { low: formatPoints(locale, d.low), high: formatPoints(locale, d.high) })
                    : '—'}
                </td>
                <td>
                  <span className={`stats-cohort__tag stats-cohort__verdict--${verdict}`}>
                    {t(`cohort.verdictShort.${verdict}`)}
                  </span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
