/**
 * A Map that forgets its least recently written entries beyond `max`: every in-memory table keyed by what a client
 * sends (an address, a username, an API key) is one of these, so no stream of new keys can exhaust the memory. The
 * rate limiters keep their counts here (domains/auth/rate-limiter.ts, http/intake.ts); a forgotten entry counts as a
 * fresh one, which a client with many keys already gets by using a new key.
 */
export class BoundedTable<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {
    if (!(max >= 1)) throw new RangeError(`a bounded table holds at least one entry, not ${max}`);
  }
  get size(): number {
    return this.map.size;
  }
  get(key: string): V | undefined {
    return this.map.get(key);
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
  }
  delete(key: string): void {
    this.map.delete(key);
  }
}
