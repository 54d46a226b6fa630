import { BoundedTable } from '../../bounded-table';

/**
 * Sign-in throttling that slows guessing down without letting anyone lock a user out (OWASP Authentication Cheat
 * Sheet, "login throttling" and "device cookies"). Three limits, each a fading count of failures:
 *
 * - **per account and source** — the source is the browser when it carries a device id this account signed in with
 *   before (a *known device*), else the client address: `freeFailures` tries, then a wait before the next try from
 *   there that doubles at every further failure (1 s … 15 min). Only that source waits.
 * - **per address, across accounts** (password spraying): at most `maxFailures` per `windowMs`, a leaky bucket; over
 *   it the address waits. Known devices are not held up by it.
 * - **per account, across sources**: past `freeFailures` a soft delay doubling up to a few minutes, applied only at
 *   sources that have failed for this account themselves and are not a known device. A fresh address or a known
 *   device never waits for it, so hammering an account cannot keep its owner out; an attacker rotating addresses
 *   gets one guess per fresh address, then waits at each.
 *
 * A failure is forgotten gradually, one every `forgetOneEveryMs` once the wait it imposed is over (so waiting out a
 * delay does not also wear the count down); a success clears its source. An attempt counts
 * against every limit from the moment it is admitted — as if it had failed — until it is settled, so a burst of
 * parallel guesses cannot all pass before the first of them fails.
 *
 * The state lives in this process's memory, each table bounded (the least recently touched entries go first). One
 * node serves a site; a restart forgets counts and known devices alike; several nodes would keep it in the database.
 */
export interface LoginRateLimiter {
  /**
   * May this attempt check a password now? Refused: the milliseconds to wait, nothing counted. Admitted: the attempt
   * is in flight and its `settle` must be called once with how it ended.
   */
  admit(attempt: LoginAttempt, now: number): LoginAdmission;
}

export interface LoginAttempt {
  /** The username as typed, lower-cased; unknown usernames are throttled alike, so throttling tells nothing. */
  account: string;
  /** The client address (docs: VALORE_TRUSTED_PROXIES). */
  address: string;
  /** The browser's device id from its signed device cookie (or the one it is about to get); null if none. */
  device: string | null;
}

/** `abandoned`: the password could not be checked (a database error); the attempt counts for nothing. */
export type LoginOutcome = 'failed' | 'succeeded' | 'abandoned';

export type LoginAdmission =
  { admitted: false; retryAfterMs: number } | { admitted: true; settle(outcome: LoginOutcome, now: number): void };

/** `freeFailures` tries, then a wait from the last failure: `firstDelayMs`, doubling at every further failure. */
export interface GrowingDelay {
  freeFailures: number;
  firstDelayMs: number;
  maxDelayMs: number;
  forgetOneEveryMs: number;
}

export interface LoginThrottleOptions {
  source: GrowingDelay;
  account: GrowingDelay;
  address: { maxFailures: number; windowMs: number };
  /** A device stays known for an account this long after its last successful sign-in there. */
  knownDeviceMs: number;
  /** Bound of each table, against memory exhaustion by sprayed usernames and addresses. */
  maxEntries: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = {
  // a user's own typos: three free, then 1 s, 2 s, 4 s…; an attacker at one address reaches 15 min after 13 failures
  // and keeps one guess per 15 minutes there
  source: { freeFailures: 3, firstDelayMs: 1_000, maxDelayMs: 15 * 60_000, forgetOneEveryMs: 15 * 60_000 },
  // soft: only where the account already failed, and capped low enough for an owner who mistyped during an attack
  account: { freeFailures: 10, firstDelayMs: 1_000, maxDelayMs: 5 * 60_000, forgetOneEveryMs: 60_000 },
  // a call centre's site sits behind one address: room for many operators' typos, not for spraying
  address: { maxFailures: 100, windowMs: 15 * 60_000 },
  knownDeviceMs: 30 * 86_400_000,
  maxEntries: 100_000,
};

interface Failures {
  /** Failures remembered at `at` (fractional: they fade). */
  level: number;
  /** The last failure (or the last time `level` was written). */
  at: number;
  /** Admitted attempts not settled yet. */
  pending: number;
}

/** How many failures a table still remembers at `now` (fractional: they fade). */
type Fade = (f: Failures, now: number) => number;

function delayAfter(failures: number, rule: GrowingDelay): number {
  if (failures < rule.freeFailures) return 0;
  // 2 ** 40 and beyond is past any cap; keeps the number finite for absurd counts
  return Math.min(rule.firstDelayMs * 2 ** Math.min(failures - rule.freeFailures, 40), rule.maxDelayMs);
}

/** A growing delay's failures fade only once the wait they impose is over. */
const growingFade =
  (rule: GrowingDelay): Fade =>
  (f, now) => {
    const waitOver = f.at + delayAfter(Math.round(f.level), rule);
    return Math.max(0, f.level - Math.max(0, now - waitOver) / rule.forgetOneEveryMs);
  };

/** The wait a growing-delay count imposes at `now`; in-flight attempts count as failures happening now. */
function growingWait(f: Failures | undefined, rule: GrowingDelay, fade: Fade, now: number): number {
  if (!f) return 0;
  if (f.pending > 0) return delayAfter(Math.round(fade(f, now)) + f.pending, rule);
  return Math.max(0, f.at + delayAfter(Math.round(f.level), rule) - now);
}

export function createLoginRateLimiter(options: LoginThrottleOptions = DEFAULT_LOGIN_THROTTLE): LoginRateLimiter {
  const sources = new BoundedTable<Failures>(options.maxEntries);
  const accounts = new BoundedTable<Failures>(options.maxEntries);
  const addresses = new BoundedTable<Failures>(options.maxEntries);
  /** account + device → last successful sign-in. */
  const knownDevices = new BoundedTable<number>(options.maxEntries);
  const sourceFade = growingFade(options.source);
  const accountFade = growingFade(options.account);
  // a leaky bucket: `maxFailures` fade over `windowMs`
  const addressLeakMs = options.address.windowMs / options.address.maxFailures;
  const addressFade: Fade = (f, now) => Math.max(0, f.level - Math.max(0, now - f.at) / addressLeakMs);

  const keyOf = (...parts: string[]) => JSON.stringify(parts);
  const isKnown = (account: string, device: string | null, now: number) => {
    if (!device) return false;
    const at = knownDevices.get(keyOf(account, device));
    return at !== undefined && now - at < options.knownDeviceMs;
  };
  /** The entry at `key`, dropped when it no longer remembers anything. */
  const read = (table: BoundedTable<Failures>, key: string, fade: Fade, now: number) => {
    const f = table.get(key);
    if (f && f.pending === 0 && fade(f, now) === 0) {
      table.delete(key);
      return undefined;
    }
    return f;
  };
  const addressWait = (f: Failures | undefined, now: number) => {
    if (!f) return 0;
    const excess = addressFade(f, now) + f.pending + 1 - options.address.maxFailures;
    return excess > 0 ? Math.ceil(excess * addressLeakMs) : 0;
  };

  return {
    admit(attempt, now) {
      const known = isKnown(attempt.account, attempt.device, now);
      const sourceKey = known
        ? keyOf(attempt.account, 'device', attempt.device ?? '')
        : keyOf(attempt.account, 'address', attempt.address);
      const accountKey = keyOf(attempt.account);
      const addressKey = keyOf(attempt.address);
      const source = read(sources, sourceKey, sourceFade, now);
      const account = read(accounts, accountKey, accountFade, now);
      const address = read(addresses, addressKey, addressFade, now);
      const fresh = !source;
      const wait = Math.max(
        growingWait(source, options.source, sourceFade, now),
        known || fresh ? 0 : growingWait(account, options.account, accountFade, now),
        known ? 0 : addressWait(address, now),
      );
      if (wait > 0) return { admitted: false, retryAfterMs: wait };

      const entries: [BoundedTable<Failures>, string, Fade][] = [
        [sources, sourceKey, sourceFade],
        [accounts, accountKey, accountFade],
        [addresses, addressKey, addressFade],
      ];
      for (const [table, key] of entries) {
        const f = table.get(key) ?? { level: 0, at: now, pending: 0 };
        f.pending++;
        table.set(key, f);
      }
      let settled = false;
      return {
        admitted: true,
        settle(outcome, at) {
          if (settled) return;
          settled = true;
          for (const [table, key, fade] of entries) {
            // an entry evicted meanwhile starts again from this attempt
            const f = table.get(key) ?? { level: 0, at, pending: 1 };
            f.pending = Math.max(0, f.pending - 1);
            if (outcome === 'failed') {
              f.level = fade(f, at) + 1;
              f.at = at;
            }
            if (outcome === 'succeeded' && table === sources) f.level = 0;
            if (f.pending === 0 && fade(f, at) === 0) table.delete(key);
            else table.set(key, f);
          }
          if (outcome === 'succeeded' && attempt.device) knownDevices.set(keyOf(attempt.account, attempt.device), at);
        },
      };
    },
  };
}
