import { sql } from 'kysely';
import type SQLite from 'better-sqlite3';
import { MEASURES, type Counts } from '@valore/shared/metrics/funnel';
import type { StepCount } from '@valore/shared/metrics/contribution';
import type { Executor } from '../../db/database';
import { MEASURE_COLUMNS, monthlyKey, monthlyKeyValues, ROLLUPS, STEP_ROLLUP } from './stats.rollups';
import { rollupKeys, type DimValues } from './stats.facts';

function upsertText(table: string, key: readonly string[], measures: readonly string[]): string {
  const cols = [...key, ...measures];
  return (
    `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')}) ` +
    `ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${measures.map((m) => `${m} = ${table}.${m} + excluded.${m}`).join(', ')}`
  );
}

function upsertParts(table: string, key: readonly string[], measures: readonly string[]) {
  const cols = [...key, ...measures];
  return {
    head: sql.raw(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (`),
    tail: sql.raw(
      `) ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${measures.map((m) => `${m} = ${table}.${m} + excluded.${m}`).join(', ')}`,
    ),
  };
}

/** Every rollup table, daily and monthly: name, key columns, measure columns. */
export interface RollupSpec {
  name: string;
  key: readonly string[];
  measures: readonly string[];
}
export const DAILY_SPECS: readonly RollupSpec[] = [
  ...ROLLUPS.map((t) => ({ name: t.name, key: t.key, measures: MEASURE_COLUMNS })),
  { name: STEP_ROLLUP.name, key: STEP_ROLLUP.key, measures: STEP_ROLLUP.measures },
];
const MONTHLY_OF = new Map<string, string>([
  ...ROLLUPS.map((t) => [t.name, t.monthly] as const),
  [STEP_ROLLUP.name, STEP_ROLLUP.monthly],
]);
export const MONTHLY_SPECS: readonly RollupSpec[] = DAILY_SPECS.map((t) => ({
  name: MONTHLY_OF.get(t.name) ?? `${t.name}_month`,
  key: monthlyKey(t.key),
  measures: t.measures,
}));
export const ALL_SPECS: readonly RollupSpec[] = [...DAILY_SPECS, ...MONTHLY_SPECS];

/** Daily table → the upserts of it and of its monthly twin. */
const UPSERTS = new Map(
  DAILY_SPECS.map((t, i) => {
    const monthly = MONTHLY_SPECS[i] ?? t;
    return [
      t.name,
      {
        key: t.key,
        day: upsertParts(t.name, t.key, t.measures),
        month: upsertParts(monthly.name, monthly.key, monthly.measures),
      },
    ] as const;
  }),
);

function upsert(parts: ReturnType<typeof upsertParts>, values: readonly (string | number)[]) {
  return sql`${parts.head}${sql.join(values.map((v) => sql.val(v)))}${parts.tail}`;
}

function measureValues(counts: Partial<Counts>, sign: number): number[] {
  return MEASURES.map((m) => (counts[m.key] ?? 0) * sign);
}

/**
 * Adds a contact's counts (or a later realisation, or its removal with sign -1) to every rollup, inside the
 * caller's transaction: the numbers move with the fact or not at all.
 */
export async function applyToRollups(
  trx: Executor,
  dims: DimValues,
  counts: Partial<Counts>,
  steps: readonly StepCount[],
  sign = 1,
): Promise<void> {
  const values = measureValues(counts, sign);
  const both = async (table: string, key: (string | number)[], measures: number[]) => {
    const parts = UPSERTS.get(table);
    if (!parts) return;
    await upsert(parts.day, [...key, ...measures]).execute(trx);
    await upsert(parts.month, [...monthlyKeyValues(parts.key, key), ...measures]).execute(trx);
  };
  for (const { table, key } of rollupKeys(dims)) await both(table, key, values);
  for (const s of steps) {
    const key = [dims.site_id, dims.day, dims.flow, dims.script_version, s.step];
    await both(STEP_ROLLUP.name, key, [s.entered * sign, s.lost * sign]);
  }
}

interface Entry {
  key: (string | number)[];
  values: number[];
}

/**
 * In-memory rollups for a batch of contacts (history generator, recount): one pass, then written set-wise. Holds the
 * daily tables; `withMonthly()` folds them into their monthly twins.
 */
export class RollupAccumulator {
  readonly tables = new Map<string, Map<string, Entry>>();

  constructor() {
    for (const t of DAILY_SPECS) this.tables.set(t.name, new Map());
  }

  add(dims: DimValues, counts: Partial<Counts>, steps: readonly StepCount[]): void {
    const values = measureValues(counts, 1);
    for (const { table, key } of rollupKeys(dims)) this.bump(table, key, values);
    for (const s of steps) {
      this.bump(
        STEP_ROLLUP.name,
        [dims.site_id, dims.day, dims.flow, dims.script_version, s.step],
        [s.entered, s.lost],
      );
    }
  }

  private bump(table: string, key: (string | number)[], values: number[]): void {
    const map = this.tables.get(table);
    if (!map) return;
    const id = key.join('\u0001');
    const entry = map.get(id);
    if (!entry) {
      map.set(id, { key, values: values.slice() });
      return;
    }
    for (let i = 0; i < values.length; i++) entry.values[i] = (entry.values[i] ?? 0) + (values[i] ?? 0);
  }

  /** Every table, daily and monthly (the monthly ones folded from the daily ones). */
  withMonthly(): Map<string, Map<string, Entry>> {
    const out = new Map(this.tables);
    DAILY_SPECS.forEach((daily, i) => {
      const monthly = MONTHLY_SPECS[i];
      const map = this.tables.get(daily.name);
      if (!monthly || !map) return;
      const folded = new Map<string, Entry>();
      for (const entry of map.values()) {
        const key = monthlyKeyValues(daily.key, entry.key);
        const id = key.join('\u0001');
        const into = folded.get(id);
        if (!into) folded.set(id, { key, values: entry.values.slice() });
        else
          for (let k = 0; k < entry.values.length; k++) into.values[k] = (into.values[k] ?? 0) + (entry.values[k] ?? 0);
      }
      out.set(monthly.name, folded);
    });
    return out;
  }

  rowCount(): number {
    let n = 0;
    for (const map of this.tables.values()) n += map.size;
    return n;
  }

  /** Adds everything into the daily and monthly rollup tables (merging with rows already there). Call inside a transaction. */
  writeTo(sqlite: SQLite.Database): number {
    let rows = 0;
    for (const [table, map] of this.withMonthly()) {
      const spec = ALL_SPECS.find((t) => t.name === table);
      if (!spec) continue;
      const statement = sqlite.prepare(upsertText(table, spec.key, spec.measures));
      for (const entry of map.values()) statement.run(...entry.key, ...entry.values);
      rows += map.size;
    }
    return rows;
  }
}

const PARTS_BY_TABLE = new Map(ALL_SPECS.map((t) => [t.name, upsertParts(t.name, t.key, t.measures)] as const));

/** Adds an accumulator's rows, daily and monthly, to the rollup tables through the caller's transaction. */
export async function writeAccumulated(trx: Executor, acc: RollupAccumulator): Promise<number> {
  let rows = 0;
  for (const [table, map] of acc.withMonthly()) {
    const parts = PARTS_BY_TABLE.get(table);
    if (!parts) continue;
    for (const entry of map.values()) await upsert(parts, [...entry.key, ...entry.values]).execute(trx);
    rows += map.size;
  }
  return rows;
}
