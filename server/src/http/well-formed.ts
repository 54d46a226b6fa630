import type { IncomingMessage, ServerResponse } from 'node:http';
import { MALFORMED_TEXT_MESSAGE } from '@valore/shared/schemas/common';
import { sendError } from './errors';

/**
 * A NUL in a URL ("%00" in a path or a query, or a raw one): a token, an id or a filter no store can hold — PostgreSQL
 * refuses it in every text, so it would answer a 500 there and pass through on SQLite. Refused on every route with the
 * same 400, before the live streams or Express read the URL. The rule for text (shared/schemas/common.ts) has three
 * edges: tRPC inputs (trpc/init.ts), JSON and form bodies (body-limit.ts) and this one. A lone surrogate cannot
 * arrive in a URL: percent-decoding gives whole characters or fails.
 */

/** Answers 400 and returns true when the request's URL holds a NUL; false otherwise (nothing sent). */
export function refuseMalformedUrl(req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? '';
  if (!url.includes('\u0000') && !/%00/i.test(url)) return false;
  sendError(res, 400, {
    code: 'BAD_REQUEST',
    message: MALFORMED_TEXT_MESSAGE,
    fields: { url: [MALFORMED_TEXT_MESSAGE] },
  });
  return true;
}
