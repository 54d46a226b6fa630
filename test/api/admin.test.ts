import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completion } from '@valore/server/testing/completions';
import { anyString } from '@valore/server/testing/matchers';
import { createApiClient, trpcError, type ApiClient } from '../helpers/api-client';
import { startTestServer, TEST_INTAKE_KEY, type TestServer } from '../helpers/server';
import { db } from '../helpers/sql';

/**
 * Administration over real HTTP (docs/admin.md): users (temporary passwords, the forced change, disabling with the
 * sessions and held work it ends, the last admin, CSV import) and API keys (shown once, scopes, revocation → 401).
 */
let server: TestServer;
let admin: ApiClient;
beforeAll(async () => {
  server = await startTestServer();
  admin = createApiClient(server.url);
  await admin.login('admin');
}, 60_000);
afterAll(async () => {
  await server.close();
});

const fieldsOf = (error: Awaited<ReturnType<typeof trpcError>>) =>
  (error.data as { zodError?: { fieldErrors?: Record<string, string[]> } } | undefined)?.zodError?.fieldErrors ?? {};
const domainCodeOf = (error: Awaited<ReturnType<typeof trpcError>>) =>
  (error.data as { domainCode?: string } | undefined)?.domainCode;
const auditRows = (action: string, entityId: number) =>
  db(server).all<{ actor_id: number; details: string }>(
    'SELECT actor_id, details FROM audit_log WHERE action = ? AND entity_id = ?',
    action,
    String(entityId),
  );

async function newOperator(username = `op-${randomUUID().slice(0, 8)}`) {
  const made = await admin.trpc.admin.users.create.mutate({
    requestId: randomUUID(),
    username,
    displayName: 'Giulia Neri',
    role: 'operator',
    siteId: 1,
  });
  return { ...made, username };
}

/** Signs in with the temporary password and chooses `password`: a client ready for work. */
async function signedInWithOwnPassword(username: string, temporary: string, password: string) {
  const client = createApiClient(server.url);
  await client.login(username, temporary);
  await client.trpc.auth.changePassword.mutate({ currentPassword: temporary, newPassword: password });
  return client;
}

describe('admin.users', () => {
  it('creates an operator with a temporary password shown once; the operator must change it before anything else', async () => {
    const requestId = randomUUID();
    const input = {
      requestId,
      username: 'giulia.neri',
      displayName: 'Giulia Neri',
      role: 'operator' as const,
      siteId: 1,
    };
    const made = await admin.trpc.admin.users.create.mutate(input);
    expect(made.user).toMatchObject({
      username: 'giulia.neri',
      role: 'operator',
      siteId: 1,
      active: true,
      mustChangePassword: true,
      openSessions: 0,
    });
    expect(made.temporaryPassword).toMatch(/^[A-Za-z0-9]{6}-[A-Za-z0-9]{6}-[A-Za-z0-9]{6}$/);
    // a retry gets the same user back, not a second one, and not the password again
    const again = await admin.trpc.admin.users.create.mutate(input);
    expect(again).toEqual({ user: made.user, temporaryPassword: null });
    // the password is stored only as a hash, and no idempotency record holds it
    const stored = await db(server).get<{ response: string }>(
      "SELECT response FROM idempotency_keys WHERE scope = 'admin.users.create' AND key = ?",
      requestId,
    );
    expect(stored?.response).not.toContain(made.temporaryPassword);
    expect(await auditRows('admin.user_created', made.user.id)).toHaveLength(1);

    const operator = createApiClient(server.url);
    const { user } = await operator.login('giulia.neri', made.temporaryPassword ?? '');
    expect(user.mustChangePassword).toBe(true);
    expect(await operator.trpc.auth.me.query()).toMatchObject({ username: 'giulia.neri', mustChangePassword: true });
    const blocked = await trpcError(operator.trpc.work.next.mutate({}));
    expect(blocked.data?.httpStatus).toBe(403);
    expect(domainCodeOf(blocked)).toBe('PASSWORD_CHANGE_REQUIRED');
    const stream = await operator.fetch(`${server.url}/api/v1/streams/coaching`);
    expect(stream.status).toBe(403);
    await stream.body?.cancel();

    // the policy: too short, a breached password with digits added, the person's own name
    for (const [newPassword, message] of [
      ['short', /At least 12/],
      ['password2026!', /common or breached/],
      ['qwertyuiop123', /common or breached/],
      ['giulia.neri.2026', /username or name/],
    ] as const) {
      const refused = await trpcError(
        operator.trpc.auth.changePassword.mutate({ currentPassword: made.temporaryPassword ?? '', newPassword }),
      );
      expect(refused.data?.httpStatus, newPassword).toBe(400);
      expect(fieldsOf(refused).newPassword?.join(' '), newPassword).toMatch(message);
    }
    const wrongCurrent = await trpcError(
      operator.trpc.auth.changePassword.mutate({ currentPassword: 'not-it', newPassword: 'sole di marzo sul lago' }),
    );
    expect(fieldsOf(wrongCurrent).currentPassword).toEqual(['Not your current password']);

    const changed = await operator.trpc.auth.changePassword.mutate({
      currentPassword: made.temporaryPassword ?? '',
      newPassword: 'sole di marzo sul lago',
    });
    expect(changed.mustChangePassword).toBeUndefined();
    expect(await operator.trpc.work.next.mutate({})).toBeDefined();
    // the temporary password no longer works, the new one does
    await expect(createApiClient(server.url).login('giulia.neri', made.temporaryPassword ?? '')).rejects.toThrow();
    const fresh = await createApiClient(server.url).login('giulia.neri', 'sole di marzo sul lago');
    expect(fresh.user.mustChangePassword).toBeUndefined();
  });

  it('takes a password from the admin only if it passes the policy, and still asks for a change at first sign-in', async () => {
    const weak = await trpcError(
      admin.trpc.admin.users.create.mutate({
        username: 'marco.b',
        displayName: 'Marco Bianchi',
        role: 'tutor',
        siteId: 1,
        password: 'iloveyou1234',
      }),
    );
    expect(fieldsOf(weak).password?.join(' ')).toMatch(/common or breached/);
    const made = await admin.trpc.admin.users.create.mutate({
      username: 'marco.b',
      displayName: 'Marco Bianchi',
      role: 'tutor',
      siteId: 1,
      password: 'una vela rossa al porto',
    });
    expect(made.temporaryPassword).toBeNull();
    const { user } = await createApiClient(server.url).login('marco.b', 'una vela rossa al porto');
    expect(user).toMatchObject({ role: 'tutor', mustChangePassword: true });
  });

  it('refuses bad input with the fields named, and a username already taken with 409', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ username: 'ab', displayName: 'X', role: 'operator', siteId: 1 }, 'username', /At least 3/],
      [{ username: 'bad name!', displayName: 'X', role: 'operator', siteId: 1 }, 'username', /Letters, digits/],
      [{ username: 'nosite', displayName: 'X', role: 'operator', siteId: null }, 'siteId', /Choose the site/],
      [{ username: 'adminsite', displayName: 'X', role: 'admin', siteId: 1 }, 'siteId', /no site/],
      [{ username: 'noname', displayName: '  ', role: 'operator', siteId: 1 }, 'displayName', /Required/],
      [{ username: 'norole', displayName: 'X', role: 'boss', siteId: 1 }, 'role', /./],
      [{ username: 'farsite', displayName: 'X', role: 'operator', siteId: 999 }, 'siteId', /does not exist/],
    ];
    for (const [input, field, message] of cases) {
      const error = await trpcError(admin.trpc.admin.users.create.mutate(input as never));
      expect(error.data?.httpStatus, JSON.stringify(input)).toBe(400);
      const fields = fieldsOf(error);
      expect(fields[field]?.join(' '), JSON.stringify(fields)).toMatch(message);
    }
    const taken = await trpcError(
      admin.trpc.admin.users.create.mutate({ username: 'OPERATORE1', displayName: 'X', role: 'operator', siteId: 1 }),
    );
    expect(taken.data?.httpStatus).toBe(409);
    expect(domainCodeOf(taken)).toBe('USERNAME_TAKEN');
    const before = await db(server).get<{ n: number }>('SELECT count(*) AS n FROM users');
    expect(before?.n).toBeGreaterThan(0);
  });

  it('disabling a user ends their sessions at once and gives their held work back to the queue', async () => {
    const made = await newOperator();
    const operator = await signedInWithOwnPassword(
      made.username,
      made.temporaryPassword ?? '',
      'nebbia sul naviglio 7',
    );
    // a Call Me Now request: the most urgent work there is
    const posted = await fetch(`${server.url}/api/v1/callback-requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_INTAKE_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ phone: '+39 347 000 1199', product: 'CONTO', mode: 'now', channel: 'web' }),
    });
    expect(posted.status).toBe(201);
    const item = await operator.trpc.work.next.mutate({});
    expect(item?.kind).toBe('callback');

    const result = await admin.trpc.admin.users.update.mutate({
      requestId: randomUUID(),
      id: made.user.id,
      active: false,
    });
    expect(result).toMatchObject({ user: { active: false, openSessions: 0 }, sessionsEnded: 1, workReturned: 1 });
    const row = await db(server).get('SELECT status, lease_owner FROM callback_requests WHERE id = ?', item?.sourceId);
    expect(row).toEqual({ status: 'pending', lease_owner: null });
    const after = await trpcError(operator.trpc.work.next.mutate({}));
    expect(after.data?.httpStatus).toBe(401);
    await expect(createApiClient(server.url).login(made.username, 'nebbia sul naviglio 7')).rejects.toThrow();
    expect(await auditRows('admin.user_disabled', made.user.id)).toHaveLength(1);

    // enabled again, the user signs in as before
    await admin.trpc.admin.users.update.mutate({ id: made.user.id, active: true });
    const back = await createApiClient(server.url).login(made.username, 'nebbia sul naviglio 7');
    expect(back.user.username).toBe(made.username);
  });

  it('an admin cannot take away their own access (so there is always an active admin); another admin can', async () => {
    const me = await admin.trpc.auth.me.query();
    const self = await trpcError(admin.trpc.admin.users.update.mutate({ id: me.id, active: false }));
    expect(self.data?.httpStatus).toBe(400);
    const demote = await trpcError(admin.trpc.admin.users.update.mutate({ id: me.id, role: 'operator', siteId: 1 }));
    expect(demote.data?.httpStatus).toBe(400);
    const second = await admin.trpc.admin.users.create.mutate({
      username: `admin-${randomUUID().slice(0, 6)}`,
      displayName: 'Seconda Admin',
      role: 'admin',
      siteId: null,
      password: 'il faro di capo testa',
    });
    const other = createApiClient(server.url);
    await other.login(second.user.username, 'il faro di capo testa');
    await other.trpc.auth.changePassword.mutate({
      currentPassword: 'il faro di capo testa',
      newPassword: 'le onde di capo testa',
    });
    await other.trpc.admin.users.update.mutate({ id: me.id, role: 'operator', siteId: 1 });
    // the role is read on every request: the first admin's session is an operator's now
    expect((await trpcError(admin.trpc.admin.users.list.query({}))).data?.httpStatus).toBe(403);
    await other.trpc.admin.users.update.mutate({ id: me.id, role: 'admin', siteId: null });
    expect((await admin.trpc.admin.users.list.query({})).users.length).toBeGreaterThan(0);
  });

  it('a password reset signs the user out everywhere and hands out a new temporary password', async () => {
    const made = await newOperator();
    const operator = await signedInWithOwnPassword(made.username, made.temporaryPassword ?? '', 'lampioni di via roma');
    const reset = await admin.trpc.admin.users.resetPassword.mutate({ requestId: randomUUID(), id: made.user.id });
    expect(reset.sessionsEnded).toBe(1);
    expect(reset.user.mustChangePassword).toBe(true);
    expect((await trpcError(operator.trpc.auth.me.query())).data?.httpStatus).toBe(401);
    await expect(createApiClient(server.url).login(made.username, 'lampioni di via roma')).rejects.toThrow();
    const { user } = await createApiClient(server.url).login(made.username, reset.temporaryPassword ?? '');
    expect(user.mustChangePassword).toBe(true);
    expect(await auditRows('admin.user_password_reset', made.user.id)).toHaveLength(1);
    const missing = await trpcError(admin.trpc.admin.users.resetPassword.mutate({ id: 999_999 }));
    expect(missing.data?.httpStatus).toBe(404);
  });

  it('lists and searches users', async () => {
    const all = await admin.trpc.admin.users.list.query({});
    expect(all.users.length).toBeGreaterThan(5);
    expect(all.total).toBeGreaterThanOrEqual(all.users.length);
    const tutors = await admin.trpc.admin.users.list.query({ role: 'tutor' });
    expect(tutors.users.every((u) => u.role === 'tutor')).toBe(true);
    const found = await admin.trpc.admin.users.list.query({ search: 'operatore1' });
    expect(found.users.map((u) => u.username)).toContain('operatore1');
    const signedIn = all.users.find((u) => u.username === 'admin');
    expect(signedIn?.openSessions).toBeGreaterThan(0);
    expect(signedIn?.lastSeenAt).not.toBeNull();
    const bad = await trpcError(admin.trpc.admin.users.list.query({ limit: 10_000 }));
    expect(bad.data?.httpStatus).toBe(400);
  });

  it('imports users from CSV with a report for every line', async () => {
    const site = (await db(server).get<{ code: string }>('SELECT code FROM sites WHERE id = 1'))!;
    const csv = [
      'username,display_name,role,site_code',
      `anna.verdi,Anna Verdi,operator,${site.code}`,
      `luca.rizzo,Luca Rizzo,tutor,${site.code}`,
      'x,Nome Corto,operator,' + site.code,
      'senza.sede,Senza Sede,operator,',
      'sede.ignota,Sede Ignota,operator,ZZZ',
      `operatore1,Già Presente,operator,${site.code}`,
      `anna.verdi,Anna Doppia,operator,${site.code}`,
    ].join('\n');
    const report = await admin.trpc.admin.users.import.mutate({ requestId: randomUUID(), csv });
    expect(report.created).toBe(2);
    expect(report.rejected).toBe(5);
    expect(report.lines.map((l) => [l.line, l.status])).toEqual([
      [2, 'created'],
      [3, 'created'],
      [4, 'rejected'],
      [5, 'rejected'],
      [6, 'rejected'],
      [7, 'rejected'],
      [8, 'rejected'],
    ]);
    expect(report.lines[2]?.errors.join(' ')).toMatch(/username/);
    expect(report.lines[3]?.errors.join(' ')).toMatch(/siteId/);
    expect(report.lines[4]?.errors.join(' ')).toMatch(/no site "ZZZ"/);
    expect(report.lines[5]?.errors).toEqual(['username: already taken']);
    expect(report.lines[6]?.errors).toEqual(['username: twice in this file']);
    const password = report.lines[0]?.temporaryPassword ?? '';
    const { user } = await createApiClient(server.url).login('anna.verdi', password);
    expect(user).toMatchObject({ role: 'operator', mustChangePassword: true });
    const noHeader = await trpcError(admin.trpc.admin.users.import.mutate({ csv: 'a,b\n1,2' }));
    expect(fieldsOf(noHeader).csv?.join(' ')).toMatch(/no column username/);
  });
});

describe('admin.apiKeys', () => {
  const callMeNow = () => JSON.stringify({ phone: '+39 347 000 5566', product: 'CONTO', mode: 'now', channel: 'web' });
  const intake = (key: string) =>
    fetch(`${server.url}/api/v1/callback-requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: callMeNow(),
    });
  const cti = (key: string) =>
    fetch(`${server.url}/api/v1/cti/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({}),
    });

  it('a key is shown once, works on the endpoints of its scopes only, and is refused (401) from its revocation on', async () => {
    const requestId = randomUUID();
    const made = await admin.trpc.admin.apiKeys.create.mutate({ requestId, name: 'Sito web', scopes: ['intake'] });
    expect(made.key).toMatch(/^vk_[0-9a-f]{12}_[A-Za-z0-9_-]{32}$/);
    expect(made.apiKey).toMatchObject({ name: 'Sito web', scopes: ['intake'], status: 'active', lastUsedAt: null });
    expect(made.key?.startsWith(made.apiKey.prefix)).toBe(true);
    const retry = await admin.trpc.admin.apiKeys.create.mutate({ requestId, name: 'Sito web', scopes: ['intake'] });
    expect(retry).toMatchObject({ id: made.id, key: null });
    const stored = await db(server).get<{ key_hash: string }>('SELECT key_hash FROM api_keys WHERE id = ?', made.id);
    // the secret is everything after the shown prefix (base64url: it may itself hold '_' or '-')
    const secret = (made.key ?? '').slice(made.apiKey.prefix.length);
    expect(secret).toHaveLength(32);
    expect(stored?.key_hash).not.toContain(secret);

    const key = made.key ?? '';
    expect((await intake(key)).status).toBe(201);
    // no cti scope: the CTI endpoint refuses it
    expect((await cti(key)).status).toBe(401);
    const listed = (await admin.trpc.admin.apiKeys.list.query()).find((k) => k.id === made.id);
    expect(listed?.lastUsedAt).not.toBeNull();

    const revoked = await admin.trpc.admin.apiKeys.revoke.mutate({ id: made.id });
    expect(revoked).toMatchObject({ status: 'revoked' });
    const refused = await intake(key);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
    // revoking again changes nothing; the audit has one row of each
    expect((await admin.trpc.admin.apiKeys.revoke.mutate({ id: made.id })).revokedAt).toBe(revoked.revokedAt);
    expect(await auditRows('admin.api_key_created', made.id)).toHaveLength(1);
    expect(await auditRows('admin.api_key_revoked', made.id)).toHaveLength(1);
    // the environment's key keeps working beside the admin-made ones
    expect((await intake(TEST_INTAKE_KEY)).status).toBe(201);
  });

  it('a key with the cti scope posts CTI events, a look-alike key does not', async () => {
    const made = await admin.trpc.admin.apiKeys.create.mutate({ name: 'Centralino', scopes: ['cti'] });
    const key = made.key ?? '';
    // past the key check: the empty body is a 400, not a 401
    expect((await cti(key)).status).toBe(400);
    expect((await intake(key)).status).toBe(401);
    const forged = `${key.slice(0, -4)}AAAA`;
    expect((await cti(forged)).status).toBe(401);
  });

  it('refuses bad input: no scope, an unknown scope, a past expiry, an empty name', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'X', scopes: [] }, 'scopes'],
      [{ name: 'X', scopes: ['admin'] }, 'scopes'],
      [{ name: 'X', scopes: ['intake', 'intake'] }, 'scopes'],
      [{ name: ' ', scopes: ['intake'] }, 'name'],
      [{ name: 'X', scopes: ['intake'], expiresAt: '2020-01-01T00:00:00Z' }, 'expiresAt'],
      [{ name: 'X', scopes: ['intake'], expiresAt: 'tomorrow' }, 'expiresAt'],
    ];
    for (const [input, field] of cases) {
      const error = await trpcError(admin.trpc.admin.apiKeys.create.mutate(input as never));
      expect(error.data?.httpStatus, JSON.stringify(input)).toBe(400);
      expect(Object.keys(fieldsOf(error)), JSON.stringify(input)).toContain(field);
    }
    const missing = await trpcError(admin.trpc.admin.apiKeys.revoke.mutate({ id: 999_999 }));
    expect(missing.data?.httpStatus).toBe(404);
  });

  it('an expired key is refused', async () => {
    const made = await admin.trpc.admin.apiKeys.create.mutate({
      name: 'Breve',
      scopes: ['intake'],
      expiresAt: new Date(Date.now() + 1_500).toISOString(),
    });
    expect((await intake(made.key ?? '')).status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    expect((await intake(made.key ?? '')).status).toBe(401);
    const listed = (await admin.trpc.admin.apiKeys.list.query()).find((k) => k.id === made.id);
    expect(listed?.status).toBe('expired');
  });
});

describe('admin.audit', () => {
  it('finds an operator’s reveal by customer and action, pages newest first, and exports CSV (audited)', async () => {
    const operator = createApiClient(server.url);
    await operator.login('operatore1');
    const me = await operator.trpc.auth.me.query();
    // the operator starts a contact with a customer found by search, then reveals the phone
    const [customer] = await operator.trpc.customers.search.query({ query: 'Ro' });
    expect(customer).toBeDefined();
    const customerId = customer?.id ?? 0;
    await operator.trpc.customers.startContact.mutate({ customerId, reason: 'inbound_call', clientId: randomUUID() });
    await operator.trpc.customers.reveal.mutate({ customerId, field: 'phone' });

    const found = await admin.trpc.admin.audit.search.query({ customerId, action: 'customer.reveal' });
    expect(found.items).toHaveLength(1);
    expect(found.items[0]).toMatchObject({
      actorId: me.id,
      actorUsername: 'operatore1',
      action: 'customer.reveal',
      customerId,
      details: { field: 'phone' },
    });
    // a family of actions, by actor: the contact start and the reveal
    const family = await admin.trpc.admin.audit.search.query({ actorId: me.id, action: 'customer.' });
    expect(family.items.map((i) => i.action)).toEqual(['customer.reveal', 'customer.contact_started']);
    expect(family.items.every((i) => i.customerId === customerId)).toBe(true);
    // a period that ends before the reveal finds nothing
    const before = await admin.trpc.admin.audit.search.query({
      customerId,
      to: new Date(Date.parse(found.items[0]?.at ?? '') - 60_000).toISOString(),
    });
    expect(before.items).toHaveLength(0);

    // pages: newest first, the next page after the last id shown
    const first = await admin.trpc.admin.audit.search.query({ limit: 3 });
    expect(first.items).toHaveLength(3);
    expect(first.nextCursor).toBe(first.items[2]?.id);
    const second = await admin.trpc.admin.audit.search.query({ limit: 3, cursor: first.nextCursor ?? 0 });
    expect(second.items[0]?.id).toBeLessThan(first.items[2]?.id ?? 0);

    expect(await admin.trpc.admin.audit.actions.query()).toEqual(
      expect.arrayContaining(['auth.login', 'customer.reveal', 'admin.user_created']),
    );

    const exported = await admin.trpc.admin.audit.exportCsv.mutate({ customerId, language: 'en' });
    expect(exported.rows).toBe(2);
    expect(exported.truncated).toBe(false);
    const lines = exported.csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'id,at,actor_id,actor_username,actor_name,action,entity_type,entity_id,customer_id,details,ip',
    );
    expect(lines[1]).toContain(',customer.reveal,customer,');
    // the default is Italian, as the console's: `;` between cells, as a spreadsheet set to Italian opens it
    const italian = await admin.trpc.admin.audit.exportCsv.mutate({ customerId });
    expect(italian.csv.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(
      'id;at;actor_id;actor_username;actor_name;action;entity_type;entity_id;customer_id;details;ip',
    );
    const exports = await admin.trpc.admin.audit.search.query({ action: 'audit.exported' });
    expect(exports.items[0]?.details).toMatchObject({ filters: { customerId }, rows: 2 });

    for (const bad of [
      { action: 'DROP TABLE' },
      { limit: 0 },
      { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' },
    ]) {
      const error = await trpcError(admin.trpc.admin.audit.search.query(bad));
      expect(error.data?.httpStatus, JSON.stringify(bad)).toBe(400);
    }
  });
});

/** A customer not contacted yet and without marketing consent (who consents on the call). */
async function freshCustomer(): Promise<number> {
  const row = await db(server).get<{ id: number }>(
    `SELECT id FROM customers c WHERE id NOT IN (SELECT customer_id FROM interactions WHERE customer_id IS NOT NULL)
       AND NOT EXISTS (SELECT 1 FROM consents WHERE customer_id = c.id AND purpose = 'marketing' AND granted = 1)
       AND NOT EXISTS (SELECT 1 FROM customer_products p WHERE p.customer_id = c.id)
     ORDER BY random() LIMIT 1`,
  );
  if (!row) throw new Error('the demo data has no customer left who was never contacted');
  return row.id;
}

/** An OCS contact ending in a funnel link for CARTA_IBAN by SMS: the link's redirect. */
async function funnelRedirect(operator: ApiClient, customer?: number): Promise<string> {
  const customerId = customer ?? (await freshCustomer());
  const result = await operator.trpc.interactions.complete.mutate(
    completion('ocs_cross_sell', customerId, 'digital_funnel', [
      { type: 'customer.identified', customerId },
      { type: 'ocs.solved' },
      { type: 'propensity.accepted' },
      { type: 'consent.granted', channel: 'phone' },
      { type: 'needs.identified', productCode: 'CARTA_IBAN' },
      { type: 'proposal.accepted' },
      { type: 'outcome.funnel', channel: 'sms' },
    ]),
  );
  const response = await fetch(result.effects.funnelLink?.url ?? '', { redirect: 'manual' });
  expect(response.status).toBe(302);
  return response.headers.get('location') ?? '';
}

describe('admin.products', () => {
  it('changes a product’s funnel address and tracking: the next link goes there; the catalogue follows at once', async () => {
    const operator = createApiClient(server.url);
    await operator.login('operatore2');
    const before = new URL(await funnelRedirect(operator));
    expect(before.searchParams.get('utm_source')).toBe('valore');
    expect(before.searchParams.get('utm_medium')).toBe('sms');

    const updated = await admin.trpc.admin.products.update.mutate({
      requestId: randomUUID(),
      code: 'CARTA_IBAN',
      funnelUrl: 'https://nuovo.valore.example/carta?ref=ufficio',
      utmTemplate: 'utm_source=valore&utm_medium={channel}&utm_campaign={product}&utm_content=l{link}',
    });
    expect(updated).toMatchObject({ code: 'CARTA_IBAN', funnelUrl: 'https://nuovo.valore.example/carta?ref=ufficio' });
    const after = new URL(await funnelRedirect(operator));
    expect(after.origin + after.pathname).toBe('https://nuovo.valore.example/carta');
    expect(Object.fromEntries(after.searchParams)).toMatchObject({
      ref: 'ufficio',
      utm_source: 'valore',
      utm_medium: 'sms',
      utm_campaign: 'CARTA_IBAN',
      utm_content: `l${after.searchParams.get('lid')}`,
    });
    const audit = await db(server).get<{ details: string }>(
      "SELECT details FROM audit_log WHERE action = 'admin.product_updated' AND entity_id = 'CARTA_IBAN'",
    );
    expect(JSON.parse(audit?.details ?? '{}')).toMatchObject({
      changes: { funnelUrl: { to: 'https://nuovo.valore.example/carta?ref=ufficio' } },
    });

    // a product switched off leaves the catalogue the integrations and the console read
    const intakeProducts = async () =>
      (await (
        await fetch(`${server.url}/api/v1/products`, { headers: { authorization: `Bearer ${TEST_INTAKE_KEY}` } })
      ).json()) as { code: string }[];
    expect((await intakeProducts()).map((p) => p.code)).toContain('CARTA_IBAN');
    await admin.trpc.admin.products.update.mutate({ code: 'CARTA_IBAN', active: false });
    expect((await intakeProducts()).map((p) => p.code)).not.toContain('CARTA_IBAN');
    expect((await operator.trpc.scripts.catalogue.query()).map((p) => p.code)).not.toContain('CARTA_IBAN');
    await admin.trpc.admin.products.update.mutate({ code: 'CARTA_IBAN', active: true });
  });

  it('creates a product with its outcomes; it is offered at once; bad input is refused with fields', async () => {
    const made = await admin.trpc.admin.products.create.mutate({
      code: 'POLIZZA_CASA',
      family: 'Assicurazioni',
      businessUnit: 'Assicurativo',
      nameIt: 'Polizza casa',
      nameEn: 'Home insurance',
      funnelUrl: 'https://shop.valore.example/polizza-casa',
      outcomes: ['up_appointment', 'lead'],
    });
    expect(made).toMatchObject({ active: true, utmTemplate: 'utm_source=valore&utm_medium={channel}' });
    expect((await admin.trpc.admin.products.list.query()).map((p) => p.code)).toContain('POLIZZA_CASA');
    expect((await admin.trpc.scripts.catalogue.query()).find((p) => p.code === 'POLIZZA_CASA')?.outcomes).toEqual([
      'up_appointment',
      'lead',
    ]);
    const taken = await trpcError(
      admin.trpc.admin.products.create.mutate({
        code: 'POLIZZA_CASA',
        family: 'Assicurazioni',
        businessUnit: 'Assicurativo',
        nameIt: 'Altra polizza',
        nameEn: 'Other policy',
        funnelUrl: 'https://shop.valore.example/altra',
        outcomes: ['lead'],
      }),
    );
    expect(taken.data?.httpStatus).toBe(409);
    expect(fieldsOf(taken).code).toEqual(['Already in the catalogue']);
    const cases: [Record<string, unknown>, string][] = [
      [{ code: 'CONTO', funnelUrl: 'javascript:alert(1)' }, 'funnelUrl'],
      [{ code: 'CONTO', funnelUrl: 'conto.example' }, 'funnelUrl'],
      [{ code: 'CONTO', utmTemplate: 'utm_source={secret}' }, 'utmTemplate'],
      [{ code: 'CONTO', utmTemplate: 'a=b&c' }, 'utmTemplate'],
      [{ code: 'CONTO', outcomes: [] }, 'outcomes'],
      [{ code: 'CONTO', outcomes: ['sale'] }, 'outcomes'],
      [{ code: 'conto minuscolo' }, 'code'],
    ];
    for (const [input, field] of cases) {
      const error = await trpcError(admin.trpc.admin.products.update.mutate(input as never));
      expect(error.data?.httpStatus, JSON.stringify(input)).toBe(400);
      expect(Object.keys(fieldsOf(error)), JSON.stringify(input)).toContain(field);
    }
    const missing = await trpcError(admin.trpc.admin.products.update.mutate({ code: 'NON_ESISTE', active: false }));
    expect(missing.data?.httpStatus).toBe(404);
  });
});

describe('admin.postOffices', () => {
  const romeDay = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(d);

  it('a closure takes the office’s slots of those days out of booking, and lifting it puts them back', async () => {
    // an office with a free slot two days or more ahead
    const slot = (await db(server).get<{ id: number; officeId: number; startsAt: string }>(
      // aliases quoted: PostgreSQL would fold them to lower case
      `SELECT id, post_office_id AS "officeId", starts_at AS "startsAt" FROM appointment_slots
       WHERE starts_at > ? AND booked < capacity AND closed_at IS NULL ORDER BY starts_at LIMIT 1`,
      new Date(Date.now() + 2 * 86_400_000).toISOString(),
    ))!;
    const day = romeDay(new Date(slot.startsAt));
    const operator = createApiClient(server.url);
    await operator.login('operatore4');
    const offered = async () =>
      (await operator.trpc.appointments.slots.query({ postOfficeId: slot.officeId, days: 28 })).map((s) => s.id);
    expect(await offered()).toContain(slot.id);

    const closed = await admin.trpc.admin.postOffices.addClosure.mutate({
      requestId: randomUUID(),
      postOfficeId: slot.officeId,
      fromDate: day,
      toDate: day,
      reason: 'Lavori di ristrutturazione',
    });
    expect(closed.slotsClosed).toBeGreaterThan(0);
    expect(closed.closure).toMatchObject({ fromDate: day, toDate: day });
    expect(await offered()).not.toContain(slot.id);
    // booking it anyway (a slot picked before the closure) is refused, nothing written
    const booked = async () =>
      (await db(server).get<{ booked: number }>('SELECT booked FROM appointment_slots WHERE id = ?', slot.id))?.booked;
    const bookedBefore = await booked();
    const customer = (await db(server).get<{ id: number }>(
      // one who does not hold CONTO (a held product is never proposed: that would be refused first)
      "SELECT id FROM customers c WHERE NOT EXISTS (SELECT 1 FROM customer_products p WHERE p.customer_id = c.id AND p.product_code = 'CONTO') ORDER BY id DESC LIMIT 1 OFFSET 40",
    ))!;
    await operator.trpc.customers.startContact.mutate({
      customerId: customer.id,
      reason: 'inbound_call',
      clientId: randomUUID(),
    });
    const refused = await trpcError(
      operator.trpc.interactions.complete.mutate(
        completion('inbound_sales', customer.id, 'up_appointment', [
          { type: 'customer.identified', customerId: customer.id },
          { type: 'needs.identified', productCode: 'CONTO' },
          { type: 'proposal.accepted' },
          { type: 'outcome.appointment', postOfficeId: slot.officeId, slotId: slot.id },
        ]),
      ),
    );
    expect(refused.data?.domainCode).toBe('SLOT_FULL');
    expect(await booked()).toBe(bookedBefore);
    const { code } = (await db(server).get<{ code: string }>(
      'SELECT code FROM post_offices WHERE id = ?',
      slot.officeId,
    ))!;
    const listed = await admin.trpc.admin.postOffices.list.query({ search: code });
    expect(listed.offices.find((o) => o.id === slot.officeId)?.closures).toEqual([closed.closure]);

    const lifted = await admin.trpc.admin.postOffices.removeClosure.mutate({ id: closed.closure.id });
    expect(lifted.slotsReopened).toBe(closed.slotsClosed);
    expect(await offered()).toContain(slot.id);
    expect(await auditRows('admin.post_office_closed', slot.officeId)).toHaveLength(1);

    for (const bad of [
      { postOfficeId: slot.officeId, fromDate: day, toDate: '2020-01-01', reason: 'Ferie' },
      { postOfficeId: slot.officeId, fromDate: '2026-13-01', toDate: day, reason: 'Ferie' },
      { postOfficeId: slot.officeId, fromDate: day, toDate: day, reason: '' },
    ]) {
      const error = await trpcError(admin.trpc.admin.postOffices.addClosure.mutate(bad));
      expect(error.data?.httpStatus, JSON.stringify(bad)).toBe(400);
    }
  });

  it('an office is created, given weekly templates that open slots ahead (again: nothing doubled), and imported from CSV', async () => {
    const office = await admin.trpc.admin.postOffices.create.mutate({
      code: 'UP90001',
      name: 'Roma Prati',
      address: 'Via Cola di Rienzo 10',
      city: 'Roma',
      provinceCode: 'RM',
    });
    expect(office).toMatchObject({ code: 'UP90001', futureSlots: 0, templates: [] });
    const templates = [
      { weekday: 1, start: '09:00', durationMinutes: 30, capacity: 2 },
      { weekday: 3, start: '15:30', durationMinutes: 30, capacity: 1 },
      { weekday: 6, start: '09:00', durationMinutes: 45, capacity: 1 },
    ];
    const set = await admin.trpc.admin.postOffices.setTemplates.mutate({ postOfficeId: office.id, templates });
    expect(set.templates).toEqual(templates);
    // four weeks: about 4 of each weekday (fewer on holidays)
    expect(set.slotsCreated).toBeGreaterThanOrEqual(9);
    expect(set.slotsCreated).toBeLessThanOrEqual(15);
    const again = await admin.trpc.admin.postOffices.setTemplates.mutate({ postOfficeId: office.id, templates });
    expect(again.slotsCreated).toBe(0);
    const slots = await db(server).all<{ starts_at: string; ends_at: string; capacity: number }>(
      'SELECT starts_at, ends_at, capacity FROM appointment_slots WHERE post_office_id = ? ORDER BY starts_at',
      office.id,
    );
    expect(slots).toHaveLength(set.slotsCreated);
    for (const s of slots) {
      const local = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Rome',
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
      }).format(new Date(s.starts_at));
      expect(['Mon 09:00', 'Wed 15:30', 'Sat 09:00']).toContain(local);
    }
    const badTemplates = await trpcError(
      admin.trpc.admin.postOffices.setTemplates.mutate({
        postOfficeId: office.id,
        templates: [{ weekday: 7, start: '25:00', durationMinutes: 30, capacity: 1 }],
      }),
    );
    expect(badTemplates.data?.httpStatus).toBe(400);

    const renamed = await admin.trpc.admin.postOffices.update.mutate({ id: office.id, name: 'Roma Prati Centro' });
    expect(renamed).toMatchObject({ name: 'Roma Prati Centro', futureSlots: set.slotsCreated });

    const report = await admin.trpc.admin.postOffices.import.mutate({
      csv: [
        'code,name,address,city,province',
        'UP90001,Roma Prati,Via Cola di Rienzo 12,Roma,RM',
        'UP90002,Milano Isola,Via Borsieri 3,Milano,MI',
        'UP90003,Senza Provincia,Via Roma 1,Città,ZZ',
        ',Senza Codice,Via Roma 1,Città,RM',
        'UP90002,Doppio,Via Roma 1,Milano,MI',
      ].join('\n'),
    });
    expect(report).toMatchObject({ created: 1, updated: 1, rejected: 3 });
    expect(report.lines.map((l) => l.status)).toEqual(['updated', 'created', 'rejected', 'rejected', 'rejected']);
    expect(report.lines[2]?.errors.join(' ')).toMatch(/no province ZZ/);
    expect(report.lines[4]?.errors).toContain('code: twice in this file');
    const taken = await trpcError(
      admin.trpc.admin.postOffices.create.mutate({
        code: 'UP90002',
        name: 'X',
        address: 'Y',
        city: 'Z',
        provinceCode: 'MI',
      }),
    );
    expect(taken.data?.httpStatus).toBe(409);
  });
});

describe('admin.sites and admin.teams', () => {
  it('lists sites with their territory and teams; creates a site and a team, renames and deletes an empty team', async () => {
    const sites = await admin.trpc.admin.sites.list.query();
    const rome = sites.find((s) => s.code === 'RM1');
    expect(rome).toMatchObject({ provinceCode: 'RM', macroArea: anyString() });
    expect(rome?.teams.length).toBeGreaterThan(0);
    expect(rome?.teams.some((t) => t.leads.length > 0 || t.operators > 0)).toBe(true);

    const site = await admin.trpc.admin.sites.create.mutate({
      requestId: randomUUID(),
      code: 'FI2',
      name: 'Firenze Rifredi',
      city: 'Firenze',
      provinceCode: 'FI',
    });
    expect(site).toMatchObject({
      code: 'FI2',
      users: 0,
      teams: [],
      macroArea: anyString(),
    });
    const withTeam = await admin.trpc.admin.teams.create.mutate({ siteId: site.id, name: 'Squadra A' });
    const team = withTeam.teams[0];
    expect(team).toMatchObject({ name: 'Squadra A', operators: 0, leads: [] });
    const dup = await trpcError(admin.trpc.admin.teams.create.mutate({ siteId: site.id, name: 'Squadra A' }));
    expect(dup.data?.httpStatus).toBe(400);
    const renamed = await admin.trpc.admin.teams.rename.mutate({ id: team?.id ?? 0, name: 'Squadra Arno' });
    expect(renamed.teams.map((t) => t.name)).toEqual(['Squadra Arno']);

    // a team with people cannot go; once empty it can
    const member = await admin.trpc.admin.users.create.mutate({
      username: 'fi.tutor',
      displayName: 'Tutor Firenze',
      role: 'tutor',
      siteId: site.id,
      teamId: team?.id ?? 0,
    });
    const inUse = await trpcError(admin.trpc.admin.teams.delete.mutate({ id: team?.id ?? 0 }));
    expect(inUse.data?.httpStatus).toBe(409);
    expect((await admin.trpc.admin.sites.list.query()).find((s) => s.id === site.id)?.teams[0]?.leads).toEqual([
      { id: member.user.id, displayName: 'Tutor Firenze', role: 'tutor' },
    ]);
    await admin.trpc.admin.users.update.mutate({ id: member.user.id, teamId: null });
    const emptied = await admin.trpc.admin.teams.delete.mutate({ id: team?.id ?? 0 });
    expect(emptied.teams).toEqual([]);
    const moved = await admin.trpc.admin.sites.update.mutate({ id: site.id, name: 'Firenze Rifredi 2' });
    expect(moved.name).toBe('Firenze Rifredi 2');

    for (const bad of [
      { code: 'fi', name: 'X', city: 'Y', provinceCode: 'FI' },
      { code: 'FI3', name: 'X', city: 'Y', provinceCode: 'ZZ' },
      { code: 'RM1', name: 'X', city: 'Y', provinceCode: 'RM' },
    ]) {
      const error = await trpcError(admin.trpc.admin.sites.create.mutate(bad));
      expect([400, 409], JSON.stringify(bad)).toContain(error.data?.httpStatus);
    }
  });
});

describe('admin.messageTemplates', () => {
  const lastFunnelSms = async (customerId: number) =>
    (
      await db(server).get<{ body: string }>(
        `SELECT o.body FROM outbox o JOIN funnel_links f ON o.ref_type = 'funnel_link' AND o.ref_id = CAST(f.id AS TEXT)
       WHERE f.customer_id = ? ORDER BY o.id DESC LIMIT 1`,
        customerId,
      )
    )?.body;

  it('lists every purpose, channel and language with its default; a change is used by the next message, a reset restores it', async () => {
    const list = await admin.trpc.admin.messageTemplates.list.query();
    expect(list).toHaveLength(16);
    const funnelIt = list.find((t) => t.purpose === 'funnel_link' && t.channel === 'sms' && t.language === 'it');
    expect(funnelIt).toMatchObject({ custom: false, subject: null, updatedBy: null });
    expect(funnelIt?.body).toBe(funnelIt?.defaultBody);

    const operator = createApiClient(server.url);
    await operator.login('operatore3');
    const first = await freshCustomer();
    await funnelRedirect(operator, first);
    expect(await lastFunnelSms(first)).toMatch(/^Gentile .+, ecco il link per attivare Carta .+ online: http/);

    const requestId = randomUUID();
    const input = {
      requestId,
      purpose: 'funnel_link' as const,
      channel: 'sms' as const,
      language: 'it' as const,
      body: 'Ciao {{first_name}}! {{product}} si attiva qui: {{url}} (entro il {{expires_on}})',
    };
    const changed = await admin.trpc.admin.messageTemplates.update.mutate(input);
    expect(changed).toMatchObject({ custom: true, body: input.body, updatedBy: anyString() });
    // a retry changes nothing more and writes no second audit row
    expect(await admin.trpc.admin.messageTemplates.update.mutate(input)).toEqual(changed);
    const audits = await db(server).all<{ details: string }>(
      "SELECT details FROM audit_log WHERE action = 'admin.message_template_changed' AND entity_id = ?",
      'funnel_link/sms/it',
    );
    expect(audits).toHaveLength(1);
    expect(JSON.parse(audits[0]?.details ?? '{}')).toMatchObject({
      from: { body: funnelIt?.defaultBody },
      to: { body: input.body },
    });

    const second = await freshCustomer();
    await funnelRedirect(operator, second);
    const name = (await db(server).get<{ first_name: string }>(
      'SELECT first_name FROM customers WHERE id = ?',
      second,
    ))!;
    expect(await lastFunnelSms(second)).toMatch(
      new RegExp(`^Ciao ${name.first_name}! Carta .+ si attiva qui: http\\S+ \\(entro il \\d{1,2} \\w+ \\d{4}\\)$`),
    );

    // an English-speaking customer gets the English text, with the product's English name
    const english = await freshCustomer();
    await db(server).run("UPDATE customers SET language = 'en' WHERE id = ?", english);
    await funnelRedirect(operator, english);
    expect(await lastFunnelSms(english)).toMatch(
      /^Dear .+, here is the link to activate .+ online: http\S+ \(valid until \d{1,2} [A-Z][a-z]+ \d{4}\)\.$/,
    );

    const reset = await admin.trpc.admin.messageTemplates.reset.mutate({
      purpose: 'funnel_link',
      channel: 'sms',
      language: 'it',
    });
    expect(reset).toMatchObject({ custom: false, body: funnelIt?.defaultBody, updatedAt: null });
    const third = await freshCustomer();
    await funnelRedirect(operator, third);
    expect(await lastFunnelSms(third)).toMatch(/^Gentile .+, ecco il link/);
    expect(
      await db(server).get("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'admin.message_template_reset'"),
    ).toEqual({ n: 1 });
  });

  it('refuses a template it could not send, with the field named: unknown variables, open sections, no subject, too long', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [
        { purpose: 'funnel_link', channel: 'sms', language: 'it', body: 'Ciao {{nome}} {{url}}' },
        'body',
        /Unknown variable \{\{nome\}\}/,
      ],
      [{ purpose: 'funnel_link', channel: 'sms', language: 'it', body: '{{#url}}link' }, 'body', /cannot be read/],
      [
        { purpose: 'appointment_confirmation', channel: 'sms', language: 'it', body: 'Spostato: {{moved}}' },
        'body',
        /yes\/no flag/,
      ],
      [{ purpose: 'funnel_link', channel: 'email', language: 'en', body: '{{url}}' }, 'subject', /needs a subject/],
      [
        { purpose: 'funnel_link', channel: 'email', language: 'en', subject: 'Hi {{surname}}', body: '{{url}}' },
        'subject',
        /Unknown variable/,
      ],
      [
        { purpose: 'funnel_link', channel: 'sms', language: 'it', body: `${'x'.repeat(1000)} {{url}}` },
        'body',
        /7 segments/,
      ],
      [{ purpose: 'funnel_link', channel: 'sms', language: 'it', body: '   ' }, 'body', /empty/],
      [{ purpose: 'welcome', channel: 'sms', language: 'it', body: 'x' }, 'purpose', /One of/],
      [{ purpose: 'funnel_link', channel: 'fax', language: 'it', body: 'x' }, 'channel', /sms or email/],
      [{ purpose: 'funnel_link', channel: 'sms', language: 'de', body: 'x' }, 'language', /it or en/],
      [{ purpose: 'funnel_link', channel: 'sms', language: 'it', body: 'x'.repeat(4001) }, 'body', /4000/],
    ];
    for (const [input, field, message] of cases) {
      const error = await trpcError(admin.trpc.admin.messageTemplates.update.mutate(input as never));
      expect(error.data?.httpStatus, JSON.stringify(input).slice(0, 80)).toBe(400);
      expect(fieldsOf(error)[field]?.join(' '), JSON.stringify(input).slice(0, 80)).toMatch(message);
    }
    // nothing was saved
    expect(await db(server).get('SELECT COUNT(*) AS n FROM message_templates')).toEqual({ n: 0 });
  });
});
