import { useTranslation } from 'react-i18next';
import type { BoardThresholds } from '@valore/shared/schemas/monitor';
import { EmptyState } from '../../../components/ui/panel';
import type { BoardAlert } from '../alerts';
import { formatDuration } from '../format';
import { useLabels } from '../labels';

export function AlertsPanelBody({
  alerts,
  thresholds,
  longMs,
}: {
  alerts: readonly BoardAlert[];
  thresholds: BoardThresholds | null;
  longMs: number;
}) {
  const { t } = useTranslation('monitor');
  const labels = useLabels();
  const lang = labels.language.startsWith('en') ? 'en' : 'it';
  // the product's name in the reader's language (the code only when the catalogue no longer has it)
  const product = (a: Extract<BoardAlert, { kind: 'callMeNow' }>) =>
    a.productName?.[lang] ?? (a.productCode || t('alerts.noProduct'));
  return (
    <div className="alerts">
      {alerts.length === 0 ? (
        <EmptyState>{t('alerts.empty')}</EmptyState>
      ) : (
        <ul className="alerts__list" data-testid="alerts">
          {alerts.map((a) => (
            <li key={a.key} className={`alerts__item alerts__item--${a.kind}`}>
              <span className="alerts__icon" aria-hidden="true">
                {a.kind === 'callMeNow' ? '☎' : '⚠'}
              </span>
              <span>
                {a.kind === 'stuck'
                  ? t('alerts.stuck', {
                      name: a.operator.displayName,
                      step: labels.step(a.step),
                      duration: formatDuration(a.elapsedMs),
                    })
                  : a.kind === 'long'
                    ? t('alerts.long', {
                        name: a.operator.displayName,
                        duration: formatDuration(a.elapsedMs),
                        threshold: formatDuration(a.thresholdMs),
                      })
                    : a.leftMs >= 0
                      ? t('alerts.callMeNow', { product: product(a), duration: formatDuration(a.leftMs) })
                      : t('alerts.callMeNowBreached', { product: product(a), duration: formatDuration(-a.leftMs) })}
              </span>
            </li>
          ))}
        </ul>
      )}
      {thresholds && (
        <p className="alerts__note">
          {t('alerts.thresholds', { stuck: formatDuration(thresholds.stuckStepMs), long: formatDuration(longMs) })}
        </p>
      )}
    </div>
  );
}
