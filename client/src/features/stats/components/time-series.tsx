import type { ConversionRow } from '@valore/shared/schemas/stats';
import { useTranslation } from 'react-i18next';
import { formatCount, formatDay, formatPercent, useLang } from '../format';

const W = 640;
const H = 200;
const PAD = { left: 44, right: 44, top: 12, bottom: 28 };

/**
 * Contacts handled (bars, left axis) and overall conversion (line, right axis) per day or week. Hand-made SVG; the
 * same numbers are in a visually hidden table for screen readers.
 */
export function TimeSeries({ rows, grain }: { rows: ConversionRow[]; grain: 'day' | 'week' }) {
  const { t } = useTranslation('stats');
  const { locale } = useLang();
  const points = rows
    .map((r) => ({ day: String(r.key[grain] ?? ''), handled: r.stages.handled, conversion: r.rates.conversionRate }))
    .sort((a, b) => (a.day < b.day ? -1 : 1));
  if (points.length === 0) return <p className="ui-empty">{t('trend.empty')}</p>;
  const maxHandled = Math.max(1, ...points.map((p) => p.handled));
  const maxRate = Math.max(0.01, ...points.map((p) => p.conversion ?? 0));
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const step = innerW / points.length;
  const barW = Math.max(1, step * 0.7);
  const y = (v: number) => PAD.top + innerH - (v / maxHandled) * innerH;
  const yr = (v: number) => PAD.top + innerH - (v / maxRate) * innerH;
  const line = points
    .map((p, i) => (p.conversion === null ? null : `${PAD.left + i * step + step / 2},${yr(p.conversion)}`))
    .filter(Boolean)
    .join(' ');
  const labelEvery = Math.ceil(points.length / 8);
  return (
    <figure className="stats-series">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t('trend.aria', { grain: t(`grain.${grain}`) })}>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line
              x1={PAD.left}
              x2={W - PAD.right}
              y1={PAD.top + innerH * (1 - f)}
              y2={PAD.top + innerH * (1 - f)}
              className="stats-series__grid"
            />
            <text x={PAD.left - 6} y={PAD.top + innerH * (1 - f) + 4} textAnchor="end" className="stats-series__axis">
              {formatCount(locale, Math.round(maxHandled * f))}
            </text>
            <text x={W - PAD.right + 6} y={PAD.top + innerH * (1 - f) + 4} className="stats-series__axis">
              {formatPercent(locale, maxRate * f)}
            </text>
          </g>
        ))}
        {points.map((p, i) => (
          <rect
            key={p.day}
            x={PAD.left + i * step + (step - barW) / 2}
            y={y(p.handled)}
            width={barW}
            height={PAD.top + innerH - y(p.handled)}
            className="stats-series__bar"
          >
            <title>{`${formatDay(locale, p.day)}: ${formatCount(locale, p.handled)} · ${formatPercent(locale, p.conversion)}`}</title>
          </rect>
        ))}
        <polyline points={line} className="stats-series__line" />
        {points.map((p, i) =>
          i % labelEvery === 0 ? (
            <text
              key={p.day}
              x={PAD.left + i * step + step / 2}
              y={H - 8}
              textAnchor="middle"
              className="stats-series__axis"
            >
              {formatDay(locale, p.day)}
            </text>
          ) : null,
        )}
      </svg>
      <figcaption className="stats-series__legend">
        <span className="stats-series__key stats-series__key--bar" aria-hidden="true" /> {t('trend.handled')}
        <span className="stats-series__key stats-series__key--line" aria-hidden="true" /> {t('trend.conversion')}
      </figcaption>
      <table className="visually-hidden">
        <caption>{t('trend.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t(`grain.${grain}`)}</th>
            <th scope="col">{t('trend.handled')}</th>
            <th scope="col">{t('trend.conversion')}</th>
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.day}>
              <th scope="row">{formatDay(locale, p.day)}</th>
              <td>{formatCount(locale, p.handled)}</td>
              <td>{formatPercent(locale, p.conversion)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
