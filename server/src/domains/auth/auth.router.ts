import { authOptions, changePasswordInput, loginInput, loginOutput, sessionUser } from '@valore/shared/schemas/auth';
import { centreSettings } from '../admin/settings.service';
import { browserOf, clearSessionOf, setSignInCookies } from '../../trpc/context';
import { authedProcedure, publicProcedure, router } from '../../trpc/init';
import { changePassword, login, logout } from './auth.service';

export const authRouter = router({
  login: publicProcedure
    .input(loginInput)
    .output(loginOutput)
    // a throttled sign-in's Retry-After is set with every refusal that names a wait (app.ts responseMeta)
    .mutation(async ({ ctx, input }) => {
      const result = await login(ctx.deps, { ...input, ip: ctx.ip, ...browserOf(ctx) });
      setSignInCookies(ctx, result);
      return { user: result.user };
    }),
  /** How one signs in here (the login page's choices): public. */
  options: publicProcedure.output(authOptions).query(async ({ ctx }) => ({
    oidc: !!ctx.deps.config.oidc,
    localPasswords: (await centreSettings(ctx.deps.db)).localPasswords || !ctx.deps.config.oidc,
  })),
  me: authedProcedure.output(sessionUser).query(({ ctx }) => ctx.user),
  /** Allowed (with me and logout) while a temporary password must be changed. */
  changePassword: authedProcedure
    .input(changePasswordInput)
    .output(sessionUser)
    .mutation(({ ctx, input }) => changePassword(ctx.deps, ctx.user, ctx.sessionId, input, ctx.ip)),
  logout: authedProcedure.mutation(async ({ ctx }) => {
    if (ctx.sessionId) await logout(ctx.deps, ctx.sessionId, ctx.user, ctx.ip);
    clearSessionOf(ctx);
    return { ok: true as const };
  }),
});
