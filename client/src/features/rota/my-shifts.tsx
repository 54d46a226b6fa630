import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/ui/alert';
import { EmptyState, Panel } from '../../components/ui/panel';
import { LoadingState } from '../../components/ui/spinner';
import { useTRPC } from '../../lib/trpc';
import { useDayFormat } from './format';

/**
 * An operator's own shifts: the weekday hours and Saturdays their team lead published, the days off and the weekdays
 * of rest that recover the Saturdays, for the coming eight weeks (rota.mine), with the same as a calendar file for
 * their phone (GET /api/v1/rota/mine.ics).
 */
export function MyShifts() {
  const { t } = useTranslation('rota');
  const trpc = useTRPC();
  const day = useDayFormat();
  const mine = useQuery(trpc.rota.mine.queryOptions({}));
  return (
    <Panel
      title={t('mine.caption')}
      actions={
        <a className="ui-button ui-button--secondary ui-button--sm" href="/api/v1/rota/mine.ics" download>
          {t('mine.ics')}
        </a>
      }
    >
      {mine.isPending ? (
        <LoadingState label={t('loading')} />
      ) : mine.isError ? (
        <Alert tone="error">{t('loadFailed')}</Alert>
      ) : mine.data.shifts.length === 0 ? (
        <EmptyState>{t('mine.empty')}</EmptyState>
      ) : (
        <table className="rota-table">
          <caption className="visually-hidden">{t('mine.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('mine.date')}</th>
              <th scope="col">{t('mine.shift')}</th>
              <th scope="col">{t('mine.team')}</th>
            </tr>
          </thead>
          <tbody>
            {mine.data.shifts.map((s) => (
              <tr key={`${s.date}-${s.kind}-${s.starts ?? ''}`}>
                <th scope="row">{day(s.date)}</th>
                <td>
                  {s.kind === 'saturday'
                    ? t('mine.saturdayShift', { starts: s.starts, ends: s.ends })
                    : s.kind === 'rest'
                      ? t('mine.rest')
                      : s.starts
                        ? t('mine.weekdayShift', { starts: s.starts, ends: s.ends })
                        : t('mine.dayOff')}
                </td>
                <td>{s.team ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
