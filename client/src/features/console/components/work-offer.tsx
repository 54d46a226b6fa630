import { useEffect, useEffectEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../../components/ui/alert';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Kbd } from '../../../components/ui/kbd';
import { clock, isTypingTarget, useFormat } from '../format';
import { useConsole } from '../hooks/console-store';
import { useWorkOffer } from '../hooks/use-work-offer';

/**
 * The contact the server pushes to this Ready operator: it rings here (and, when switched on, with a sound) with why
 * it is urgent — the kind, the product, the service-level deadline counting down — and how long is left to take it;
 * `A` accepts (or Enter on the focused button), `R` declines. Unanswered, it goes to the next Ready operator and this
 * one is paused: the notice then says so.
 */
export function WorkOfferNotice() {
  const { t } = useTranslation('console');
  const fmt = useFormat();
  const { products, status } = useConsole();
  const o = useWorkOffer();
  const offer = o.offer;

  const onKey = useEffectEvent((event: KeyboardEvent) => {
    if (!offer || event.ctrlKey || event.metaKey || event.altKey || isTypingTarget(event.target)) return;
    const key = event.key.toLowerCase();
    if (key !== 'a' && key !== 'r') return;
    event.preventDefault();
    if (key === 'a') o.accept();
    else o.decline();
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKey(event);
    document.addEventListener('keydown', listener);
    return () => document.removeEventListener('keydown', listener);
  }, []);

  if (!offer) {
    if (o.error) return <Alert tone="error">{t(o.error, { ns: 'translation' })}</Alert>;
    // said until the operator is Ready again
    if ((o.ended === 'expired' || o.ended === 'declined') && status?.state !== 'ready')
      return (
        <Alert tone="warning">
          <span role="status">{t(o.ended === 'expired' ? 'offer.expired' : 'offer.declined')}</span>{' '}
          <Button size="sm" variant="ghost" onClick={o.dismissEnded}>
            {t('offer.dismiss')}
          </Button>
        </Alert>
      );
    return null;
  }
  const { item } = offer;
  const product = products.find((p) => p.code === item.presetProductCode);
  const total = Date.parse(offer.expiresAt) - Date.parse(offer.offeredAt);
  const dueIn = item.dueBy ? Date.parse(item.dueBy) - o.now : null;
  const kind = item.mode === 'now' ? t('queue.modes.now') : t(`queue.kinds.${item.kind}`);
  return (
    <section
      className="work-offer"
      role="alertdialog"
      aria-modal="false"
      aria-labelledby="work-offer-title"
      aria-describedby="work-offer-why"
      data-testid="work-offer"
    >
      <div className="work-offer__main">
        <h2 id="work-offer-title" className="work-offer__title">
          {t('offer.title', { who: item.customerName ?? t('script.customerFallback') })}
        </h2>
        <p id="work-offer-why" className="work-offer__why">
          <Badge tone={item.mode === 'now' ? 'warning' : 'info'}>{kind}</Badge>{' '}
          {product ? t('offer.product', { product: product.name[fmt.lang] }) : null}
          {item.campaignName ? ` · ${item.campaignName}` : ''}
          {dueIn !== null && (
            <strong className={dueIn < 60_000 ? 'work-offer__due work-offer__due--late' : 'work-offer__due'}>
              {' · '}
              {dueIn > 0 ? t('offer.dueIn', { time: clock(dueIn) }) : t('offer.late', { time: clock(-dueIn) })}
            </strong>
          )}
        </p>
        <p className="work-offer__timer">
          {t('offer.left', { seconds: Math.ceil(o.left / 1000) })}
          <span className="work-offer__bar" aria-hidden="true">
            <span style={{ width: `${Math.max(0, Math.min(100, (o.left / total) * 100))}%` }} />
          </span>
        </p>
      </div>
      <div className="work-offer__actions">
        <Button variant="primary" autoFocus busy={o.busy} onClick={o.accept} aria-keyshortcuts="A" icon={<Kbd>A</Kbd>}>
          {t('offer.accept')}
        </Button>
        <Button variant="secondary" disabled={o.busy} onClick={o.decline} aria-keyshortcuts="R" icon={<Kbd>R</Kbd>}>
          {t('offer.decline')}
        </Button>
      </div>
    </section>
  );
}
