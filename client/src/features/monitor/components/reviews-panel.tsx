import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { EmptyState } from '../../../components/ui/panel';
import { LoadingState } from '../../../components/ui/spinner';
import { useTRPC } from '../../../lib/trpc';
import { formatDuration, formatTime } from '../format';
import { useLabels } from '../labels';

const STATUS_TONE = { none: 'warning', draft: 'info', released: 'success', acknowledged: 'neutral' } as const;

/** Today's completed contacts of the site (an admin's: the one chosen), each with the status of this tutor's scorecard. */
export function ReviewsList({ onOpen, siteId }: { onOpen: (interactionId: number) => void; siteId?: number }) {
  const { t } = useTranslation('monitor');
  const labels = useLabels();
  const trpc = useTRPC();
  const list = useQuery(
    trpc.quality.reviewables.queryOptions(siteId === undefined ? {} : { siteId }, { refetchInterval: 15_000 }),
  );
  if (list.isPending) return <LoadingState label={t('scorecard.loading')} />;
  if (!list.data || list.data.length === 0) return <EmptyState>{t('reviews.empty')}</EmptyState>;
  return (
    <div className="board__scroll">
      <table className="board reviews" data-testid="reviews">
        <caption className="visually-hidden">{t('reviews.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('reviews.time')}</th>
            <th scope="col">{t('reviews.operator')}</th>
            <th scope="col">{t('reviews.flow')}</th>
            <th scope="col">{t('reviews.outcome')}</th>
            <th scope="col">{t('reviews.duration')}</th>
            <th scope="col">{t('reviews.status')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('board.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list.data.map((r) => {
            const status = r.scorecardStatus ?? 'none';
            const time = formatTime(r.startedAt, labels.language);
            return (
              <tr key={r.interactionId} data-testid={`review-${r.interactionId}`}>
                <td className="board__time">{time}</td>
                <th scope="row" className="board__name">
                  {r.operatorName}
                </th>
                <td>{labels.flow(r.flow)}</td>
                <td>{labels.outcome(r.outcome)}</td>
                <td className="board__time">{formatDuration(r.handleMs)}</td>
                <td>
                  <Badge tone={STATUS_TONE[status]}>{t(`reviews.statuses.${status}`)}</Badge>
                </td>
                <td>
                  <Button
                    size="sm"
                    aria-label={t('reviews.openOf', { name: r.operatorName, time })}
                    onClick={() => onOpen(r.interactionId)}
                  >
                    {t('reviews.open')}
                  </Button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
