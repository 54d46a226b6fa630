import { describe, expect, it } from 'vitest';
import { MovableClock } from '../../testing/movable-clock';
import { createTestDeps } from '../../testing/test-deps';
import { login } from './auth.service';
import { hashPassword, verifyPassword } from './password';
import { createLoginRateLimiter } from './rate-limiter';

async function withUser(password = 'segreta') {
  const clock = new MovableClock('2026-11-26T09:00:00Z');
  const { deps, database } = await createTestDeps({ clock });
  database.sqlite.exec(`INSERT INTO macro_areas VALUES ('C','Centro'); INSERT INTO provinces VALUES ('RM','Roma');
    INSERT INTO sites (code, name, city, province_code) VALUES ('RM1','Roma','Roma','RM');`);
  await deps.db
    .insertInto('users')
    .values({ username: 'operatore1', display_name: 'Anna Rossi', role: 'operator', site_id: 1, team_id: null, password_hash: await hashPassword(password), created_at: clock.now().toISOString() })
    .execute();
  return { deps, clock };
}

const request = (password: string) => ({ username: 'operatore1', password, ip: '10.0.0.1', userAgent: 'test', previousToken: null });

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
    await expect(login(deps, request('sbagliata'))).rejects.toMatchObject({ code: 'UNAUTHORIZED', domainCode: 'INVALID_CREDENTIALS' });
    const audit = await deps.db.selectFrom('audit_log').select('action').execute();
    expect(audit.map((a) => a.action)).toEqual(['auth.login_failed']);
  });

  it('locks a username after ten failures, even for the right password, until the window passes', async () => {
    const { deps, clock } = await withUser();
    for (let i = 0; i < 10; i++) await expect(login(deps, request('sbagliata'))).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(login(deps, request('segreta'))).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS', domainCode: 'RATE_LIMITED' });
    clock.advance(15 * 60_000 + 1);
    await expect(login(deps, request('segreta'))).resolves.toMatchObject({ user: { username: 'operatore1' } });
  });
});

describe('rate limiter', () => {
  it('counts per key and forgets failures outside the window', () => {
    const limiter = createLoginRateLimiter({ maxFailures: 2, windowMs: 1_000, perAddressMax: 5 });
    limiter.recordFailure(['user:a'], 0);
    expect(limiter.retryAfterMs(['user:a'], 10)).toBe(0);
    limiter.recordFailure(['user:a'], 100);
    expect(limiter.retryAfterMs(['user:a'], 200)).toBe(800);
    expect(limiter.retryAfterMs(['user:b'], 200)).toBe(0);
    expect(limiter.retryAfterMs(['user:a'], 999)).toBe(1);
    expect(limiter.retryAfterMs(['user:a'], 1_000)).toBe(0);
  });
});
