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
 * Where the counts live is the store's business (ThrottleStore): the server keeps them in its database
 * (login-throttle.store.ts), so every node behind a proxy reads and writes the same counts and a restart forgets
 * nothing; the in-memory store (bounded tables) serves unit tests and tools. The rule itself is only here.
 */
export interface LoginRateLimiter {
  /**
   * May this attempt check a password now? Refused: the milliseconds to wait, nothing counted. Admitted: the attempt
   * is in flight and its `settle` must be called once with how it ended.
   */
  admit(attempt: LoginAttempt, now: number): Promise<LoginAdmission>;
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
  | { admitted: false; retryAfterMs: number }
  | { admitted: true; settle(outcome: LoginOutcome, now: number): Promise<void> };

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
  /** Bound of each table of the in-memory store, against memory exhaustion by sprayed usernames and addresses. */
  maxEntries: number;
  /**
   * An admitted attempt not settled by then stops counting (its node died between the two): far longer than a
   * password check takes.
   */
  pendingMs: number;
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
  pendingMs: 60_000,
};

export interface Failures {
  /** Failures remembered at `at` (fractional: they fade). */
  level: number;
  /** The last failure (or the last time `level` was written). */
  at: number;
  /** Admitted attempts not settled yet. */
  pending: number;
  /** When the pending attempts stop counting (see LoginThrottleOptions.pendingMs). */
  pendingUntil: number;
}

/** A table of the limiter's state as one step of it sees it: read, then written back by the store. */
export interface ThrottleTable<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  delete(key: string): void;
}

/** The limiter's four tables, holding (at least) the entries of the keys a step named. */
export interface ThrottleView {
  sources: ThrottleTable<Failures>;
  accounts: ThrottleTable<Failures>;
  addresses: ThrottleTable<Failures>;
  /** account + device → last successful sign-in */
  knownDevices: ThrottleTable<number>;
}

/** The keys one step reads and may write, per table. */
export interface ThrottleKeys {
  sources: string[];
  accounts: string[];
  addresses: string[];
  knownDevices: string[];
}

/**
 * Where the counts live. `step` reads the entries of `keys`, runs `fn` over them and writes back what it changed, as
 * one unit: no other step (another request, another node) reads or writes those entries in between. `fn` is
 * synchronous and may be run again (a store may retry a unit that lost a conflict).
 */
export interface ThrottleStore {
  step<T>(keys: ThrottleKeys, fn: (view: ThrottleView) => T, now: number): Promise<T>;
}

/** The state in this process's memory, each table bounded (the least recently written entries go first). */
export function memoryThrottleStore(maxEntries: number = DEFAULT_LOGIN_THROTTLE.maxEntries): ThrottleStore {
  const view: ThrottleView = {
    sources: new BoundedTable<Failures>(maxEntries),
    accounts: new BoundedTable<Failures>(maxEntries),
    addresses: new BoundedTable<Failures>(maxEntries),
    knownDevices: new BoundedTable<number>(maxEntries),
  };
  return {
    // one thread: nothing runs between the read and the write of a synchronous step. The entries are copied in and
    // out, as a database store's are, so a step that throws leaves nothing half-changed.
    step: async (_keys, fn) => {
      const copy = <V>(table: ThrottleTable<V>): ThrottleTable<V> & { flush(): void } => {
        const changes = new Map<string, V | undefined>();
        return {
          get: (key) => {
            if (changes.has(key)) return changes.get(key);
            const v = table.get(key);
            return v && typeof v === 'object' ? { ...v } : v;
          },
          set: (key, value) => void changes.set(key, value),
          delete: (key) => void changes.set(key, undefined),
          flush: () => {
            for (const [key, value] of changes) {
              if (value === undefined) table.delete(key);
              else table.set(key, value);
            }
          },
        };
      };
      const tables = {
        sources: copy(view.sources),
        accounts: copy(view.accounts),
        addresses: copy(view.addresses),
        knownDevices: copy(view.knownDevices),
      };
      const result = fn(tables);
      for (const t of Object.values(tables)) t.flush();
      return result;
    },
  };
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

export function createLoginRateLimiter(
  options: LoginThrottleOptions = DEFAULT_LOGIN_THROTTLE,
  store: ThrottleStore = memoryThrottleStore(options.maxEntries),
): LoginRateLimiter {
  const sourceFade = growingFade(options.source);
  const accountFade = growingFade(options.account);
  // a leaky bucket: `maxFailures` fade over `windowMs`
  const addressLeakMs = options.address.windowMs / options.address.maxFailures;
  const addressFade: Fade = (f, now) => Math.max(0, f.level - Math.max(0, now - f.at) / addressLeakMs);

  const keyOf = (...parts: string[]) => JSON.stringify(parts);
  /** The entry at `key` as of `now`: stale pending attempts dropped; undefined when it remembers nothing. */
  const read = (table: ThrottleTable<Failures>, key: string, fade: Fade, now: number) => {
    const stored = table.get(key);
    if (!stored) return undefined;
    const f = now > stored.pendingUntil ? { ...stored, pending: 0 } : stored;
    if (f.pending === 0 && fade(f, now) === 0) {
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
    async admit(attempt, now) {
      const deviceKey = attempt.device ? keyOf(attempt.account, attempt.device) : null;
      const byDevice = keyOf(attempt.account, 'device', attempt.device ?? '');
      const byAddress = keyOf(attempt.account, 'address', attempt.address);
      const accountKey = keyOf(attempt.account);
      const addressKey = keyOf(attempt.address);
      const keys: ThrottleKeys = {
        sources: [byDevice, byAddress],
        accounts: [accountKey],
        addresses: [addressKey],
        knownDevices: deviceKey ? [deviceKey] : [],
      };
      type Entry = readonly [keyof Omit<ThrottleView, 'knownDevices'>, string, Fade];
      const decided = await store.step(
        keys,
        (view): { wait: number } | { wait: 0; entries: Entry[] } => {
          const lastSuccess = deviceKey ? view.knownDevices.get(deviceKey) : undefined;
          const known = lastSuccess !== undefined && now - lastSuccess < options.knownDeviceMs;
          const sourceKey = known ? byDevice : byAddress;
          const source = read(view.sources, sourceKey, sourceFade, now);
          const account = read(view.accounts, accountKey, accountFade, now);
          const address = read(view.addresses, addressKey, addressFade, now);
          const fresh = !source;
          const wait = Math.max(
            growingWait(source, options.source, sourceFade, now),
            known || fresh ? 0 : growingWait(account, options.account, accountFade, now),
            known ? 0 : addressWait(address, now),
          );
          if (wait > 0) return { wait };
          const entries: Entry[] = [
            ['sources', sourceKey, sourceFade],
            ['accounts', accountKey, accountFade],
            ['addresses', addressKey, addressFade],
          ];
          for (const [table, key, fade] of entries) {
            const f = read(view[table], key, fade, now) ?? { level: 0, at: now, pending: 0, pendingUntil: 0 };
            view[table].set(key, { ...f, pending: f.pending + 1, pendingUntil: now + options.pendingMs });
          }
          return { wait: 0, entries };
        },
        now,
      );
      if (!('entries' in decided)) return { admitted: false, retryAfterMs: decided.wait };
      const { entries } = decided;
      let settled = false;
      return {
        admitted: true,
        async settle(outcome, at) {
          if (settled) return;
          settled = true;
          await store.step(
            keys,
            (view) => {
              for (const [table, key, fade] of entries) {
                // an entry evicted (or its pending attempts expired) meanwhile starts again from this attempt
                const stored = view[table].get(key);
                const f =
                  stored && at <= stored.pendingUntil
                    ? stored
                    : { level: stored?.level ?? 0, at: stored?.at ?? at, pending: 1, pendingUntil: at };
                const next: Failures = { ...f, pending: Math.max(0, f.pending - 1) };
                if (outcome === 'failed') {
                  next.level = fade(f, at) + 1;
                  next.at = at;
                }
                if (outcome === 'succeeded' && table === 'sources') next.level = 0;
                if (next.pending === 0 && fade(next, at) === 0) view[table].delete(key);
                else view[table].set(key, next);
              }
              if (outcome === 'succeeded' && deviceKey) view.knownDevices.set(deviceKey, at);
            },
            at,
          );
        },
      };
    },
  };
}
