import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../clock';
import { openDatabase } from '../db/client';
import { migrateToLatest } from '../db/migrator';
import { createSharedTokenBucket, createTokenBucket } from './rate-buckets';

/** A clock the test moves by hand. */
function manualClock(start = Date.parse('2026-12-04T10:00:00Z')) {
  let now = start;
  const clock: Clock = { now: () => new Date(now) };
  return { clock, advance: (ms: number) => (now += ms) };
}

/** The same rule with no bound in practice: what the bounded buckets must answer whenever they have not had to forget. */
const referenceBucket = (perMinute: number, clock: Clock) =>
  createTokenBucket(perMinute, clock, Number.MAX_SAFE_INTEGER);

describe('token bucket (the REST rate limits)', () => {
  it('a flood of new keys (one address each) never holds more than the bound', () => {
    const { clock, advance } = manualClock();
    const bucket = createTokenBucket(30, clock, 1_000);
    for (let i = 0; i < 200_000; i++) {
      bucket.take(`2001:db8::${i.toString(16)}`);
      if (i % 1_000 === 0) advance(1);
    }
    expect(bucket.keys).toBe(1_000);
  });

  it('a client hammering during a flood of other keys is still held to its rate', () => {
    const { clock, advance } = manualClock();
    const bucket = createTokenBucket(30, clock, 1_000);
    let admitted = 0;
    for (let i = 0; i < 100_000; i++) {
      bucket.take(`flood-${i}`);
      if (i % 100 === 0 && bucket.take('hammer').ok) admitted++;
      if (i % 100 === 0) advance(10);
    }
    // 1,000 tries, the last 9.99 s after the first: the burst of 30 and 4 refilled (30 a minute: 4.995 by then)
    expect(admitted).toBe(34);
  });

  it('answers as the unbounded rule whenever the keys fit (random sequences)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 20_000 })), { maxLength: 300 }),
        (perMinute, steps) => {
          const { clock, advance } = manualClock();
          const bounded = createTokenBucket(perMinute, clock, 8);
          const reference = referenceBucket(perMinute, clock);
          for (const [key, wait] of steps) {
            advance(wait);
            expect(bounded.take(`k${key}`)).toEqual(reference.take(`k${key}`));
          }
          expect(bounded.keys).toBeLessThanOrEqual(8);
        },
      ),
    );
  });

  it('with more keys than the bound, a forgotten key starts full, never emptier than the rule says', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 5_000 })), { maxLength: 400 }),
        (steps) => {
          const { clock, advance } = manualClock();
          const bounded = createTokenBucket(5, clock, 4);
          const reference = referenceBucket(5, clock);
          for (const [key, wait] of steps) {
            advance(wait);
            const [b, r] = [bounded.take(`k${key}`), reference.take(`k${key}`)];
            // forgetting only ever gives a key back its burst: the bound never refuses what the rule admits
            if (r.ok) expect(b.ok).toBe(true);
          }
          expect(bounded.keys).toBeLessThanOrEqual(4);
        },
      ),
    );
  });

  it('the shared buckets (the database, for several nodes) answer as the rule (random sequences)', async () => {
    const database = openDatabase(':memory:');
    try {
      await migrateToLatest(database.db);
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 10 }),
          fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 20_000 })), { maxLength: 60 }),
          async (perMinute, steps) => {
            const { clock, advance } = manualClock();
            // a limit of its own per run (the table is shared by the runs)
            const name = `run-${Math.random()}`;
            const shared = createSharedTokenBucket(database.db, name, perMinute, () => clock.now().getTime());
            const reference = referenceBucket(perMinute, clock);
            for (const [key, wait] of steps) {
              advance(wait);
              expect(await shared.take(`k${key}`)).toEqual(reference.take(`k${key}`));
            }
          },
        ),
        { numRuns: 40 },
      );
      // stale buckets (full again after a minute) do not pile up: an hour later a take drops them
      const before = await database.db
        .selectFrom('rate_buckets')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(before.n).toBeGreaterThan(0);
      await createSharedTokenBucket(database.db, 'later', 5, () => Date.parse('2026-12-05T00:00:00Z')).take('x');
      const after = await database.db
        .selectFrom('rate_buckets')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(after.n).toBe(Math.max(1, before.n + 1 - 20));
    } finally {
      await database.close();
    }
  });
});
