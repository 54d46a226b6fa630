import type { Generated } from 'kysely';

export type CallbackStatus = 'pending' | 'claimed' | 'done' | 'failed' | 'cancelled';
export interface CallbackRequestsTable {
  id: string;
  phone: string;
  customer_id: number | null;
  product_code: string;
  mode: 'now' | 'scheduled';
  channel: 'web' | 'app';
  preferred_at: string | null;
  note: string | null;
  due_at: string;
  due_by: string;
  status: Generated<CallbackStatus>;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  lease_owner: number | null;
  lease_expires_at: string | null;
  idempotency_key: string | null;
  request_hash: string | null;
  created_at: string;
  answered_at: string | null;
  updated_at: string;
}
