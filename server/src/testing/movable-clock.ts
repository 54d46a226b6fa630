import type { Clock } from '../clock';

/** A clock tests can move: starts at the given instant (or now) and advances only when told. */
export class MovableClock implements Clock {
  private current: number;
  constructor(start: Date | string = new Date()) {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(at: Date | string): void {
    this.current = new Date(at).getTime();
  }
}

/**
 * A clock that runs with real time, and can be jumped ahead: for browser tests, where the console reports real times
 * (the server refuses a contact that "ends in the future" of a frozen clock) but the test needs tomorrow to come.
 */
export class RunningClock implements Clock {
  private offset = 0;
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  /** From now on the clock reads `at` (and runs on from there). */
  jumpTo(at: Date | string): void {
    this.offset = new Date(at).getTime() - Date.now();
  }
}
