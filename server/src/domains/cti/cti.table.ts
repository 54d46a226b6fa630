import type { Generated } from 'kysely';
import type { CtiEventType, InboundFlow } from '@valore/shared/schemas/cti';

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
  state: CtiEventType;
  offered_at: string | null;
  answered_at: string | null;
  ended_at: string | null;
  created_at: string;
  updated_at: string;
}
