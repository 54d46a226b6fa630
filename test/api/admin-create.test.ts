import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';

/** `npm run admin:create`: the first admin of an empty production database, who must change the password first. */
const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'valore-admin-create-'));
const dbFile = path.join(dir, 'production.sqlite');
let server: TestServer | undefined;
afterAll(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) =>
  run('npx', ['tsx', 'scripts/admin-create.ts', '--db', dbFile, ...args], { cwd: root }).then(
    (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
  );

describe('npm run admin:create', () => {
  it('creates an admin on an empty database; the temporary password works once and must be changed', async () => {
    const made = await cli('--username', 'direzione', '--name', 'Direzione Centro');
    expect(made.code, made.err).toBe(0);
    const temporary = /Temporary password \(shown only now\): (\S+)/.exec(made.out)?.[1] ?? '';
    expect(temporary).toMatch(/^\w{6}-\w{6}-\w{6}$/);
    // the same username again, or a breached password: refused, nothing created
    const again = await cli('--username', 'direzione');
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already taken/);
    const weak = await cli('--username', 'altro', '--password', 'password123456');
    expect(weak.code).toBe(1);
    expect(weak.err).toMatch(/common or breached/);

    server = await startTestServer({ fromFile: dbFile });
    // a production database: no demo users, only the admin just made
    const anonymous = createApiClient(server.url);
    await expect(anonymous.login('admin', 'demo')).rejects.toThrow();
    const admin = createApiClient(server.url);
    const { user } = await admin.login('direzione', temporary);
    expect(user).toMatchObject({ role: 'admin', displayName: 'Direzione Centro', mustChangePassword: true });
    await admin.trpc.auth.changePassword.mutate({ currentPassword: temporary, newPassword: 'la rotta del mattino' });
    const users = await admin.trpc.admin.users.list.query({});
    expect(users.users.map((u) => u.username)).toEqual(['direzione']);
    const audit = await admin.trpc.admin.audit.search.query({ action: 'admin.user_created' });
    expect(audit.items[0]).toMatchObject({ actorId: null, details: { via: 'cli' } });
  }, 60_000);

  it('switches local passwords back on from the command line', async () => {
    const switched = await cli('--local-passwords', 'on');
    expect(switched.code, switched.err).toBe(0);
    expect(switched.out).toMatch(/Local passwords switched on/);
    const row = new (await import('better-sqlite3')).default(dbFile, { readonly: true })
      .prepare("SELECT value FROM app_settings WHERE key = 'local_passwords'")
      .get() as { value: string };
    expect(JSON.parse(row.value)).toBe(true);
  }, 60_000);
});
