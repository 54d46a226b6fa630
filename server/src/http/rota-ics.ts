import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { rotaDay, rotaWeeks } from '@valore/shared/schemas/rota';
import type { AppDeps } from '../deps';
import { myShifts } from '../domains/rota/rota.service';
import { rotaIcs } from '../domains/rota/rota.ics';
import { DomainError, fieldError } from '../errors';
import { sessionOfRequest } from './cookies';
import { sendDomainError, sendError } from './errors';

/**
 * `GET /api/v1/rota/mine.ics?from=&weeks=`: the signed-in person's published shifts as a calendar file to import
 * (domains/rota/rota.ics.ts). Session cookie like the console; a GET that changes nothing, so no CSRF check is needed.
 */
const query = z
  .object({
    from: rotaDay.optional(),
    weeks: z
      .string()
      .regex(/^\d{1,2}$/, 'Whole weeks, 1 to 13')
      .transform(Number)
      .pipe(rotaWeeks)
      .optional(),
  })
  .strict();

export function rotaIcsRoutes(deps: AppDeps): Router {
  const r = express.Router();
  r.get('/rota/mine.ics', async (req: Request, res: Response) => {
    try {
      const session = await sessionOfRequest(deps, req, res);
      if (!session) {
        throw new DomainError('UNAUTHORIZED', 'SESSION_EXPIRED', 'You are not signed in, or your session has expired.');
      }
      if (session.user.mustChangePassword) {
        throw new DomainError('FORBIDDEN', 'PASSWORD_CHANGE_REQUIRED', 'Choose a new password before you go on.');
      }
      const parsed = query.safeParse(req.query);
      if (!parsed.success) throw fieldError(z.flattenError(parsed.error).fieldErrors);
      const shifts = await myShifts(deps, session.user, parsed.data);
      const host = req.hostname || 'valore';
      res.status(200);
      res.setHeader('Content-Type', 'text/calendar; charset=utf-8');
      res.setHeader('Content-Disposition', 'attachment; filename="turni.ics"');
      res.setHeader('Cache-Control', 'no-store');
      res.send(rotaIcs(shifts, deps.clock.now(), host));
    } catch (error) {
      if (error instanceof DomainError) {
        sendDomainError(res, error, { domainCode: true, fields: true });
        return;
      }
      deps.logger.error({ err: error }, 'rota calendar failed');
      sendError(res, 500, { code: 'INTERNAL_SERVER_ERROR', message: 'Something went wrong on the server. Try again.' });
    }
  });
  return r;
}
