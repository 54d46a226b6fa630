import type { Generated } from 'kysely';

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';
export interface OutboxTable {
  id: Generated<number>;
  channel: 'sms' | 'email';
  recipient: string;
  subject: string | null;
  body: string;
  status: Generated<OutboxStatus>;
  attempts: Generated<number>;
  last_error: string | null;
  ref_type: string | null;
  ref_id: string | null;
  created_at: string;
  next_attempt_at: string;
  sent_at: string | null;
}
