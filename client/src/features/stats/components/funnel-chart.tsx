import { FUNNEL_STAGES, type FunnelStageId } from '@valore/shared/metrics/funnel';
import type { ConversionRow } from '@valore/shared/schemas/stats';
import { useTranslation } from 'react-i18next';
import { formatCount, formatPercent, useLang } from '../format';
import { MetricInfo } from './metric-info';

/** Hand-made horizontal funnel: one bar per stage, its share of the first stage, and the step-to-step rate. */
export function FunnelChart({ row, onDrill }: { row: ConversionRow; onDrill: (stage: FunnelStageId) => void }) {
  const { t } = useTranslation('stats');
  const { lang, locale } = useLang();
  const top = row.stages.handled || 1;
  return (
    <ol className="stats-funnel" aria-label={t('funnel.aria')}>
      {FUNNEL_STAGES.map((stage, i) => {
        const value = row.stages[stage.id];
        const previous = i === 0 ? null : row.stages[FUNNEL_STAGES[i - 1]?.id ?? 'handled'];
        const width = Math.max(0.5, (value / top) * 100);
        return (
          <li key={stage.id} className="stats-funnel__stage">
            <div className="stats-funnel__label">
              <span>{stage.label[lang]}</span>
              <MetricInfo label={stage.label[lang]} definition={stage.definition[lang]} />
            </div>
            <div className="stats-funnel__track">
              <svg className="stats-funnel__bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                <rect
                  x={(100 - width) / 2}
                  y="0"
                  width={width}
                  height="10"
                  rx="1.5"
                  className={`stats-funnel__fill stats-funnel__fill--${i}`}
                />
              </svg>
            </div>
            <button
              type="button"
              className="stats-link stats-funnel__value"
              onClick={() => onDrill(stage.id)}
              aria-label={t('drill.open', { what: stage.label[lang], count: value })}
            >
              {formatCount(locale, value)}
            </button>
            <span className="stats-funnel__rate">
              {previous === null
                ? ''
                : t('funnel.ofPrevious', { rate: formatPercent(locale, previous > 0 ? value / previous : null) })}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
