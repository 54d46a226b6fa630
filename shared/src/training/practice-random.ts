/**
 * The seeded randomness of practice mode (docs/training.md, "Practice mode"): every draw of a simulated customer is a
 * pure function of the practice contact's seed and of where the conversation stands, never of the clock or of
 * Math.random, so the same seed gives the same conversation on the server, in the console and in a test.
 */

/** The largest seed (seeds are whole numbers 0 ≤ seed ≤ MAX_SEED: 32-bit, exact in JSON). */
export const MAX_SEED = 0xffff_ffff;

/** A 32-bit hash of a text (FNV-1a), the key of a stream of draws. */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A stream of numbers in [0, 1) from a 32-bit seed (mulberry32): small, fast, the same on every JavaScript engine. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The draws for one point of a conversation: the seed and the parts that name the point (persona, step, turn…). */
export function drawsFor(seed: number, ...parts: readonly (string | number)[]): () => number {
  return mulberry32(hashText(`${seed >>> 0}|${parts.join('|')}`));
}

/** One key of `weights` drawn in proportion to its weight (keys in the order given); null when every weight is 0. */
export function pickWeighted<K extends string>(
  next: () => number,
  weights: readonly (readonly [K, number])[],
): K | null {
  const usable = weights.filter(([, w]) => Number.isFinite(w) && w > 0);
  const total = usable.reduce((sum, [, w]) => sum + w, 0);
  if (total <= 0) return null;
  let r = next() * total;
  for (const [key, w] of usable) {
    r -= w;
    if (r < 0) return key;
  }
  return usable[usable.length - 1]?.[0] ?? null;
}

/** One element of a non-empty list, uniformly. */
export function pickOne<T>(next: () => number, list: readonly T[]): T {
  const item = list[Math.floor(next() * list.length)] ?? list[0];
  if (item === undefined) throw new Error('pickOne of an empty list');
  return item;
}
