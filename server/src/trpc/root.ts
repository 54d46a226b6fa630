import { authRouter } from '../domains/auth/auth.router';
import { router } from './init';

export const appRouter = router({
  auth: authRouter,
});

export type AppRouter = typeof appRouter;
