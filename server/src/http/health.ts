import { sql } from 'kysely';
import type { Request, Response } from 'express';
import type { AppDeps } from '../deps';

export function healthHandler(deps: AppDeps) {
  return async (_req: Request, res: Response) => {
    try {
      await sql`SELECT 1`.execute(deps.db);
      res.json({ status: 'ok' });
    } catch (error) {
      deps.logger.error({ err: error }, 'health check failed');
      res.status(503).json({ status: 'unavailable' });
    }
  };
}
