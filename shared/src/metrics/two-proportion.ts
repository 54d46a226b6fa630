/**
 * The difference between two conversion rates with its 95% confidence interval and the two-sided p-value of the pooled
 * two-proportion z-test: what a team lead needs to tell a script version that converts better from noise
 * (docs/scripts.md). The interval is Newcombe's hybrid score interval (from each rate's Wilson interval): unlike the
 * textbook Wald interval it stays honest with few contacts or rates near 0 or 100% (Wald collapses to a point when
 * both rates are 100%). Null where a side has no contact.
 */
export interface ProportionDifference {
  /** rate of A minus rate of B */
  difference: number;
  low: number;
  high: number;
  pValue: number;
  /** the interval leaves out zero (p < 0.05) */
  significant: boolean;
}

const Z_95 = 1.959963984540054;

/** Standard normal CDF (Zelen & Severo 26.2.17, |error| < 7.5e-8). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(z));
  const d = 0.3989422804014327 * Math.exp((-z * z) / 2);
  const tail = d * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return z >= 0 ? 1 - tail : tail;
}

/** Wilson's score interval of a proportion (95%). */
export function wilson(successes: number, total: number): [number, number] {
  const p = successes / total;
  const z2 = Z_95 * Z_95;
  const centre = (p + z2 / (2 * total)) / (1 + z2 / total);
  const half = (Z_95 * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total))) / (1 + z2 / total);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export function compareProportions(
  a: { successes: number; total: number },
  b: { successes: number; total: number },
): ProportionDifference | null {
  if (a.total <= 0 || b.total <= 0) return null;
  const pa = a.successes / a.total;
  const pb = b.successes / b.total;
  const difference = pa - pb;
  const [la, ua] = wilson(a.successes, a.total);
  const [lb, ub] = wilson(b.successes, b.total);
  const low = difference - Math.sqrt((pa - la) ** 2 + (ub - pb) ** 2);
  const high = difference + Math.sqrt((ua - pa) ** 2 + (pb - lb) ** 2);
  const pooled = (a.successes + b.successes) / (a.total + b.total);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / a.total + 1 / b.total));
  const z = sePooled === 0 ? 0 : difference / sePooled;
  const pValue = sePooled === 0 ? 1 : 2 * (1 - normalCdf(Math.abs(z)));
  return {
    difference,
    low,
    high,
    pValue,
    significant: pValue < 0.05,
  };
}
