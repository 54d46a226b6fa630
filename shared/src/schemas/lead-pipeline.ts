import { z } from 'zod';
import { clientId, id, isoDateTime, productCode } from './common';
import { LEAD_STATUSES } from './leads';

/** The pipeline lists one status or all of them. */
export const PIPELINE_STATUSES = [...LEAD_STATUSES, 'all'] as const;
export type PipelineStatus = (typeof PIPELINE_STATUSES)[number];

/** How a won lead was won (leads.won_by). */
export const LEAD_WON_BY = ['digital_funnel', 'up_appointment', 'assisted_sale', 'manual'] as const;
export type LeadWonBy = (typeof LEAD_WON_BY)[number];

export const PIPELINE_MAX_LIMIT = 500;
/** Offsets past this are refused: nobody pages that far by hand, and the CSV export covers the rest. */
export const PIPELINE_MAX_OFFSET = 100_000;

/** An instant range where both ends are optional but, when both are given, `from` comes first. */
function checkRange(from: string | undefined, to: string | undefined, toField: string, ctx: z.RefinementCtx) {
  if (from !== undefined && to !== undefined && !(Date.parse(to) > Date.parse(from))) {
    ctx.addIssue({ code: 'custom', path: [toField], message: 'The end of a period must be after its start' });
  }
}

/**
 * What narrows the pipeline. Operators always see their own leads (owner = them), team leads their own site;
 * `siteId` is for admins. Date ends: `…From` inclusive, `…To` exclusive.
 */
const filterShape = {
  status: z.enum(PIPELINE_STATUSES).default('all'),
  productCode: productCode.optional(),
  ownerId: id.optional(),
  siteId: id.optional(),
  /** When the lead was recorded (its age). */
  createdFrom: isoDateTime.optional(),
  createdTo: isoDateTime.optional(),
  /** When it is next due for a follow-up call. */
  followUpFrom: isoDateTime.optional(),
  followUpTo: isoDateTime.optional(),
};

function checkFilters(
  value: { createdFrom?: string; createdTo?: string; followUpFrom?: string; followUpTo?: string },
  ctx: z.RefinementCtx,
) {
  checkRange(value.createdFrom, value.createdTo, 'createdTo', ctx);
  checkRange(value.followUpFrom, value.followUpTo, 'followUpTo', ctx);
}

export const leadPipelineFilters = z.object(filterShape).strict().superRefine(checkFilters);
export type LeadPipelineFilters = z.infer<typeof leadPipelineFilters>;

export const leadPipelineInput = z
  .object({
    ...filterShape,
    limit: z.number().int().min(1).max(PIPELINE_MAX_LIMIT).default(100),
    offset: z.number().int().min(0).max(PIPELINE_MAX_OFFSET).default(0),
  })
  .strict()
  .superRefine(checkFilters);
export type LeadPipelineInput = z.infer<typeof leadPipelineInput>;

export const leadPipelineRow = z.object({
  id: z.number().int(),
  customerId: z.number().int(),
  customerName: z.string(),
  siteId: z.number().int().nullable(),
  productCode: z.string(),
  productName: z.object({ it: z.string(), en: z.string() }),
  status: z.enum(LEAD_STATUSES),
  wonBy: z.enum(LEAD_WON_BY).nullable(),
  saleReference: z.string().nullable(),
  owner: z.object({ userId: z.number().int(), displayName: z.string() }).nullable(),
  followUpAt: z.string(),
  createdAt: z.string(),
  closedAt: z.string().nullable(),
  /** Whole days from creation to now (server clock) while open, to closing once closed. */
  ageDays: z.number().int().min(0),
  attempts: z.number().int(),
  /** An operator holds it right now as a work item (an unexpired lease). */
  held: z.boolean(),
});
export type LeadPipelineRow = z.infer<typeof leadPipelineRow>;

export const leadStatusTotals = z.object({
  open: z.number().int(),
  won: z.number().int(),
  lost: z.number().int(),
  all: z.number().int(),
});
export type LeadStatusTotals = z.infer<typeof leadStatusTotals>;

export const leadPipelineOutput = z.object({
  rows: z.array(leadPipelineRow),
  /** Leads per status under every filter but the status one (the counts beside the status filter). */
  totals: leadStatusTotals,
  /** Leads matching every filter, status included (what paging walks through). */
  matching: z.number().int(),
  offset: z.number().int(),
  nextOffset: z.number().int().nullable(),
});
export type LeadPipelineOutput = z.infer<typeof leadPipelineOutput>;

export const leadPipelineOptions = z.object({
  /** The only site the caller sees (team lead, operator), or null (admin). */
  lockedSiteId: z.number().int().nullable(),
  /** Operators see their own leads only. */
  ownOnly: z.boolean(),
  sites: z.array(z.object({ id: z.number().int(), code: z.string(), name: z.string() })),
  /** Operators of the sites in scope: owner filter (all) and reassignment targets (active ones). */
  operators: z.array(
    z.object({ id: z.number().int(), siteId: z.number().int(), displayName: z.string(), active: z.boolean() }),
  ),
  /** Products a lead can be recorded for. */
  products: z.array(z.object({ code: z.string(), nameIt: z.string(), nameEn: z.string() })),
});
export type LeadPipelineOptions = z.infer<typeof leadPipelineOptions>;

export const leadPipelineExportInput = z
  .object({ ...filterShape, language: z.enum(['it', 'en']).default('it') })
  .strict()
  .superRefine(checkFilters);
export type LeadPipelineExportInput = z.infer<typeof leadPipelineExportInput>;

export const leadPipelineExportOutput = z.object({
  filename: z.string(),
  csv: z.string(),
  rows: z.number().int(),
  truncated: z.boolean(),
});
export type LeadPipelineExportOutput = z.infer<typeof leadPipelineExportOutput>;

export const reassignLeadInput = z.object({ leadId: id, ownerId: id, requestId: clientId }).strict();
export type ReassignLeadInput = z.infer<typeof reassignLeadInput>;
