import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MovableClock } from '@valore/server/testing/movable-clock';
import { createApiClient, trpcError } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
// still unless a test moves it: a sign-in wait is then exactly what the server announced
const clock = new MovableClock();
beforeAll(async () => {
  server = await startTestServer({ clock });
});
afterAll(async () => {
  await server.close();
});

describe('signing in over HTTP', () => {
  it.each([
    ['operatore1', 'operator'],
    ['tutor1', 'tutor'],
    ['teamlead1', 'team_lead'],
    ['admin', 'admin'],
  ] as const)('%s signs in with the demo password and is a %s', async (username, role) => {
    const api = createApiClient(server.url);
    const { user } = await api.login(username);
    expect(user).toMatchObject({ username, role });
    expect(await api.trpc.auth.me.query()).toEqual(user);
  });

  it('sets an httpOnly, SameSite=Strict session cookie', async () => {
    const response = await fetch(`${server.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'operatore2', password: 'demo' }),
    });
    const cookie = response.headers.getSetCookie().join('\n');
    expect(cookie).toMatch(/valore_sid=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
  });

  it('refuses a wrong password with a clear 401, not a 500', async () => {
    const api = createApiClient(server.url);
    const error = await trpcError(api.login('operatore3', 'wrong'));
    expect(error.data).toMatchObject({ httpStatus: 401, domainCode: 'INVALID_CREDENTIALS' });
    expect(error.message).toBe('Wrong username or password.');
  });

  it('slows down wrong passwords from one address: three free tries, then 429 with Retry-After, even for the right password', async () => {
    // (an attacker's address, not the account, is held up: test/api/auth-throttling.test.ts)
    const api = createApiClient(server.url);
    for (let i = 0; i < 3; i++) {
      expect((await trpcError(api.login('operatore4', `wrong-${i}`))).data?.httpStatus).toBe(401);
    }
    const signIn = () =>
      fetch(`${server.url}/trpc/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'operatore4', password: 'demo' }),
      });
    const response = await signIn();
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('1');
    const body = (await response.json()) as { error: { message: string; data: { domainCode: string } } };
    expect(body.error.data.domainCode).toBe('RATE_LIMITED');
    expect(body.error.message).toBe('Too many failed sign-in attempts. Try again in 1 second(s).');
    clock.advance(1_000);
    expect((await signIn()).status).toBe(200);
  });

  it('answers bad input with 400 and per-field messages', async () => {
    const response = await fetch(`${server.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: '', extra: 1 }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      error: { data: { zodError: { fieldErrors: Record<string, string[]> } } };
    };
    expect(Object.keys(body.error.data.zodError.fieldErrors)).toEqual(expect.arrayContaining(['username', 'password']));
  });

  it('gives a new session id at login and ends the session server-side at logout', async () => {
    const api = createApiClient(server.url);
    await api.login('operatore5');
    const before = api.cookieHeader();
    await api.login('operatore5');
    const after = api.cookieHeader();
    expect(after).not.toBe(before);
    // the planted/old cookie no longer works
    const stale = await fetch(`${server.url}/trpc/auth.me`, { headers: { cookie: before } });
    expect(stale.status).toBe(401);

    await api.trpc.auth.logout.mutate();
    const replayed = await fetch(`${server.url}/trpc/auth.me`, { headers: { cookie: after } });
    expect(replayed.status).toBe(401);
  });

  it('refuses a tampered session cookie', async () => {
    const api = createApiClient(server.url);
    await api.login('operatore6');
    const session = `valore_sid=${api.jar.get('valore_sid') ?? ''}`;
    const tampered = api.cookieHeader().replace(
      session,
      session.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
    );
    expect(tampered).not.toContain(session);
    const response = await fetch(`${server.url}/trpc/auth.me`, { headers: { cookie: tampered } });
    expect(response.status).toBe(401);
  });
});

describe('CSRF protection on mutations', () => {
  it('refuses a mutation that is not JSON', async () => {
    const response = await fetch(`${server.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ username: 'operatore1', password: 'demo' }),
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: { domainCode: 'CSRF' } });
  });

  it('refuses a mutation from another origin', async () => {
    const response = await fetch(`${server.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ username: 'operatore1', password: 'demo' }),
    });
    expect(response.status).toBe(403);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('accepts a mutation from its own origin', async () => {
    const response = await fetch(`${server.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ username: 'operatore1', password: 'demo' }),
    });
    expect(response.status).toBe(200);
  });
});

describe('HTTP surface', () => {
  it('reports health', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('exposes Prometheus metrics with request counts and latency', async () => {
    await fetch(`${server.url}/healthz`);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/valore_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(text).toMatch(/valore_http_request_duration_seconds_bucket/);
  });

  it('sends security headers', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('answers malformed JSON with a 400 and no stack trace', async () => {
    const response = await fetch(`${server.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username": ',
    });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('idle expiry', () => {
  it('ends a session after 30 idle minutes, but not while it is in use', async () => {
    const { MovableClock } = await import('@valore/server/testing/movable-clock');
    const clock = new MovableClock();
    const idleServer = await startTestServer({ clock });
    try {
      const api = createApiClient(idleServer.url);
      await api.login('operatore7');
      clock.advance(20 * 60_000);
      await expect(api.trpc.auth.me.query()).resolves.toMatchObject({ username: 'operatore7' });
      clock.advance(20 * 60_000); // 20 minutes after the last request: still inside the window
      await expect(api.trpc.auth.me.query()).resolves.toMatchObject({ username: 'operatore7' });
      clock.advance(31 * 60_000);
      const error = await trpcError(api.trpc.auth.me.query());
      expect(error.data).toMatchObject({ httpStatus: 401, domainCode: 'SESSION_EXPIRED' });
    } finally {
      await idleServer.close();
    }
  });
});
