import { initTRPC, TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { z } from 'zod';
import type { Role, SessionUser } from '@valore/shared/schemas/auth';
import { MALFORMED_TEXT_MESSAGE, malformedTextPath } from '@valore/shared/schemas/common';
import type { Context } from './context';
import { DomainError, fieldError } from '../errors';
import { DomainTRPCError, toTRPCError } from './errors';

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error: raw }) {
    // Procedures map a DomainError already (`procedure` below); one raised inside a subscription's stream arrives
    // here still wrapped as an internal error, and gets its own code here.
    const error = toTRPCError(raw);
    const zodError = error.cause instanceof z.core.$ZodError ? z.flattenError(error.cause) : null;
    const internal = error.code === 'INTERNAL_SERVER_ERROR';
    return {
      ...shape,
      code: TRPC_ERROR_CODES_BY_KEY[error.code],
      // Never leak SQL or stack traces: an unexpected failure gets a message a person can act on.
      message: internal
        ? 'Something went wrong on the server. Try again; if it keeps happening, report the time to support.'
        : zodError
          ? 'Some fields are not valid: ' +
            Object.entries(zodError.fieldErrors)
              .map(([k, v]) => `${k}: ${(v as string[] | undefined)?.join(', ') ?? ''}`)
              .concat(zodError.formErrors)
              .join('; ')
          : error.message,
      data: {
        code: error.code,
        httpStatus: getHTTPStatusCodeFromError(error),
        path: shape.data.path,
        domainCode: error instanceof DomainTRPCError ? error.domainCode : zodError ? 'VALIDATION' : null,
        // the wait a throttled sign-in must observe (the Retry-After header says the same), for the message
        retryAfterSeconds: error instanceof DomainTRPCError ? error.retryAfterSeconds : null,
        // the next free half-hours of a full Call Me Back time (409 SLOT_FULL), for the console to offer
        alternatives: error instanceof DomainTRPCError ? error.alternatives : null,
        zodError:
          zodError ??
          (error instanceof DomainTRPCError && error.fields ? { formErrors: [], fieldErrors: error.fields } : null),
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const middleware = t.middleware;

/**
 * A string with a lone UTF-16 surrogate anywhere in the input is refused (400 with the field) before any procedure
 * runs: the one rule of shared/schemas/common.ts, for every text input without repeating it in each schema.
 */
async function requireWellFormedText(getRawInput: () => Promise<unknown>): Promise<void> {
  // a procedure without input may get no body at all (which does not parse): nothing to check then
  const raw = await getRawInput().catch(() => undefined);
  const path = malformedTextPath(raw);
  if (path !== null) throw fieldError({ [path === '' ? 'input' : path]: [MALFORMED_TEXT_MESSAGE] });
}

/**
 * The layer under every procedure: a DomainError thrown by a service (or by the layers below) leaves with its own
 * tRPC code, domain code and fields instead of as an internal error. The one place the domain meets tRPC's codes.
 */
const procedure = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = toTRPCError(result.error);
    if (mapped !== result.error) throw mapped;
  }
  return result;
});

/** Open to anyone: only login uses it (plus health-style reads). */
export const publicProcedure = procedure.use(async ({ next, getRawInput }) => {
  await requireWellFormedText(getRawInput);
  return next();
});

/** What a user signed in with a temporary password may do before choosing their own (auth.service changePassword). */
export const PASSWORD_CHANGE_PATHS: ReadonlySet<string> = new Set(['auth.me', 'auth.logout', 'auth.changePassword']);

function signedIn(user: Context['user'], path: string): SessionUser {
  if (!user) {
    throw new DomainError('UNAUTHORIZED', 'SESSION_EXPIRED', 'You are not signed in, or your session has expired.');
  }
  if (user.mustChangePassword && !PASSWORD_CHANGE_PATHS.has(path)) {
    throw new DomainError('FORBIDDEN', 'PASSWORD_CHANGE_REQUIRED', 'Choose a new password before you go on.');
  }
  return user;
}

/** Signed-in users of any role. */
export const authedProcedure = procedure.use(async ({ ctx, next, getRawInput, path }) => {
  const user = signedIn(ctx.user, path);
  await requireWellFormedText(getRawInput);
  return next({ ctx: { ...ctx, user } });
});

/** Signed-in users with one of the given roles (one middleware, not two: every request pays for each layer). */
export function roleProcedure(...roles: [Role, ...Role[]]) {
  return procedure.use(async ({ ctx, next, getRawInput, path }) => {
    const user = signedIn(ctx.user, path);
    if (!roles.includes(user.role)) {
      throw new DomainError('FORBIDDEN', 'FORBIDDEN_ROLE', `This action is reserved to: ${roles.join(', ')}.`);
    }
    await requireWellFormedText(getRawInput);
    return next({ ctx: { ...ctx, user } });
  });
}

export { TRPCError };
