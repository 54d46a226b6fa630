import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MovableClock } from '@valore/server/testing/movable-clock';
import { createApiClient, trpcError, type ApiClient } from '../helpers/api-client';
import { startTestServer, TEST_INTAKE_KEY, type TestServer } from '../helpers/server';
import { db } from '../helpers/sql';

/**
 * Administration, model-based: fast-check generates sequences of what admins and users do to one another — disable,
 * enable, reset a password, move an operator to tutor and back, sign in (with the temporary password and its forced
 * change), claim work, use a session — against a real listening server, while a small model says what each must do.
 * After every command the database must agree with the model:
 *   1. a disabled user has no session and holds no work, and cannot sign in; enabling them gives nothing back;
 *   2. a password reset ends every session at once, the old password no longer signs in, the temporary one does and
 *      must be changed before anything else;
 *   3. only an active operator holds work, at most one item, and a role change gives held work back;
 *   4. every session the model calls ended answers 401, every live one works;
 *   5. every admin change wrote exactly one audit row.
 *   VALORE_ADMIN_MODEL_RUNS (100) sequences of at most 14 commands, each on two fresh users of one server.
 */
const RUNS = Number(process.env.VALORE_ADMIN_MODEL_RUNS ?? 100);
const START = '2027-02-01T08:00:00.000Z'; // Monday 09:00 in Rome

let server: TestServer;
let clock: MovableClock;
let admin: ApiClient;
let claims = 0;

beforeAll(async () => {
  clock = new MovableClock(START);
  // sign-in failures are forgotten a quarter of an hour apart (the throttle), so the clock moves on between them
  server = await startTestServer({ clock, env: { VALORE_SESSION_IDLE_MINUTES: String(60 * 24) } });
  admin = createApiClient(server.url);
  await admin.login('admin');
  // work to claim: Call Me Now requests from the web site, for every site's operators
  const phones = await db(server).all<{ phone: string }>(
    'SELECT phone FROM customers GROUP BY phone HAVING COUNT(*) = 1 ORDER BY phone LIMIT 80',
  );
  for (const { phone } of phones) {
    const response = await fetch(`${server.url}/api/v1/callback-requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_INTAKE_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ phone, product: 'CONTO', mode: 'now', channel: 'web' }),
    });
    expect(response.status).toBe(201);
  }
}, 60_000);
afterAll(async () => {
  await server?.close();
});

interface UserModel {
  id: number;
  username: string;
  active: boolean;
  role: 'operator' | 'tutor';
  password: string;
  /** the admin reset it: the next sign-in must change it */
  temporary: boolean;
  /** live sessions (one client each) */
  sessions: ApiClient[];
  /** sessions the server must have ended */
  ended: ApiClient[];
  adminChanges: number;
}
type Model = { users: UserModel[] };
type Real = Record<string, never>;

const sql = () => db(server);
const strong = () => `Passo sicuro ${randomUUID().slice(0, 8)} quattro`;

async function heldBy(userId: number): Promise<number> {
  const row = await sql().get<{ n: number }>(
    `SELECT (SELECT COUNT(*) FROM campaign_contacts WHERE status = 'claimed' AND lease_owner = ?)
            + (SELECT COUNT(*) FROM callback_requests WHERE status = 'claimed' AND lease_owner = ?)
            + (SELECT COUNT(*) FROM leads WHERE status = 'open' AND lease_owner = ?) AS n`,
    userId,
    userId,
    userId,
  );
  if (!row) throw new Error('no count');
  return row.n;
}

async function checkInvariants(m: Model): Promise<void> {
  for (const u of m.users) {
    const sessions = await sql().get<{ n: number }>('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?', u.id);
    expect(sessions?.n, `${u.username}: sessions`).toBe(u.active ? u.sessions.length : 0);
    const held = await heldBy(u.id);
    if (!u.active || u.role !== 'operator') expect(held, `${u.username}: held work`).toBe(0);
    expect(held, `${u.username}: held work`).toBeLessThanOrEqual(1);
    const audits = await sql().get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM audit_log WHERE entity_type = 'user' AND entity_id = ? AND action LIKE 'admin.%'",
      String(u.id),
    );
    expect(audits?.n, `${u.username}: audit rows`).toBe(u.adminChanges);
  }
}

const pick = (m: Model, i: number): UserModel => m.users[i % m.users.length] as UserModel;

class SetActive implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly i: number,
    readonly active: boolean,
  ) {}
  check = () => true;
  async run(m: Model): Promise<void> {
    const u = pick(m, this.i);
    await admin.trpc.admin.users.update.mutate({ id: u.id, active: this.active });
    if (u.active !== this.active) u.adminChanges += 1;
    if (u.active && !this.active) {
      u.ended.push(...u.sessions);
      u.sessions = [];
    }
    u.active = this.active;
    await checkInvariants(m);
  }
  toString = () => `setActive(${this.i}, ${this.active})`;
}

class Reset implements fc.AsyncCommand<Model, Real> {
  constructor(readonly i: number) {}
  check = () => true;
  async run(m: Model): Promise<void> {
    const u = pick(m, this.i);
    const made = await admin.trpc.admin.users.resetPassword.mutate({ id: u.id });
    u.adminChanges += 1;
    // the old password no longer signs in
    const old = u.password;
    u.password = made.temporaryPassword ?? '';
    u.temporary = true;
    u.ended.push(...u.sessions);
    u.sessions = [];
    await checkInvariants(m);
    if (u.active) {
      clock.advance(16 * 60_000);
      const error = await trpcError(createApiClient(server.url).login(u.username, old));
      expect(error.data?.code).toBe('UNAUTHORIZED');
    }
  }
  toString = () => `reset(${this.i})`;
}

class SwitchRole implements fc.AsyncCommand<Model, Real> {
  constructor(readonly i: number) {}
  check = () => true;
  async run(m: Model): Promise<void> {
    const u = pick(m, this.i);
    const role = u.role === 'operator' ? 'tutor' : 'operator';
    await admin.trpc.admin.users.update.mutate({ id: u.id, role });
    u.role = role;
    u.adminChanges += 1;
    await checkInvariants(m);
  }
  toString = () => `switchRole(${this.i})`;
}

class SignIn implements fc.AsyncCommand<Model, Real> {
  constructor(readonly i: number) {}
  check = () => true;
  async run(m: Model): Promise<void> {
    const u = pick(m, this.i);
    const client = createApiClient(server.url);
    if (!u.active) {
      const error = await trpcError(client.login(u.username, u.password));
      expect(error.data?.code, 'a disabled user signs in').toBe('UNAUTHORIZED');
      // the next failure comes after the throttle forgot this one
      clock.advance(16 * 60_000);
      await checkInvariants(m);
      return;
    }
    const signed = await client.login(u.username, u.password);
    if (u.temporary) {
      expect(signed.user.mustChangePassword).toBe(true);
      // nothing else works until the password is changed
      const blocked = await trpcError(client.trpc.work.mine.query());
      expect(blocked.data?.httpStatus).toBe(403);
      const chosen = strong();
      await client.trpc.auth.changePassword.mutate({ currentPassword: u.password, newPassword: chosen });
      u.password = chosen;
      u.temporary = false;
    } else {
      expect(signed.user.mustChangePassword ?? false).toBe(false);
    }
    u.sessions.push(client);
    await checkInvariants(m);
  }
  toString = () => `signIn(${this.i})`;
}

class Claim implements fc.AsyncCommand<Model, Real> {
  constructor(readonly i: number) {}
  check = (m: Readonly<Model>) => pick(m, this.i).sessions.length > 0;
  async run(m: Model): Promise<void> {
    const u = pick(m, this.i);
    const client = u.sessions[u.sessions.length - 1] as ApiClient;
    if (u.role === 'operator') {
      const item = await client.trpc.work.next.mutate({});
      if (item) claims += 1;
    } else {
      const error = await trpcError(client.trpc.work.next.mutate({}));
      expect(error.data?.code).toBe('FORBIDDEN');
    }
    await checkInvariants(m);
  }
  toString = () => `claim(${this.i})`;
}

class UseSessions implements fc.AsyncCommand<Model, Real> {
  constructor(readonly i: number) {}
  check = () => true;
  async run(m: Model): Promise<void> {
    const u = pick(m, this.i);
    for (const client of u.sessions) expect((await client.trpc.auth.me.query()).id).toBe(u.id);
    for (const client of u.ended) {
      const error = await trpcError(client.trpc.auth.me.query());
      expect(error.data?.code, 'an ended session').toBe('UNAUTHORIZED');
    }
    await checkInvariants(m);
  }
  toString = () => `useSessions(${this.i})`;
}

const who = fc.nat({ max: 1 });
const commands = [
  who.map((i) => new SignIn(i)),
  who.map((i) => new SignIn(i)),
  who.map((i) => new Claim(i)),
  who.map((i) => new Claim(i)),
  fc.tuple(who, fc.boolean()).map(([i, active]) => new SetActive(i, active)),
  who.map((i) => new Reset(i)),
  who.map((i) => new SwitchRole(i)),
  who.map((i) => new UseSessions(i)),
];

async function freshUser(): Promise<UserModel> {
  const username = `m${randomUUID().slice(0, 10)}`;
  const made = await admin.trpc.admin.users.create.mutate({
    username,
    displayName: 'Utente Modello',
    role: 'operator',
    siteId: 1,
  });
  return {
    id: made.user.id,
    username,
    active: true,
    role: 'operator',
    password: made.temporaryPassword ?? '',
    temporary: true,
    sessions: [],
    ended: [],
    adminChanges: 1, // admin.user_created
  };
}

it(
  'admin changes and what users do keep sessions, held work, sign-in and the audit log as the model says',
  async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 14 }), async (cmds) => {
        // the clock moves on a quarter of an hour per refused sign-in: a fresh admin session per sequence
        admin = createApiClient(server.url);
        await admin.login('admin');
        const model: Model = { users: [await freshUser(), await freshUser()] };
        await fc.asyncModelRun(() => ({ model, real: {} }), cmds);
        // whatever happened, a final look at every session the model holds
        for (let i = 0; i < model.users.length; i++) await new UseSessions(i).run(model);
      }),
      { numRuns: RUNS },
    );
    // the sequences did claim work (else invariant 3 proved nothing)
    expect(claims).toBeGreaterThan(0);
    if (process.env.VALORE_ADMIN_MODEL_VERBOSE) console.log(`${claims} items claimed`);
  },
  Math.max(240_000, RUNS * 8_000),
);
