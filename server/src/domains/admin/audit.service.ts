import { sql } from 'kysely';
import { AUDIT_EXPORT_MAX, type AuditRow, type AuditSearchInput } from '@valore/shared/schemas/admin';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type { AppDeps } from '../../deps';
import { jsonText } from '../../db/postgres-dialect';
import { csvDocument } from '../../csv-export';
import { insertAudit } from '../audit/audit.repository';

/**
 * The admin's audit log (admin.audit.*, docs/admin.md): every reveal, export, break-glass access, sign-in and admin
 * change, searched by who, which customer, what and when, newest first; exported as CSV (the export is audited too).
 */

type Filters = Pick<AuditSearchInput, 'actorId' | 'customerId' | 'action' | 'from' | 'to'>;

const base = (deps: AppDeps) => deps.db.selectFrom('audit_log as a').leftJoin('users', 'users.id', 'a.actor_id');
type AuditQuery = ReturnType<typeof base>;

function filtered(deps: AppDeps, f: Filters): AuditQuery {
  let q = base(deps);
  if (f.actorId !== undefined) q = q.where('a.actor_id', '=', f.actorId);
  if (f.action) {
    q = f.action.endsWith('.')
      ? q.where('a.action', '>=', f.action).where('a.action', '<', `${f.action.slice(0, -1)}/`)
      : q.where('a.action', '=', f.action);
  }
  if (f.from) q = q.where('a.at', '>=', new Date(f.from).toISOString());
  if (f.to) q = q.where('a.at', '<=', new Date(f.to).toISOString());
  if (f.customerId !== undefined) {
    const id = f.customerId;
    q = q.where((eb) =>
      eb.or([
        eb.and([eb('a.entity_type', '=', 'customer'), eb('a.entity_id', '=', String(id))]),
        sql<boolean>`${jsonText(deps.db, sql`a.details`, 'customerId')} = ${String(id)}`,
      ]),
    );
  }
  return q;
}

interface RawRow {
  id: number;
  at: string;
  actor_id: number | null;
  username: string | null;
  display_name: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  details: string | null;
  ip: string | null;
}

function withColumns(q: AuditQuery) {
  return q.select([
    'a.id',
    'a.at',
    'a.actor_id',
    'users.username',
    'users.display_name',
    'a.action',
    'a.entity_type',
    'a.entity_id',
    'a.details',
    'a.ip',
  ]);
}

function parseDetails(details: string | null): unknown {
  if (details === null) return null;
  try {
    return JSON.parse(details) as unknown;
  } catch {
    return details;
  }
}

function toRow(r: RawRow): AuditRow {
  const details = parseDetails(r.details);
  const named =
    typeof details === 'object' && details !== null && 'customerId' in details ? Number(details.customerId) : null;
  const customerId =
    r.entity_type === 'customer' && r.entity_id !== null
      ? Number(r.entity_id)
      : named !== null && Number.isSafeInteger(named)
        ? named
        : null;
  return {
    id: r.id,
    at: r.at,
    actorId: r.actor_id,
    actorUsername: r.username,
    actorName: r.display_name,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    customerId,
    details,
    ip: r.ip,
  };
}

export async function searchAudit(
  deps: AppDeps,
  input: AuditSearchInput,
): Promise<{ items: AuditRow[]; nextCursor: number | null }> {
  let q = withColumns(filtered(deps, input));
  if (input.cursor !== undefined) q = q.where('a.id', '<', input.cursor);
  const rows: RawRow[] = await q
    .orderBy('a.id', 'desc')
    .limit(input.limit + 1)
    .execute();
  const items = rows.slice(0, input.limit).map(toRow);
  return { items, nextCursor: rows.length > input.limit ? (items.at(-1)?.id ?? null) : null };
}

/** The actions on record, for the search's picker. */
export async function auditActions(deps: AppDeps): Promise<string[]> {
  // one index probe per distinct action (audit_log_action), not a scan of the log
  const rows = await sql<{ action: string }>`
    WITH RECURSIVE actions(action) AS (
      SELECT min(action) FROM audit_log
      UNION ALL
      SELECT (SELECT min(action) FROM audit_log WHERE action > actions.action) FROM actions WHERE action IS NOT NULL
    )
    SELECT action FROM actions WHERE action IS NOT NULL`.execute(deps.db);
  return rows.rows.map((r) => r.action);
}

export async function exportAudit(
  deps: AppDeps,
  admin: SessionUser,
  { language, ...filters }: Filters & { language: 'it' | 'en' },
  ip: string | null,
): Promise<{ filename: string; csv: string; rows: number; truncated: boolean }> {
  const rows: RawRow[] = await withColumns(filtered(deps, filters))
    .orderBy('a.id', 'desc')
    .limit(AUDIT_EXPORT_MAX + 1)
    .execute();
  const truncated = rows.length > AUDIT_EXPORT_MAX;
  const items = rows.slice(0, AUDIT_EXPORT_MAX).map(toRow);
  const csv = csvDocument(
    [
      [
        'id',
        'at',
        'actor_id',
        'actor_username',
        'actor_name',
        'action',
        'entity_type',
        'entity_id',
        'customer_id',
        'details',
        'ip',
      ],
      ...items.map((r) => [
        r.id,
        r.at,
        r.actorId,
        r.actorUsername,
        r.actorName,
        r.action,
        r.entityType,
        r.entityId,
        r.customerId,
        r.details === null ? null : JSON.stringify(r.details),
        r.ip,
      ]),
    ],
    language,
  );
  const at = deps.clock.now().toISOString();
  // an export of the log is itself on the log: who took it, with which filters, how many rows
  await insertAudit(deps.db, {
    at,
    actorId: admin.id,
    action: 'audit.exported',
    entityType: 'audit_log',
    entityId: null,
    details: { filters, language, rows: items.length, truncated },
    ip,
  });
  return { filename: `valore-audit-${at.slice(0, 10)}.csv`, csv, rows: items.length, truncated };
}
