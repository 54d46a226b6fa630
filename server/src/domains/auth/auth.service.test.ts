import { sql } from 'kysely';
import { describe, expect, it, vi } from 'vitest';
import type { Executor } from '../../db/database';
import { groupCommit } from '../../db/group-commit';
import { MovableClock } from '../../testing/movable-clock';
import { createTestDeps } from '../../testing/test-deps';
import { login, RateLimitedError, resolveSession } from './auth.service';
import { flushLastSeen, LAST_SEEN_FLUSH_MS, LAST_SEEN_PER_UNIT, lastSeenOf, recordLastSeen } from './last-seen';
import { hashPassword, verifyPassword } from './password';

async function withUser(password = 'segreta') {
  const clock = new MovableClock('2026-11-26T09:00:00Z');
  const { deps, database } = await createTestDeps({ clock });
  database.sqlite.exec(`INSERT INTO macro_areas VALUES ('C','Centro'); INSERT INTO provinces VALUES ('RM','Roma');
    INSERT INTO sites (code, name, city, province_code) VALUES ('RM1','Roma','Roma','RM');`);
  await deps.db
    .insertInto('users')
    .values({
      username: 'operatore1',
      display_name: 'Anna Rossi',
      role: 'operator',
      site_id: 1,
      team_id: null,
      password_hash: await hashPassword(password),
      created_at: clock.now().toISOString(),
    })
    .execute();
  return { deps, clock };
}

const request = (password: string, ip = '10.0.0.1', deviceId: string | null = null) => ({
  username: 'operatore1',
  password,
  ip,
  userAgent: 'test',
  previousToken: null,
  deviceId,
});

describe('password hashing', () => {
  it('stores argon2id hashes that verify only the right password', async () => {
    const stored = await hashPassword('demo');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(stored, 'demo')).toBe(true);
    expect(await verifyPassword(stored, 'Demo')).toBe(false);
    expect(await verifyPassword('not a hash', 'demo')).toBe(false);
  });
});

describe('login', () => {
  it('returns the user and a fresh token for the right password', async () => {
    const { deps } = await withUser();
    const first = await login(deps, request('segreta'));
    const second = await login(deps, request('segreta'));
    expect(first.user).toMatchObject({ username: 'operatore1', role: 'operator', siteId: 1 });
    expect(first.token).not.toBe(second.token);
  });

  it('refuses a wrong password with INVALID_CREDENTIALS and audits it', async () => {
    const { deps } = await withUser();
    await expect(login(deps, request('sbagliata'))).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      domainCode: 'INVALID_CREDENTIALS',
    });
    const audit = await deps.db.selectFrom('audit_log').select('action').execute();
    expect(audit.map((a) => a.action)).toEqual(['auth.login_failed']);
  });

  it('holds up the address that keeps failing, even for the right password, and not the user elsewhere', async () => {
    const { deps, clock } = await withUser();
    for (let i = 0; i < 3; i++)
      await expect(login(deps, request('sbagliata'))).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(login(deps, request('segreta'))).rejects.toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      domainCode: 'RATE_LIMITED',
      retryAfterMs: 1_000,
      message: 'Too many failed sign-in attempts. Try again in 1 second(s).',
    });
    await expect(login(deps, request('segreta', '10.0.0.2'))).resolves.toMatchObject({
      user: { username: 'operatore1' },
    });
    clock.advance(1_000);
    await expect(login(deps, request('segreta'))).resolves.toMatchObject({ user: { username: 'operatore1' } });
    // every checked wrong password is audited, a refused attempt checks nothing
    const failed = await deps.db
      .selectFrom('audit_log')
      .select('ip')
      .where('action', '=', 'auth.login_failed')
      .execute();
    expect(failed).toEqual(Array.from({ length: 3 }, () => ({ ip: '10.0.0.1' })));
  });

  it('gives the browser a device id that gets it through where its address is held up', async () => {
    const { deps } = await withUser();
    const { deviceId } = await login(deps, request('segreta', '10.0.0.1'));
    expect(deviceId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    for (let i = 0; i < 3; i++)
      await expect(login(deps, request('sbagliata', '10.0.0.1'))).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(login(deps, request('segreta', '10.0.0.1'))).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    const again = await login(deps, request('segreta', '10.0.0.1', deviceId));
    expect(again.deviceId).toBe(deviceId);
  });

  it('says minutes when the wait is a minute or more', async () => {
    const { deps, clock } = await withUser();
    for (let failures = 0; failures < 9;) {
      const outcome = await login(deps, request('sbagliata')).catch((error: unknown) => error);
      if (outcome instanceof RateLimitedError) clock.advance(outcome.retryAfterMs);
      else failures++;
    }
    // nine failures: 64 s
    await expect(login(deps, request('segreta'))).rejects.toThrow(
      'Too many failed sign-in attempts. Try again in 2 minute(s).',
    );
  });
});

describe('last-seen times (issue 15)', () => {
  const lastSeen = async (deps: Awaited<ReturnType<typeof withUser>>['deps']) =>
    (await deps.db.selectFrom('sessions').select(['id', 'last_seen_at']).orderBy('id').execute()).map(
      (r) => r.last_seen_at,
    );

  it('are gathered and written together a moment later, the request not writing them itself', async () => {
    const { deps, clock } = await withUser();
    const a = await login(deps, request('segreta'));
    const b = await login(deps, request('segreta', '10.0.0.2'));
    const signedIn = clock.now().toISOString();
    clock.advance(61_000);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      for (const token of [a.token, b.token]) {
        const { session } = await resolveSession(deps, token);
        expect(session?.user.username).toBe('operatore1');
      }
      // answered, nothing written yet
      expect(await lastSeen(deps)).toEqual([signedIn, signedIn]);
      vi.advanceTimersByTime(LAST_SEEN_FLUSH_MS);
    } finally {
      vi.useRealTimers();
    }
    const seen = clock.now().toISOString();
    await vi.waitFor(async () => expect(await lastSeen(deps)).toEqual([seen, seen]));
  });

  it('a large flush is written a unit at a time, each committed before the next is queued; meanwhile the idle check reads the gathered times', async () => {
    const { deps, clock } = await withUser();
    const signedIn = clock.now().toISOString();
    const ids = Array.from({ length: 3 * LAST_SEEN_PER_UNIT }, (_, i) => `s${String(i).padStart(4, '0')}`);
    await deps.db
      .insertInto('sessions')
      .values(
        ids.map((id) => ({
          id,
          user_id: 1,
          created_at: signedIn,
          last_seen_at: signedIn,
          expires_at: '2026-11-27T09:00:00.000Z',
        })),
      )
      .execute();
    clock.advance(61_000);
    const seen = clock.now().toISOString();
    for (const id of ids) await recordLastSeen(deps.db, deps.logger, id, seen);
    const written = async (db: Executor = deps.db) =>
      Number(
        (await sql<{ n: number }>`SELECT count(*) AS n FROM sessions WHERE last_seen_at = ${seen}`.execute(db)).rows[0]
          ?.n,
      );

    const flushed = flushLastSeen(deps.db);
    // a request's write queued as the flush begins commits with its first unit, not behind the whole flush
    const seenByRequest = await groupCommit(deps.db, (trx) => written(trx));
    expect(seenByRequest).toBe(LAST_SEEN_PER_UNIT);
    // the last one not written yet: the idle check still reads the time gathered for it
    expect(lastSeenOf(deps.db, ids.at(-1) ?? '', signedIn)).toBe(seen);
    await flushed;
    expect(await written()).toBe(ids.length);
    // nothing held back now: the stored time is the one read
    expect(lastSeenOf(deps.db, ids.at(-1) ?? '', signedIn)).toBe(signedIn);
  });

  it('are written at once on flush (the server does so before closing its database)', async () => {
    const { deps, clock } = await withUser();
    const a = await login(deps, request('segreta'));
    clock.advance(61_000);
    await resolveSession(deps, a.token);
    await flushLastSeen(deps.db);
    expect(await lastSeen(deps)).toEqual([clock.now().toISOString()]);
  });

  it('count for the idle check before they are written', async () => {
    const { deps, clock } = await withUser();
    const a = await login(deps, request('segreta'));
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      clock.advance(61_000);
      await resolveSession(deps, a.token); // seen now, not written yet
      clock.advance(29 * 60_000); // 30 min 1 s after the stored time, 29 min after the last request
      expect((await resolveSession(deps, a.token)).session?.user.username).toBe('operatore1');
      clock.advance(31 * 60_000);
      expect(await resolveSession(deps, a.token)).toEqual({ session: null, expired: true });
    } finally {
      vi.useRealTimers();
    }
  });
});
