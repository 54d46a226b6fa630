import { useTranslation } from 'react-i18next';
import { RATES } from '@valore/shared/metrics/funnel';
import type { ScriptsOutput } from '@valore/shared/schemas/stats';
import { formatCount, formatPercent, useLang } from '../format';
import { MetricInfo } from './metric-info';

/** Conversion per script version, and per step: how many contacts entered it and how many were lost there. */
export function ScriptsPanel({ data }: { data: ScriptsOutput }) {
  const { t } = useTranslation('stats');
  const { lang, locale } = useLang();
  const conversion = RATES.find((r) => r.id === 'conversionRate');
  const flows = [...new Set(data.versions.map((v) => v.flow))];
  if (data.versions.length === 0) return <p className="ui-empty">{t('scripts.empty')}</p>;
  return (
    <div className="stats-scripts">
      <table className="stats-table stats-table--compact">
        <caption className="visually-hidden">{t('scripts.versions')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('dims.flow')}</th>
            <th scope="col">{t('dims.scriptVersion')}</th>
            <th scope="col" className="stats-table__num">
              {t('scripts.handled')}
            </th>
            <th scope="col" className="stats-table__num">
              {conversion?.label[lang]}{' '}
              {conversion && <MetricInfo label={conversion.label[lang]} definition={conversion.definition[lang]} />}
            </th>
          </tr>
        </thead>
        <tbody>
          {data.versions.map((v) => (
            <tr key={`${v.flow}-${v.scriptVersion}`}>
              <th scope="row">{t(`flows.${v.flow}`)}</th>
              <td>{v.scriptVersion}</td>
              <td className="stats-table__num">{formatCount(locale, v.stages.handled)}</td>
              <td className="stats-table__num">{formatPercent(locale, v.rates.conversionRate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3 className="stats-scripts__title">
        {t('scripts.dropOff')} <MetricInfo label={t('scripts.dropOff')} definition={t('scripts.dropOffDefinition')} />
      </h3>
      <div className="stats-scripts__flows">
        {flows.map((flow) => {
          const versions = [...new Set(data.steps.filter((s) => s.flow === flow).map((s) => s.scriptVersion))];
          return versions.map((version) => {
            const steps = data.steps
              .filter((s) => s.flow === flow && s.scriptVersion === version)
              .sort((a, b) => b.entered - a.entered);
            const max = Math.max(1, ...steps.map((s) => s.entered));
            return (
              <div key={`${flow}-${version}`} className="stats-steps">
                <h4 className="stats-steps__title">
                  {t(`flows.${flow}`)} · v{version}
                </h4>
                <ul className="stats-steps__list">
                  {steps.map((s) => (
                    <li key={s.step} className="stats-steps__row">
                      <span className="stats-steps__name">{t(`steps.${s.step}`, { defaultValue: s.step })}</span>
                      <svg
                        className="stats-steps__bar"
                        viewBox="0 0 100 8"
                        preserveAspectRatio="none"
                        aria-hidden="true"
                      >
                        <rect x="0" y="0" width={(s.entered / max) * 100} height="8" className="stats-steps__entered" />
                        <rect x="0" y="0" width={(s.lost / max) * 100} height="8" className="stats-steps__lost" />
                      </svg>
                      <span className="stats-steps__numbers">
                        {t('scripts.lostOf', {
                          lost: formatCount(locale, s.lost),
                          entered: formatCount(locale, s.entered),
                          rate: formatPercent(locale, s.dropOff),
                        })}
                      </span>
                    </li>
                  ))}
                </ul>
              </div>
            );
          });
        })}
      </div>
    </div>
  );
}
