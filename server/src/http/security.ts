import type { NextFunction, Request, Response } from 'express';
import { sendError } from './errors';

/**
 * CSRF defence for tRPC mutations: they must be JSON (a cross-site form cannot send that without a
 * preflight) and, when the browser says where they come from, come from this same origin.
 * Queries (GET) have no effects and pass.
 */
export function csrfGuard(req: Request, res: Response, next: NextFunction): void {
  if (req.method !== 'POST') return next();
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/json') {
    return refuse(res, 415, 'Mutations must be sent as application/json.');
  }
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== 'null') {
    let host: string | null = null;
    try {
      host = new URL(origin).host;
    } catch {
      host = null;
    }
    if (host === null || host !== req.headers.host) return refuse(res, 403, 'Cross-origin requests are not accepted.');
  } else if (origin === 'null') {
    return refuse(res, 403, 'Cross-origin requests are not accepted.');
  }
  const fetchSite = req.headers['sec-fetch-site'];
  if (fetchSite === 'cross-site' || fetchSite === 'same-site') {
    return refuse(res, 403, 'Cross-origin requests are not accepted.');
  }
  next();
}

function refuse(res: Response, status: number, message: string) {
  const code = status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'FORBIDDEN';
  sendError(res, status, { code, domainCode: 'CSRF', message });
}
