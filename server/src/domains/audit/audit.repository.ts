import type { Executor } from '../../db/database';

export interface AuditEntry {
  at: string;
  actorId: number | null;
  action: string;
  entityType: string;
  entityId: string | number | null;
  details?: unknown;
  ip?: string | null;
}

export async function insertAudit(db: Executor, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at: entry.at,
      actor_id: entry.actorId,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId === null ? null : String(entry.entityId),
      details: entry.details === undefined ? null : JSON.stringify(entry.details),
      ip: entry.ip ?? null,
    })
    .execute();
}
