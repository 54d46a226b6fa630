import type { Executor } from '../../db/database';
import { precompiled } from '../../db/precompiled';

export interface AuditEntry {
  at: string;
  actorId: number | null;
  action: string;
  entityType: string;
  entityId: string | number | null;
  details?: unknown;
  ip?: string | null;
}

// every audited write runs this one (precompiled: db/precompiled.ts)
const insertAuditRow = precompiled(
  (
    db,
    v: {
      at: string;
      actorId: number | null;
      action: string;
      entityType: string;
      entityId: string | null;
      details: string | null;
      ip: string | null;
    },
  ) =>
    db.insertInto('audit_log').values({
      at: v.at,
      actor_id: v.actorId,
      action: v.action,
      entity_type: v.entityType,
      entity_id: v.entityId,
      details: v.details,
      ip: v.ip,
    }),
);

export async function insertAudit(db: Executor, entry: AuditEntry): Promise<void> {
  await insertAuditRow.execute(db, {
    at: entry.at,
    actorId: entry.actorId,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId === null ? null : String(entry.entityId),
    details: entry.details === undefined ? null : JSON.stringify(entry.details),
    ip: entry.ip ?? null,
  });
}
