import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { migrateToLatest } from '../../db/migrator';
import { databaseThrottleStore } from './login-throttle.store';
import {
  createLoginRateLimiter,
  DEFAULT_LOGIN_THROTTLE,
  type LoginThrottleOptions,
  type LoginAttempt,
  type LoginOutcome,
  type LoginRateLimiter,
} from './rate-limiter';

const at = (address: string, account = 'operatore1', device: string | null = null): LoginAttempt => ({
  account,
  address,
  device,
});

/** Admits and settles one attempt; the wait in ms when it was refused, else 0. */
async function attempt(
  limiter: LoginRateLimiter,
  who: LoginAttempt,
  now: number,
  outcome: LoginOutcome = 'failed',
): Promise<number> {
  const admission = await limiter.admit(who, now);
  if (!admission.admitted) return admission.retryAfterMs;
  await admission.settle(outcome, now);
  return 0;
}

/**
 * The same rule over both stores: the server's (the database: SQLite here, PostgreSQL in test/postgres) and the
 * in-memory one. A store that lost or doubled a write would show as a wait that differs.
 */
const STORES = ['memory', 'database'] as const;
const opened: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
});

describe.each(STORES)('the %s store', (store) => {
  const databases: ReturnType<typeof openDatabase>[] = [];
  const lastDatabase = () => {
    const database = databases.at(-1);
    if (!database) throw new Error('no database store made yet');
    return database;
  };
  async function makeLimiter(options: LoginThrottleOptions = DEFAULT_LOGIN_THROTTLE): Promise<LoginRateLimiter> {
    if (store === 'memory') return createLoginRateLimiter(options);
    const database = openDatabase(':memory:');
    opened.push(database);
    databases.push(database);
    await migrateToLatest(database.db);
    return createLoginRateLimiter(options, databaseThrottleStore(database.db));
  }

  describe('sign-in limiter, per account and address', () => {
    it('gives three free tries, then a wait doubling from 1 s to 15 minutes, at that address only', async () => {
      const limiter = await makeLimiter();
      let now = 0;
      const waits: number[] = [];
      for (let failures = 0; failures < 16;) {
        const wait = await attempt(limiter, at('A'), now);
        if (wait > 0) {
          waits.push(wait / 1000);
          now += wait;
        } else failures++;
      }
      expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]);
      expect((await limiter.admit(at('A'), now)).admitted).toBe(false);
      expect((await limiter.admit(at('B'), now)).admitted).toBe(true);
    });

    it('forgets one failure every 15 minutes once its wait is over, and all of them at a success', async () => {
      const limiter = await makeLimiter();
      for (let i = 0; i < 5; i++) expect(await attempt(limiter, at('A'), i * 60_000)).toBe(0);
      expect(await attempt(limiter, at('A'), 4 * 60_000)).toBe(4_000);
      // 30 minutes after its wait two have faded: the next failure is the fourth, then 2 s
      const later = 4 * 60_000 + 4_000 + 30 * 60_000;
      expect(await attempt(limiter, at('A'), later)).toBe(0);
      expect(await attempt(limiter, at('A'), later)).toBe(2_000);
      expect(await attempt(limiter, at('A'), later + 2_000, 'succeeded')).toBe(0);
      for (let i = 0; i < 3; i++) expect(await attempt(limiter, at('A'), later + 2_000)).toBe(0);
      expect(await attempt(limiter, at('A'), later + 2_000)).toBe(1_000);
    });

    it('counts an admitted attempt at once, so parallel guesses cannot all slip through', async () => {
      const limiter = await makeLimiter();
      const inFlight = await Promise.all(Array.from({ length: 10 }, () => limiter.admit(at('A'), 0)));
      expect(inFlight.filter((a) => a.admitted)).toHaveLength(3);
      const refused = inFlight[3];
      expect(refused?.admitted === false && refused.retryAfterMs).toBe(1_000);
    });

    it('an abandoned attempt (no password checked) counts for nothing; a second settle changes nothing', async () => {
      const limiter = await makeLimiter();
      for (let i = 0; i < 2; i++) await attempt(limiter, at('A'), 0);
      const admission = await limiter.admit(at('A'), 0);
      if (!admission.admitted) throw new Error('the third try is free of waits');
      await admission.settle('abandoned', 0);
      await admission.settle('failed', 0);
      expect(await attempt(limiter, at('A'), 0)).toBe(0);
      expect(await limiter.admit(at('A'), 0)).toEqual({ admitted: false, retryAfterMs: 1_000 });
    });

    it('throttles unknown usernames exactly like real ones (nothing to learn from it)', async () => {
      const limiter = await makeLimiter();
      for (let i = 0; i < 3; i++) await attempt(limiter, at('A', 'nessuno'), 0);
      expect(await limiter.admit(at('A', 'nessuno'), 0)).toEqual({ admitted: false, retryAfterMs: 1_000 });
    });
  });

  describe('sign-in limiter, per account across addresses', () => {
    it('delays only addresses that failed for the account themselves, growing with the account’s failures', async () => {
      const limiter = await makeLimiter();
      for (let i = 1; i <= 10; i++) expect(await attempt(limiter, at(`bot${i}`), 0)).toBe(0);
      expect(await limiter.admit(at('bot1'), 0)).toEqual({ admitted: false, retryAfterMs: 1_000 });
      expect(await attempt(limiter, at('bot11'), 0)).toBe(0);
      expect(await limiter.admit(at('bot1'), 0)).toEqual({ admitted: false, retryAfterMs: 2_000 });
      // a fresh address is never held up by it
      expect(await attempt(limiter, at('home'), 0, 'succeeded')).toBe(0);
      // it is capped at 5 minutes: soft, never a lockout
      for (let i = 12; i <= 60; i++) await attempt(limiter, at(`bot${i}`), 0);
      expect(await limiter.admit(at('bot1'), 0)).toEqual({ admitted: false, retryAfterMs: 5 * 60_000 });
      expect((await limiter.admit(at('bot1'), 5 * 60_000)).admitted).toBe(true);
    });
  });

  describe('sign-in limiter, known devices', () => {
    it('lets a browser that signed in to the account before through where its address is held up, and counts its own failures', async () => {
      const limiter = await makeLimiter();
      expect(await attempt(limiter, at('office', 'operatore2', 'desk'), 0, 'succeeded')).toBe(0);
      for (let i = 0; i < 3; i++) await attempt(limiter, at('office', 'operatore2', `guess${i}`), 0);
      const now = 0;
      expect((await limiter.admit(at('office', 'operatore2'), now)).admitted).toBe(false);
      // the device is known for operatore2 only
      expect((await limiter.admit(at('office', 'operatore2', 'stranger'), now)).admitted).toBe(false);
      expect(await attempt(limiter, at('office', 'operatore3', 'desk'), now)).toBe(0);
      // its own typos still slow it down
      for (let i = 0; i < 3; i++) expect(await attempt(limiter, at('office', 'operatore2', 'desk'), now)).toBe(0);
      expect(await limiter.admit(at('office', 'operatore2', 'desk'), now)).toEqual({
        admitted: false,
        retryAfterMs: 1_000,
      });
    });

    it('stays known for 30 days after its last sign-in', async () => {
      const limiter = await makeLimiter();
      await attempt(limiter, at('home', 'operatore2', 'laptop'), 0, 'succeeded');
      const later = DEFAULT_LOGIN_THROTTLE.knownDeviceMs;
      for (let i = 0; i < 3; i++) await attempt(limiter, at('cafe', 'operatore2'), later);
      // the laptop, now at the café whose address is held up, is no longer known
      expect((await limiter.admit(at('cafe', 'operatore2', 'laptop'), later)).admitted).toBe(false);
      expect((await limiter.admit(at('cafe', 'operatore2', 'laptop'), later - 1)).admitted).toBe(true);
    });
  });

  describe('sign-in limiter, per address across accounts', () => {
    it('admits 100 failures per 15 minutes from one address, then one every 9 s; known devices pass', async () => {
      const limiter = await makeLimiter();
      await attempt(limiter, at('spray', 'operatore6', 'desk'), 0, 'succeeded');
      for (let i = 0; i < 100; i++) expect(await attempt(limiter, at('spray', `nobody${i}`), 0)).toBe(0);
      expect(await limiter.admit(at('spray', 'operatore7'), 0)).toEqual({ admitted: false, retryAfterMs: 9_000 });
      expect(await attempt(limiter, at('elsewhere', 'operatore7'), 0, 'succeeded')).toBe(0);
      expect(await attempt(limiter, at('spray', 'operatore6', 'desk'), 0, 'succeeded')).toBe(0);
      expect(await attempt(limiter, at('spray', 'nobody-more'), 9_000)).toBe(0);
      expect((await limiter.admit(at('spray', 'operatore7'), 9_000)).admitted).toBe(false);
    });

    it.runIf(store === 'memory')(
      'keeps bounded tables: the least recently touched entries are dropped first',
      async () => {
        const limiter = await makeLimiter({ ...DEFAULT_LOGIN_THROTTLE, maxEntries: 10 });
        for (let i = 0; i < 3; i++) await attempt(limiter, at('A'), 0);
        expect((await limiter.admit(at('A'), 0)).admitted).toBe(false);
        for (let i = 0; i < 10; i++) await attempt(limiter, at(`other${i}`, `user${i}`), 0);
        expect((await limiter.admit(at('A'), 0)).admitted).toBe(true);
      },
    );

    it.runIf(store === 'database')('drops entries nobody touched for a week, a few at each step', async () => {
      const limiter = await makeLimiter();
      for (let i = 0; i < 40; i++) await attempt(limiter, at(`old${i}`, `user${i}`), 0);
      const rows = async () =>
        (
          await lastDatabase()
            .db.selectFrom('login_throttle')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n;
      expect(await rows()).toBe(40 * 3);
      await attempt(limiter, at('new', 'someone'), 6 * 86_400_000);
      expect(await rows()).toBe(40 * 3 + 3); // a week has not passed
      await attempt(limiter, at('new', 'someone'), 8 * 86_400_000);
      // past a week: 50 stale entries dropped at each of the attempt's two steps (admitted, settled)
      expect(await rows()).toBe(40 * 3 + 3 - 2 * 50);
    });
  });
});
