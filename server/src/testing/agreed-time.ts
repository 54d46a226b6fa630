import { nextServiceHalfHour } from '@valore/shared/time/service-calendar';

/**
 * A time a customer can agree to be called at, about `days` days from `from`: the next open half-hour of the service
 * calendar (the server refuses agreed times outside it, so tests must not pick the time of day at random).
 */
export function agreedTime(days: number, from: Date = new Date()): string {
  const at = nextServiceHalfHour(from, days * 86_400_000);
  if (!at) throw new Error('no open half-hour in the service calendar within two weeks');
  return at.toISOString();
}
