import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/ui/alert';
import { DateField } from '../../components/ui/date-field';
import { EmptyState, Panel } from '../../components/ui/panel';
import { LoadingState } from '../../components/ui/spinner';
import { useTRPC } from '../../lib/trpc';
import { romeToday, useDayFormat } from './format';
import { localeOf } from '../../lib/lang';

/**
 * A day's adherence against the rota (rota.adherence): for each operator the window the rota expected them and how
 * their status history spent it — at work, paused, absent — up to now for today.
 */
export function AdherencePanel({ siteInput }: { siteInput: { siteId?: number } }) {
  const { t, i18n } = useTranslation('rota');
  const trpc = useTRPC();
  const dayText = useDayFormat();
  const [day, setDay] = useState(() => romeToday());
  const report = useQuery({
    ...trpc.rota.adherence.queryOptions({ ...siteInput, day }, { enabled: /^\d{4}-\d\d-\d\d$/.test(day) }),
    placeholderData: keepPreviousData,
  });
  const percent = new Intl.NumberFormat(localeOf(i18n), {
    style: 'percent',
    maximumFractionDigits: 0,
  });
  /** "2 h 05" / "45 min" */
  const duration = (minutes: number) => {
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    return h > 0 ? t('adherence.hours', { h, m: String(m).padStart(2, '0') }) : t('adherence.minutes', { m });
  };
  const data = report.data;
  return (
    <Panel title={t('adherence.title')}>
      <p className="admin-muted">{t('adherence.lead')}</p>
      <div className="rota__generate">
        <DateField label={t('adherence.day')} value={day} required onChange={setDay} />
      </div>
      {report.isPending ? (
        <LoadingState label={t('loading')} />
      ) : report.isError || !data ? (
        <Alert tone="error">{t('loadFailed')}</Alert>
      ) : !data.hours ? (
        <EmptyState>{t('adherence.closed', { day: dayText(data.day) })}</EmptyState>
      ) : (
        <div className="rota__scroll">
          <table className="rota-table">
            <caption>
              {t('adherence.caption', { day: dayText(data.day), opens: data.hours.opens, closes: data.hours.closes })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('adherence.operator')}</th>
                <th scope="col">{t('adherence.expected')}</th>
                <th scope="col">{t('adherence.working')}</th>
                <th scope="col">{t('adherence.paused')}</th>
                <th scope="col">{t('adherence.absent')}</th>
                <th scope="col">{t('adherence.rate')}</th>
              </tr>
            </thead>
            <tbody>
              {data.operators.map((o) => (
                <tr key={o.userId}>
                  <th scope="row">{o.name}</th>
                  <td>{o.expected ? `${o.expected.from}–${o.expected.to}` : t('adherence.notExpected')}</td>
                  <td>{duration(o.workingMinutes)}</td>
                  <td>{duration(o.pausedMinutes)}</td>
                  <td>{duration(o.absentMinutes)}</td>
                  <td>{o.adherence === null ? '—' : percent.format(o.adherence)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
