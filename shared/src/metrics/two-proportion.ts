/**
 * The difference between two conversion rates with its 95% confidence interval (Wald, unpooled standard error) and the
 * two-sided p-value of the pooled two-proportion z-test: what a team lead needs to tell a script version that converts
 * better from noise (docs/scripts.md). Null where a side has no contact.
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

export function compareProportions(
  a: { successes: number; total: number },
  b: { successes: number; total: number },
): ProportionDifference | null {
  if (a.total <= 0 || b.total <= 0) return null;
  const pa = a.successes / a.total;
  const pb = b.successes / b.total;
  const difference = pa - pb;
  const se = Math.sqrt((pa * (1 - pa)) / a.total + (pb * (1 - pb)) / b.total);
  const pooled = (a.successes + b.successes) / (a.total + b.total);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / a.total + 1 / b.total));
  const z = sePooled === 0 ? 0 : difference / sePooled;
  const pValue = sePooled === 0 ? 1 : 2 * (1 - normalCdf(Math.abs(z)));
  return {
    difference,
    low: difference - Z_95 * se,
    high: difference + Z_95 * se,
    pValue,
    significant: pValue < 0.05,
  };
}
