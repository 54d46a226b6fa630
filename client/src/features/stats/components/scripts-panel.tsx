import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { RATES } from '@valore/shared/metrics/funnel';
import type { ScriptsOutput } from '@valore/shared/schemas/stats';
import { useTRPC } from '../../../lib/trpc';
import { formatCount, formatPercent, useLang } from '../format';
import { callOrder } from '../call-order';
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
      {data.comparisons.length > 0 && <ComparisonTable data={data} />}
      {data.objections.length > 0 && <ObjectionsTable data={data} />}
      <h3 className="stats-scripts__title">
        {t('scripts.dropOff')} <MetricInfo label={t('scripts.dropOff')} definition={t('scripts.dropOffDefinition')} />
      </h3>
      <div className="stats-scripts__flows">
        {flows.map((flow) => {
          const versions = [...new Set(data.steps.filter((s) => s.flow === flow).map((s) => s.scriptVersion))];
          return versions.map((version) => {
            const steps = data.steps
              .filter((s) => s.flow === flow && s.scriptVersion === version)
              .sort((a, b) => callOrder(a.step) - callOrder(b.step));
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

/** Each version against the flow's oldest one: the difference in conversion with its 95% interval and p-value. */
function ComparisonTable({ data }: { data: ScriptsOutput }) {
  const { t } = useTranslation('stats');
  const { locale } = useLang();
  const points = (x: number) =>
    t('scripts.points', {
      value: new Intl.NumberFormat(locale, { maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(x * 100),
    });
  return (
    <>
      <h3 className="stats-scripts__title">
        {t('scripts.comparison')}{' '}
        <MetricInfo label={t('scripts.comparison')} definition={t('scripts.comparisonDefinition')} />
      </h3>
      <table className="stats-table stats-table--compact" data-testid="script-comparison">
        <caption className="visually-hidden">{t('scripts.comparison')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('dims.flow')}</th>
            <th scope="col">{t('dims.scriptVersion')}</th>
            <th scope="col" className="stats-table__num">
              {t('scripts.difference')}
            </th>
            <th scope="col" className="stats-table__num">
              {t('scripts.interval')}
            </th>
            <th scope="col" className="stats-table__num">
              {t('scripts.pValue')}
            </th>
            <th scope="col">{t('scripts.verdict')}</th>
          </tr>
        </thead>
        <tbody>
          {data.comparisons.map((c) => (
            <tr key={`${c.flow}-${c.scriptVersion}`}>
              <th scope="row">{t(`flows.${c.flow}`)}</th>
              <td>
                {c.scriptVersion} {t('scripts.versus')} {c.baseline}
              </td>
              <td className="stats-table__num">{points(c.difference)}</td>
              <td className="stats-table__num">
                {points(c.low)} … {points(c.high)}
              </td>
              <td className="stats-table__num">
                {new Intl.NumberFormat(locale, { maximumFractionDigits: 3 }).format(c.pValue)}
              </td>
              <td>{c.significant ? t('scripts.significant') : t('scripts.noise')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/**
 * Objections by rebuttal: per version, how many contacts raised each prepared objection and how many the suggested
 * rebuttal kept (they still ended in value). Labels and rebuttals come from the version's definition.
 */
function ObjectionsTable({ data }: { data: ScriptsOutput }) {
  const { t } = useTranslation('stats');
  const { lang, locale } = useLang();
  const trpc = useTRPC();
  const definitions = useQuery({ ...trpc.scripts.versions.list.queryOptions(), staleTime: 60_000, retry: false });
  const prepared = (flow: string, version: string, code: string) =>
    definitions.data
      ?.find((v) => v.flow === flow && v.version === version)
      ?.definition.objections.find((o) => o.code === code);
  return (
    <>
      <h3 className="stats-scripts__title">
        {t('scripts.objections')}{' '}
        <MetricInfo label={t('scripts.objections')} definition={t('scripts.objectionsDefinition')} />
      </h3>
      <table className="stats-table stats-table--compact" data-testid="script-objections">
        <caption className="visually-hidden">{t('scripts.objections')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('dims.flow')}</th>
            <th scope="col">{t('dims.scriptVersion')}</th>
            <th scope="col">{t('scripts.objection')}</th>
            <th scope="col">{t('scripts.rebuttal')}</th>
            <th scope="col" className="stats-table__num">
              {t('scripts.raised')}
            </th>
            <th scope="col" className="stats-table__num">
              {t('scripts.kept')}
            </th>
          </tr>
        </thead>
        <tbody>
          {data.objections.map((o) => {
            const known = prepared(o.flow, o.scriptVersion, o.code);
            return (
              <tr key={`${o.flow}-${o.scriptVersion}-${o.code}`}>
                <th scope="row">{t(`flows.${o.flow}`)}</th>
                <td>{o.scriptVersion}</td>
                <td>{o.code === 'other' ? t('scripts.otherObjection') : (known?.label[lang] ?? o.code)}</td>
                <td className="stats-table__text">{known?.rebuttal[lang] ?? '—'}</td>
                <td className="stats-table__num">{formatCount(locale, o.raised)}</td>
                <td className="stats-table__num">
                  {formatCount(locale, o.kept)} ({formatPercent(locale, o.keptRate)})
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
