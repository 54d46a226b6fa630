import { romeParts } from '@valore/shared/time/rome-time';
import { DISTRICTS } from '@valore/shared/reference/territory';
import {
  contactCounts,
  objectionCounts,
  OTHER_OBJECTION,
  stepCounts,
  type Realisation,
} from '@valore/shared/metrics/contribution';
import type { Counts } from '@valore/shared/metrics/funnel';
import type { FlowId, Outcome } from '@valore/shared/reference/outcomes';
import { ROLLUPS, type RollupDim } from './stats.rollups';

/** Macro-area code as stored in `macro_areas.code` ("Nord Ovest" → "NORDOVEST"). */
export function macroCode(name: string): string {
  return name.toUpperCase().replace(/[^A-Z]/g, '');
}

/** Province → macro-area code. A province of two districts (RM) lies in one macro-area all the same. */
export const PROVINCE_MACRO: ReadonlyMap<string, string> = new Map(
  DISTRICTS.flatMap((d) => d.provinces.map((p) => [p, macroCode(d.macroArea)] as const)),
);

const offsetByHour = new Map<string, number>();

/** Rome calendar day (YYYY-MM-DD) of an ISO instant; the UTC offset is memoised per UTC hour. */
export function romeDay(iso: string): string {
  const ms = Date.parse(iso);
  const hourKey = new Date(ms).toISOString().slice(0, 13);
  let offset = offsetByHour.get(hourKey);
  if (offset === undefined) {
    const p = romeParts(new Date(ms));
    offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
    if (offsetByHour.size > 50_000) offsetByHour.clear();
    offsetByHour.set(hourKey, offset);
  }
  return new Date(ms + offset).toISOString().slice(0, 10);
}

/** One logged contact with what the rollups need to place and count it (a row of `factsQuery`). */
export interface ContactRow {
  site_id: number;
  operator_id: number;
  team_id: number | null;
  flow: FlowId;
  script_version: string;
  product_code: string | null;
  campaign_id: number | null;
  started_at: string;
  outcome: Outcome;
  reached: number;
  proposal_made: number;
  ocs_solved: number | null;
  propensity: number | null;
  handle_ms: number;
  acw_ms: number;
  path: string;
  /** JSON array of the objection codes raised ("other": not prepared), null when none */
  /** the contact's events (JSON), only when one of them is an objection: the codes are read in objectionCodes */
  objection_events: string | null;
  province_code: string | null;
  cmn_due_by: string | null;
  cmn_answered_at: string | null;
}

export type DimValues = Record<RollupDim, string | number>;

export function dimsOf(row: ContactRow): DimValues {
  const province = row.province_code ?? '';
  return {
    site_id: row.site_id,
    day: romeDay(row.started_at),
    flow: row.flow,
    product_code: row.product_code ?? '',
    campaign_id: row.campaign_id ?? 0,
    team_id: row.team_id ?? 0,
    operator_id: row.operator_id,
    macro_area: PROVINCE_MACRO.get(province) ?? '',
    province_code: province,
    script_version: row.script_version,
  };
}

export function countsOf(row: ContactRow, realisation?: Realisation): Counts {
  return contactCounts(
    {
      flow: row.flow,
      outcome: row.outcome,
      reached: row.reached === 1,
      proposalMade: row.proposal_made === 1,
      ocsSolved: row.ocs_solved === null ? null : row.ocs_solved === 1,
      propensity: row.propensity === null ? null : row.propensity === 1,
      handleMs: row.handle_ms,
      acwMs: row.acw_ms,
      callMeNow:
        row.cmn_due_by === null ? null : { dueBy: row.cmn_due_by, answeredAt: row.cmn_answered_at ?? row.started_at },
    },
    realisation,
  );
}

export function stepsOf(row: ContactRow) {
  let path: unknown;
  try {
    path = JSON.parse(row.path);
  } catch {
    path = [];
  }
  const steps = Array.isArray(path) ? path.filter((s): s is string => typeof s === 'string') : [];
  return [...stepCounts(steps, row.outcome), ...objectionCounts(objectionCodes(row.objection_events), row.outcome)];
}

/**
 * The codes of the objections among a contact's events, in order; an objection without a code counts as "other".
 * Read here rather than in SQL: the JSON functions differ between SQLite and PostgreSQL, and only contacts that
 * raised an objection carry their events this far.
 */
export function objectionCodes(json: string | null): string[] {
  if (json === null) return [];
  let events: unknown;
  try {
    events = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(events)) return [];
  const codes: string[] = [];
  for (const event of events as unknown[]) {
    if (typeof event !== 'object' || event === null) continue;
    const { type, code } = event as { type?: unknown; code?: unknown };
    if (type !== 'proposal.objection') continue;
    if (typeof code === 'string') codes.push(code);
    else if (code === undefined || code === null) codes.push(OTHER_OBJECTION);
  }
  return codes;
}

/** The key of each rollup table for a contact, in table-key order. */
export function rollupKeys(dims: DimValues): { table: string; key: (string | number)[] }[] {
  return ROLLUPS.map((t) => ({ table: t.name, key: t.key.map((d) => dims[d]) }));
}

/**
 * SQL selecting ContactRow columns for contacts `i` (joined to their customer and Call Me Now request), with the codes
 * of the objections its events record (read only from contacts that raised one). A Call Me Now
 * contact is within target when it started by the request's due time: the contact's own start, not the request's
 * `answered_at` (set by the queue, possibly later in the same transaction), so the count never depends on write order.
 */
export const CONTACT_COLUMNS = `
  i.site_id, i.operator_id, i.team_id, i.flow, i.script_version, i.product_code, i.campaign_id, i.started_at,
  i.outcome, i.reached, i.proposal_made, i.ocs_solved, i.propensity, i.handle_ms, i.acw_ms, i.path,
  CASE WHEN i.events LIKE '%proposal.objection%' THEN i.events END AS objection_events,
  c.province_code AS province_code,
  CASE WHEN cr.mode = 'now' THEN cr.due_by END AS cmn_due_by,
  CASE WHEN cr.mode = 'now' THEN i.started_at END AS cmn_answered_at`;

export const CONTACT_JOINS = `
  LEFT JOIN customers c ON c.id = i.customer_id
  LEFT JOIN callback_requests cr ON i.work_kind = 'callback' AND cr.id = i.source_id`;

/** Realisation flags of contact `i` (needs the interaction_id indexes of the stats migration). */
export const REALISATION_COLUMNS = `
  EXISTS (SELECT 1 FROM appointments a WHERE a.interaction_id = i.id AND a.status = 'attended') AS r_appointment,
  EXISTS (SELECT 1 FROM funnel_links f WHERE f.interaction_id = i.id AND f.first_clicked_at IS NOT NULL) AS r_funnel,
  EXISTS (SELECT 1 FROM leads l WHERE l.interaction_id = i.id AND l.status = 'won') AS r_lead`;
