import { describe, expect, it } from 'vitest';
import type { SessionUser } from '@valore/shared/schemas/auth';
import { createTestDeps } from '../testing/test-deps';
import { DomainError, fieldError } from '../errors';
import type { Context } from './context';
import { authedProcedure, createCallerFactory, publicProcedure, roleProcedure, router } from './init';

const probe = router({
  open: publicProcedure.query(() => 'open'),
  signedIn: authedProcedure.query(({ ctx }) => ctx.user.username),
  tutorsOnly: roleProcedure('tutor', 'admin').query(() => 'coaching'),
  missing: authedProcedure.query((): string => {
    throw new DomainError('NOT_FOUND', 'NOT_FOUND', 'No such thing.');
  }),
  badField: publicProcedure.query((): string => {
    throw fieldError({ name: ['Too long'] });
  }),
});
const createCaller = createCallerFactory(probe);

async function callerFor(user: SessionUser | null) {
  const { deps } = await createTestDeps();
  const ctx: Context = { deps, req: null, res: null, user, sessionId: user ? 's' : null, ip: null };
  return createCaller(ctx);
}

const operator: SessionUser = { id: 1, username: 'op', displayName: 'Op', role: 'operator', siteId: 1 };
const tutor: SessionUser = { id: 2, username: 'tu', displayName: 'Tu', role: 'tutor', siteId: 1 };

describe('procedure builders', () => {
  it('lets anyone call a public procedure', async () => {
    expect(await (await callerFor(null)).open()).toBe('open');
  });

  it('refuses an anonymous caller on an authed procedure with UNAUTHORIZED', async () => {
    await expect((await callerFor(null)).signedIn()).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      domainCode: 'SESSION_EXPIRED',
    });
  });

  it('gives an authed procedure the signed-in user', async () => {
    expect(await (await callerFor(operator)).signedIn()).toBe('op');
  });

  it('refuses a role that is not listed with FORBIDDEN', async () => {
    await expect((await callerFor(operator)).tutorsOnly()).rejects.toMatchObject({
      code: 'FORBIDDEN',
      domainCode: 'FORBIDDEN_ROLE',
    });
  });

  it('lets a listed role through', async () => {
    expect(await (await callerFor(tutor)).tutorsOnly()).toBe('coaching');
  });

  it('gives a DomainError thrown by a service its own tRPC code, domain code and fields, with it as the cause', async () => {
    const missing = await (await callerFor(operator)).missing().catch((error: unknown) => error);
    expect(missing).toMatchObject({ code: 'NOT_FOUND', domainCode: 'NOT_FOUND', message: 'No such thing.' });
    expect((missing as Error).cause).toBeInstanceOf(DomainError);
    await expect((await callerFor(null)).badField()).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      domainCode: 'VALIDATION',
      fields: { name: ['Too long'] },
    });
  });
});
