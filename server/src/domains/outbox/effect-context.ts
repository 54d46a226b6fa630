/**
 * What the value-outcome effects (booking, funnel link, lead) need from the interaction that triggers them.
 * The interactions service builds it once and passes it with its open transaction.
 */
export interface EffectContext {
  now: Date;
  userId: number;
  siteId: number | null;
  /** Base URL customers reach the server at (short links are built on it), without a trailing slash. */
  publicUrl: string;
  ip: string | null;
}
