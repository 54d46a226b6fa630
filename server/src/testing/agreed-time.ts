import { nextServiceHalfHour } from '@valore/shared/time/service-calendar';
import { romeParts } from '@valore/shared/time/rome-time';

/**
 * A time a customer can agree to be called at, about `days` days from `from`: the next open half-hour of the service
 * calendar (the server refuses agreed times outside it, so tests must not pick the time of day at random).
 */
export function agreedTime(days: number, from: Date = new Date()): string {
  const at = nextServiceHalfHour(from, days * 86_400_000);
  if (!at) throw new Error('no open half-hour in the service calendar within two weeks');
  return at.toISOString();
}

/**
 * A time a web or app customer can book a Call Me Back at, about `days` days from `from`: the next open half-hour of
 * a Monday–Friday. Weekdays have every operator on shift; a Saturday has only its published rota's people, so without
 * a rota it is full (`409 SLOT_FULL`, domains/callbacks/callback-capacity.ts).
 */
export function bookableTime(days: number, from: Date = new Date()): string {
  let at = nextServiceHalfHour(from, days * 86_400_000);
  while (at && romeParts(at).weekday === 6) at = nextServiceHalfHour(at, 30 * 60_000);
  if (!at) throw new Error('no open weekday half-hour in the service calendar within two weeks');
  return at.toISOString();
}
