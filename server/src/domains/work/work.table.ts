import type { Generated } from 'kysely';
import type { QueueKind } from '@valore/shared/reference/enums';

export type OfferStatus = 'offered' | 'accepted' | 'declined' | 'expired';
/** An item pushed to a Ready operator (work/offers.ts) and how the offer ended. */
export interface WorkOffersTable {
  id: Generated<number>;
  operator_id: number;
  site_id: number;
  item_kind: QueueKind;
  source_id: string;
  offered_at: string;
  expires_at: string;
  status: Generated<OfferStatus>;
  decided_at: string | null;
}
