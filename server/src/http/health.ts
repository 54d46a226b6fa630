import { sql } from 'kysely';
import type { Request, Response } from 'express';
import type { AppDeps } from '../deps';
import type { Drain } from './drain';

/**
 * `GET /healthz`: 200 `ok` when the database answers; 503 `unavailable` when it does not; 503 `draining` once the
 * node is stopping (http/drain.ts), so a proxy's health check takes it out of rotation while it finishes its requests.
 */
export function healthHandler(deps: AppDeps, drain: Drain) {
  return async (_req: Request, res: Response) => {
    if (drain.draining) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    try {
      await sql`SELECT 1`.execute(deps.db);
      res.json({ status: 'ok' });
    } catch (error) {
      deps.logger.error({ err: error }, 'health check failed');
      res.status(503).json({ status: 'unavailable' });
    }
  };
}
