import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, trpcError } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';
import { db } from '../helpers/sql';

/**
 * Sign-in with the company's identity provider, against a real OpenID Connect provider (oidc-provider) started here:
 * the browser's whole round trip (start → provider login and consent → callback) with its cookies, then the session.
 */
const ACCOUNTS: Record<string, Record<string, unknown>> = {
  alice: { name: 'Alice Verdi', preferred_username: 'alice.verdi', valore_role: 'operator', valore_site: 'RM1' },
  carla: {
    name: 'Carla Neri',
    preferred_username: 'carla.neri',
    valore_role: ['staff', 'valore-team_lead'],
    valore_site: 'mi1',
  },
  bob: { name: 'Bob Senzaruolo', preferred_username: 'bob' },
  dario: { name: 'Dario Fuorisede', preferred_username: 'dario', valore_role: 'operator', valore_site: 'XX9' },
  root: { name: 'Capo Sistemi', preferred_username: 'operatore1', valore_role: 'admin' },
};

let idp: http.Server;
let issuer: string;
let server: TestServer;

beforeAll(async () => {
  idp = http.createServer();
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  server = await startTestServer({
    env: {
      VALORE_OIDC_ISSUER: issuer,
      VALORE_OIDC_CLIENT_ID: 'valore-console',
      VALORE_OIDC_CLIENT_SECRET: 'a-long-enough-client-secret-for-tests',
    },
  });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'valore-console',
        client_secret: 'a-long-enough-client-secret-for-tests',
        redirect_uris: [`${server.url}/auth/oidc/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'valore_role', 'valore_site'] },
    findAccount: (_ctx, id) =>
      ACCOUNTS[id] ? { accountId: id, claims: () => ({ sub: id, ...ACCOUNTS[id] }) } : undefined,
  });
  const handle = provider.callback();
  idp.on('request', (req, res) => void handle(req, res));
}, 60_000);
afterAll(async () => {
  await server?.close();
  await new Promise((resolve) => idp?.close(resolve));
});

/** A browser: one cookie jar per host, redirects followed by hand, the provider's dev login and consent filled in. */
function browser() {
  const jars = new Map<string, Map<string, string>>();
  const jarOf = (url: URL) =>
    jars.get(url.host) ?? jars.set(url.host, new Map()).get(url.host) ?? new Map<string, string>();
  async function request(url: URL, init: RequestInit = {}): Promise<Response> {
    const jar = jarOf(url);
    const headers = new Headers(init.headers);
    if (jar.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  }
  /** Follows redirects from `start`, logging in as `account` at the provider; ends at the first page of our site. */
  async function signIn(account: string): Promise<URL> {
    let url = new URL('/auth/oidc/start', server.url);
    for (let hop = 0; hop < 20; hop++) {
      const response = await request(url);
      if (response.status >= 300 && response.status < 400) {
        url = new URL(response.headers.get('location') ?? '', url);
        if (url.origin === new URL(server.url).origin && !url.pathname.startsWith('/auth/oidc')) return url;
        continue;
      }
      const html = await response.text();
      const action = /action="([^"]+)"/.exec(html)?.[1];
      if (!action) throw new Error(`unexpected page at ${url.href}: ${response.status} ${html.slice(0, 200)}`);
      // the provider's own form: its hidden fields as they are, the login and password filled in
      const form = new URLSearchParams();
      for (const [, name = '', value = ''] of html.matchAll(
        /<input[^>]*name="([^"]+)"(?:[^>]*value="([^"]*)")?[^>]*>/g,
      )) {
        form.set(name, name === 'login' ? account : name === 'password' ? 'any' : value);
      }
      const posted = await request(new URL(action, url), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
      url = new URL(posted.headers.get('location') ?? '', url);
    }
    throw new Error('too many redirects');
  }
  const app = () => {
    const cookie = [...jarOf(new URL(server.url))].map(([k, v]) => `${k}=${v}`).join('; ');
    return createApiClient(server.url, { cookie });
  };
  return { signIn, app };
}

describe('sign-in with the company identity provider', () => {
  it('says it is on, and signs a person in with the role and site the claims name (made at the first sign-in)', async () => {
    expect(await createApiClient(server.url).trpc.auth.options.query()).toEqual({ oidc: true, localPasswords: true });
    const b = browser();
    const landed = await b.signIn('alice');
    expect(landed.pathname).toBe('/console');
    const me = await b.app().trpc.auth.me.query();
    const site = await db(server).get<{ id: number }>("SELECT id FROM sites WHERE code = 'RM1'");
    expect(me).toMatchObject({
      username: 'alice.verdi',
      displayName: 'Alice Verdi',
      role: 'operator',
      siteId: site?.id,
    });
    expect(me.mustChangePassword).toBeUndefined();
    // a second sign-in finds the same user
    const again = browser();
    await again.signIn('alice');
    expect((await again.app().trpc.auth.me.query()).id).toBe(me.id);
    // no local password: the console's password form does not open this account
    await expect(createApiClient(server.url).login('alice.verdi', '!oidc')).rejects.toThrow();
  });

  it('maps a role from a list of groups and a site code in any case', async () => {
    const b = browser();
    expect((await b.signIn('carla')).pathname).toBe('/stats');
    expect(await b.app().trpc.auth.me.query()).toMatchObject({ role: 'team_lead' });
  });

  it('refuses a person without the role claim, one with an unknown site, and one whose username a local user has', async () => {
    const cases: [string, string][] = [
      ['bob', 'no_role'],
      ['dario', 'no_site'],
      ['root', 'username_taken'],
    ];
    for (const [account, reason] of cases) {
      const b = browser();
      const landed = await b.signIn(account);
      expect(`${landed.pathname}${landed.search}`, account).toBe(`/login?sso=${reason}`);
      expect((await trpcError(b.app().trpc.auth.me.query())).data?.httpStatus, account).toBe(401);
    }
    const refused = await db(server).get<{ n: number }>(
      'SELECT count(*) AS n FROM audit_log WHERE action = \'auth.login_failed\' AND details LIKE \'%"via":"oidc"%\'',
    );
    expect(refused?.n).toBe(3);
  });

  it('a user an admin disabled cannot come back through the provider', async () => {
    const admin = createApiClient(server.url);
    await admin.login('admin');
    const alice = (await admin.trpc.admin.users.list.query({ search: 'alice.verdi' })).users[0];
    await admin.trpc.admin.users.update.mutate({ id: alice?.id ?? 0, active: false });
    const landed = await browser().signIn('alice');
    expect(landed.search).toBe('?sso=disabled');
    await admin.trpc.admin.users.update.mutate({ id: alice?.id ?? 0, active: true });
  });

  it('an admin can switch local passwords off (the provider stays the way in) and on again', async () => {
    const admin = createApiClient(server.url);
    await admin.login('admin');
    expect(await admin.trpc.admin.settings.update.mutate({ localPasswords: false })).toEqual({
      localPasswords: false,
      oidc: true,
    });
    const refused = await trpcError(createApiClient(server.url).login('operatore2'));
    expect(refused.data?.httpStatus).toBe(403);
    expect((refused.data as { domainCode?: string }).domainCode).toBe('LOCAL_LOGIN_DISABLED');
    expect(await createApiClient(server.url).trpc.auth.options.query()).toEqual({ oidc: true, localPasswords: false });
    // the provider still signs people in
    const b = browser();
    expect((await b.signIn('carla')).pathname).toBe('/stats');
    await admin.trpc.admin.settings.update.mutate({ localPasswords: true });
    await createApiClient(server.url).login('operatore2');
  });

  it('a callback without the pending sign-in, or with a forged state, goes back to the sign-in page', async () => {
    const stray = await fetch(`${server.url}/auth/oidc/callback?code=x&state=y`, { redirect: 'manual' });
    expect(stray.status).toBe(302);
    expect(stray.headers.get('location')).toBe('/login?sso=expired');
  });
});

describe('without an identity provider', () => {
  it('the routes answer 404 and the options say passwords only; local passwords cannot be switched off', async () => {
    const plain = await startTestServer();
    try {
      expect((await fetch(`${plain.url}/auth/oidc/start`, { redirect: 'manual' })).status).toBe(404);
      expect(await createApiClient(plain.url).trpc.auth.options.query()).toEqual({ oidc: false, localPasswords: true });
      const admin = createApiClient(plain.url);
      await admin.login('admin');
      const refused = await trpcError(admin.trpc.admin.settings.update.mutate({ localPasswords: false }));
      expect(refused.data?.httpStatus).toBe(400);
    } finally {
      await plain.close();
    }
  });
});
