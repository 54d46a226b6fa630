import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MovableClock } from '@valore/server/testing/movable-clock';
import { createApiClient, trpcError } from '../helpers/api-client';
import { openLiveStream } from '../helpers/live-stream';
import { startTestServer, TEST_INTAKE_KEY, type TestServer } from '../helpers/server';
import { db } from '../helpers/sql';

/**
 * Sessions and web security, beyond what test/api/auth.test.ts already proves (cookie flags at login, new session id
 * on re-login, logout ends the session, tampered cookie, 30-minute idle expiry, sign-in slow-down, CSRF on
 * tRPC for text/plain and a foreign Origin, CSP/nosniff/x-powered-by, malformed JSON). Each story here is one more
 * attack or promise.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
}, 60_000);
afterAll(async () => {
  await server?.close();
});

const sid = (setCookie: string[]) => setCookie.find((c) => c.startsWith('valore_sid='));
const count = async (sql: string) => (await db(server).get<{ n: number }>(sql))!.n;

async function loginRaw(username: string, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ username, password: 'demo' }),
  });
}

describe('session fixation', () => {
  it('ignores a session id planted before sign-in: the server issues its own, and the planted one opens nothing', async () => {
    const planted = 'valore_sid=attacker-chosen-token.c2lnbmF0dXJl';
    const response = await loginRaw('operatore8', { cookie: planted });
    expect(response.status).toBe(200);
    const issued = sid(response.headers.getSetCookie());
    expect(issued).toBeDefined();
    expect(issued?.split(';')[0]).not.toBe(planted);
    expect((await fetch(`${server.url}/trpc/auth.me`, { headers: { cookie: planted } })).status).toBe(401);
    expect(
      (await fetch(`${server.url}/trpc/auth.me`, { headers: { cookie: issued?.split(';')[0] ?? '' } })).status,
    ).toBe(200);
  });

  it('a session obtained by one user and handed to a victim is replaced when the victim signs in', async () => {
    const attacker = createApiClient(server.url);
    await attacker.login('operatore9');
    const attackerCookie = attacker.cookieHeader();
    // the victim's browser carries the attacker's cookie and signs in as themselves
    const victimLogin = await loginRaw('operatore10', { cookie: attackerCookie });
    const victimCookie = sid(victimLogin.headers.getSetCookie())?.split(';')[0] ?? '';
    expect(victimCookie).not.toBe(attackerCookie);
    // the attacker's copy does not follow the victim into their account (it no longer works at all)
    expect((await fetch(`${server.url}/trpc/auth.me`, { headers: { cookie: attackerCookie } })).status).toBe(401);
  });
});

describe('logout', () => {
  it('clears the cookie and invalidates the session server-side for queries, mutations and live streams', async () => {
    const api = createApiClient(server.url);
    await api.login('operatore11');
    const cookie = api.cookieHeader();
    const response = await api.fetch(`${server.url}/trpc/auth.logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie().join()).toMatch(/valore_sid=;.*(Expires=Thu, 01 Jan 1970|Max-Age=0)/i);
    const replay = { cookie, 'content-type': 'application/json' };
    expect((await fetch(`${server.url}/trpc/auth.me`, { headers: replay })).status).toBe(401);
    expect((await fetch(`${server.url}/trpc/work.next`, { method: 'POST', headers: replay, body: '{}' })).status).toBe(
      401,
    );
    const stream = await openLiveStream(server.url, 'coaching', { cookie });
    expect(stream.status).toBe(401);
    expect(stream.refusal?.error.code).toBe('UNAUTHORIZED');
  });

  it('ends only that session: the same user signed in elsewhere stays signed in', async () => {
    const desk = createApiClient(server.url);
    const laptop = createApiClient(server.url);
    await desk.login('operatore12');
    await laptop.login('operatore12');
    await desk.trpc.auth.logout.mutate();
    await expect(laptop.trpc.auth.me.query()).resolves.toMatchObject({ username: 'operatore12' });
  });
});

describe('session lifetime', () => {
  it('ends a session after 12 hours even while it is in use (idle expiry: test/api/auth.test.ts)', async () => {
    const clock = new MovableClock();
    const timed = await startTestServer({ clock });
    try {
      const api = createApiClient(timed.url);
      await api.login('operatore13');
      for (let minutes = 0; minutes < 12 * 60 - 25; minutes += 25) {
        clock.advance(25 * 60_000);
        await expect(api.trpc.auth.me.query()).resolves.toMatchObject({ username: 'operatore13' });
      }
      clock.advance(60 * 60_000 - 1); // well inside the idle window, past the 12-hour limit
      expect((await trpcError(api.trpc.auth.me.query())).data).toMatchObject({
        httpStatus: 401,
        domainCode: 'SESSION_EXPIRED',
      });
    } finally {
      await timed.close();
    }
  });
});

describe('CSRF', () => {
  const signedIn = async () => {
    const api = createApiClient(server.url);
    await api.login('teamlead2');
    return api;
  };

  it.each([
    ['a form post (urlencoded)', { 'content-type': 'application/x-www-form-urlencoded' }, 415],
    ['a multipart form post', { 'content-type': 'multipart/form-data; boundary=x' }, 415],
    [
      'a request marked cross-site by the browser',
      { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' },
      403,
    ],
    ['a request from a sibling site', { 'content-type': 'application/json', 'sec-fetch-site': 'same-site' }, 403],
    [
      'a request from an opaque origin (sandboxed iframe, file:)',
      { 'content-type': 'application/json', origin: 'null' },
      403,
    ],
    [
      'a request from a look-alike origin',
      { 'content-type': 'application/json', origin: 'http://localhost.evil.example' },
      403,
    ],
  ])('refuses %s on a tRPC mutation, with no effect', async (_what, headers, status) => {
    const api = await signedIn();
    const before = await count('SELECT count(*) n FROM campaigns');
    const response = await api.fetch(`${server.url}/trpc/campaigns.create`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        requestId: crypto.randomUUID(),
        name: 'CSRF',
        businessUnit: 'Banking',
        productCode: 'CONTO',
        startsOn: '2026-01-01',
        endsOn: '2026-12-31',
        maxAttempts: 3,
        retryDelayMinutes: 60,
        scriptVersion: 1,
        siteIds: [2],
      }),
    });
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error: { domainCode: 'CSRF' } });
    expect(await count('SELECT count(*) n FROM campaigns')).toBe(before);
  });

  it('does not run a mutation sent as a GET (a link or an <img> cannot change anything)', async () => {
    const api = await signedIn();
    const response = await api.fetch(`${server.url}/trpc/auth.logout`);
    expect(response.status).toBeGreaterThanOrEqual(400);
    await expect(api.trpc.auth.me.query()).resolves.toMatchObject({ username: 'teamlead2' });
  });

  it.each([
    ['from another origin', { 'content-type': 'text/csv', origin: 'https://evil.example' }, 403],
    ['marked cross-site by the browser', { 'content-type': 'text/csv', 'sec-fetch-site': 'cross-site' }, 403],
    ['as a form post (not text/csv)', { 'content-type': 'application/x-www-form-urlencoded' }, 415],
    ['as text/plain', { 'content-type': 'text/plain' }, 415],
  ])('refuses a CSV import %s, with no effect', async (_what, headers, status) => {
    const api = await signedIn();
    const before = await count(
      'SELECT (SELECT count(*) FROM optout_registry) + (SELECT count(*) FROM registry_imports) n',
    );
    const response = await api.fetch(`${server.url}/api/v1/optout-registry/import`, {
      method: 'POST',
      headers,
      body: 'phone\n+393471234567\n',
    });
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBeTruthy();
    expect(
      await count('SELECT (SELECT count(*) FROM optout_registry) + (SELECT count(*) FROM registry_imports) n'),
    ).toBe(before);
  });
});

describe('login rate limit per address', () => {
  it('stops one address trying many usernames, with Retry-After (the rest: test/api/auth-throttling.test.ts)', async () => {
    // a still clock: the 100 failures of the 15-minute allowance do not start fading while the test runs
    const own = await startTestServer({ clock: new MovableClock() });
    try {
      let status = 0;
      let attempts = 0;
      let retryAfter: string | null = null;
      while (attempts < 150 && status !== 429) {
        const response = await fetch(`${own.url}/trpc/auth.login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: `nobody${attempts}`, password: 'guess' }),
        });
        status = response.status;
        retryAfter = response.headers.get('retry-after');
        attempts++;
      }
      expect(status).toBe(429);
      expect(attempts).toBe(101);
      expect(Number(retryAfter)).toBeGreaterThan(0);
      // even the right password waits: guessing cannot be told apart from success
      expect(
        (
          await fetch(`${own.url}/trpc/auth.login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username: 'operatore1', password: 'demo' }),
          })
        ).status,
      ).toBe(429);
    } finally {
      await own.close();
    }
  });
});

describe('security headers', () => {
  it.each([
    ['the console API', '/trpc/auth.me'],
    ['a JSON 404', '/api/nothing-here'],
    ['the funnel link page', '/f/unknown-token'],
    ['the health check', '/healthz'],
  ])('are on %s', async (_what, path) => {
    const response = await fetch(`${server.url}${path}`, { redirect: 'manual' });
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).toMatch(/object-src 'none'/);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toMatch(/SAMEORIGIN|DENY/);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('sets the session cookie httpOnly, SameSite=Strict, for the whole site, with a bounded lifetime', async () => {
    const cookie = sid((await loginRaw('operatore14')).headers.getSetCookie()) ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).toMatch(/Max-Age=43200/);
  });
});

describe('error bodies', () => {
  const leaks = /\bat [^\s]+ \(|\.ts:\d+|node_modules|SQLITE_|\bSELECT\b|\bINSERT\b|stack/i;

  it.each([
    ['an unknown procedure', () => fetch(`${server.url}/trpc/nope.nothing`)],
    [
      'a wrong input type',
      () => fetch(`${server.url}/trpc/customers.card?input=${encodeURIComponent('{"customerId":"1 OR 1=1"}')}`),
    ],
    [
      'broken JSON on the intake API',
      () =>
        fetch(`${server.url}/api/v1/callback-requests`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TEST_INTAKE_KEY}`, 'content-type': 'application/json' },
          body: '{"phone":',
        }),
    ],
    [
      'an oversized intake body',
      () =>
        fetch(`${server.url}/api/v1/callback-requests`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TEST_INTAKE_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ note: 'x'.repeat(2_000_000) }),
        }),
    ],
    ['a query URL beyond the header limit', () => fetch(`${server.url}/trpc/auth.me?input=${'x'.repeat(20_000)}`)],
    [
      'a field named __proto__',
      () =>
        fetch(`${server.url}/api/v1/cti/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TEST_INTAKE_KEY}`, 'content-type': 'application/json' },
          body: '{"__proto__":{"x":1}}',
        }),
    ],
  ])('%s gets a 4xx with a message and no stack trace or SQL', async (_what, send) => {
    const response = await send();
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    const body = await response.text();
    expect(body).toMatch(/"message":"[^"]+"/);
    expect(body).not.toMatch(leaks);
  });
});
