import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '@valore/server/env';
import { startServer, type RunningServer } from '@valore/server/server';
import { createApiClient } from '../helpers/api-client';
import { startPostgresCluster, type PostgresCluster } from '../helpers/postgres-cluster';

/**
 * The server on PostgreSQL as a new user starts it (issue 21): VALORE_DATABASE_URL set, the demo seeded into an empty
 * database, signing in and taking work; a second start finds the data and seeds nothing; the first admin of a
 * production database made by the CLI.
 */
let cluster: PostgresCluster;
let url: string;
let server: RunningServer | undefined;

const env = (extra: Record<string, string> = {}) =>
  parseEnv({
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    VALORE_DATABASE_URL: url,
    VALORE_SEED: 'demo',
    VALORE_SESSION_SECRET: 'postgres-server-test-secret-0123456789',
    LOG_LEVEL: 'silent',
    VALORE_OFFER_DISPATCH: 'off',
    ...extra,
  });

beforeAll(async () => {
  cluster = await startPostgresCluster();
  url = cluster.createDatabase('demo');
});
afterAll(async () => {
  await server?.close();
  cluster?.stop();
});

describe('the server on PostgreSQL', () => {
  it('seeds the demo into an empty database, signs in and hands out work', async () => {
    server = await startServer(env(), { seedCustomers: 500 });
    expect(server.seeded?.customers).toBe(500);
    expect(await (await fetch(`${server.url}/healthz`)).json()).toMatchObject({ status: 'ok' });
    const operator = createApiClient(server.url);
    await operator.login('operatore1');
    const item = await operator.trpc.work.next.mutate({});
    expect(['campaign', 'callback', 'lead_followup']).toContain(item?.kind);
    // the held item comes back on reload, from the same database
    expect((await operator.trpc.work.current.query())?.id).toBe(item?.id);
    // the SQLite handle is not there to be read by mistake
    expect(() => server?.database.sqlite).toThrow(/PostgreSQL/);
    await server.close();
    server = undefined;

    // a second start: the data is there, nothing seeded again
    server = await startServer(env());
    expect(server.seeded).toBeNull();
    const again = createApiClient(server.url);
    await again.login('operatore1');
    expect((await again.trpc.work.current.query())?.id).toBe(item?.id);

    // the admin's searches (LIKE): the user names' case-blind collation refused ILIKE there (a 500 before the fix);
    // ASCII case ignored as on SQLite, the wildcards typed taken as letters
    const admin = createApiClient(server.url);
    await admin.login('admin');
    const users = await admin.trpc.admin.users.list.query({ search: 'OPERATORE1', limit: 50 });
    expect(users.users.map((u) => u.username)).toContain('operatore1');
    expect(users.users.every((u) => /operatore1/i.test(u.username + u.displayName))).toBe(true);
    expect((await admin.trpc.admin.users.list.query({ search: 'operat%re', limit: 50 })).total).toBe(0);
    const offices = await admin.trpc.admin.postOffices.list.query({ search: 'roma', limit: 5 });
    expect(offices.total).toBeGreaterThan(0);
  }, 120_000);

  it('gets its first admin from npm run admin:create', async () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const empty = cluster.createDatabase('production');
    const r = await promisify(execFile)(
      'npx',
      ['tsx', 'scripts/admin-create.ts', '--username', 'capo', '--password', 'Una-password-lunga-2026!'],
      { cwd: root, env: { ...process.env, VALORE_DATABASE_URL: empty } },
    );
    expect(r.stdout).toMatch(
      /Admin "capo" created \(id 1\) in postgres:\/\/postgres@127\.0\.0\.1:\d+\/production_[0-9a-f]{8}\./,
    );
  }, 60_000);
});
