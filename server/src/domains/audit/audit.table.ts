import type { Generated } from 'kysely';

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor_id: number | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  details: string | null;
  ip: string | null;
}
export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  request_hash: string;
  response: string;
  created_at: string;
  /** Who used the key (`user:<id>`, `key:<api key id>`, `link:<subject>`): a key is its caller's own (idempotency.ts). */
  actor: string | null;
}
