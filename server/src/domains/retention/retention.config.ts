/**
 * How long each class of data is kept (README, "Configuration"; env.ts reads the VALORE_RETENTION_* variables).
 * Periods count from the moment the data stopped being needed for its purpose: a message from when it was sent or
 * failed, an import's rejects from when the import ended, an idempotency record from the request.
 */
export interface RetentionConfig {
  /** Outbox messages lose recipient, subject and text this many days after they were sent or failed (the row stays). */
  outboxDays: number;
  /** Idempotency records (the stored first answer of a request id) are deleted after this many days. */
  idempotencyDays: number;
  /** A campaign import's per-line rejects are deleted this many days after the import ended (its counts stay). */
  importRejectsDays: number;
  /** Audit rows are deleted after this many months (the Italian DPA asks access logs be kept, at least 6 months). */
  auditMonths: number;
  /** Hour of the day, Rome time, the daily purge runs at; null: never on its own (only when called). */
  hour: number | null;
  /** Rows per transaction: a batch holds the write lock for a few milliseconds, requests run between batches. */
  batchSize: number;
}

export const DEFAULT_RETENTION: RetentionConfig = {
  outboxDays: 90,
  idempotencyDays: 7,
  importRejectsDays: 30,
  auditMonths: 24,
  hour: 3,
  batchSize: 500,
};
