import type { Executor } from '../../db/database';
import { precompiled } from '../../db/precompiled';
import type { InteractionsTable } from './interactions.table';

/** A logged contact as the completion writes it; the operator's team is read in the same statement. */
export type NewInteraction = Omit<InteractionsTable, 'id' | 'team_id' | 'acw_ms' | 'late'> & {
  acw_ms: number;
  late: 0 | 1;
};

// one per completion (precompiled: db/precompiled.ts)
const insertInteractionRow = precompiled((db, v: NewInteraction) =>
  db
    .insertInto('interactions')
    .values({
      client_id: v.client_id,
      request_hash: v.request_hash,
      operator_id: v.operator_id,
      site_id: v.site_id,
      // the operator's team as of this completion
      team_id: (eb) => eb.selectFrom('users').select('team_id').where('id', '=', v.operator_id),
      customer_id: v.customer_id,
      flow: v.flow,
      script_id: v.script_id,
      script_version: v.script_version,
      work_kind: v.work_kind,
      source_id: v.source_id,
      campaign_id: v.campaign_id,
      product_code: v.product_code,
      path: v.path,
      events: v.events,
      outcome: v.outcome,
      outcome_details: v.outcome_details,
      reached: v.reached,
      proposal_made: v.proposal_made,
      ocs_solved: v.ocs_solved,
      propensity: v.propensity,
      notes: v.notes,
      started_at: v.started_at,
      ended_at: v.ended_at,
      handle_ms: v.handle_ms,
      acw_ms: v.acw_ms,
      created_at: v.created_at,
      late: v.late,
    })
    .returning('id'),
);

export async function insertInteraction(db: Executor, row: NewInteraction): Promise<number> {
  const inserted = await insertInteractionRow.first(db, row);
  if (!inserted) throw new Error('insert into interactions returned no id');
  return inserted.id;
}
