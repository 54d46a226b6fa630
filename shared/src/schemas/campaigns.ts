import { z } from 'zod';
import { DEFAULT_CALLING_WINDOW, isValidTimeZone, minutesOf, WEEKDAY_KEYS } from '../time/calling-window';
import { clientId, id, productCode } from './common';

export const CAMPAIGN_STATUSES = ['draft', 'active', 'paused', 'closed'] as const;
export type CampaignStatusValue = (typeof CAMPAIGN_STATUSES)[number];
export const CONTACT_STATUSES = ['pending', 'claimed', 'done', 'exhausted', 'removed'] as const;

/** draft → active ⇄ paused → closed (a draft may also be closed, i.e. abandoned). */
export const CAMPAIGN_TRANSITIONS: Record<CampaignStatusValue, readonly CampaignStatusValue[]> = {
  draft: ['active', 'closed'],
  active: ['paused', 'closed'],
  paused: ['active', 'closed'],
  closed: [],
};
/** A campaign may dial only when its list was checked against the opt-out registry at most this long ago. */
export const REGISTRY_MAX_AGE_DAYS = 30;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'Use HH:MM, e.g. 09:00');
const interval = z
  .tuple([hhmm, hhmm])
  .refine(([from, to]) => minutesOf(from) < minutesOf(to), 'An interval must end after it starts');

export const callingWindowSchema = z
  .object({
    timeZone: z.string().min(1).max(64).refine(isValidTimeZone, 'Unknown time zone'),
    days: z.partialRecord(z.enum(WEEKDAY_KEYS), z.array(interval).max(6)),
    excludeNationalHolidays: z.boolean(),
  })
  .strict();

const isoDate = z.iso.date({ message: 'Use a date like 2026-12-01' });
const campaignFields = {
  name: z.string().trim().min(3).max(120),
  businessUnit: z.string().trim().min(2).max(64),
  productCode,
  startsOn: isoDate,
  endsOn: isoDate,
  callingWindow: callingWindowSchema.default(DEFAULT_CALLING_WINDOW),
  maxAttempts: z.number().int().min(1).max(20),
  retryDelayMinutes: z
    .number()
    .int()
    .min(0)
    .max(30 * 24 * 60),
  scriptVersion: z.string().trim().min(1).max(32),
  siteIds: z.array(id).min(1).max(50),
};
const periodIsOrdered = (v: { startsOn?: string | undefined; endsOn?: string | undefined }) =>
  v.startsOn === undefined || v.endsOn === undefined || v.startsOn <= v.endsOn;

export const createCampaignInput = z
  .object({ requestId: clientId, ...campaignFields })
  .strict()
  .refine(periodIsOrdered, { message: 'The campaign must end on or after its start date', path: ['endsOn'] });
export type CreateCampaignInput = z.infer<typeof createCampaignInput>;

export const updateCampaignInput = z
  .object({
    requestId: clientId,
    id,
    name: campaignFields.name.optional(),
    businessUnit: campaignFields.businessUnit.optional(),
    productCode: productCode.optional(),
    startsOn: isoDate.optional(),
    endsOn: isoDate.optional(),
    callingWindow: callingWindowSchema.optional(),
    maxAttempts: campaignFields.maxAttempts.optional(),
    retryDelayMinutes: campaignFields.retryDelayMinutes.optional(),
    scriptVersion: campaignFields.scriptVersion.optional(),
    siteIds: campaignFields.siteIds.optional(),
  })
  .strict()
  .refine(periodIsOrdered, { message: 'The campaign must end on or after its start date', path: ['endsOn'] });
export type UpdateCampaignInput = z.infer<typeof updateCampaignInput>;

export const setCampaignStatusInput = z.object({ requestId: clientId, id, status: z.enum(CAMPAIGN_STATUSES) }).strict();
export type SetCampaignStatusInput = z.infer<typeof setCampaignStatusInput>;

export const campaignIdInput = z.object({ id }).strict();
export const campaignListInput = z
  .object({ status: z.enum(CAMPAIGN_STATUSES).optional(), limit: z.number().int().min(1).max(200).default(100) })
  .strict();

export const campaignSummary = z.object({
  id: z.number().int(),
  name: z.string(),
  businessUnit: z.string(),
  productCode: z.string(),
  startsOn: z.string(),
  endsOn: z.string(),
  callingWindow: callingWindowSchema,
  maxAttempts: z.number().int(),
  retryDelayMinutes: z.number().int(),
  scriptVersion: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
  siteIds: z.array(z.number().int()),
  registryCheckedAt: z.string().nullable(),
  /** Registry check older than REGISTRY_MAX_AGE_DAYS (or missing): the campaign cannot dial. */
  registryStale: z.boolean(),
  createdAt: z.string(),
  contacts: z.object({
    total: z.number().int(),
    pending: z.number().int(),
    claimed: z.number().int(),
    done: z.number().int(),
    exhausted: z.number().int(),
    removed: z.number().int(),
  }),
});
export type CampaignSummary = z.infer<typeof campaignSummary>;

export const campaignImportSummary = z.object({
  id: z.number().int(),
  campaignId: z.number().int(),
  status: z.enum(['running', 'done', 'failed']),
  total: z.number().int(),
  imported: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.number().int(),
  /** rejects counted in `rejected` but not kept for the per-line report (past VALORE_IMPORT_MAX_STORED_REJECTS) */
  rejectsNotStored: z.number().int(),
  /** why a failed import stopped (file too large, interrupted by a restart, server error) */
  failureReason: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type CampaignImportSummary = z.infer<typeof campaignImportSummary>;

/** Why a row of an imported list was not imported (the per-line report). */
export const IMPORT_REJECT_REASONS = [
  'malformed',
  'unknown_customer',
  'no_marketing_consent',
  'on_optout_registry',
] as const;
export type ImportRejectReason = (typeof IMPORT_REJECT_REASONS)[number];

/** One NDJSON line of a streamed import response (campaign list or opt-out registry). */
export type ImportProgressLine =
  | { type: 'progress'; processed: number }
  | {
      type: 'done';
      importId: number;
      total: number;
      imported: number;
      duplicates: number;
      rejected: number;
      /** campaign lists: rejects counted but not kept for the per-line report (past the cap) */
      rejectsNotStored?: number;
      /** registry import only: campaign contacts removed because their number is now on the registry */
      removedContacts?: number;
    }
  | { type: 'error'; message: string };

/** The contacts of a campaign's list (campaigns.contacts): customer ids to build the next list from, no personal data. */
export const campaignContactsInput = z
  .object({
    id,
    status: z.enum(CONTACT_STATUSES, { error: `One of ${CONTACT_STATUSES.join(', ')}` }).optional(),
    /** the last contact id of the page before (keyset paging; tRPC's infinite-query cursor) */
    cursor: z.number().int().min(0).nullish(),
    /** sent by tRPC's infinite queries; pages only go forward */
    direction: z.enum(['forward', 'backward']).optional(),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();
export const campaignContact = z.object({
  contactId: z.number().int(),
  customerId: z.number().int(),
  /** masked: +39 ••• ••• •068 */
  phone: z.string(),
  status: z.enum(CONTACT_STATUSES),
  attempts: z.number().int(),
  dueAt: z.string(),
  lastOutcome: z.string().nullable(),
});
export const campaignContactsPage = z.object({
  contacts: z.array(campaignContact),
  /** pass as `cursor` for the next page; null on the last */
  next: z.number().int().nullable(),
});
export type CampaignContactsPage = z.infer<typeof campaignContactsPage>;
