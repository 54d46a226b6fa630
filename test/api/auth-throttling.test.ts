import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MovableClock } from '@valore/server/testing/movable-clock';
import { createApiClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';
import { db } from '../helpers/sql';

/**
 * Sign-in throttling that cannot lock the user out (issue 13, part 4; OWASP Authentication Cheat Sheet). Wrong
 * passwords slow down the address (or browser) they come from, ever more; the account as a whole only gets a soft,
 * growing delay at addresses that already failed for it, so its owner signs in from anywhere else — and from the
 * attacker's own address in a browser they signed in with before (the known-device cookie). Client addresses come from
 * X-Forwarded-For only when the peer is a trusted proxy (VALORE_TRUSTED_PROXIES); the tests run behind such a proxy
 * (loopback) to play several addresses. A movable clock stands in for waiting.
 */

const ATTACKER = '203.0.113.66';
const HOME = '198.51.100.20';

interface Attempt {
  status: number;
  /** Seconds, from the Retry-After header. */
  retryAfter: number;
  /** Seconds, from the error's data (what the console shows: "Riprova tra N secondi"). */
  dataRetryAfter: number | null;
  message: string;
  setCookie: string[];
}

async function signIn(
  server: TestServer,
  username: string,
  password: string,
  opts: { from?: string; cookie?: string } = {},
): Promise<Attempt> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.from) headers['x-forwarded-for'] = opts.from;
  if (opts.cookie) headers.cookie = opts.cookie;
  const response = await fetch(`${server.url}/trpc/auth.login`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ username, password }),
  });
  const body = (await response.json()) as { error?: { message: string; data?: { retryAfterSeconds?: number | null } } };
  return {
    status: response.status,
    retryAfter: Number(response.headers.get('retry-after') ?? 0),
    dataRetryAfter: body.error?.data?.retryAfterSeconds ?? null,
    message: body.error?.message ?? '',
    setCookie: response.headers.getSetCookie(),
  };
}

/** Wrong passwords from one address until `failures` of them were checked, waiting out every 429; the waits in seconds. */
async function hammer(server: TestServer, clock: MovableClock, username: string, from: string, failures: number) {
  const waits: number[] = [];
  let failed = 0;
  while (failed < failures) {
    const attempt = await signIn(server, username, `guess-${failed}`, { from });
    if (attempt.status === 429) {
      waits.push(attempt.retryAfter);
      clock.advance(attempt.retryAfter * 1000);
      continue;
    }
    expect(attempt.status).toBe(401);
    failed++;
  }
  return waits;
}

const deviceCookie = (setCookie: string[]) => setCookie.find((c) => c.startsWith('valore_device='))?.split(';')[0];

describe('behind a trusted proxy', () => {
  let server: TestServer;
  let clock: MovableClock;
  beforeAll(async () => {
    clock = new MovableClock();
    server = await startTestServer({ clock, env: { VALORE_TRUSTED_PROXIES: 'loopback' } });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });
  /** The entries of `action` from `ip` about `username`: the user the entry names, else the username its details
   * record (a failed sign-in of an unknown user); the details read here, JSON reading differing between engines. */
  const audited = async (action: string, username: string, ip: string) =>
    (
      await db(server).all<{ username: string | null; details: string | null }>(
        `SELECT u.username, a.details FROM audit_log a LEFT JOIN users u ON CAST(u.id AS TEXT) = a.entity_id
          WHERE a.action = ? AND a.ip = ?`,
        action,
        ip,
      )
    ).filter(
      (row) => (row.username ?? (JSON.parse(row.details ?? '{}') as { username?: string }).username) === username,
    ).length;

  it('an attacker hammering an account from one address cannot stop its owner signing in from another', async () => {
    const waits: number[] = [];
    let failed = 0;
    let signedIn = 0;
    while (failed < 20) {
      const attempt = await signIn(server, 'operatore1', `guess-${failed}`, { from: ATTACKER });
      if (attempt.status === 429) {
        expect(attempt.message).toMatch(/Too many failed sign-in attempts/);
        waits.push(attempt.retryAfter);
        // while the attacker is held up, the owner at home, in a browser that never signed in before, gets in
        const owner = await signIn(server, 'operatore1', 'demo', { from: HOME });
        expect(owner.status).toBe(200);
        signedIn++;
        clock.advance(attempt.retryAfter * 1000);
        continue;
      }
      expect(attempt.status).toBe(401);
      failed++;
    }
    // three free tries, then a wait that doubles at every failure, from 1 s up to 15 minutes — for that address only
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900, 900, 900, 900, 900]);
    expect((await signIn(server, 'operatore1', 'demo', { from: ATTACKER })).status).toBe(429);
    expect((await signIn(server, 'operatore1', 'demo', { from: HOME })).status).toBe(200);
    // every checked wrong password is audited with the client's address (a refused attempt checks nothing)
    expect(await audited('auth.login_failed', 'operatore1', ATTACKER)).toBe(20);
    expect(await audited('auth.login', 'operatore1', HOME)).toBe(signedIn + 1);
  });

  it("a browser the user signed in with before gets through even at the attacker's own address (known-device cookie)", async () => {
    const OFFICE = '192.0.2.10';
    const desk = createApiClient(server.url, { 'x-forwarded-for': OFFICE });
    await desk.login('operatore2');
    expect(desk.jar.get('valore_device')).toBeTruthy();
    // a colleague at the same office address: signed in as themselves (a device cookie of their own), then guessing
    const colleague = createApiClient(server.url, { 'x-forwarded-for': OFFICE });
    await colleague.login('operatore3');
    await hammer(server, clock, 'operatore2', OFFICE, 3);
    const colleagueCookie = `valore_device=${colleague.jar.get('valore_device') ?? ''}`;
    expect((await signIn(server, 'operatore2', 'guess-x', { from: OFFICE, cookie: colleagueCookie })).status).toBe(429);
    // no cookie, or a forged one: the office address waits
    expect((await signIn(server, 'operatore2', 'demo', { from: OFFICE })).status).toBe(429);
    expect(
      (await signIn(server, 'operatore2', 'demo', { from: OFFICE, cookie: 'valore_device=abc.forged' })).status,
    ).toBe(429);
    // the user's own browser signs in at once
    await expect(desk.login('operatore2')).resolves.toMatchObject({ user: { username: 'operatore2' } });
  });

  it('marks the browser with an httpOnly, SameSite=Strict device cookie at a successful sign-in only', async () => {
    const ok = await signIn(server, 'operatore4', 'demo', { from: HOME });
    const cookie = ok.setCookie.find((c) => c.startsWith('valore_device=')) ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Max-Age=\d+/);
    const failed = await signIn(server, 'operatore4', 'wrong', { from: HOME });
    expect(deviceCookie(failed.setCookie)).toBeUndefined();
  });

  it('an attacker rotating addresses meets a growing account-wide delay wherever they already failed, never at a fresh address', async () => {
    const bot = (i: number) => `10.9.0.${i}`;
    for (let i = 1; i <= 10; i++)
      expect((await signIn(server, 'operatore5', `guess-${i}`, { from: bot(i) })).status).toBe(401);
    // one failure at that address only, but ten on the account: a second guess from there waits
    const first = await signIn(server, 'operatore5', 'guess-again', { from: bot(1) });
    expect(first.status).toBe(429);
    expect(first.retryAfter).toBe(1);
    for (let i = 11; i <= 12; i++)
      expect((await signIn(server, 'operatore5', `guess-${i}`, { from: bot(i) })).status).toBe(401);
    const later = await signIn(server, 'operatore5', 'guess-again', { from: bot(2) });
    expect(later.status).toBe(429);
    expect(later.retryAfter).toBe(4);
    // the same wait in the error's data, for the console's message
    expect([first.dataRetryAfter, later.dataRetryAfter]).toEqual([1, 4]);
    // the owner from an address that has not failed: straight in
    expect((await signIn(server, 'operatore5', 'demo', { from: HOME })).status).toBe(200);
    // a soft delay, not a lockout: once it has passed, the address may try again
    clock.advance(later.retryAfter * 1000);
    expect((await signIn(server, 'operatore5', 'demo', { from: bot(2) })).status).toBe(200);
  });

  it('throttles one address trying many usernames (429 with Retry-After); other addresses and known browsers are not held up', async () => {
    const SPRAY = '203.0.113.99';
    const known = createApiClient(server.url, { 'x-forwarded-for': SPRAY });
    await known.login('operatore6');
    let attempts = 0;
    let last: Attempt | null = null;
    while (attempts < 150 && last?.status !== 429) {
      last = await signIn(server, `nobody${attempts}`, 'guess', { from: SPRAY });
      attempts++;
    }
    expect(last?.status).toBe(429);
    expect(attempts).toBe(101);
    const retryAfter = last?.retryAfter ?? 0;
    expect(retryAfter).toBeGreaterThan(0);
    // even the right password waits there: guessing cannot be told apart from success
    expect((await signIn(server, 'operatore7', 'demo', { from: SPRAY })).status).toBe(429);
    // …except in a browser that signed in to that account before
    await expect(known.login('operatore6')).resolves.toMatchObject({ user: { username: 'operatore6' } });
    expect((await signIn(server, 'operatore7', 'demo', { from: '198.51.100.77' })).status).toBe(200);
    clock.advance(retryAfter * 1000);
    expect((await signIn(server, 'nobody-more', 'guess', { from: SPRAY })).status).toBe(401);
  });

  it('takes the nearest address the trusted proxy saw, not what the client wrote before it', async () => {
    expect((await signIn(server, 'operatore8', 'wrong', { from: '1.2.3.4, 203.0.113.9' })).status).toBe(401);
    expect(await audited('auth.login_failed', 'operatore8', '203.0.113.9')).toBe(1);
    expect(await audited('auth.login_failed', 'operatore8', '1.2.3.4')).toBe(0);
  });
});

describe.each([
  ['with no trusted proxy (the default)', {}],
  ['when the peer is not the trusted proxy', { VALORE_TRUSTED_PROXIES: '10.0.0.1' }],
])('X-Forwarded-For %s', (_when, env: Record<string, string>) => {
  it('is ignored: a new address per request does not reset the wait, and the socket address is audited', async () => {
    const clock = new MovableClock();
    const server = await startTestServer({ clock, env });
    try {
      for (let i = 1; i <= 3; i++) {
        expect((await signIn(server, 'operatore9', `guess-${i}`, { from: `203.0.113.${i}` })).status).toBe(401);
      }
      const spoofed = await signIn(server, 'operatore9', 'demo', { from: '198.51.100.200' });
      expect(spoofed.status).toBe(429);
      expect(spoofed.retryAfter).toBe(1);
      const ips = await db(server).all<{ ip: string }>(
        `SELECT DISTINCT ip FROM audit_log WHERE action = 'auth.login_failed'`,
      );
      expect(ips).toEqual([{ ip: '127.0.0.1' }]);
    } finally {
      await server.close();
    }
  });
});
