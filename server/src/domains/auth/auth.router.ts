import { loginInput, loginOutput, sessionUser } from '@valore/shared/schemas/auth';
import { authedProcedure, publicProcedure, router } from '../../trpc/init';
import {
  clearSessionCookie,
  login,
  logout,
  RateLimitedError,
  readSessionToken,
  writeSessionCookie,
} from './auth.service';
import { readDeviceId, writeDeviceCookie } from './device-cookie';

export const authRouter = router({
  login: publicProcedure
    .input(loginInput)
    .output(loginOutput)
    .mutation(async ({ ctx, input }) => {
      const { deps, req, res } = ctx;
      try {
        const result = await login(deps, {
          ...input,
          ip: ctx.ip,
          userAgent: req?.headers['user-agent'] ?? null,
          previousToken: req ? readSessionToken(req, deps.config.sessionSecret) : null,
          deviceId: req ? readDeviceId(req, deps.config.sessionSecret) : null,
        });
        if (res) {
          writeSessionCookie(res, result.token, deps.config.sessionSecret, result.maxAgeMs);
          writeDeviceCookie(res, result.deviceId, deps.config.sessionSecret);
        }
        return { user: result.user };
      } catch (error) {
        if (error instanceof RateLimitedError && res)
          res.setHeader('Retry-After', Math.ceil(error.retryAfterMs / 1000));
        throw error;
      }
    }),
  me: authedProcedure.output(sessionUser).query(({ ctx }) => ctx.user),
  logout: authedProcedure.mutation(async ({ ctx }) => {
    if (ctx.sessionId) await logout(ctx.deps, ctx.sessionId, ctx.user, ctx.ip);
    if (ctx.res) clearSessionCookie(ctx.res);
    return { ok: true as const };
  }),
});
