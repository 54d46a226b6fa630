import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Skeleton } from '../../../components/ui/spinner';
import { useTRPC } from '../../../lib/trpc';
import { useFormat } from '../format';

const POLL_MS = 30_000;

/**
 * "I miei impegni": the callbacks this operator agreed and the leads they own, by due time. Each is offered to them
 * alone until a grace period after it is due (then to the site); the due ones can be taken at once.
 */
export function MyPromises({
  onTake,
  busy,
  canTake,
}: {
  onTake: (id: string) => void;
  busy: boolean;
  canTake: boolean;
}) {
  const { t } = useTranslation('console');
  const fmt = useFormat();
  const trpc = useTRPC();
  const mine = useQuery(trpc.work.mine.queryOptions(undefined, { refetchInterval: POLL_MS }));
  const products = useQuery(trpc.scripts.catalogue.queryOptions(undefined, { staleTime: 300_000 }));
  const productName = (code: string | null) => {
    if (!code) return t('promises.noProduct');
    const product = products.data?.find((p) => p.code === code);
    return product ? product.name[fmt.lang] : code;
  };
  return (
    <section className="promises" aria-labelledby="promises-title" data-testid="my-promises">
      <h3 id="promises-title" className="side__heading">
        {t('promises.title')} {mine.data && mine.data.length > 0 && <Badge tone="info">{mine.data.length}</Badge>}
      </h3>
      {mine.isPending ? (
        <Skeleton lines={2} />
      ) : mine.isError ? (
        <p className="side__hint">{t('promises.unavailable')}</p>
      ) : mine.data.length === 0 ? (
        <p className="side__hint">{t('promises.empty')}</p>
      ) : (
        <ul className="promises__list">
          {mine.data.map((p) => (
            <li key={p.id} className={p.due ? 'promises__item is-due' : 'promises__item'} data-promise-id={p.id}>
              <div className="pending__what">
                <span className="pending__name">{p.customerName ?? p.phoneMasked}</span>
                <Badge tone={p.held ? 'info' : p.due ? 'warning' : 'neutral'}>
                  {p.held ? t('promises.held') : p.due ? t('promises.due') : t(`promises.kinds.${p.kind}`)}
                </Badge>
              </div>
              <span className="side__hint">
                <time dateTime={p.dueAt}>{fmt.dateTime(p.dueAt)}</time> · {productName(p.productCode)}
              </span>
              {p.due && !p.held && (
                <Button
                  size="sm"
                  onClick={() => onTake(p.id)}
                  busy={busy}
                  disabled={!canTake}
                  aria-label={t('promises.takeLabel', { name: p.customerName ?? p.phoneMasked })}
                >
                  {t('promises.take')}
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
