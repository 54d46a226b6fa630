import { sql } from 'kysely';
import type { ScriptDefinition } from '@valore/shared/flows/definition';
import type { FlowId } from '@valore/shared/reference/outcomes';
import type { PracticeAggregates } from '@valore/shared/training/personas';
import type { Executor } from '../../db/database';
import { DomainError, fieldError } from '../../errors';
import { listScriptVersions, publishedVersions } from '../scripts/script-versions';

/**
 * What practice reads of the rest of the system, read-only: the published script versions (scripts/script-versions.ts,
 * the one place versions are found) and the aggregate statistics of real contacts (the monthly rollups of every
 * site: counts per flow and step, per flow and outcome — never a contact or a customer).
 */

export interface PracticeScript {
  flow: FlowId;
  version: string;
  definition: ScriptDefinition;
}

/**
 * The published version a practice plays: the one named, or the flow's newest. A draft or a retired version is refused
 * (400 on `field`), an unknown one is 404.
 */
export async function publishedScript(
  db: Executor,
  flow: FlowId,
  version: string | undefined,
  field = 'version',
): Promise<PracticeScript> {
  const published = await publishedVersions(db, flow);
  const wanted = version ?? published[0];
  const found = (await listScriptVersions(db)).find((v) => v.flow === flow && v.version === wanted);
  if (wanted === undefined || !found) {
    throw new DomainError('NOT_FOUND', 'NOT_FOUND', `There is no ${flow} script ${version ?? ''}`.trim() + '.');
  }
  if (!published.includes(found.version)) {
    throw fieldError({
      [field]: [`${flow} ${found.version} is ${found.status}: practice plays published versions only`],
    });
  }
  return { flow, version: found.version, definition: found.definition as ScriptDefinition };
}

/** The flow's counts over every site and month: drop-off per step (and per objection code), outcomes. */
export async function flowAggregates(db: Executor, flow: FlowId): Promise<PracticeAggregates> {
  const steps = await db
    .selectFrom('stats_step_month')
    .select(['step', sql<number>`SUM(entered)`.as('entered'), sql<number>`SUM(lost)`.as('lost')])
    .where('flow', '=', flow)
    .groupBy('step')
    .execute();
  const o = await db
    .selectFrom('stats_all_month')
    .select([
      sql<number>`COALESCE(SUM(handled), 0)`.as('handled'),
      sql<number>`COALESCE(SUM(reached), 0)`.as('reached'),
      sql<number>`COALESCE(SUM(proposals), 0)`.as('proposals'),
      sql<number>`COALESCE(SUM(value_appointment), 0)`.as('appointments'),
      sql<number>`COALESCE(SUM(value_funnel), 0)`.as('funnelLinks'),
      sql<number>`COALESCE(SUM(value_lead), 0)`.as('leads'),
      sql<number>`COALESCE(SUM(opt_outs), 0)`.as('optOuts'),
    ])
    .where('flow', '=', flow)
    .executeTakeFirstOrThrow();
  return {
    flow,
    steps: steps.map((s) => ({ step: s.step, entered: Number(s.entered), lost: Number(s.lost) })),
    outcomes: {
      handled: Number(o.handled),
      reached: Number(o.reached),
      proposals: Number(o.proposals),
      appointments: Number(o.appointments),
      funnelLinks: Number(o.funnelLinks),
      leads: Number(o.leads),
      optOuts: Number(o.optOuts),
    },
  };
}
