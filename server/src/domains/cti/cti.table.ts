import type { Generated } from 'kysely';
import type { CtiAction, CtiCallState, CtiCommandStatus, CtiDirection, InboundFlow } from '@valore/shared/schemas/cti';

/** One inbound call reported by the telephony integration (migration 2026-11-26T1010-intake). */
export interface CtiCallsTable {
  id: Generated<number>;
  call_id: string;
  ani: string;
  ani_normalised: string | null;
  dnis: string;
  flow: InboundFlow | null;
  operator_id: number;
  customer_id: number | null;
  state: CtiCallState;
  offered_at: string | null;
  answered_at: string | null;
  ended_at: string | null;
  created_at: string;
  updated_at: string;
  /** When the current hold began (null: not on hold); migration 2026-12-09T1000-cti-commands. */
  held_at: Generated<string | null>;
  /** Milliseconds on hold before the current hold. */
  held_ms: Generated<number>;
  /** Numbers the call's changes: a live stream's event id ends with it. */
  version: Generated<number>;
  /** `outbound`: placed by the operator (a dial): it moves the call strip, it pops no card. */
  direction: Generated<CtiDirection>;
}

/** A call command on its way to the telephony platform (domains/cti/cti-commands.ts). */
export interface CtiCommandsTable {
  id: Generated<number>;
  operator_id: number;
  action: CtiAction;
  call_id: string | null;
  customer_id: number | null;
  target: string | null;
  /** pending → sending (an attempt under a short lease) → sent, or back to pending for a retry, or failed. */
  status: Generated<CtiCommandStatus | 'sending'>;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: string;
  next_attempt_at: string;
  lease_expires_at: string | null;
  sent_at: string | null;
}
