import { sql } from 'kysely';
import type { DB } from '../../db/database';
import { catchUpStats } from './stats.catchup';
import { CONTACT_COLUMNS, CONTACT_JOINS, REALISATION_COLUMNS, countsOf, dimsOf, stepsOf } from './stats.facts';
import type { RawContactRow } from './stats.repository';
import { ALL_SPECS, RollupAccumulator } from './stats.writer';

export interface RecountDifference {
  table: string;
  key: string;
  stored: number[] | null;
  recounted: number[] | null;
}

/** Recounts every rollup from the raw contacts and their realisations (all of them: for checks, not for requests). */
export async function recountRollups(db: DB): Promise<RollupAccumulator> {
  const acc = new RollupAccumulator();
  const result = await sql<RawContactRow>`SELECT i.id, ${sql.raw(CONTACT_COLUMNS)}, ${sql.raw(REALISATION_COLUMNS)}
    FROM interactions i ${sql.raw(CONTACT_JOINS)}`.execute(db);
  for (const row of result.rows) {
    const realisation = {
      appointmentAttended: row.r_appointment === 1,
      linkClicked: row.r_funnel === 1,
      leadWon: row.r_lead === 1,
    };
    acc.add(dimsOf(row), countsOf(row, realisation), stepsOf(row));
  }
  return acc;
}

/**
 * Compares the stored rollups, daily and monthly, with a full recount: returns every row that differs (empty = they agree exactly).
 * Stored rows whose counts are all zero (a realisation taken back) count as absent.
 */
export async function compareRollupsWithRecount(db: DB): Promise<RecountDifference[]> {
  await catchUpStats(db);
  const recount = (await recountRollups(db)).withMonthly();
  const diffs: RecountDifference[] = [];
  for (const t of ALL_SPECS) {
    const stored = await sql<Record<string, string | number>>`SELECT * FROM ${sql.table(t.name)}`.execute(db);
    const expected: Map<string, { values: number[] }> = recount.get(t.name) ?? new Map<string, { values: number[] }>();
    const seen = new Set<string>();
    for (const row of stored.rows) {
      const id = t.key.map((k) => row[k]).join('\u0001');
      const values = t.measures.map((m) => Number(row[m]));
      const want = expected.get(id);
      if (!want && values.every((v) => v === 0)) continue;
      seen.add(id);
      if (!want || want.values.some((v, i) => v !== values[i]))
        diffs.push({ table: t.name, key: id, stored: values, recounted: want?.values ?? null });
    }
    for (const [id, want] of expected) {
      if (!seen.has(id)) diffs.push({ table: t.name, key: id, stored: null, recounted: want.values });
    }
  }
  return diffs;
}
