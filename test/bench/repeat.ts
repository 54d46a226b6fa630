// npm run bench -- --repeat N: one figure over N runs. Every section reports its figures the same way (lib.ts Figure:
// a value, maybe a limit and a ratio, a target and whether this run met it), so the runs are combined here, once, for
// all sections: min / median / max of each number, and "met in k of N". A target counts as met only when every run
// met it — a figure that holds in half the runs is not a figure the product can promise (issue 15).
import type { Figure } from './lib';

export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** A figure over N runs: the fields of Figure (value, limitValue and ratio are the medians) plus the spread. */
export interface RepeatedFigure extends Figure {
  /** runs of its section (N), including runs where the section failed (they count as not met) */
  runs: number;
  /** runs whose figure met the target (k); null when the figure has no target */
  metRuns: number | null;
  spread: { value: Spread; limitValue?: Spread; ratio?: Spread };
  /** each run's own figure, in run order (a failed run has none) */
  perRun: Figure[];
}

export function spreadOf(values: number[]): Spread {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return { min: Number.NaN, median: Number.NaN, max: Number.NaN };
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2
      ? (sorted[mid] ?? Number.NaN)
      : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
  return { min: sorted[0] ?? Number.NaN, median, max: sorted.at(-1) ?? Number.NaN };
}

/** The longest common start of the runs' names: a name with a run-specific remark keeps only the shared part. */
function commonName(names: string[]): string {
  const [first = ''] = names;
  if (names.every((n) => n === first)) return first;
  let end = 0;
  while (names.every((n) => n[end] === first[end]) && end < first.length) end++;
  return (
    first
      .slice(0, end)
      .replace(/[\s(,;:[]+$/, '')
      .trim() || first
  );
}

/**
 * One section's runs combined, figure by figure: the k-th figure of every run is the same figure (a section returns
 * the same list each run; names may carry a remark of their run). `runs[i]` is run i's figures, or null when the
 * section failed in that run.
 */
export function combineRuns(runs: (Figure[] | null)[]): RepeatedFigure[] {
  const count = Math.max(0, ...runs.map((r) => r?.length ?? 0));
  const combined: RepeatedFigure[] = [];
  for (let i = 0; i < count; i++) {
    const perRun = runs.flatMap((r) => {
      const f = r?.[i];
      return f ? [f] : [];
    });
    const [first] = perRun;
    if (!first) continue;
    const value = spreadOf(perRun.map((f) => f.value));
    const numbers = (pick: (f: Figure) => number | undefined): Spread | undefined => {
      const values = perRun.flatMap((f) => {
        const v = pick(f);
        return v === undefined ? [] : [v];
      });
      return values.length ? spreadOf(values) : undefined;
    };
    const limitValue = numbers((f) => f.limitValue);
    const ratio = numbers((f) => f.ratio);
    const targeted = perRun.some((f) => f.met !== null);
    const metRuns = targeted ? perRun.filter((f) => f.met === true).length : null;
    // the detail of the run nearest the median, so the line reads as one real run
    const typical = perRun.reduce((best, f) =>
      Math.abs(f.value - value.median) < Math.abs(best.value - value.median) ? f : best,
    );
    combined.push({
      ...first,
      name: commonName(perRun.map((f) => f.name)),
      value: value.median,
      limitValue: limitValue?.median,
      ratio: ratio?.median,
      detail: typical.detail,
      extra: undefined,
      met: metRuns === null ? null : metRuns === runs.length,
      runs: runs.length,
      metRuns,
      spread: { value, limitValue, ratio },
      perRun,
    });
  }
  return combined;
}

function fmt(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '–';
  const v = Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en') : value.toFixed(value < 10 ? 2 : 1);
  return unit ? `${v} ${unit}` : v;
}

/** One number, or "min / median / max" when the runs differ. */
function fmtSpread(spread: Spread | undefined, single: number | undefined, unit: string): string {
  if (!spread || spread.min === spread.max) return fmt(single ?? spread?.median ?? Number.NaN, unit);
  return `${fmt(spread.min, '')} / ${fmt(spread.median, '')} / ${fmt(spread.max, unit)}`;
}

function fmtRatio(ratio: number, times: boolean | undefined): string {
  return times ? `${ratio.toFixed(ratio < 10 ? 1 : 0)}×` : `${(ratio * 100).toFixed(0)}%`;
}

function ratioCell(f: Figure, spread: Spread | undefined): string {
  if (f.ratio === undefined) return '';
  const suffix = f.times ? ' faster' : '';
  if (!spread || spread.min === spread.max) return fmtRatio(f.ratio, f.times) + suffix;
  return `${[spread.min, spread.median, spread.max].map((r) => fmtRatio(r, f.times)).join(' / ')}${suffix}`;
}

const isRepeated = (f: Figure | RepeatedFigure): f is RepeatedFigure => 'runs' in f;

function metCell(f: Figure | RepeatedFigure): string {
  if (f.met === null) return '–';
  const word = f.met ? 'met' : 'NOT met';
  return isRepeated(f) ? `${word} · ${f.metRuns ?? 0} of ${f.runs}` : word;
}

/** The table: one run's figures as they came, or figures over N runs with their spread and "k of N". */
export function printTable(rows: (Figure | RepeatedFigure)[], log: (line: string) => void = console.log): void {
  if (rows.length === 0) return;
  const lines = rows.map((f) => {
    const spread = isRepeated(f) ? f.spread : undefined;
    return [
      f.name,
      fmtSpread(spread?.value, f.value, f.unit),
      f.limitName ? `${fmtSpread(spread?.limitValue, f.limitValue, f.unit)} (${f.limitName})` : '',
      ratioCell(f, spread?.ratio),
      f.target,
      metCell(f),
      f.detail ?? '',
    ];
  });
  const repeated = rows.some((f) => isRepeated(f) && f.runs > 1);
  const header = [
    'figure',
    repeated ? 'value (min / median / max)' : 'value',
    'limit (same run)',
    'ratio',
    'target',
    '',
    repeated ? 'detail (run nearest the median)' : 'detail',
  ];
  const widths = header.map((h, i) => Math.min(70, Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length))));
  const row = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' │ ');
  log(row(header));
  log(widths.map((w) => '─'.repeat(w)).join('─┼─'));
  for (const l of lines) log(row(l));
}
