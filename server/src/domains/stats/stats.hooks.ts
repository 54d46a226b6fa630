import { sql } from 'kysely';
import { realisationCounts } from '@valore/shared/metrics/contribution';
import type { Executor } from '../../db/database';
import { CONTACT_COLUMNS, CONTACT_JOINS, dimsOf, type ContactRow } from './stats.facts';
import { applyToRollups } from './stats.writer';

async function contactRow(trx: Executor, interactionId: number): Promise<ContactRow | undefined> {
  const result = await sql<ContactRow>`SELECT ${sql.raw(CONTACT_COLUMNS)} FROM interactions i ${sql.raw(CONTACT_JOINS)}
    WHERE i.id = ${interactionId}`.execute(trx);
  return result.rows[0];
}

/**
 * A value outcome came true (appointment attended, funnel link first clicked, lead won) — or, with sign -1, stopped
 * being true (an attendance corrected). Counted on the day and dimensions of the contact that produced it. Call it in
 * the transaction that records the event; a null interaction (an outcome not born from a contact) counts nowhere.
 */
export async function recordRealisation(
  trx: Executor,
  interactionId: number | null,
  kind: 'appointment' | 'funnel' | 'lead',
  sign: 1 | -1 = 1,
): Promise<void> {
  if (interactionId === null) return;
  const row = await contactRow(trx, interactionId);
  if (!row) return;
  const produced = kind === 'appointment' ? 'up_appointment' : kind === 'funnel' ? 'digital_funnel' : 'lead';
  if (row.outcome !== produced) return;
  await applyToRollups(trx, dimsOf(row), realisationCounts(kind), [], sign);
}
