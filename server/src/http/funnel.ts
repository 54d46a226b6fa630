import type { Request, Response } from 'express';
import type { AppDeps } from '../deps';
import { followFunnelLink } from '../domains/funnel/funnel.service';

/** Self-contained (no script, inline style only: the CSP forbids inline script), Italian like the customer. */
const NOT_FOUND_PAGE = `<!doctype html>
<html lang="it">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Link non valido o scaduto</title>
</head>
<body style="margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;background:#f5f6f8;color:#1f2933">
<main style="max-width:32rem;margin:15vh auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 2px 12px rgba(0,0,0,.08)">
<h1 style="font-size:1.4rem;margin:0 0 1rem">Link non valido o scaduto</h1>
<p style="line-height:1.5;margin:0 0 .75rem">Il link che ha aperto non è valido oppure è scaduto.</p>
<p style="line-height:1.5;margin:0">Se desidera ricevere un nuovo link, contatti il nostro servizio clienti.</p>
</main>
</body>
</html>
`;

/** `GET /f/:token` — the tracked short link of the digital funnel (docs/api.md). */
export function funnelRedirectHandler(deps: AppDeps) {
  return async (req: Request<{ token: string }>, res: Response): Promise<void> => {
    const token = typeof req.params.token === 'string' ? req.params.token : '';
    const result =
      token.length > 0 && token.length <= 64
        ? await followFunnelLink(deps.db, {
            token,
            now: deps.clock.now(),
            userAgent: req.get('user-agent') ?? null,
            ip: req.ip ?? null,
            record: req.method === 'GET',
          })
        : ({ found: false, reason: 'malformed' } as const);
    // every click must reach us: no caching by browsers or proxies
    res.setHeader('Cache-Control', 'no-store');
    if (!result.found) {
      req.log?.info({ reason: result.reason }, 'funnel link refused');
      res.status(404).type('html').send(NOT_FOUND_PAGE);
      return;
    }
    res.redirect(302, result.location);
  };
}
