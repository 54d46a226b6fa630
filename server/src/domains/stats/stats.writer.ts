import { sql } from 'kysely';
import type SQLite from 'better-sqlite3';
import { MEASURES, type Counts } from '@valore/shared/metrics/funnel';
import type { StepCount } from '@valore/shared/metrics/contribution';
import type { Executor } from '../../db/database';
import { MEASURE_COLUMNS, ROLLUPS, STEP_ROLLUP } from './stats.rollups';
import { rollupKeys, type DimValues } from './stats.facts';

function upsertText(table: string, key: readonly string[], measures: readonly string[]): string {
  const cols = [...key, ...measures];
  return (
    `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')}) ` +
    `ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${measures.map((m) => `${m} = ${m} + excluded.${m}`).join(', ')}`
  );
}

function upsertParts(table: string, key: readonly string[], measures: readonly string[]) {
  const cols = [...key, ...measures];
  return {
    head: sql.raw(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (`),
    tail: sql.raw(
      `) ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${measures.map((m) => `${m} = ${m} + excluded.${m}`).join(', ')}`,
    ),
  };
}

const UPSERTS = new Map(ROLLUPS.map((t) => [t.name, upsertParts(t.name, t.key, MEASURE_COLUMNS)] as const));
const STEP_UPSERT = upsertParts(STEP_ROLLUP.name, STEP_ROLLUP.key, STEP_ROLLUP.measures);

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
  for (const { table, key } of rollupKeys(dims)) {
    const parts = UPSERTS.get(table);
    if (parts) await upsert(parts, [...key, ...values]).execute(trx);
  }
  for (const s of steps) {
    const key = [dims.site_id, dims.day, dims.flow, dims.script_version, s.step];
    await upsert(STEP_UPSERT, [...key, s.entered * sign, s.lost * sign]).execute(trx);
  }
}

interface Entry {
  key: (string | number)[];
  values: number[];
}

/** In-memory rollups for a batch of contacts (history generator, recount): one pass, then written set-wise. */
export class RollupAccumulator {
  readonly tables = new Map<string, Map<string, Entry>>();

  constructor() {
    for (const t of ROLLUPS) this.tables.set(t.name, new Map());
    this.tables.set(STEP_ROLLUP.name, new Map());
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

  rowCount(): number {
    let n = 0;
    for (const map of this.tables.values()) n += map.size;
    return n;
  }

  /** Adds everything into the rollup tables (merging with rows already there). Call inside a transaction. */
  writeTo(sqlite: SQLite.Database): void {
    for (const [table, map] of this.tables) {
      const spec = table === STEP_ROLLUP.name ? STEP_ROLLUP : ROLLUPS.find((t) => t.name === table);
      if (!spec) continue;
      const measures = table === STEP_ROLLUP.name ? STEP_ROLLUP.measures : MEASURE_COLUMNS;
      const statement = sqlite.prepare(upsertText(table, spec.key, measures));
      for (const entry of map.values()) statement.run(...entry.key, ...entry.values);
    }
  }
}
