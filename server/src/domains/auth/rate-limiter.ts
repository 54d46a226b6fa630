/**
 * Counts failed logins per username and per client address in a sliding window. After `maxFailures`
 * failures in `windowMs` further attempts are refused until the oldest failure leaves the window.
 * In-process: one node serves a site comfortably; a multi-node deployment would move this to the database.
 */
export interface LoginRateLimiter {
  /** Milliseconds to wait before trying again, or 0 when an attempt is allowed. */
  retryAfterMs(keys: string[], now: number): number;
  recordFailure(keys: string[], now: number): void;
  reset(key: string): void;
}

export function createLoginRateLimiter(opts: { maxFailures: number; windowMs: number; perAddressMax: number }): LoginRateLimiter {
  const failures = new Map<string, number[]>();
  const limitFor = (key: string) => (key.startsWith('ip:') ? opts.perAddressMax : opts.maxFailures);
  const recent = (key: string, now: number) => {
    const list = (failures.get(key) ?? []).filter((t) => now - t < opts.windowMs);
    if (list.length) failures.set(key, list);
    else failures.delete(key);
    return list;
  };
  return {
    retryAfterMs(keys, now) {
      let wait = 0;
      for (const key of keys) {
        const list = recent(key, now);
        const limit = limitFor(key);
        if (list.length >= limit) {
          const oldest = list[list.length - limit] ?? now;
          wait = Math.max(wait, oldest + opts.windowMs - now);
        }
      }
      return wait;
    },
    recordFailure(keys, now) {
      for (const key of keys) failures.set(key, [...recent(key, now), now]);
    },
    reset(key) {
      failures.delete(key);
    },
  };
}
