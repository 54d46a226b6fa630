import type { Request, Response } from 'express';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type { AppDeps } from '../deps';
import { resolveSession } from '../domains/auth/auth.service';

export interface Context {
  deps: AppDeps;
  req: Request | null;
  res: Response | null;
  user: SessionUser | null;
  sessionId: string | null;
  ip: string | null;
}

export async function createContext(deps: AppDeps, req: Request, res: Response): Promise<Context> {
  const session = await resolveSession(deps, req, res);
  return { deps, req, res, user: session?.user ?? null, sessionId: session?.sessionId ?? null, ip: req.ip ?? null };
}
