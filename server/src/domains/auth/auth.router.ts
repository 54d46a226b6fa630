import { loginInput, loginOutput, sessionUser } from '@valore/shared/schemas/auth';
import { browserOf, clearSessionOf, setRetryAfter, setSignInCookies } from '../../trpc/context';
import { authedProcedure, publicProcedure, router } from '../../trpc/init';
import { login, logout, RateLimitedError } from './auth.service';

export const authRouter = router({
  login: publicProcedure
    .input(loginInput)
    .output(loginOutput)
    .mutation(async ({ ctx, input }) => {
      try {
        const result = await login(ctx.deps, { ...input, ip: ctx.ip, ...browserOf(ctx) });
        setSignInCookies(ctx, result);
        return { user: result.user };
      } catch (error) {
        if (error instanceof RateLimitedError) setRetryAfter(ctx, error.retryAfterMs);
        throw error;
      }
    }),
  me: authedProcedure.output(sessionUser).query(({ ctx }) => ctx.user),
  logout: authedProcedure.mutation(async ({ ctx }) => {
    if (ctx.sessionId) await logout(ctx.deps, ctx.sessionId, ctx.user, ctx.ip);
    clearSessionOf(ctx);
    return { ok: true as const };
  }),
});
