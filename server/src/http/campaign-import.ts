import express, { type Request, type Response, type Router } from 'express';
import type { SessionUser } from '@valore/shared/schemas/auth';
import {
  IMPORT_REJECT_REASONS,
  type ImportProgressLine,
  type ImportRejectReason,
} from '@valore/shared/schemas/campaigns';
import { CSV_BOM, csvLine } from '../csv-export';
import type { Readable } from 'node:stream';
import { limitsConfig, type AppDeps } from '../deps';
import {
  IMPORT_DELIMITERS,
  importCampaignList,
  importOptOutRegistry,
  importRejectsNotStored,
  importRejectsPage,
  type ImportResult,
} from '../domains/campaigns/list-import.service';
import { DomainError } from '../errors';
import { BodyTooLargeError, cappedStream } from './body-limit';
import { sessionOfRequest } from './cookies';
import { sendDomainError, sendError as sendHttpError } from './errors';

/**
 * Streamed CSV uploads (campaign target lists, opt-out registry) and the per-line reject report. Session cookie
 * like the console; uploads are POSTs of `text/csv` from this same origin (a cross-site form cannot send that
 * type without a preflight), answered with NDJSON progress lines so the UI can show a progress bar.
 */
export function campaignImportRoutes(deps: AppDeps): Router {
  const r = express.Router();

  r.post('/campaigns/:id/import', (req: Request<{ id: string }>, res: Response) =>
    upload(deps, req, res, async (user, source, onProgress) => {
      const campaignId = positiveInt(req.params.id, 'campaign id');
      const q = req.query;
      const customerIdColumn = queryString(q.customerIdColumn);
      const phoneColumn = queryString(q.phoneColumn);
      return importCampaignList(
        deps,
        user,
        campaignId,
        source,
        { customerIdColumn, phoneColumn, delimiter: delimiterOf(q.delimiter) },
        onProgress,
      );
    }),
  );

  r.post('/optout-registry/import', (req: Request, res: Response) =>
    upload(deps, req, res, (user, source, onProgress) =>
      importOptOutRegistry(deps, user, source, delimiterOf(req.query.delimiter), onProgress),
    ),
  );

  r.get(
    '/campaigns/:id/imports/:importId/rejects.csv',
    async (req: Request<{ id: string; importId: string }>, res: Response) => {
      try {
        const user = await requireManager(deps, req, res);
        const campaignId = positiveInt(req.params.id, 'campaign id');
        const importId = positiveInt(req.params.importId, 'import id');
        const notStored = await importRejectsNotStored(deps, user, campaignId, importId);
        let page = await importRejectsPage(deps, user, campaignId, importId, 0, 5000);
        res.status(200);
        res.setHeader('Content-Type', 'text/csv; charset=utf-8');
        res.setHeader(
          'Content-Disposition',
          `attachment; filename="campaign-${campaignId}-import-${importId}-rejects.csv"`,
        );
        res.setHeader('Cache-Control', 'no-store');
        // rejects past VALORE_IMPORT_MAX_STORED_REJECTS were counted, not kept: the report is the first ones only
        res.setHeader('X-Rejects-Not-Stored', String(notStored));
        // in the reader's language (?lang=it, the default, or en): headers, reasons, separator (csv-export.ts)
        const lang = req.query.lang === 'en' ? 'en' : 'it';
        res.write(CSV_BOM + csvLine(REJECTS_HEADER[lang], lang));
        while (page.length > 0) {
          res.write(page.map((p) => csvLine([p.line, rejectLabel(lang, p.reason), p.value ?? ''], lang)).join(''));
          const last = page.at(-1)?.line ?? 0;
          page = await importRejectsPage(deps, user, campaignId, importId, last, 5000);
        }
        res.end();
      } catch (error) {
        sendError(deps, res, error);
      }
    },
  );

  return r;
}

async function upload(
  deps: AppDeps,
  req: Request,
  res: Response,
  run: (user: SessionUser, source: Readable, onProgress: (processed: number) => void) => Promise<ImportResult>,
): Promise<void> {
  let streaming = false;
  const write = (line: ImportProgressLine) => {
    if (!streaming) {
      streaming = true;
      res.status(200);
      res.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('X-Accel-Buffering', 'no');
    }
    res.write(`${JSON.stringify(line)}\n`);
  };
  try {
    const refused = sameOriginRefusal(req);
    if (refused) throw refused;
    const user = await requireManager(deps, req, res);
    // the cap holds for a chunked upload too: the bytes are counted as they stream in (a declared length over it
    // was refused before this handler, unread)
    const source = req.pipe(cappedStream(limitsConfig(deps.config).importMaxBytes));
    // The importer hears a failure through its CSV parser; this listener keeps one that comes after the importer
    // gave up (a client aborting a refused upload) from becoming an uncaught error.
    source.on('error', () => undefined);
    req.on('error', (e) => source.destroy(e));
    const result = await run(user, source, (processed) => write({ type: 'progress', processed }));
    write({ type: 'done', ...result });
    res.end();
  } catch (error) {
    if (!streaming) {
      // drain what the client is still sending, so it reads our answer; never the rest of a file over the cap
      if (error instanceof BodyTooLargeError) res.setHeader('Connection', 'close');
      else {
        req.unpipe();
        req.resume();
      }
      sendError(deps, res, error);
      return;
    }
    if (!(error instanceof DomainError)) deps.logger.error({ err: error }, 'import failed');
    write({
      type: 'error',
      message: error instanceof DomainError ? error.message : 'The import stopped on a server error. Try again.',
    });
    res.end();
  }
}

async function requireManager(deps: AppDeps, req: Request, res: Response): Promise<SessionUser> {
  const session = await sessionOfRequest(deps, req, res);
  if (!session)
    throw new DomainError('UNAUTHORIZED', 'SESSION_EXPIRED', 'You are not signed in, or your session has expired.');
  if (session.user.mustChangePassword) {
    throw new DomainError('FORBIDDEN', 'PASSWORD_CHANGE_REQUIRED', 'Choose a new password before you go on.');
  }
  if (session.user.role !== 'team_lead' && session.user.role !== 'admin') {
    throw new DomainError('FORBIDDEN', 'FORBIDDEN_ROLE', 'Imports are reserved to team leads and administrators.');
  }
  return session.user;
}

/** The same rule as the tRPC CSRF guard, for CSV bodies. */
function sameOriginRefusal(req: Request): DomainError | null {
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'text/csv')
    return new DomainError('UNSUPPORTED_MEDIA_TYPE', 'VALIDATION', 'Send the file as text/csv.');
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let host: string | null = null;
    try {
      host = origin === 'null' ? null : new URL(origin).host;
    } catch {
      host = null;
    }
    if (host === null || host !== req.headers.host)
      return new DomainError('FORBIDDEN', 'CSRF', 'Cross-origin requests are not accepted.');
  }
  const fetchSite = req.headers['sec-fetch-site'];
  if (fetchSite === 'cross-site' || fetchSite === 'same-site')
    return new DomainError('FORBIDDEN', 'CSRF', 'Cross-origin requests are not accepted.');
  return null;
}

function sendError(deps: AppDeps, res: Response, error: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  if (error instanceof DomainError) return sendDomainError(res, error, { domainCode: true });
  deps.logger.error({ err: error }, 'import request failed');
  sendHttpError(res, 500, {
    code: 'INTERNAL_SERVER_ERROR',
    message: 'Something went wrong on the server. Try again later.',
  });
}

function positiveInt(value: string, what: string): number {
  if (!/^\d{1,15}$/.test(value) || Number(value) < 1)
    throw new DomainError('BAD_REQUEST', 'VALIDATION', `Not a valid ${what}.`);
  return Number(value);
}

function queryString(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  if (trimmed.length > 100)
    throw new DomainError('BAD_REQUEST', 'VALIDATION', 'A column name is at most 100 characters.');
  return trimmed === '' ? null : trimmed;
}

function delimiterOf(value: unknown): string {
  if (value === undefined) return ',';
  const d = value === 'tab' ? '\t' : value;
  if (typeof d !== 'string' || !(IMPORT_DELIMITERS as readonly string[]).includes(d)) {
    throw new DomainError('BAD_REQUEST', 'VALIDATION', 'delimiter must be one of , ; | or tab.');
  }
  return d;
}

const rejectLabel = (lang: 'it' | 'en', reason: string) => {
  const known = IMPORT_REJECT_REASONS.find((r) => r === reason);
  return known ? REJECT_LABELS[lang][known] : reason;
};
const REJECTS_HEADER = { it: ['riga', 'motivo', 'valore'], en: ['line', 'reason', 'value'] } as const;
/** Why a row was not imported, as the business unit reads it. */
const REJECT_LABELS: Record<'it' | 'en', Record<ImportRejectReason, string>> = {
  it: {
    malformed: 'riga non valida',
    unknown_customer: 'cliente sconosciuto',
    no_marketing_consent: 'senza consenso marketing',
    on_optout_registry: 'iscritto al Registro delle opposizioni',
  },
  en: {
    malformed: 'malformed row',
    unknown_customer: 'unknown customer',
    no_marketing_consent: 'no marketing consent',
    on_optout_registry: 'on the opt-out registry',
  },
};
