import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Skeleton } from '../../../components/ui/spinner';
import { useTRPC } from '../../../lib/trpc';
import { clock, outcomeTone, useFormat } from '../format';
import { removePending, usePendingInteractions } from '../hooks/pending-queue';

/** Interactions completed while the server was unreachable: waiting, or refused (to read and discard). */
export function PendingList({ onRetry }: { onRetry: () => void }) {
  const { t } = useTranslation('console');
  const fmt = useFormat();
  const pending = usePendingInteractions();
  if (pending.length === 0) return null;
  return (
    <section className="pending" aria-labelledby="pending-title" data-testid="pending-interactions">
      <h3 id="pending-title" className="side__heading">
        {t('pending.title')} <Badge tone="warning">{pending.length}</Badge>
      </h3>
      <p className="side__hint">{t('pending.hint')}</p>
      <ul className="pending__list">
        {pending.map((p) => (
          <li key={p.input.clientId} className={p.failed ? 'pending__item is-failed' : 'pending__item'}>
            <div className="pending__what">
              <span className="pending__name">{p.customerName ?? t('script.customerFallback')}</span>
              <Badge tone={outcomeTone(p.input.outcome)}>{t(`outcomes.${p.input.outcome}`)}</Badge>
            </div>
            <span className="side__hint">
              {fmt.dateTime(p.input.endedAt)} ·{' '}
              {p.failed ? t('pending.failed') : t('pending.waiting', { count: p.attempts })}
            </span>
            {p.failed && p.errorKey && <span className="ui-field__error">{t(p.errorKey, { ns: 'translation' })}</span>}
            {p.failed && (
              <Button size="sm" variant="danger" onClick={() => removePending(p.input.clientId)}>
                {t('pending.discard')}
              </Button>
            )}
          </li>
        ))}
      </ul>
      {pending.some((p) => !p.failed) && (
        <Button size="sm" onClick={onRetry}>
          {t('pending.retry')}
        </Button>
      )}
    </section>
  );
}

/** The operator's last contacts, newest first. */
export function RecentInteractions() {
  const { t } = useTranslation('console');
  const fmt = useFormat();
  const trpc = useTRPC();
  const mine = useQuery(trpc.interactions.mine.queryOptions({ limit: 6 }));
  return (
    <section className="recent" aria-labelledby="recent-title">
      <h3 id="recent-title" className="side__heading">
        {t('recent.title')}
      </h3>
      {mine.isPending ? (
        <Skeleton lines={3} />
      ) : mine.isError || mine.data.length === 0 ? (
        <p className="side__hint">{mine.isError ? t('recent.unavailable') : t('recent.empty')}</p>
      ) : (
        <ul className="recent__list" data-testid="recent-interactions">
          {mine.data.map((i) => (
            <li key={i.id} className="recent__item">
              <div className="pending__what">
                <span className="pending__name">{i.customerName ?? t('script.customerFallback')}</span>
                <Badge tone={outcomeTone(i.outcome)}>{t(`outcomes.${i.outcome}`)}</Badge>
              </div>
              <span className="side__hint">
                {fmt.time(i.startedAt)} · {t(`flows.${i.flow}`)} · {clock(i.handleMs)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
