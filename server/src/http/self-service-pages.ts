import { createHash } from 'node:crypto';
import type {
  AppointmentPage,
  CallbackPage,
  MoveDay,
  SelfServicePage,
} from '../domains/self-service/self-service.service';
import { selfServicePath } from '../domains/self-service/self-service-links';

/**
 * The customer's self-service pages, rendered on the server: plain HTML forms (no script: they work on any phone
 * and fit the CSP), one stylesheet from our own origin, Italian, mobile first (360 px and up), large touch targets.
 */

const romeDate = new Intl.DateTimeFormat('it-IT', {
  timeZone: 'Europe/Rome',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});
const romeDay = new Intl.DateTimeFormat('it-IT', {
  timeZone: 'Europe/Rome',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
});
/** Short, so the closed select shows the whole choice on a 360 px screen: "gio 3 dic, ore 15:00". */
const romeShortDay = new Intl.DateTimeFormat('it-IT', {
  timeZone: 'Europe/Rome',
  weekday: 'short',
  day: 'numeric',
  month: 'short',
});
const romeTime = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', hour: '2-digit', minute: '2-digit' });

const capitalise = (s: string) => s.charAt(0).toLocaleUpperCase('it-IT') + s.slice(1);
const dateOf = (iso: string) => romeDate.format(new Date(iso));
const timeOf = (iso: string) => romeTime.format(new Date(iso));

export const SELF_SERVICE_CSS = `
:root{--ink:#1f2933;--muted:#52606d;--brand:#0b4f9c;--brand-dark:#083b75;--danger:#b42318;--ok:#1e7b34;--bg:#f3f5f8;--line:#cbd2d9;--focus:#ffbf47}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:1.0625rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.top{background:var(--brand);color:#fff;padding:.875rem 1rem;font-weight:600;font-size:1rem}
.top span{display:block;max-width:34rem;margin:0 auto}
main{display:block;max-width:34rem;margin:0 auto;padding:1rem .75rem 2rem}
.card{background:#fff;border-radius:12px;padding:1.25rem 1rem;box-shadow:0 1px 6px rgba(16,42,67,.1)}
h1{font-size:1.375rem;line-height:1.25;margin:0 0 1rem}
p{margin:0 0 1rem}
dl{margin:0 0 1.25rem}
dt{font-size:.875rem;font-weight:600;color:var(--muted);margin-top:.875rem;text-transform:uppercase;letter-spacing:.02em}
dd{margin:.125rem 0 0;font-size:1.125rem;overflow-wrap:anywhere}
.when{font-weight:700}
.actions{margin-top:1.25rem}
.btn{display:block;width:100%;min-height:3rem;margin:.75rem 0 0;padding:.75rem 1rem;border:2px solid var(--brand);border-radius:10px;background:var(--brand);color:#fff;font:inherit;font-weight:600;line-height:1.25;text-align:center;text-decoration:none;cursor:pointer;-webkit-appearance:none;appearance:none}
.btn:hover{background:var(--brand-dark);border-color:var(--brand-dark)}
.btn-secondary{background:#fff;color:var(--brand)}
.btn-secondary:hover{background:#e8f0fa;color:var(--brand-dark)}
.btn-danger{background:var(--danger);border-color:var(--danger)}
.btn-danger:hover{background:#8f1c13;border-color:#8f1c13}
a{color:var(--brand)}
a:focus-visible,button:focus-visible,select:focus-visible{outline:3px solid var(--focus);outline-offset:2px;box-shadow:0 0 0 5px var(--ink)}
label{display:block;font-weight:600;margin:0 0 .375rem}
.hint{display:block;color:var(--muted);font-size:.9375rem;margin:0 0 .5rem}
select{display:block;width:100%;min-height:3rem;padding:.5rem .75rem;border:2px solid #7b8794;border-radius:8px;background:#fff;color:var(--ink);font:inherit}
select[aria-invalid="true"]{border-color:var(--danger)}
.notice,.alert,.status{padding:.75rem 1rem;border-radius:8px;margin:0 0 1rem;border-left:5px solid}
.notice{background:#e9f6ec;border-color:var(--ok)}
.alert{background:#fdecea;border-color:var(--danger)}
.status{background:#eef2f7;border-color:var(--muted)}
.muted{color:var(--muted);font-size:.9375rem}
.actions+.muted{margin-top:1rem}
.card>:last-child{margin-bottom:0}
@media (min-width:40rem){main{padding:2rem 1rem}.card{padding:1.75rem 2rem}h1{font-size:1.625rem}}
`;

/** Versioned by content so the pages can let browsers cache it for a day and still pick up a change at once. */
export const SELF_SERVICE_CSS_PATH = `/s/self-service.css`;
const CSS_VERSION = createHash('sha256').update(SELF_SERVICE_CSS).digest('hex').slice(0, 10);

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="it">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="same-origin">
<meta name="format-detection" content="telephone=no">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${SELF_SERVICE_CSS_PATH}?v=${CSS_VERSION}">
</head>
<body>
<header class="top"><span>Servizio clienti</span></header>
<main>
<div class="card">
${body}
</div>
</main>
</body>
</html>
`;
}

/** `fatto` after a successful post (Post/Redirect/Get): shown only when the state agrees, so a crafted URL says nothing. */
export type DoneNotice = 'annullato' | 'spostato' | null;

function noticeHtml(text: string | null): string {
  return text ? `<p class="notice" role="status">${escapeHtml(text)}</p>\n` : '';
}
function alertHtml(text: string | null, id = 'problem'): string {
  return text ? `<p class="alert" role="alert" id="${id}">${escapeHtml(text)}</p>\n` : '';
}
function hiddenKeys(page: SelfServicePage): string {
  return (
    `<input type="hidden" name="requestId" value="${escapeHtml(page.form.requestId)}">\n` +
    `<input type="hidden" name="formToken" value="${escapeHtml(page.form.formToken)}">\n`
  );
}
const pathOf = (page: SelfServicePage, tail = '') => `${selfServicePath(page.token)}${tail}`;

function appointmentDetails(p: AppointmentPage): string {
  const a = p.appointment;
  return `<dl>
<dt>Quando</dt>
<dd class="when">${escapeHtml(capitalise(dateOf(a.startsAt)))}, ore ${escapeHtml(timeOf(a.startsAt))}</dd>
<dt>Dove</dt>
<dd>Ufficio Postale ${escapeHtml(a.officeName)}<br>${escapeHtml(a.officeAddress)}, ${escapeHtml(a.officeCity)}</dd>
<dt>Per</dt>
<dd>${escapeHtml(a.productName)}</dd>
</dl>
`;
}

function callbackDetails(p: CallbackPage): string {
  const c = p.callback;
  return `<dl>
<dt>Quando</dt>
<dd class="when">${escapeHtml(capitalise(dateOf(c.dueAt)))}, ore ${escapeHtml(timeOf(c.dueAt))}</dd>
<dt>Al numero</dt>
<dd>${escapeHtml(c.phoneMasked)}</dd>
${c.productName ? `<dt>Per</dt>\n<dd>${escapeHtml(c.productName)}</dd>\n` : ''}</dl>
`;
}

function appointmentState(p: AppointmentPage): string | null {
  if (p.changeable) return null;
  switch (p.appointment.status) {
    case 'cancelled':
      return 'Questo appuntamento è stato annullato. Se desidera fissarne un altro, contatti il nostro servizio clienti.';
    case 'attended':
      return 'Questo appuntamento si è già svolto.';
    default:
      return 'Questo appuntamento è già passato e non può più essere modificato.';
  }
}

function callbackState(p: CallbackPage): string | null {
  switch (p.callback.status) {
    case 'pending':
      return null;
    case 'claimed':
      return 'Un nostro operatore la sta chiamando proprio ora: la richiamata non può più essere modificata.';
    case 'cancelled':
      return 'Questa richiamata è stata annullata. Se desidera essere richiamato, contatti il nostro servizio clienti.';
    default:
      return 'Questa richiamata è già stata effettuata o chiusa e non può più essere modificata.';
  }
}

/** `GET /s/:token`: the appointment or callback, its state and, while it can change, the two choices. */
export function overviewPage(page: SelfServicePage, opts: { done?: DoneNotice; problem?: string | null } = {}): string {
  const isAppointment = page.kind === 'appointment';
  const state = isAppointment ? appointmentState(page) : callbackState(page);
  const cancelled = isAppointment ? page.appointment.status === 'cancelled' : page.callback.status === 'cancelled';
  const notice =
    opts.done === 'annullato' && cancelled
      ? isAppointment
        ? 'Fatto: l’appuntamento è stato annullato.'
        : 'Fatto: la richiamata è stata annullata.'
      : opts.done === 'spostato' && page.changeable
        ? isAppointment
          ? 'Fatto: l’appuntamento è stato spostato. Le abbiamo inviato una conferma.'
          : 'Fatto: la richiamata è stata spostata. Le abbiamo inviato una conferma.'
        : null;
  const title = isAppointment ? 'Il suo appuntamento' : 'La sua richiamata';
  const details = isAppointment ? appointmentDetails(page) : callbackDetails(page);
  const actions = page.changeable
    ? `<div class="actions">
<a class="btn" href="${pathOf(page, '/move')}">${isAppointment ? 'Sposta l’appuntamento' : 'Scegli un altro orario'}</a>
<a class="btn btn-secondary" href="${pathOf(page, '/cancel')}">${isAppointment ? 'Annulla l’appuntamento' : 'Annulla la richiamata'}</a>
</div>
${isAppointment ? '<p class="muted">Porti con sé un documento d’identità valido e il codice fiscale.</p>\n' : ''}`
    : '';
  return layout(
    title,
    `<h1>${title}</h1>
${noticeHtml(notice)}${alertHtml(opts.problem ?? null)}${state && !notice ? `<p class="status" role="status">${escapeHtml(state)}</p>\n` : ''}${details}${actions}`,
  );
}

/** `GET /s/:token/cancel`: asks before cancelling (a mistaken tap on a phone should not cancel anything). */
export function cancelPage(page: SelfServicePage, opts: { problem?: string | null } = {}): string {
  const isAppointment = page.kind === 'appointment';
  const title = isAppointment ? 'Annullare l’appuntamento?' : 'Annullare la richiamata?';
  return layout(
    title,
    `<h1>${title}</h1>
${alertHtml(opts.problem ?? null)}${isAppointment ? appointmentDetails(page) : callbackDetails(page)}<form method="post" action="${pathOf(page, '/cancel')}">
${hiddenKeys(page)}<button class="btn btn-danger" type="submit">${isAppointment ? 'Sì, annulla l’appuntamento' : 'Sì, annulla la richiamata'}</button>
</form>
<a class="btn btn-secondary" href="${pathOf(page)}">No, torna indietro</a>
`,
  );
}

/** `GET /s/:token/move`: the free times as one select (native pickers are the best touch UI there is), grouped by day. */
export function movePage(
  page: SelfServicePage,
  days: MoveDay[],
  opts: { problem?: string | null; selected?: string | null } = {},
): string {
  const isAppointment = page.kind === 'appointment';
  const title = isAppointment ? 'Sposta l’appuntamento' : 'Scegli un altro orario';
  const current = isAppointment ? page.appointment.startsAt : page.callback.dueAt;
  const intro = isAppointment
    ? `<p>Ora è fissato per <strong>${escapeHtml(dateOf(current))}, ore ${escapeHtml(timeOf(current))}</strong> all’Ufficio Postale ${escapeHtml(page.appointment.officeName)}. Scelga un nuovo orario libero nello stesso ufficio.</p>\n`
    : `<p>Ora la richiameremo <strong>${escapeHtml(dateOf(current))}, ore ${escapeHtml(timeOf(current))}</strong>. Scelga quando preferisce essere richiamato.</p>\n`;
  if (days.length === 0) {
    return layout(
      title,
      `<h1>${title}</h1>
${intro}<p class="status" role="status">${isAppointment ? 'Non ci sono orari liberi nei prossimi giorni in questo ufficio. Per un altro ufficio contatti il nostro servizio clienti.' : 'Non ci sono orari disponibili nei prossimi giorni.'}</p>
<a class="btn btn-secondary" href="${pathOf(page)}">Torna indietro</a>
`,
    );
  }
  // a choice that is no longer offered (just taken) must not fall back to the first time in the list unnoticed
  const selected = days.some((d) => d.options.some((o) => o.value === opts.selected)) ? (opts.selected ?? null) : null;
  const groups = days
    .map(
      (d) =>
        `<optgroup label="${escapeHtml(capitalise(romeDay.format(new Date(d.options[0]?.startsAt ?? `${d.date}T12:00:00Z`))))}">\n` +
        d.options
          .map(
            (o) =>
              `<option value="${escapeHtml(o.value)}"${o.value === selected ? ' selected' : ''}>${escapeHtml(
                `${capitalise(romeShortDay.format(new Date(o.startsAt)))}, ore ${timeOf(o.startsAt)}`,
              )}</option>`,
          )
          .join('\n') +
        '\n</optgroup>',
    )
    .join('\n');
  const invalid = opts.problem
    ? ' aria-invalid="true" aria-describedby="choice-hint problem" autofocus'
    : ' aria-describedby="choice-hint"';
  return layout(
    title,
    `<h1>${title}</h1>
${alertHtml(opts.problem ?? null)}${intro}<form method="post" action="${pathOf(page, '/move')}">
${hiddenKeys(page)}<label for="choice">${isAppointment ? 'Nuovo orario' : 'Nuovo orario della richiamata'}</label>
<span class="hint" id="choice-hint">${isAppointment ? 'Sono elencati solo gli orari ancora liberi.' : 'Orari del servizio: lunedì–venerdì 7:30–19:30, sabato 7:30–15:12.'}</span>
<select id="choice" name="choice" required${invalid}>
<option value=""${selected ? '' : ' selected'} disabled>Scelga un orario…</option>
${groups}
</select>
<button class="btn" type="submit">Conferma il nuovo orario</button>
</form>
<a class="btn btn-secondary" href="${pathOf(page)}">Torna indietro</a>
`,
  );
}

/** A link that opens nothing: unknown or forged (404), or past its time (410). Says what the customer can do. */
export function refusedPage(expired: boolean): string {
  const title = expired ? 'Link scaduto' : 'Link non valido';
  return layout(
    title,
    `<h1>${title}</h1>
<p>${expired ? 'Questo link non è più valido: l’appuntamento o la richiamata a cui si riferiva è già passato.' : 'Il link che ha aperto non è valido. Controlli di averlo copiato per intero dal messaggio ricevuto.'}</p>
<p>Per qualsiasi modifica contatti il nostro servizio clienti.</p>
`,
  );
}

/** A form that cannot be accepted (forged, from another site, or a page kept open for too long). */
export function formRefusedPage(linkPath: string | null): string {
  return layout(
    'Richiesta non valida',
    `<h1>Richiesta non valida</h1>
<p>Non è stato possibile completare la richiesta. Riapra il link ricevuto e riprovi.</p>
${linkPath ? `<a class="btn" href="${escapeHtml(linkPath)}">Riapri la pagina</a>\n` : ''}`,
  );
}

export function tooManyRequestsPage(retryAfterSeconds: number): string {
  return layout(
    'Troppe richieste',
    `<h1>Troppe richieste</h1>
<p>Abbiamo ricevuto troppe richieste in poco tempo. Riprovi fra ${retryAfterSeconds} secondi.</p>
`,
  );
}
