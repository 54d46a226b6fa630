import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BoardOperator } from '@valore/shared/schemas/monitor';
import { Button } from '../../../components/ui/button';
import { EmptyState } from '../../../components/ui/panel';
import { formatDuration } from '../format';
import { useLabels } from '../labels';
import { StateBadge } from './state-badge';

type SortKey = 'name' | 'state' | 'inState' | 'inStep';
type Sort = { key: SortKey; dir: 'asc' | 'desc' };

// Busy states first when sorting by state: that is where a tutor looks.
const STATE_ORDER: Record<BoardOperator['state'], number> = {
  on_contact: 0,
  after_call_work: 1,
  paused: 2,
  ready: 3,
  signed_out: 4,
};

function compare(a: BoardOperator, b: BoardOperator, key: SortKey, now: number): number {
  switch (key) {
    case 'name':
      return a.displayName.localeCompare(b.displayName);
    case 'state':
      return STATE_ORDER[a.state] - STATE_ORDER[b.state] || a.displayName.localeCompare(b.displayName);
    case 'inState':
      return now - Date.parse(a.since) - (now - Date.parse(b.since));
    case 'inStep':
      return (a.stepSince ? now - Date.parse(a.stepSince) : -1) - (b.stepSince ? now - Date.parse(b.stepSince) : -1);
  }
}

export function BoardTable({
  operators,
  now,
  selectedId,
  onSelect,
}: {
  operators: readonly BoardOperator[];
  now: number;
  selectedId: number | null;
  onSelect: (userId: number) => void;
}) {
  const { t } = useTranslation('monitor');
  const labels = useLabels();
  const [sort, setSort] = useState<Sort>({ key: 'state', dir: 'asc' });
  if (operators.length === 0) return <EmptyState>{t('board.empty')}</EmptyState>;
  const rows = [...operators].sort((a, b) => (sort.dir === 'asc' ? 1 : -1) * compare(a, b, sort.key, now));

  const header = (key: SortKey, label: string) => {
    const active = sort.key === key;
    return (
      <th scope="col" aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
        <button
          type="button"
          className="board__sort"
          aria-label={t('board.sortBy', { column: label })}
          onClick={() =>
            setSort(
              active
                ? { key, dir: sort.dir === 'asc' ? 'desc' : 'asc' }
                : { key, dir: key === 'inState' || key === 'inStep' ? 'desc' : 'asc' },
            )
          }
        >
          {label}
          <span aria-hidden="true" className="board__sort-icon">
            {active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}
          </span>
        </button>
      </th>
    );
  };

  return (
    <div className="board__scroll">
      <table className="board" data-testid="board">
        <caption className="visually-hidden">{t('board.caption')}</caption>
        <thead>
          <tr>
            {header('name', t('board.operator'))}
            {header('state', t('board.state'))}
            <th scope="col">{t('board.step')}</th>
            {header('inState', t('board.inState'))}
            {header('inStep', t('board.inStep'))}
            <th scope="col" className="board__num">
              {t('board.contacts')}
            </th>
            <th scope="col">{t('board.outcomes')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('board.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((o) => (
            <tr
              key={o.userId}
              data-testid={`board-row-${o.username}`}
              data-state={o.state}
              className={o.userId === selectedId ? 'board__row--selected' : undefined}
            >
              <th scope="row" className="board__name">
                {o.displayName}
                <span className="board__username">{o.username}</span>
              </th>
              <td>
                <StateBadge operator={o} />
              </td>
              <td data-testid="board-step">
                {o.state === 'on_contact' || o.state === 'after_call_work' ? (
                  <>
                    <span className="board__flow">{labels.flow(o.flow)}</span>
                    {o.step && <span className="board__step">{labels.step(o.step)}</span>}
                  </>
                ) : (
                  <span aria-hidden="true">—</span>
                )}
              </td>
              <td className="board__time">
                {o.state === 'signed_out' ? '—' : formatDuration(now - Date.parse(o.since))}
              </td>
              <td className="board__time">
                {o.state === 'on_contact' && o.stepSince ? formatDuration(now - Date.parse(o.stepSince)) : '—'}
              </td>
              <td className="board__num">{o.today.contacts}</td>
              <td>
                <span aria-label={t('board.outcomesLabel', { ...o.today })}>
                  {t('board.outcomesValue', { ...o.today })}
                </span>
              </td>
              <td>
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label={t('board.detailsOf', { name: o.displayName })}
                  onClick={() => onSelect(o.userId)}
                >
                  {t('board.details')}
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
