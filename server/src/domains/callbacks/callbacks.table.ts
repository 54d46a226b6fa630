import type { Generated } from 'kysely';
import type { FlowId } from '@valore/shared/reference/outcomes';

export type CallbackStatus = 'pending' | 'claimed' | 'done' | 'failed' | 'cancelled';
/** intake: asked for on the web or app; agreed: promised on a call; reschedule: after a missed appointment. */
export type CallbackOrigin = 'intake' | 'agreed' | 'reschedule';
export interface CallbackRequestsTable {
  id: string;
  phone: string;
  customer_id: number | null;
  /** null: agreed before a product was discussed (the needs step picks it) */
  product_code: string | null;
  mode: 'now' | 'scheduled';
  channel: 'web' | 'app' | 'phone';
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
  origin: Generated<CallbackOrigin>;
  /** the script the callback plays: 'callback', or 'campaign' for a callback agreed on a campaign call */
  flow: Generated<FlowId>;
  campaign_id: number | null;
  /** null: every site's operators (web and app requests); set: the site of the operator who agreed it */
  site_id: number | null;
  /** the operator the promise belongs to (offered to them alone until personal_until) */
  owner_id: number | null;
  personal_until: string | null;
  /** the language the web/app request asked its confirmation in (null: the customer's, else Italian) */
  language: Generated<'it' | 'en' | null>;
  /** the contact that agreed it */
  interaction_id: number | null;
  /** the missed appointment it reschedules */
  appointment_id: number | null;
  closed_at: string | null;
  close_reason: string | null;
  /** set while held when its reason went away: it closes with this reason instead of returning to the queue */
  withdrawn_reason: string | null;
}
