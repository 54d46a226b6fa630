import { z } from 'zod';
import { roleSchema, newPassword } from './auth';
import { VALUE_OUTCOMES } from '../reference/outcomes';
import { clientId, id, isoDateTime, productCode, text } from './common';
import { MESSAGE_CHANNELS, MESSAGE_LANGUAGES, MESSAGE_PURPOSES } from '../messages/templates';
import { serviceCalendarSpec } from './service-calendar';
import { productGrammar } from './catalogue';

/** A data subject's request (GDPR art. 15 access, art. 17 erasure), carried out by an admin. */
export const dataSubjectExportInput = z.object({ customerId: id }).strict();
export type DataSubjectExportInput = z.infer<typeof dataSubjectExportInput>;

export const ERASURE_REASON_MIN = 5;
export const dataSubjectEraseInput = z
  .object({
    customerId: id,
    /** why: the request's reference (e.g. the protocol number of the customer's letter) and its ground */
    reason: text(500).pipe(
      z
        .string()
        .min(ERASURE_REASON_MIN, `Say why (at least ${ERASURE_REASON_MIN} characters), e.g. the request's reference`),
    ),
    requestId: clientId,
  })
  .strict();
export type DataSubjectEraseInput = z.infer<typeof dataSubjectEraseInput>;

/** Stored rows exactly as held, one object per row (JSON columns parsed): the export hides nothing it holds. */
const rows = z.array(z.record(z.string(), z.unknown()));

export const DATA_SUBJECT_EXPORT_FORMAT = 'valore.data-subject-export/1';

export const dataSubjectExport = z.object({
  format: z.literal(DATA_SUBJECT_EXPORT_FORMAT),
  exportedAt: z.string(),
  customerId: z.number().int(),
  customer: z.record(z.string(), z.unknown()),
  /** products the customer holds */
  holdings: rows,
  /** every consent and withdrawal on file, oldest first */
  consents: rows,
  /** the customer's number on the national opt-out registry (Registro pubblico delle opposizioni), or null */
  optOutRegistry: z.record(z.string(), z.unknown()).nullable(),
  /** contacts with the customer, with their recorded script events and notes */
  interactions: rows,
  appointments: rows,
  /** tracked links sent to the customer, each with its clicks */
  funnelLinks: rows,
  leads: rows,
  /** Call Me Back / Call Me Now requests and agreed callbacks (by customer, or by their number when unmatched) */
  callbackRequests: rows,
  campaignContacts: rows,
  /** SMS and e-mails sent (or to be sent) to the customer */
  outboxMessages: rows,
  /** inbound calls from the customer (by customer, or by their number when unmatched) */
  ctiCalls: rows,
  /** quality scorecards of the customer's calls */
  scorecards: rows,
  /** who was given access to the customer's data outside a work item or a call, and why (contacts started, break-glass) */
  accessGrants: rows,
  /** audit rows about the customer and about their contacts, appointments, links, leads and requests */
  auditRows: rows,
  /** erasures carried out for this customer */
  erasures: rows,
});
export type DataSubjectExport = z.infer<typeof dataSubjectExport>;

export const erasureCounts = z.object({
  interactions: z.number().int(),
  leads: z.number().int(),
  leadsClosed: z.number().int(),
  appointmentsCancelled: z.number().int(),
  callbackRequests: z.number().int(),
  callbacksCancelled: z.number().int(),
  campaignContacts: z.number().int(),
  ctiCalls: z.number().int(),
  funnelLinks: z.number().int(),
  outboxMessages: z.number().int(),
  outboxWithdrawn: z.number().int(),
});
export type ErasureCounts = z.infer<typeof erasureCounts>;

export const dataSubjectErasure = z.object({
  customerId: z.number().int(),
  requestId: z.string(),
  erasedAt: z.string(),
  /** what was anonymised, and what open work was closed */
  counts: erasureCounts,
});
export type DataSubjectErasure = z.infer<typeof dataSubjectErasure>;

// ---- users (admin.users.*) ----

export const username = z
  .string()
  .trim()
  .min(3, 'At least 3 characters')
  .max(64, 'At most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'Letters, digits, dot, dash and underscore only');
const displayName = text(120).pipe(z.string().min(1, 'Required'));

export const adminUser = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  siteId: z.number().int().nullable(),
  siteName: z.string().nullable(),
  teamId: z.number().int().nullable(),
  teamName: z.string().nullable(),
  active: z.boolean(),
  mustChangePassword: z.boolean(),
  createdAt: z.string(),
  /** the latest activity of any of the user's open sessions, null when none is open */
  lastSeenAt: z.string().nullable(),
  openSessions: z.number().int(),
});
export type AdminUser = z.infer<typeof adminUser>;

export const usersListInput = z
  .object({
    search: text(64).optional(),
    role: roleSchema.optional(),
    siteId: id.optional(),
    active: z.boolean().optional(),
    limit: z.number().int().min(1).max(500).default(200),
  })
  .strict()
  .default({ limit: 200 });
export type UsersListInput = z.infer<typeof usersListInput>;
export const usersListOutput = z.object({ users: z.array(adminUser), total: z.number().int() });

/** Operators, tutors and team leads belong to a site; an admin to none. */
const SITE_REQUIRED = 'Choose the site (operators, tutors and team leads work at one)';
const SITE_NONE = 'An admin belongs to no site';
function checkSite(v: { role?: string; siteId?: number | null }, ctx: z.RefinementCtx) {
  if (v.role === undefined || v.siteId === undefined) return;
  if (v.role !== 'admin' && v.siteId === null)
    ctx.addIssue({ code: 'custom', path: ['siteId'], message: SITE_REQUIRED });
  if (v.role === 'admin' && v.siteId !== null) ctx.addIssue({ code: 'custom', path: ['siteId'], message: SITE_NONE });
}

export const userCreateInput = z
  .object({
    /** optional (the contract's shape has none); with it a retry gets the first answer back, without a second user */
    requestId: clientId.optional(),
    username,
    displayName,
    role: roleSchema,
    siteId: id.nullable(),
    teamId: id.nullable().optional(),
    /** none: the server makes a temporary one and shows it once; either way it must be changed at first sign-in */
    password: z.optional(newPassword),
  })
  .strict()
  .superRefine(checkSite);
export type UserCreateInput = z.infer<typeof userCreateInput>;
export const userCreateOutput = z.object({
  user: adminUser,
  /** the temporary password made by the server, shown this once (null when the admin gave one, and on a retry) */
  temporaryPassword: z.string().nullable(),
});
export type UserCreateOutput = z.infer<typeof userCreateOutput>;

export const userUpdateInput = z
  .object({
    requestId: clientId.optional(),
    id,
    displayName: displayName.optional(),
    role: roleSchema.optional(),
    siteId: id.nullable().optional(),
    teamId: id.nullable().optional(),
    /** false: the user can no longer sign in; their sessions end at once and their held work goes back to the queue */
    active: z.boolean().optional(),
  })
  .strict();
export type UserUpdateInput = z.infer<typeof userUpdateInput>;
export const userUpdateOutput = z.object({
  user: adminUser,
  /** sessions ended by this change (disabling, or a change of role or site) */
  sessionsEnded: z.number().int(),
  /** work items the user held that went back to the queue */
  workReturned: z.number().int(),
});
export type UserUpdateOutput = z.infer<typeof userUpdateOutput>;

export const userResetPasswordInput = z.object({ requestId: clientId.optional(), id }).strict();
export const userResetPasswordOutput = z.object({
  user: adminUser,
  /** shown this once; null on a retry of the same request */
  temporaryPassword: z.string().nullable(),
  sessionsEnded: z.number().int(),
});
export type UserResetPasswordOutput = z.infer<typeof userResetPasswordOutput>;

export const userImportLine = z.object({
  line: z.number().int(),
  username: z.string().nullable(),
  status: z.enum(['created', 'rejected']),
  /** the created user's temporary password (shown once), or why the line was refused */
  temporaryPassword: z.string().nullable(),
  errors: z.array(z.string()),
});
export const usersImportInput = z
  .object({
    requestId: clientId.optional(),
    /** CSV with a header: username, display_name, role, site_code (and optionally team) */
    csv: z.string().min(1, 'The file is empty').max(1_000_000, 'At most 1 MB: split the file'),
  })
  .strict();
export const usersImportOutput = z.object({
  created: z.number().int(),
  rejected: z.number().int(),
  lines: z.array(userImportLine),
});
export type UsersImportOutput = z.infer<typeof usersImportOutput>;

export const adminOptionsOutput = z.object({
  sites: z.array(z.object({ id: z.number().int(), code: z.string(), name: z.string() })),
  teams: z.array(z.object({ id: z.number().int(), siteId: z.number().int(), name: z.string() })),
});

// ---- API keys (admin.apiKeys.*) ----

export const API_KEY_SCOPES = ['intake', 'cti', 'attendance'] as const;
export const apiKeyScope = z.enum(API_KEY_SCOPES);
export type ApiKeyScope = z.infer<typeof apiKeyScope>;

export const apiKeySummary = z.object({
  id: z.number().int(),
  name: z.string(),
  /** the key's public start (`vk_<prefix>_`), to tell keys apart; the rest is never shown again */
  prefix: z.string(),
  scopes: z.array(apiKeyScope),
  status: z.enum(['active', 'expired', 'revoked']),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
});
export type ApiKeySummary = z.infer<typeof apiKeySummary>;

export const apiKeyCreateInput = z
  .object({
    requestId: clientId.optional(),
    name: text(80).pipe(z.string().min(1, 'Required')),
    scopes: z
      .array(apiKeyScope)
      .min(1, 'Choose at least one scope')
      .refine((s) => new Set(s).size === s.length, 'Each scope once'),
    /** none: the key does not expire (revoke it when it is no longer used) */
    expiresAt: isoDateTime.nullable().optional(),
  })
  .strict();
export type ApiKeyCreateInput = z.infer<typeof apiKeyCreateInput>;
export const apiKeyCreateOutput = z.object({
  id: z.number().int(),
  /** the key, shown this once (null on a retry of the same request) */
  key: z.string().nullable(),
  apiKey: apiKeySummary,
});
export type ApiKeyCreateOutput = z.infer<typeof apiKeyCreateOutput>;
export const apiKeyRevokeInput = z.object({ requestId: clientId.optional(), id }).strict();

// ---- audit log (admin.audit.*) ----

const auditFilters = {
  /** who did it (a user id) */
  actorId: id.optional(),
  /** the customer concerned (the audited entity, or named in the details) */
  customerId: id.optional(),
  /** an action ("customer.reveal") or a family of them ending in a dot ("customer.") */
  action: z
    .string()
    .trim()
    .max(64)
    .regex(/^[a-z_]+(\.[a-z_]*)?$/, 'An action such as customer.reveal, or a family such as customer.')
    .optional(),
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
};

export const auditSearchInput = z
  .object({
    ...auditFilters,
    limit: z.number().int().min(1).max(500).default(100),
    /** the id of the last row already shown: the page after it (newest first) */
    cursor: id.optional(),
    /** sent by tRPC's infinite queries; pages only go forward (older) here */
    direction: z.enum(['forward', 'backward']).optional(),
  })
  .strict()
  .refine((v) => !v.from || !v.to || v.from <= v.to, { path: ['to'], message: 'Must not be before from' });
export type AuditSearchInput = z.infer<typeof auditSearchInput>;

export const auditRow = z.object({
  id: z.number().int(),
  at: z.string(),
  actorId: z.number().int().nullable(),
  actorUsername: z.string().nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  customerId: z.number().int().nullable(),
  details: z.unknown(),
  ip: z.string().nullable(),
});
export type AuditRow = z.infer<typeof auditRow>;
export const auditSearchOutput = z.object({ items: z.array(auditRow), nextCursor: z.number().int().nullable() });

export const auditExportInput = z
  .object({
    ...auditFilters,
    /** the reader's language: Italian files take `;` between cells, English `,` (docs/api.md, "CSV exports") */
    language: z.enum(['it', 'en'], { message: 'it or en' }).default('it'),
  })
  .strict()
  .refine((v) => !v.from || !v.to || v.from <= v.to, { path: ['to'], message: 'Must not be before from' });
export const auditExportOutput = z.object({
  filename: z.string(),
  csv: z.string(),
  rows: z.number().int(),
  /** more rows matched than one file holds (AUDIT_EXPORT_MAX): narrow the period */
  truncated: z.boolean(),
});
export const AUDIT_EXPORT_MAX = 50_000;
export const auditActionsOutput = z.array(z.string());

// ---- products (admin.products.*) ----

/** The query string added to the funnel URL when a link is followed; {channel}, {product} and {link} are filled in. */
export const DEFAULT_UTM_TEMPLATE = 'utm_source=valore&utm_medium={channel}';
export const UTM_VARIABLES = ['channel', 'product', 'link'] as const;
const UTM_PAIR = /^[A-Za-z0-9_.-]+=([A-Za-z0-9_.~-]|\{(channel|product|link)\})*$/;
export const utmTemplate = z
  .string()
  .trim()
  .max(300)
  .refine(
    (v) => v === '' || v.split('&').every((pair) => UTM_PAIR.test(pair)),
    'Use name=value pairs joined by &; values may hold {channel}, {product}, {link}',
  );

export const funnelUrl = z
  .string()
  .trim()
  .max(500)
  .regex(
    /^https?:\/\/[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d{1,5})?(\/[^\s?#]*)?(\?[^\s#]*)?$/,
    'Use a full web address, e.g. https://www.poste.it/conto',
  );

export const adminProduct = z.object({
  code: z.string(),
  family: z.string(),
  businessUnit: z.string(),
  name: z.object({ it: z.string(), en: z.string() }),
  grammar: productGrammar,
  funnelUrl: z.string(),
  utmTemplate: z.string(),
  outcomes: z.array(z.enum(VALUE_OUTCOMES)),
  active: z.boolean(),
});
export type AdminProduct = z.infer<typeof adminProduct>;

const productFields = {
  family: text(60).pipe(z.string().min(1, 'Required')),
  businessUnit: text(60).pipe(z.string().min(1, 'Required')),
  nameIt: text(120).pipe(z.string().min(1, 'Required')),
  nameEn: text(120).pipe(z.string().min(1, 'Required')),
  /** the Italian name's gender and number (il/la/i/le) and, when the rules do not fit, what goes before it */
  genderIt: z.enum(['m', 'f'], { error: 'm or f' }).optional(),
  pluralIt: z.boolean().optional(),
  articleIt: text(30)
    .pipe(z.string().regex(/^[\p{L}' ]*$/u, "Letters, spaces and apostrophes only, e.g. l'offerta"))
    .nullable()
    .optional(),
  funnelUrl,
  utmTemplate: utmTemplate.optional(),
  outcomes: z
    .array(z.enum(VALUE_OUTCOMES))
    .min(1, 'Choose at least one outcome')
    .refine((s) => new Set(s).size === s.length, 'Each outcome once'),
  active: z.boolean().optional(),
};
export const productCreateInput = z
  .object({ requestId: clientId.optional(), code: productCode, ...productFields })
  .strict();
export type ProductCreateInput = z.infer<typeof productCreateInput>;
export const productUpdateInput = z
  .object({
    requestId: clientId.optional(),
    code: productCode,
    ...Object.fromEntries(Object.entries(productFields).map(([k, v]) => [k, v.optional()])),
  } as { requestId: z.ZodOptional<typeof clientId>; code: typeof productCode } & {
    [K in keyof typeof productFields]: z.ZodOptional<(typeof productFields)[K]>;
  })
  .strict();
export type ProductUpdateInput = z.infer<typeof productUpdateInput>;

// ---- post offices (admin.postOffices.*) ----

const isoDay = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'Use a date such as 2026-12-24');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use a time such as 09:30');

export const closureSummary = z.object({
  id: z.number().int(),
  fromDate: z.string(),
  toDate: z.string(),
  reason: z.string(),
});
export const slotTemplate = z.object({
  weekday: z.number().int().min(1, 'Monday (1) to Saturday (6)').max(6, 'Monday (1) to Saturday (6)'),
  start: hhmm,
  durationMinutes: z.number().int().min(5).max(240),
  capacity: z.number().int().min(1).max(50),
});
export type SlotTemplate = z.infer<typeof slotTemplate>;

export const adminPostOffice = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  address: z.string(),
  city: z.string(),
  provinceCode: z.string(),
  districtCode: z.string(),
  /** open slots from now on, and the seats still free in them */
  futureSlots: z.number().int(),
  freeSeats: z.number().int(),
  /** closures not over yet */
  closures: z.array(closureSummary),
  templates: z.array(slotTemplate),
});
export type AdminPostOffice = z.infer<typeof adminPostOffice>;

export const postOfficesListInput = z
  .object({
    /** one office (its screen) */
    id: id.optional(),
    search: text(64).optional(),
    provinceCode: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .optional(),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict()
  .default({ limit: 100 });
export const postOfficesListOutput = z.object({ offices: z.array(adminPostOffice), total: z.number().int() });

const officeFields = {
  name: text(120).pipe(z.string().min(1, 'Required')),
  address: text(200).pipe(z.string().min(1, 'Required')),
  city: text(80).pipe(z.string().min(1, 'Required')),
  provinceCode: z.string().regex(/^[A-Z]{2}$/, 'A province code such as RM'),
};
export const postOfficeCreateInput = z
  .object({
    requestId: clientId.optional(),
    code: z.string().regex(/^[A-Z0-9]{3,12}$/, 'Capitals and digits, 3–12, e.g. UP00123'),
    ...officeFields,
  })
  .strict();
export type PostOfficeCreateInput = z.infer<typeof postOfficeCreateInput>;
export const postOfficeUpdateInput = z
  .object({
    requestId: clientId.optional(),
    id,
    name: officeFields.name.optional(),
    address: officeFields.address.optional(),
    city: officeFields.city.optional(),
    provinceCode: officeFields.provinceCode.optional(),
  })
  .strict();
export type PostOfficeUpdateInput = z.infer<typeof postOfficeUpdateInput>;

export const closureAddInput = z
  .object({
    requestId: clientId.optional(),
    postOfficeId: id,
    fromDate: isoDay,
    toDate: isoDay,
    reason: text(200).pipe(z.string().min(3, 'Say why (at least 3 characters)')),
  })
  .strict()
  .refine((v) => v.fromDate <= v.toDate, { path: ['toDate'], message: 'Must not be before the first day' });
export type ClosureAddInput = z.infer<typeof closureAddInput>;
export const closureAddOutput = z.object({
  closure: closureSummary,
  /** slots of those days no longer offered */
  slotsClosed: z.number().int(),
  /** appointments already booked in those days: to be moved with the customer */
  appointmentsAffected: z.array(
    z.object({ id: z.number().int(), startsAt: z.string(), customerId: z.number().int(), customerName: z.string() }),
  ),
});
export const closureRemoveInput = z.object({ requestId: clientId.optional(), id }).strict();
export const closureRemoveOutput = z.object({ slotsReopened: z.number().int() });

export const templatesSetInput = z
  .object({
    requestId: clientId.optional(),
    postOfficeId: id,
    templates: z
      .array(slotTemplate)
      .max(120)
      .refine(
        (ts) => new Set(ts.map((t) => `${t.weekday}@${t.start}`)).size === ts.length,
        'Each weekday and start time once',
      ),
  })
  .strict();
export const templatesSetOutput = z.object({ templates: z.array(slotTemplate), slotsCreated: z.number().int() });

export const officesImportInput = z
  .object({ requestId: clientId.optional(), csv: z.string().min(1, 'The file is empty').max(2_000_000) })
  .strict();
export const officesImportOutput = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  rejected: z.number().int(),
  lines: z.array(
    z.object({
      line: z.number().int(),
      code: z.string().nullable(),
      status: z.enum(['created', 'updated', 'rejected']),
      errors: z.array(z.string()),
    }),
  ),
});
export type OfficesImportOutput = z.infer<typeof officesImportOutput>;

// ---- settings (admin.settings.*) ----

export const settingsOutput = z.object({ localPasswords: z.boolean(), oidc: z.boolean() });
export const settingsUpdateInput = z.object({ localPasswords: z.boolean() }).strict();

// ---- sites and teams (admin.sites.*, admin.teams.*) ----

export const adminTeam = z.object({
  id: z.number().int(),
  name: z.string(),
  operators: z.number().int(),
  /** the tutors and team leads placed in the team */
  leads: z.array(z.object({ id: z.number().int(), displayName: z.string(), role: roleSchema })),
});
export const DISPATCH_MODES = ['push', 'pull'] as const;
export const adminSite = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  city: z.string(),
  provinceCode: z.string(),
  provinceName: z.string().nullable(),
  /** from the province: the district(s) and macro-area it belongs to */
  districts: z.array(z.string()),
  macroArea: z.string().nullable(),
  users: z.number().int(),
  teams: z.array(adminTeam),
  /** the site's own service calendar; null: its district's (below) or the centre's default */
  calendar: serviceCalendarSpec.nullable(),
  /** the district whose calendar the site follows while it has none of its own; null: none applies */
  districtCalendar: z.object({ code: z.string(), name: z.string(), calendar: serviceCalendarSpec }).nullable(),
  /** push: Ready operators are offered work; pull: they ask for it (docs/api.md, "Pushed work") */
  dispatchMode: z.enum(DISPATCH_MODES),
  /** how long an operator may stay in after-call work before the console records it and goes Ready; 0: no limit */
  wrapUpSeconds: z.number().int(),
});
export type AdminSite = z.infer<typeof adminSite>;
export const siteCalendarInput = z
  .object({ requestId: clientId.optional(), id, calendar: serviceCalendarSpec.nullable() })
  .strict();
export type SiteCalendarInput = z.infer<typeof siteCalendarInput>;

/** A district with its service calendar (admin.districts.*): its sites without a calendar of their own follow it. */
export const adminDistrict = z.object({
  code: z.string(),
  name: z.string(),
  macroArea: z.string(),
  provinces: z.array(z.string()),
  /** null: its sites keep the centre's default (or their own) */
  calendar: serviceCalendarSpec.nullable(),
  /** the district's sites, and whether each keeps a calendar of its own (then the district's does not apply to it) */
  sites: z.array(z.object({ id: z.number().int(), name: z.string(), ownCalendar: z.boolean() })),
});
export type AdminDistrict = z.infer<typeof adminDistrict>;
export const districtCalendarInput = z
  .object({
    requestId: clientId.optional(),
    code: z.string().regex(/^[A-Z0-9]{2,6}$/, 'A district code, such as LOC'),
    calendar: serviceCalendarSpec.nullable(),
  })
  .strict();
export type DistrictCalendarInput = z.infer<typeof districtCalendarInput>;

/** After-call work may be limited to at most 15 minutes (sites.wrap_up_seconds). */
export const WRAP_UP_MAX_SECONDS = 900;

const siteFields = {
  name: text(120).pipe(z.string().min(1, 'Required')),
  city: text(80).pipe(z.string().min(1, 'Required')),
  provinceCode: z.string().regex(/^[A-Z]{2}$/, 'A province code such as RM'),
};
export const siteCreateInput = z
  .object({
    requestId: clientId.optional(),
    code: z.string().regex(/^[A-Z0-9]{2,8}$/, 'Capitals and digits, 2–8, e.g. RM2'),
    ...siteFields,
  })
  .strict();
export type SiteCreateInput = z.infer<typeof siteCreateInput>;
export const siteUpdateInput = z
  .object({
    requestId: clientId.optional(),
    id,
    name: siteFields.name.optional(),
    city: siteFields.city.optional(),
    provinceCode: siteFields.provinceCode.optional(),
    dispatchMode: z.enum(DISPATCH_MODES, { error: 'push or pull' }).optional(),
    wrapUpSeconds: z
      .number({ error: 'Seconds, 0 to 900' })
      .int('Whole seconds')
      .min(0, 'Seconds, 0 to 900')
      .max(WRAP_UP_MAX_SECONDS, 'Seconds, 0 to 900')
      .optional(),
  })
  .strict();
export const teamCreateInput = z
  .object({ requestId: clientId.optional(), siteId: id, name: text(80).pipe(z.string().min(1, 'Required')) })
  .strict();
export const teamRenameInput = z
  .object({ requestId: clientId.optional(), id, name: text(80).pipe(z.string().min(1, 'Required')) })
  .strict();
export const teamDeleteInput = z.object({ requestId: clientId.optional(), id }).strict();

// ---- message templates (admin.messageTemplates.*) ----

const templateKey = {
  purpose: z.enum(MESSAGE_PURPOSES, { error: `One of ${MESSAGE_PURPOSES.join(', ')}` }),
  channel: z.enum(MESSAGE_CHANNELS, { error: 'sms or email' }),
  language: z.enum(MESSAGE_LANGUAGES, { error: 'it or en' }),
};
/** Long enough for any e-mail the centre sends; an SMS is held to 6 segments by templateProblems' caller. */
export const MAX_TEMPLATE_BODY = 4000;
export const MAX_TEMPLATE_SUBJECT = 200;
export const messageTemplate = z.object({
  ...templateKey,
  /** null for an SMS */
  subject: z.string().nullable(),
  body: z.string(),
  /** an admin's text (false: the shipped default, which `default*` always holds) */
  custom: z.boolean(),
  defaultSubject: z.string().nullable(),
  defaultBody: z.string(),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});
export type AdminMessageTemplate = z.infer<typeof messageTemplate>;
export const messageTemplateUpdateInput = z
  .object({
    requestId: clientId.optional(),
    ...templateKey,
    subject: text(MAX_TEMPLATE_SUBJECT).nullable().optional(),
    body: text(MAX_TEMPLATE_BODY).pipe(z.string().min(1, 'The text is empty')),
  })
  .strict();
export type MessageTemplateUpdateInput = z.infer<typeof messageTemplateUpdateInput>;
export const messageTemplateResetInput = z.object({ requestId: clientId.optional(), ...templateKey }).strict();
export type MessageTemplateResetInput = z.infer<typeof messageTemplateResetInput>;
