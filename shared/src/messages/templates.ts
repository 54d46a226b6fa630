import Mustache from 'mustache';

/**
 * The texts the centre sends customers (docs/admin.md, "Message templates"): one per purpose, channel and language.
 * The texts below are the defaults; an admin overrides any of them on the admin screen (admin.messageTemplates.*)
 * and the server renders the override from then on. Templates use Mustache's logic-less syntax, which admins may
 * know from other tools: `{{first_name}}` inserts a value, `{{#manage_url}}…{{/manage_url}}` keeps its text only when
 * the value is there (or the flag is true), `{{^manage_url}}…{{/manage_url}}` only when it is not.
 * This module is shared so that the admin screen previews with exactly the renderer the server sends with.
 */

export const MESSAGE_PURPOSES = [
  'appointment_confirmation',
  'appointment_reminder',
  'funnel_link',
  'callback_confirmation',
] as const;
export type MessagePurpose = (typeof MESSAGE_PURPOSES)[number];
export const MESSAGE_CHANNELS = ['sms', 'email'] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];
export const MESSAGE_LANGUAGES = ['it', 'en'] as const;
export type MessageLanguage = (typeof MESSAGE_LANGUAGES)[number];

export type VariableName =
  | 'first_name'
  | 'product'
  | 'office_name'
  | 'office_address'
  | 'office_city'
  | 'date'
  | 'time'
  | 'manage_url'
  | 'moved'
  | 'url'
  | 'expires_on';

export interface TemplateVariable {
  name: VariableName;
  /** text: a value to insert; flag: true/false, only for sections */
  kind: 'text' | 'flag';
  /** may be missing when the message is sent (use it inside a section) */
  optional: boolean;
}

const text = (name: VariableName, optional = false): TemplateVariable => ({ name, kind: 'text', optional });
const flag = (name: VariableName): TemplateVariable => ({ name, kind: 'flag', optional: true });

const appointmentVariables = [
  text('first_name'),
  text('product'),
  text('office_name'),
  text('office_address'),
  text('office_city'),
  text('date'),
  text('time'),
];

/** What each purpose's template can use; anything else is refused when an admin saves it. */
export const TEMPLATE_VARIABLES: Record<MessagePurpose, readonly TemplateVariable[]> = {
  appointment_confirmation: [...appointmentVariables, text('manage_url', true), flag('moved')],
  appointment_reminder: appointmentVariables,
  funnel_link: [text('first_name'), text('product'), text('url'), text('expires_on')],
  callback_confirmation: [text('first_name', true), text('date'), text('time'), text('manage_url', true)],
};

export type TemplateValues = Record<string, string | boolean | null | undefined>;

export interface MessageText {
  /** e-mail only; null for an SMS */
  subject: string | null;
  body: string;
}

const signature = { it: '\nCordiali saluti,\nIl servizio clienti', en: '\nKind regards,\nCustomer service' };

/** The texts shipped with the product (the ones sent until an admin changes them). */
export const DEFAULT_TEMPLATES: Record<MessagePurpose, Record<MessageChannel, Record<MessageLanguage, MessageText>>> = {
  appointment_confirmation: {
    sms: {
      it: {
        subject: null,
        body:
          "Gentile {{first_name}}, le confermiamo {{#moved}}il nuovo orario dell'appuntamento{{/moved}}{{^moved}}l'appuntamento{{/moved}} per {{product}} " +
          "presso l'Ufficio Postale {{office_name}}, {{office_address}}, {{office_city}}, {{date}} alle {{time}}. " +
          "Porti con sé un documento d'identità e il codice fiscale.{{#manage_url}} Per spostarlo o annullarlo: {{manage_url}}{{/manage_url}}",
      },
      en: {
        subject: null,
        body:
          'Dear {{first_name}}, we confirm {{#moved}}the new time of {{/moved}}your appointment about {{product}} ' +
          'at the {{office_name}} post office, {{office_address}}, {{office_city}}, on {{date}} at {{time}}. ' +
          'Please bring an identity document and your tax code.{{#manage_url}} To move or cancel it: {{manage_url}}{{/manage_url}}',
      },
    },
    email: {
      it: {
        subject:
          '{{#moved}}Appuntamento spostato{{/moved}}{{^moved}}Conferma appuntamento{{/moved}}: Ufficio Postale {{office_name}}, {{date}} alle {{time}}',
        body: [
          'Gentile {{first_name}},',
          '',
          "le confermiamo {{#moved}}il nuovo orario dell'appuntamento{{/moved}}{{^moved}}l'appuntamento{{/moved}} di consulenza per {{product}}.",
          '',
          'Dove: Ufficio Postale {{office_name}}, {{office_address}}, {{office_city}}',
          'Quando: {{date}} alle {{time}}',
          '',
          "Porti con sé un documento d'identità valido e il codice fiscale.",
          '{{#manage_url}}Se non potesse venire, può spostare o annullare l\u2019appuntamento da qui: {{manage_url}}{{/manage_url}}' +
            '{{^manage_url}}Se non potesse venire, ci chiami: sposteremo volentieri l\u2019appuntamento.{{/manage_url}}',
          signature.it,
        ].join('\n'),
      },
      en: {
        subject:
          '{{#moved}}Appointment moved{{/moved}}{{^moved}}Appointment confirmed{{/moved}}: {{office_name}} post office, {{date}} at {{time}}',
        body: [
          'Dear {{first_name}},',
          '',
          'we confirm {{#moved}}the new time of {{/moved}}your advice appointment about {{product}}.',
          '',
          'Where: {{office_name}} post office, {{office_address}}, {{office_city}}',
          'When: {{date}} at {{time}}',
          '',
          'Please bring a valid identity document and your tax code.',
          '{{#manage_url}}If you cannot come, you can move or cancel the appointment here: {{manage_url}}{{/manage_url}}' +
            '{{^manage_url}}If you cannot come, call us and we will gladly move the appointment.{{/manage_url}}',
          signature.en,
        ].join('\n'),
      },
    },
  },
  appointment_reminder: {
    sms: {
      it: {
        subject: null,
        body:
          "Gentile {{first_name}}, le ricordiamo l'appuntamento per {{product}} {{date}} alle {{time}} presso l'Ufficio Postale " +
          "{{office_name}}, {{office_address}}, {{office_city}}. Porti un documento d'identità e il codice fiscale. " +
          'Se non può venire, ci chiami per spostarlo.',
      },
      en: {
        subject: null,
        body:
          'Dear {{first_name}}, a reminder of your appointment about {{product}} on {{date}} at {{time}} at the ' +
          '{{office_name}} post office, {{office_address}}, {{office_city}}. Please bring an identity document and your ' +
          'tax code. If you cannot come, call us to move it.',
      },
    },
    email: {
      it: {
        subject: 'Promemoria: appuntamento {{date}} alle {{time}}, Ufficio Postale {{office_name}}',
        body: [
          'Gentile {{first_name}},',
          '',
          "le ricordiamo l'appuntamento di consulenza per {{product}}.",
          '',
          'Dove: Ufficio Postale {{office_name}}, {{office_address}}, {{office_city}}',
          'Quando: {{date}} alle {{time}}',
          '',
          "Porti con sé un documento d'identità valido e il codice fiscale.",
          'Se non potesse venire, ci chiami: sposteremo volentieri l\u2019appuntamento.',
          signature.it,
        ].join('\n'),
      },
      en: {
        subject: 'Reminder: appointment on {{date}} at {{time}}, {{office_name}} post office',
        body: [
          'Dear {{first_name}},',
          '',
          'a reminder of your advice appointment about {{product}}.',
          '',
          'Where: {{office_name}} post office, {{office_address}}, {{office_city}}',
          'When: {{date}} at {{time}}',
          '',
          'Please bring a valid identity document and your tax code.',
          'If you cannot come, call us and we will gladly move the appointment.',
          signature.en,
        ].join('\n'),
      },
    },
  },
  funnel_link: {
    sms: {
      it: {
        subject: null,
        body: 'Gentile {{first_name}}, ecco il link per attivare {{product}} online: {{url}} (valido fino al {{expires_on}}).',
      },
      en: {
        subject: null,
        body: 'Dear {{first_name}}, here is the link to activate {{product}} online: {{url}} (valid until {{expires_on}}).',
      },
    },
    email: {
      it: {
        subject: 'Il link per attivare {{product}} online',
        body: [
          'Gentile {{first_name}},',
          '',
          "come concordato al telefono, ecco il link per completare online l'attivazione di {{product}}:",
          '',
          '{{url}}',
          '',
          'Il link è personale e resta valido fino al {{expires_on}}.',
          'Se non ha richiesto questo messaggio, può ignorarlo.',
          signature.it,
        ].join('\n'),
      },
      en: {
        subject: 'The link to activate {{product}} online',
        body: [
          'Dear {{first_name}},',
          '',
          'as agreed on the phone, here is the link to complete the activation of {{product}} online:',
          '',
          '{{url}}',
          '',
          'The link is personal and valid until {{expires_on}}.',
          'If you did not ask for this message, you can ignore it.',
          signature.en,
        ].join('\n'),
      },
    },
  },
  callback_confirmation: {
    sms: {
      it: {
        subject: null,
        body:
          'Gentile {{#first_name}}{{first_name}}{{/first_name}}{{^first_name}}cliente{{/first_name}}, la richiameremo {{date}} alle {{time}}' +
          '{{#manage_url}}; per spostare o annullare: {{manage_url}}{{/manage_url}}{{^manage_url}}.{{/manage_url}}',
      },
      en: {
        subject: null,
        body:
          'Dear {{#first_name}}{{first_name}}{{/first_name}}{{^first_name}}customer{{/first_name}}, we will call you back on {{date}} at {{time}}' +
          '{{#manage_url}}; to move or cancel: {{manage_url}}{{/manage_url}}{{^manage_url}}.{{/manage_url}}',
      },
    },
    email: {
      it: {
        subject: 'Conferma: la richiameremo {{date}} alle {{time}}',
        body: [
          'Gentile {{#first_name}}{{first_name}}{{/first_name}}{{^first_name}}cliente{{/first_name}},',
          '',
          'le confermiamo che un nostro consulente la richiamerà {{date}} alle {{time}}.',
          '',
          "{{#manage_url}}Se l'orario non le va più bene, può spostare o annullare la richiamata da qui: {{manage_url}}{{/manage_url}}" +
            "{{^manage_url}}Se l'orario non le va più bene, ci contatti: lo sposteremo volentieri.{{/manage_url}}",
          signature.it,
        ].join('\n'),
      },
      en: {
        subject: 'Confirmed: we will call you back on {{date}} at {{time}}',
        body: [
          'Dear {{#first_name}}{{first_name}}{{/first_name}}{{^first_name}}customer{{/first_name}},',
          '',
          'we confirm that one of our advisers will call you back on {{date}} at {{time}}.',
          '',
          '{{#manage_url}}If the time no longer suits you, you can move or cancel the call here: {{manage_url}}{{/manage_url}}' +
            '{{^manage_url}}If the time no longer suits you, contact us and we will gladly move it.{{/manage_url}}',
          signature.en,
        ].join('\n'),
      },
    },
  },
};

/** Values that make a realistic preview (the admin screen; the length of an SMS depends on them, links included). */
export function sampleValues(purpose: MessagePurpose, language: MessageLanguage): TemplateValues {
  const it = language === 'it';
  const appointment = {
    first_name: 'Maria',
    product: 'Conto BancoPosta',
    office_name: 'Roma Centro',
    office_address: 'Via del Corso 123',
    office_city: 'Roma',
    date: it ? 'martedì 15 dicembre 2026' : 'Tuesday 15 December 2026',
    time: '10:30',
  };
  const link = 'https://valore.example.it/s/c1a2b3c4d5e6f7a8b9c0d1e2';
  switch (purpose) {
    case 'appointment_confirmation':
      return { ...appointment, manage_url: link, moved: false };
    case 'appointment_reminder':
      return appointment;
    case 'funnel_link':
      return {
        first_name: 'Maria',
        product: 'Conto BancoPosta',
        url: 'https://valore.example.it/f/9f8e7d6c5b4a3f2e1d0c9b8a',
        expires_on: it ? '31 dicembre 2026' : '31 December 2026',
      };
    case 'callback_confirmation':
      return {
        first_name: 'Maria',
        date: it ? 'martedì 15 dicembre' : 'Tuesday 15 December',
        time: '10:30',
        manage_url: link,
      };
  }
}

/** An SMS longer than this many segments (with the preview's values) is refused: it costs six messages already. */
export const MAX_SMS_SEGMENTS = 6;

export type TemplateIssue =
  | { field: 'subject' | 'body'; code: 'unknown_variable' | 'flag_as_text'; variable: string }
  | { field: 'subject' | 'body'; code: 'unreadable'; detail: string }
  | { field: 'subject' | 'body'; code: 'unsupported' | 'empty' }
  | { field: 'subject'; code: 'subject_required' | 'sms_subject' }
  | { field: 'body'; code: 'too_long'; segments: number; encoding: SmsLength['encoding'] };

/**
 * What stops a template from being saved: unknown variables, a flag inserted as text, a section left open, partials or
 * delimiter changes, an e-mail without a subject, an SMS with one, or an SMS of more than six segments with the
 * preview's values. The admin screen shows these as the admin types; the server refuses the same ones.
 */
export function templateIssues(
  purpose: MessagePurpose,
  channel: MessageChannel,
  language: MessageLanguage,
  t: { subject?: string | null | undefined; body: string },
): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const known = new Map<string, TemplateVariable>(TEMPLATE_VARIABLES[purpose].map((v) => [v.name, v]));
  const check = (field: 'subject' | 'body', source: string): boolean => {
    let tokens: unknown[];
    try {
      tokens = Mustache.parse(source, ['{{', '}}']);
    } catch (e) {
      issues.push({ field, code: 'unreadable', detail: (e as Error).message });
      return false;
    }
    const before = issues.length;
    if (usesUnsupported(tokens)) issues.push({ field, code: 'unsupported' });
    const seen = new Set<string>();
    for (const used of variablesUsed(tokens)) {
      const variable = known.get(used.name);
      const code = !variable ? 'unknown_variable' : used.inserted && variable.kind === 'flag' ? 'flag_as_text' : null;
      if (code && !seen.has(code + used.name)) {
        seen.add(code + used.name);
        issues.push({ field, code, variable: used.name });
      }
    }
    return issues.length === before;
  };
  if (channel === 'email') {
    if (!t.subject?.trim()) issues.push({ field: 'subject', code: 'subject_required' });
    else check('subject', t.subject);
  } else if (t.subject) issues.push({ field: 'subject', code: 'sms_subject' });
  if (!t.body.trim()) issues.push({ field: 'body', code: 'empty' });
  else if (check('body', t.body) && channel === 'sms') {
    const length = smsLength(renderTemplate({ subject: null, body: t.body }, sampleValues(purpose, language)).body);
    if (length.segments > MAX_SMS_SEGMENTS) {
      issues.push({ field: 'body', code: 'too_long', segments: length.segments, encoding: length.encoding });
    }
  }
  return issues;
}

/** An issue in English (the API's field messages; the admin screen words them in the admin's language). */
export function describeIssue(issue: TemplateIssue): string {
  switch (issue.code) {
    case 'unknown_variable':
      return `Unknown variable {{${issue.variable}}}`;
    case 'flag_as_text':
      return `{{${issue.variable}}} is a yes/no flag: use it as a section, {{#${issue.variable}}}…{{/${issue.variable}}}`;
    case 'unreadable':
      return `The template cannot be read: ${issue.detail}`;
    case 'unsupported':
      return 'Partials ({{> …}}) and delimiter changes ({{= … =}}) are not supported';
    case 'empty':
      return 'The text is empty';
    case 'subject_required':
      return 'An e-mail needs a subject';
    case 'sms_subject':
      return 'An SMS has no subject';
    case 'too_long':
      return `With typical values this SMS takes ${issue.segments} segments (${issue.encoding}); keep it to ${MAX_SMS_SEGMENTS}`;
  }
}

/** Field messages (in English) for a template an admin wants to save, empty when it can be saved. */
export function templateProblems(
  purpose: MessagePurpose,
  channel: MessageChannel,
  language: MessageLanguage,
  t: { subject?: string | null | undefined; body: string },
): Record<string, string[]> {
  const problems: Record<string, string[]> = {};
  for (const issue of templateIssues(purpose, channel, language, t)) {
    (problems[issue.field] ??= []).push(describeIssue(issue));
  }
  return problems;
}

function usesUnsupported(tokens: unknown[]): boolean {
  return (tokens as [string, string, number, number, unknown[]?][]).some(
    ([type, , , , children]) => type === '>' || type === '=' || (children !== undefined && usesUnsupported(children)),
  );
}

/** Every variable a parsed template names, and whether it is inserted (rather than only opening a section). */
function variablesUsed(tokens: unknown[]): { name: string; inserted: boolean }[] {
  const out: { name: string; inserted: boolean }[] = [];
  for (const token of tokens as [string, string, number, number, unknown[]?][]) {
    const [type, value, , , children] = token;
    if (type === 'name' || type === '&') out.push({ name: value, inserted: true });
    if (type === '#' || type === '^') out.push({ name: value, inserted: false });
    if (children) out.push(...variablesUsed(children));
  }
  return out;
}

/**
 * Renders a template: values are inserted as they are (no HTML escaping: SMS and plain-text e-mail), runs of blank
 * lines a missing section leaves are kept as written.
 */
export function renderTemplate(t: MessageText, values: TemplateValues): MessageText {
  const view = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v ?? '']));
  const render = (s: string) => Mustache.render(s, view, {}, { tags: ['{{', '}}'], escape: (x: string) => x });
  return { subject: t.subject === null ? null : render(t.subject).replace(/\s+/g, ' ').trim(), body: render(t.body) };
}

// ---- SMS length -------------------------------------------------------------------------------------------------

/** The GSM 03.38 default alphabet: one septet each. */
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
/** The extension table: an escape plus the character, two septets each. */
const GSM_EXTENDED = new Set('^{}\\[~]|€\f');

export interface SmsLength {
  encoding: 'GSM-7' | 'UCS-2';
  /** septets (GSM-7) or UTF-16 code units (UCS-2) */
  units: number;
  segments: number;
  /** how many units each segment carries: 160/153 (GSM-7) or 70/67 (UCS-2) once split */
  perSegment: number;
  /** the characters that force UCS-2 (each one shortens the message's segments to 70/67) */
  unicodeCharacters: string[];
}

/** How an SMS text is carried: its encoding, length and the number of segments (each billed as one SMS). */
export function smsLength(body: string): SmsLength {
  const unicode = [...new Set([...body].filter((c) => !GSM_BASIC.has(c) && !GSM_EXTENDED.has(c)))];
  if (unicode.length === 0) {
    const units = [...body].reduce((n, c) => n + (GSM_EXTENDED.has(c) ? 2 : 1), 0);
    const perSegment = units <= 160 ? 160 : 153;
    return {
      encoding: 'GSM-7',
      units,
      segments: Math.max(1, Math.ceil(units / perSegment)),
      perSegment,
      unicodeCharacters: [],
    };
  }
  const units = body.length;
  const perSegment = units <= 70 ? 70 : 67;
  return {
    encoding: 'UCS-2',
    units,
    segments: Math.max(1, Math.ceil(units / perSegment)),
    perSegment,
    unicodeCharacters: unicode,
  };
}
