import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FUNNEL_STAGES, RATES, type FunnelStageId, type RateId } from '@valore/shared/metrics/funnel';
import type { ConversionRow, StatsGroupBy } from '@valore/shared/schemas/stats';
import { formatCount, formatRate, useLang } from '../format';
import { MetricInfo } from './metric-info';

const SHOWN_RATES: RateId[] = [
  'reachRate',
  'proposalConversion',
  'conversionRate',
  'realisationRate',
  'avgHandleSeconds',
];
type SortKey = { kind: 'dim'; dim: StatsGroupBy } | { kind: 'stage'; id: FunnelStageId } | { kind: 'rate'; id: RateId };

function sameKey(a: SortKey, b: SortKey): boolean {
  return (
    a.kind === b.kind && (a.kind === 'dim' ? a.dim === (b as { dim: string }).dim : a.id === (b as { id: string }).id)
  );
}

/** Sortable breakdown; every count opens the list of contacts behind it. */
export function BreakdownTable({
  rows,
  total,
  groupBy,
  label,
  onDrill,
}: {
  rows: ConversionRow[];
  total: ConversionRow;
  groupBy: readonly StatsGroupBy[];
  label: (dim: StatsGroupBy, row: ConversionRow) => string;
  onDrill: (row: ConversionRow | null, stage: FunnelStageId) => void;
}) {
  const { t } = useTranslation('stats');
  const { lang, locale } = useLang();
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({
    key: { kind: 'stage', id: 'handled' },
    desc: true,
  });

  const value = (row: ConversionRow, key: SortKey): string | number => {
    if (key.kind === 'dim') return label(key.dim, row);
    if (key.kind === 'stage') return row.stages[key.id];
    return row.rates[key.id] ?? -1;
  };
  const sorted = [...rows].sort((a, b) => {
    const x = value(a, sort.key);
    const y = value(b, sort.key);
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), locale);
    return sort.desc ? -c : c;
  });
  const header = (key: SortKey, text: string, info?: string) => {
    const active = sameKey(sort.key, key);
    return (
      <th
        scope="col"
        aria-sort={active ? (sort.desc ? 'descending' : 'ascending') : 'none'}
        className={key.kind === 'dim' ? '' : 'stats-table__num'}
      >
        <button
          type="button"
          className="stats-table__sort"
          onClick={() => setSort({ key, desc: active ? !sort.desc : key.kind !== 'dim' })}
        >
          {text}
          <span aria-hidden="true" className="stats-table__arrow">
            {active ? (sort.desc ? '▼' : '▲') : ''}
          </span>
        </button>
        {info && <MetricInfo label={text} definition={info} />}
      </th>
    );
  };
  const cell = (row: ConversionRow | null, r: ConversionRow, id: FunnelStageId) => (
    <td className="stats-table__num">
      {r.stages[id] > 0 ? (
        <button
          type="button"
          className="stats-link"
          onClick={() => onDrill(row, id)}
          aria-label={t('drill.open', {
            what: FUNNEL_STAGES.find((s) => s.id === id)?.label[lang] ?? id,
            count: r.stages[id],
          })}
        >
          {formatCount(locale, r.stages[id])}
        </button>
      ) : (
        formatCount(locale, 0)
      )}
    </td>
  );
  return (
    <div className="stats-table-wrap">
      <table className="stats-table">
        <caption className="visually-hidden">{t('breakdown.caption')}</caption>
        <thead>
          <tr>
            {groupBy.map((dim) => header({ kind: 'dim', dim }, t(`dims.${dim}`)))}
            {FUNNEL_STAGES.map((s) => header({ kind: 'stage', id: s.id }, s.label[lang], s.definition[lang]))}
            {SHOWN_RATES.map((id) => {
              const r = RATES.find((x) => x.id === id);
              return r ? header({ kind: 'rate', id }, r.label[lang], r.definition[lang]) : null;
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.map((row) => (
            <tr key={JSON.stringify(row.key)}>
              {groupBy.map((dim) => (
                <th scope="row" key={dim}>
                  {label(dim, row)}
                </th>
              ))}
              {FUNNEL_STAGES.map((s) => cell(row, row, s.id))}
              {SHOWN_RATES.map((id) => (
                <td key={id} className="stats-table__num">
                  {formatRate(locale, id, row.rates[id])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={Math.max(1, groupBy.length)}>
              {t('breakdown.total')}
            </th>
            {FUNNEL_STAGES.map((s) => cell(null, total, s.id))}
            {SHOWN_RATES.map((id) => (
              <td key={id} className="stats-table__num" data-testid={`total-${id}`}>
                {formatRate(locale, id, total.rates[id])}
              </td>
            ))}
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
