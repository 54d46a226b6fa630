import type { BoardOperator, BoardStats, BoardThresholds, ProductNames } from '@valore/shared/schemas/monitor';

export type BoardAlert =
  | { kind: 'stuck'; key: string; operator: BoardOperator; step: string; elapsedMs: number }
  | { kind: 'long'; key: string; operator: BoardOperator; elapsedMs: number; thresholdMs: number }
  | { kind: 'callMeNow'; key: string; productCode: string; productName: ProductNames; leftMs: number };

/** The long-contact threshold: the fixed one, or twice today's median handle time when that is longer. */
export function longContactThreshold(thresholds: BoardThresholds, medianHandleMs: number | null): number {
  return Math.max(
    thresholds.longContactMs,
    medianHandleMs === null ? 0 : medianHandleMs * thresholds.longContactMedianFactor,
  );
}

/** Alerts at `now` (server time), most urgent first: Call Me Now about to breach, then long contacts, then stuck steps. */
export function computeAlerts(
  operators: readonly BoardOperator[],
  stats: BoardStats,
  thresholds: BoardThresholds,
  now: number,
): BoardAlert[] {
  const alerts: BoardAlert[] = [];
  for (const c of stats.callMeNow) {
    const leftMs = Date.parse(c.dueBy) - now;
    if (leftMs < thresholds.callMeNowWarnMs)
      alerts.push({
        kind: 'callMeNow',
        key: `cmn-${c.id}`,
        productCode: c.productCode,
        productName: c.productName,
        leftMs,
      });
  }
  const longMs = longContactThreshold(thresholds, stats.medianHandleMs);
  for (const operator of operators) {
    if (operator.state !== 'on_contact') continue;
    const inContact = now - Date.parse(operator.since);
    if (inContact > longMs)
      alerts.push({
        kind: 'long',
        key: `long-${operator.userId}`,
        operator,
        elapsedMs: inContact,
        thresholdMs: longMs,
      });
    if (operator.step && operator.stepSince) {
      const inStep = now - Date.parse(operator.stepSince);
      if (inStep > thresholds.stuckStepMs)
        alerts.push({
          kind: 'stuck',
          key: `stuck-${operator.userId}`,
          operator,
          step: operator.step,
          elapsedMs: inStep,
        });
    }
  }
  const rank = { callMeNow: 0, long: 1, stuck: 2 } as const;
  return alerts.sort(
    (a, b) =>
      rank[a.kind] - rank[b.kind] || (a.kind === 'callMeNow' && b.kind === 'callMeNow' ? a.leftMs - b.leftMs : 0),
  );
}
