import type { Generated } from 'kysely';

/**
 * pending → sending (claimed under a lease) → sent (handed over; for SMPP: submit_sm_resp recorded) → delivered /
 * failed (an SMPP delivery receipt). `failed` also ends the retries; `unknown`: the process stopped (or the SMSC link
 * broke) after the submit went out and before its answer was recorded, so it is not sent again (at most once).
 */
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'delivered' | 'failed' | 'unknown';
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
  /** Committed just before the SMPP submit went on the wire; cleared when the SMSC refused it (then it is retried). */
  submit_started_at: Generated<string | null>;
  /** The SMSC's message id from submit_sm_resp: delivery receipts are matched on it. */
  smsc_message_id: Generated<string | null>;
  /** The final state the delivery receipt reported (DELIVRD, UNDELIV, EXPIRED, REJECTD, DELETED). */
  receipt_stat: Generated<string | null>;
  receipt_at: Generated<string | null>;
}
