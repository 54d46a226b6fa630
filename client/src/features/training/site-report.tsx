import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { FEEDBACK_DIMENSIONS } from '@valore/shared/schemas/training';
import { useSites } from '../../components/site-picker';
import { Alert } from '../../components/ui/alert';
import { EmptyState, Panel } from '../../components/ui/panel';
import { LoadingState } from '../../components/ui/spinner';
import { useTRPC } from '../../lib/trpc';
import { useTrainingFormat } from './format';

/** "Risultati per sede" (training.report, fixed): learners, trained and the survey's six averages, per site. */
export function SiteReport({ courseId }: { courseId: number }) {
  const { t } = useTranslation('training');
  const trpc = useTRPC();
  const fmt = useTrainingFormat();
  const sites = useSites();
  const report = useQuery(trpc.training.report.queryOptions({ courseId }));
  const siteName = (id: number) => sites.find((s) => s.id === id)?.name ?? `#${id}`;
  return (
    <Panel title={t('report.title')}>
      {report.isPending ? (
        <LoadingState label={t('loading')} />
      ) : report.isError ? (
        <Alert tone="error">{t('loadFailed')}</Alert>
      ) : report.data.length === 0 ? (
        <EmptyState>{t('report.empty')}</EmptyState>
      ) : (
        <div className="admin-table__scroll">
          <table className="admin-table" data-testid="training-report">
            <caption>{t('report.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('report.site')}</th>
                <th scope="col">{t('report.trained')}</th>
                {FEEDBACK_DIMENSIONS.map((d) => (
                  <th scope="col" key={d} className="admin-table__num">
                    {t(`dimensions.${d}`)}
                  </th>
                ))}
                <th scope="col" className="admin-table__num">
                  {t('report.responses')}
                </th>
              </tr>
            </thead>
            <tbody>
              {report.data.map((row) => (
                <tr key={row.siteId}>
                  <th scope="row">{siteName(row.siteId)}</th>
                  <td className="admin-table__nowrap">
                    {t('report.trainedOf', { trained: row.trained, learners: row.learners })}
                  </td>
                  {FEEDBACK_DIMENSIONS.map((d) => (
                    <td key={d} className="admin-table__num">
                      {fmt.average(row.feedback[d])}
                    </td>
                  ))}
                  <td className="admin-table__num">{row.feedback.responses}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
