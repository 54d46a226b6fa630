/**
 * One row per carried-out erasure (GDPR art. 17), kept for good: it answers a repeated request id with the first
 * answer however late it comes, and shows that the request was carried out (migration 2026-12-04T1200-retention).
 */
export interface DataSubjectErasuresTable {
  request_id: string;
  customer_id: number;
  request_hash: string;
  reason: string;
  erased_at: string;
  erased_by: number | null;
  /** JSON of the answer the erasure gave */
  response: string;
}
