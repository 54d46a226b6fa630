import express, { type NextFunction, type Request, type Response } from 'express';
import type { AppDeps } from '../deps';
import {
  cancelBySelfService,
  moveBySelfService,
  moveChoices,
  openSelfServicePage,
  type ChangeResult,
  type LinkRefused,
  type SelfServicePage,
} from '../domains/self-service/self-service.service';
import { selfServicePath } from '../domains/self-service/self-service-links';
import { cappedForm } from './body-limit';
import { tokenBucketFor } from './rate-buckets';
import {
  cancelPage,
  formRefusedPage,
  movePage,
  overviewPage,
  refusedPage,
  SELF_SERVICE_CSS,
  SELF_SERVICE_CSS_PATH,
  tooManyRequestsPage,
  type DoneNotice,
} from './self-service-pages';

/**
 * The customer's public self-service pages behind the signed link of a confirmation message (no login):
 * `GET /s/:token` shows the appointment or callback, `GET|POST /s/:token/cancel` and `GET|POST /s/:token/move`
 * change it. Forms are plain urlencoded posts: the CSRF defence is the Origin/Sec-Fetch-Site check plus a form token
 * signed for this link and this page's request id, which is also the idempotency key of the change.
 */

/** Per client address: a person needs a handful; this stops a script from walking tokens or hammering a form. */
export const SELF_SERVICE_RATE_PER_MINUTE = 60;
const FORM_BODY_LIMIT_BYTES = 4 * 1024;

type TokenRequest = Request<{ token: string }>;

function sendHtml(res: Response, status: number, html: string): void {
  // links carry a bearer token and pages personal data: nothing is stored by browsers or proxies, nothing indexed
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Robots-Tag', 'noindex, nofollow');
  // not helmet's no-referrer: under it a browser posts our own forms with `Origin: null`. same-origin still keeps
  // the token in the URL from ever reaching another site.
  res.setHeader('Referrer-Policy', 'same-origin');
  res.status(status).type('html').send(html);
}

function sendRefused(req: Request, res: Response, refused: LinkRefused): void {
  req.log?.info({ reason: refused.reason }, 'self-service link refused');
  sendHtml(res, refused.reason === 'expired' ? 410 : 404, refusedPage(refused.reason === 'expired'));
}

const tokenOf = (req: TokenRequest) => (typeof req.params.token === 'string' ? req.params.token : '');

/** Same-origin form posts only: a cross-site page cannot post a customer's form, even holding the link. */
function sameOriginForm(req: Request, res: Response, next: NextFunction): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  const origin = req.headers.origin;
  const fetchSite = req.headers['sec-fetch-site'];
  // `null`: a browser told to send no referrer (a privacy setting) hides the origin; its Sec-Fetch-Site still says
  let sameOrigin = origin === undefined || (origin === 'null' && fetchSite === 'same-origin');
  if (origin !== undefined && origin !== 'null') {
    try {
      sameOrigin = new URL(origin).host === req.headers.host;
    } catch {
      sameOrigin = false;
    }
  }
  if (
    type !== 'application/x-www-form-urlencoded' ||
    !sameOrigin ||
    fetchSite === 'cross-site' ||
    fetchSite === 'same-site'
  ) {
    req.log?.warn({ origin, fetchSite, type }, 'self-service form refused');
    sendHtml(res, 403, formRefusedPage(null));
    return;
  }
  next();
}

function formBody() {
  // stops reading at the limit, also for a chunked body (express.urlencoded reads such a body to its end first)
  const parse = cappedForm(FORM_BODY_LIMIT_BYTES, 10);
  return (req: Request, res: Response, next: NextFunction): void => {
    parse(req, res, (error?: unknown) => {
      if (error) {
        sendHtml(res, 400, formRefusedPage(null));
        return;
      }
      next();
    });
  };
}

function field(req: Request, name: string): string {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null) return '';
  const value: unknown = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value.slice(0, 200) : '';
}

function doneNotice(value: unknown): DoneNotice {
  return value === 'annullato' || value === 'spostato' ? value : null;
}

export function selfServiceRoutes(deps: AppDeps): express.Router {
  const router = express.Router();
  const bucket = tokenBucketFor(deps, 'self-service', SELF_SERVICE_RATE_PER_MINUTE);

  router.get(SELF_SERVICE_CSS_PATH, (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.type('css').send(SELF_SERVICE_CSS);
  });

  router.use('/s', (req, res, next) => {
    Promise.resolve(bucket.take(req.ip ?? '')).then((verdict) => {
      if (verdict.ok) return next();
      res.setHeader('Retry-After', String(verdict.retryAfterSeconds));
      sendHtml(res, 429, tooManyRequestsPage(verdict.retryAfterSeconds));
    }, next);
  });

  const withPage =
    (render: (page: SelfServicePage, req: TokenRequest, res: Response) => Promise<void> | void) =>
    async (req: TokenRequest, res: Response): Promise<void> => {
      const page = await openSelfServicePage(deps, tokenOf(req));
      if (page.kind === 'refused') return sendRefused(req, res, page);
      await render(page, req, res);
    };

  router.get(
    '/s/:token',
    withPage((page, req, res) => sendHtml(res, 200, overviewPage(page, { done: doneNotice(req.query.fatto) }))),
  );

  router.get(
    '/s/:token/cancel',
    withPage((page, _req, res) =>
      page.changeable ? sendHtml(res, 200, cancelPage(page)) : res.redirect(303, selfServicePath(page.token)),
    ),
  );

  router.get(
    '/s/:token/move',
    withPage(async (page, _req, res) => {
      if (!page.changeable) return res.redirect(303, selfServicePath(page.token));
      sendHtml(res, 200, movePage(page, await moveChoices(deps, page)));
    }),
  );

  const answer = async (req: TokenRequest, res: Response, result: ChangeResult, form: 'cancel' | 'move') => {
    switch (result.kind) {
      case 'refused':
        return sendRefused(req, res, result);
      case 'bad_form':
        return sendHtml(res, 403, formRefusedPage(selfServicePath(tokenOf(req))));
      case 'done':
        // Post/Redirect/Get: a reload shows the page instead of posting again
        return res.redirect(
          303,
          `${selfServicePath(result.token)}?fatto=${result.outcome === 'cancelled' ? 'annullato' : 'spostato'}`,
        );
      case 'not_changeable':
        return sendHtml(res, 409, overviewPage(result.page));
      case 'stale_form': {
        const problem = 'Questa pagina era già stata usata per un’altra richiesta: controlli e confermi di nuovo.';
        if (!result.page.changeable) return sendHtml(res, 409, overviewPage(result.page));
        return sendHtml(
          res,
          409,
          form === 'cancel'
            ? cancelPage(result.page, { problem })
            : movePage(result.page, await moveChoices(deps, result.page), { problem }),
        );
      }
      case 'invalid_choice':
        return sendHtml(
          res,
          result.status,
          form === 'cancel'
            ? cancelPage(result.page, { problem: result.message })
            : movePage(result.page, await moveChoices(deps, result.page), {
                problem: result.message,
                selected: field(req, 'choice'),
              }),
        );
    }
  };

  router.post('/s/:token/cancel', sameOriginForm, formBody(), async (req: TokenRequest, res: Response) => {
    const result = await cancelBySelfService(deps, {
      token: tokenOf(req),
      requestId: field(req, 'requestId'),
      formToken: field(req, 'formToken'),
      ip: req.ip ?? null,
    });
    await answer(req, res, result, 'cancel');
  });

  router.post('/s/:token/move', sameOriginForm, formBody(), async (req: TokenRequest, res: Response) => {
    const result = await moveBySelfService(deps, {
      token: tokenOf(req),
      requestId: field(req, 'requestId'),
      formToken: field(req, 'formToken'),
      choice: field(req, 'choice'),
      ip: req.ip ?? null,
    });
    await answer(req, res, result, 'move');
  });

  return router;
}
