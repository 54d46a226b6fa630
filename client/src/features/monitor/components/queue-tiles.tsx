import { useTranslation } from 'react-i18next';
import type { QueueTile } from '@valore/shared/schemas/monitor';
import { EmptyState } from '../../../components/ui/panel';
import { formatDuration, localeOf } from '../format';

/**
 * The site's queues in work.next's order (Call Me Now, callbacks, lead follow-ups, each active campaign), one tile each:
 * how many wait, how many are late, the longest wait, the next due-by and today's service level. Each tile is a figure
 * named by its caption, its numbers a description list, so a screen reader reads "In attesa: 3". Live: the board
 * stream brings new figures, `now` (server time) moves the waits.
 */
export function QueueTiles({ queues, now }: { queues: readonly QueueTile[]; now: number }) {
  const { t, i18n } = useTranslation('monitor');
  if (queues.length === 0) return <EmptyState>{t('connection.connecting')}</EmptyState>;
  const percent = new Intl.NumberFormat(localeOf(i18n.language), { style: 'percent', maximumFractionDigits: 0 });
  const name = (q: QueueTile) =>
    q.kind === 'campaign' ? t('queues.kinds.campaign', { name: q.campaignName ?? '' }) : t(`queues.kinds.${q.kind}`);
  return (
    <ul className="queue-tiles" data-testid="queue-tiles">
      {queues.map((q) => {
        const captionId = `queue-tile-${q.key.replace(/\W/g, '-')}`;
        const late = q.late ?? 0;
        const due = q.nearestDueBy === null ? null : Date.parse(q.nearestDueBy) - now;
        return (
          <li key={q.key}>
            <figure
              className={late > 0 ? 'queue-tile queue-tile--late' : 'queue-tile'}
              aria-labelledby={captionId}
              data-testid={`queue-tile-${q.key}`}
            >
              <figcaption id={captionId} className="queue-tile__name">
                {name(q)}
                <span className="queue-tile__hint">{t(`queues.kindHints.${q.kind}`)}</span>
              </figcaption>
              <dl className="queue-tile__figures">
                <div className="queue-tile__main">
                  <dt>{t('queues.waiting')}</dt>
                  <dd data-testid="queue-waiting">{q.waiting}</dd>
                </div>
                <div className={late > 0 ? 'queue-tile__main queue-tile__main--late' : 'queue-tile__main'}>
                  <dt>{t('queues.late')}</dt>
                  <dd data-testid="queue-late">{q.late === null ? t('queues.notApplicable') : q.late}</dd>
                </div>
                <div>
                  <dt>{t('queues.held')}</dt>
                  <dd>{q.held}</dd>
                </div>
                <div>
                  <dt>{t('queues.oldest')}</dt>
                  <dd>
                    {q.oldestWaitingSince === null
                      ? t('queues.none')
                      : formatDuration(now - Date.parse(q.oldestWaitingSince))}
                  </dd>
                </div>
                {q.kind !== 'campaign' && (
                  <div>
                    <dt>{t('queues.nearestDue')}</dt>
                    <dd>
                      {due === null
                        ? t('queues.none')
                        : due >= 0
                          ? t('queues.dueIn', { duration: formatDuration(due) })
                          : t('queues.overdueBy', { duration: formatDuration(-due) })}
                    </dd>
                  </div>
                )}
                <div>
                  <dt>{t('queues.serviceLevel')}</dt>
                  <dd data-testid="queue-sl">
                    {q.slTotal === null || q.slWithin === null ? (
                      t('queues.notApplicable')
                    ) : q.slTotal === 0 ? (
                      t('queues.none')
                    ) : (
                      <>
                        <strong>{percent.format(q.slWithin / q.slTotal)}</strong>
                        <span className="queue-tile__sub">
                          {t('queues.slValue', { within: q.slWithin, total: q.slTotal })}
                        </span>
                      </>
                    )}
                  </dd>
                </div>
              </dl>
            </figure>
          </li>
        );
      })}
    </ul>
  );
}
