import type {
  ConversionRow,
  DrillStage,
  InteractionsInput,
  StatsFilters,
  StatsGroupBy,
} from '@valore/shared/schemas/stats';

export type DrillQuery = Omit<InteractionsInput, 'cursor' | 'limit'>;

/** The filters and cell that select exactly the contacts behind one breakdown row. */
export function drillOf(
  base: { from: string; to: string } & StatsFilters,
  groupBy: readonly StatsGroupBy[],
  row: Pick<ConversionRow, 'key'> | null,
  stage: DrillStage,
): DrillQuery {
  const q: DrillQuery = { ...base, stage };
  if (!row) return q;
  const cell: NonNullable<DrillQuery['cell']> = {};
  for (const dim of groupBy) {
    const v = row.key[dim];
    if (v === null || v === undefined) continue;
    switch (dim) {
      case 'flow':
        q.flow = v as DrillQuery['flow'];
        break;
      case 'operator':
        q.operatorId = Number(v);
        break;
      case 'site':
        q.siteId = Number(v);
        break;
      case 'scriptVersion':
        q.scriptVersion = String(v);
        break;
      case 'campaign':
        cell.campaign = Number(v);
        break;
      case 'team':
        cell.team = Number(v);
        break;
      case 'product':
        cell.product = String(v);
        break;
      case 'day':
        cell.day = String(v);
        break;
      case 'week':
        cell.week = String(v);
        break;
      case 'macroArea':
        cell.macroArea = String(v);
        break;
      case 'province':
        cell.province = String(v);
        break;
    }
  }
  if (Object.keys(cell).length) q.cell = cell;
  return q;
}

/** Saves text as a file in the browser (shared with the training page). */
export { download } from '../../lib/download';
