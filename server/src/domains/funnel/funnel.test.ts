import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { funnelRedirectHandler } from '../../http/funnel';
import { createWorld } from '../../testing/fixtures';
import { MovableClock } from '../../testing/movable-clock';
import { createTestDeps } from '../../testing/test-deps';
import type { EffectContext } from '../outbox/effect-context';
import { createFunnelLink, hashIp } from './funnel.service';
import { FUNNEL_SECRET_NAME, mintFunnelToken, verifyFunnelToken } from './funnel-token';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

async function setup() {
  const clock = new MovableClock('2026-11-26T09:00:00Z');
  const { deps } = await createTestDeps({ clock });
  const world = await createWorld(deps.db, clock.now());
  const app = express();
  app.get('/f/:token', funnelRedirectHandler(deps));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ctx = (): EffectContext => ({
    now: clock.now(),
    userId: world.users.operator.id,
    siteId: world.sites.roma,
    publicUrl: `${base}/`,
    ip: null,
  });
  const send = (customerId: number, channel: 'sms' | 'email', productCode = 'CONTO') =>
    deps.db
      .transaction()
      .execute((trx) => createFunnelLink(trx, ctx(), { customerId, productCode, channel, interactionId: null }));
  const open = (url: string, init: RequestInit = {}) =>
    fetch(url, { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0 test' }, ...init });
  return { clock, deps, world, base, send, open };
}

describe('funnel link tokens', () => {
  it('verify with the right secret only, and not after expiry', () => {
    const exp = new Date('2026-12-26T09:00:00Z');
    const token = mintFunnelToken('s3cret', exp);
    expect(token.length).toBeLessThanOrEqual(40);
    expect(verifyFunnelToken('s3cret', token, new Date('2026-12-01T00:00:00Z'))).toEqual({ ok: true, expiresAt: exp });
    expect(verifyFunnelToken('other', token, new Date('2026-12-01T00:00:00Z'))).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyFunnelToken('s3cret', token, exp)).toMatchObject({ ok: false, reason: 'expired' });
    // pushing the expiry forward breaks the signature
    const [nonce, , sig] = token.split('.');
    const extended = `${nonce}.${Math.floor(Date.parse('2027-06-01T00:00:00Z') / 1000).toString(36)}.${sig}`;
    expect(verifyFunnelToken('s3cret', extended, exp)).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verifyFunnelToken('s3cret', 'nonsense', exp)).toMatchObject({ ok: false, reason: 'malformed' });
  });
});

describe('createFunnelLink', () => {
  it('creates a short signed link, queues the SMS in Italian and audits', async () => {
    const { deps, world, base, send } = await setup();
    const link = await send(world.customers.mario, 'sms');
    expect(link.channel).toBe('sms');
    expect(link.url).toMatch(new RegExp(`^${base}/f/[A-Za-z0-9_-]{12}\\.[0-9a-z]+\\.[A-Za-z0-9_-]{16}$`));
    const row = await deps.db
      .selectFrom('funnel_links')
      .selectAll()
      .where('id', '=', link.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      destination: '+393331112223',
      product_code: 'CONTO',
      expires_at: '2026-12-26T09:00:00.000Z',
      click_count: 0,
    });
    const [message] = await deps.db.selectFrom('outbox').selectAll().execute();
    expect(message).toMatchObject({
      channel: 'sms',
      recipient: '+393331112223',
      ref_type: 'funnel_link',
      ref_id: String(link.id),
    });
    expect(message?.body).toContain(link.url);
    expect(message?.body).toContain('Conto corrente');
    expect(message?.body).toContain('26 dicembre 2026');
    expect(await deps.db.selectFrom('audit_log').select('action').execute()).toEqual([
      { action: 'funnel_link.created' },
    ]);
  });

  it('sends by e-mail when asked, and refuses e-mail for a customer without an address', async () => {
    const { deps, world, send } = await setup();
    await send(world.customers.mario, 'email');
    const [message] = await deps.db.selectFrom('outbox').selectAll().execute();
    expect(message).toMatchObject({ channel: 'email', recipient: 'mario.rossi@example.it' });
    expect(message?.subject).toContain('Conto corrente');
    await expect(send(world.customers.giulia, 'email')).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      domainCode: 'VALIDATION',
    });
    await expect(send(world.customers.mario, 'sms', 'POLIZZA_VITA')).rejects.toMatchObject({
      domainCode: 'VALIDATION',
    });
  });

  it('keeps one signing secret across links (persisted, so links survive restarts)', async () => {
    const { deps, world, send } = await setup();
    await send(world.customers.mario, 'sms');
    await send(world.customers.luca, 'sms');
    const secrets = await deps.db.selectFrom('app_secrets').selectAll().execute();
    expect(secrets).toHaveLength(1);
    expect(secrets[0]?.name).toBe(FUNNEL_SECRET_NAME);
  });
});

describe('GET /f/:token', () => {
  it('records the click and redirects to the product funnel with tracking parameters', async () => {
    const { deps, world, send, open, clock } = await setup();
    const link = await send(world.customers.mario, 'sms', 'CARTA_IBAN');
    clock.advance(3_600_000);
    const res = await open(link.url);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(
      `https://shop.valore.example/carte/prepagata-iban?utm_source=valore&utm_medium=sms&lid=${link.id}`,
    );
    expect(res.headers.get('cache-control')).toBe('no-store');
    clock.advance(60_000);
    expect((await open(link.url)).status).toBe(302);

    const row = await deps.db
      .selectFrom('funnel_links')
      .selectAll()
      .where('id', '=', link.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ click_count: 2, first_clicked_at: '2026-11-26T10:00:00.000Z' });
    const clicks = await deps.db.selectFrom('funnel_clicks').selectAll().orderBy('id').execute();
    expect(clicks).toHaveLength(2);
    expect(clicks[0]).toMatchObject({
      link_id: link.id,
      user_agent: 'Mozilla/5.0 test',
      clicked_at: '2026-11-26T10:00:00.000Z',
    });
    const secret = (await deps.db.selectFrom('app_secrets').select('value').executeTakeFirstOrThrow()).value;
    expect(clicks[0]?.ip_hash).toBe(hashIp(secret, '127.0.0.1'));
  });

  it('does not count HEAD requests from link previewers', async () => {
    const { deps, world, send, open } = await setup();
    const link = await send(world.customers.mario, 'sms');
    expect((await open(link.url, { method: 'HEAD' })).status).toBe(302);
    const row = await deps.db
      .selectFrom('funnel_links')
      .select('click_count')
      .where('id', '=', link.id)
      .executeTakeFirstOrThrow();
    expect(row.click_count).toBe(0);
  });

  it('answers 404 with an Italian page, no script, for tampered, unknown and expired links', async () => {
    const { deps, world, base, send, open, clock } = await setup();
    const link = await send(world.customers.mario, 'sms');
    const token = link.url.slice(link.url.lastIndexOf('/') + 1);
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    const tampered = `${base}/f/${token.slice(0, -1)}${last}`;
    const otherNonce = `${base}/f/${token.startsWith('A') ? 'B' : 'A'}${token.slice(1)}`;

    for (const url of [tampered, otherNonce, `${base}/f/nope`, `${base}/f/${'x'.repeat(100)}`]) {
      const res = await open(url);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('text/html');
      const html = await res.text();
      expect(html).toContain('Link non valido o scaduto');
      expect(html).not.toContain('<script');
    }
    // a valid signature whose row is gone is refused too
    const secret = (await deps.db.selectFrom('app_secrets').select('value').executeTakeFirstOrThrow()).value;
    const forged = mintFunnelToken(secret, new Date('2026-12-20T00:00:00Z'));
    expect((await open(`${base}/f/${forged}`)).status).toBe(404);

    clock.advance(30 * 86_400_000);
    const expired = await open(link.url);
    expect(expired.status).toBe(404);
    expect(await expired.text()).toContain('Link non valido o scaduto');
    const row = await deps.db
      .selectFrom('funnel_links')
      .select('click_count')
      .where('id', '=', link.id)
      .executeTakeFirstOrThrow();
    expect(row.click_count).toBe(0);
    expect(await deps.db.selectFrom('funnel_clicks').select('id').execute()).toHaveLength(0);
  });

  it('answers 404 before any link was ever created', async () => {
    const { base, open } = await setup();
    expect((await open(`${base}/f/${mintFunnelToken('whatever', new Date('2027-01-01T00:00:00Z'))}`)).status).toBe(404);
  });
});
