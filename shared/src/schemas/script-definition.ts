import { z } from 'zod';
import { FLOWS, VALUE_OUTCOMES } from '../reference/outcomes';
import { STEP_ORDER } from '../flows/definition';
import { STEP_IDS } from '../flows/types';
import { clientId, text } from './common';

/** The API's form of a script definition (flows/definition.ts); its rules are checked by definitionProblems. */
const prompt = z.object({ it: text(1000), en: text(1000) }).strict();
const semver = z.string().regex(/^\d{1,3}\.\d{1,3}\.\d{1,3}$/, 'Use a version such as 1.2.0');
export const scriptDefinitionSchema = z
  .object({
    flow: z.enum(FLOWS),
    version: semver,
    steps: z.array(z.enum(STEP_ORDER as [string, ...string[]])).max(8),
    lines: z.partialRecord(z.enum(STEP_IDS), prompt),
    callbackFrom: z.enum(STEP_ORDER as [string, ...string[]]).nullable(),
    valueOutcomes: z.array(z.enum(VALUE_OUTCOMES)).max(3),
    assistedSale: z.boolean(),
    products: z
      .array(z.string().regex(/^[A-Z0-9_]{1,32}$/))
      .max(100)
      .nullable(),
    objections: z.array(z.object({ code: z.string().max(32), label: prompt, rebuttal: prompt }).strict()).max(30),
  })
  .strict();

export const SCRIPT_VERSION_STATUSES = ['draft', 'published', 'retired'] as const;
export const scriptVersionSummary = z.object({
  flow: z.enum(FLOWS),
  version: z.string(),
  status: z.enum(SCRIPT_VERSION_STATUSES),
  /** shipped with the product (the scripts released before the studio) */
  builtin: z.boolean(),
  note: z.string().nullable(),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
  publishedAt: z.string().nullable(),
});
export type ScriptVersionSummary = z.infer<typeof scriptVersionSummary>;
export const scriptVersionDetail = scriptVersionSummary.extend({ definition: scriptDefinitionSchema });
export type ScriptVersionDetail = z.infer<typeof scriptVersionDetail>;

const key = { flow: z.enum(FLOWS), version: semver };
export const scriptVersionKey = z.object(key).strict();
export const scriptDraftInput = z
  .object({ requestId: clientId.optional(), definition: scriptDefinitionSchema, note: text(500).optional() })
  .strict();
export const scriptPublishInput = z
  .object({ requestId: clientId.optional(), ...key, note: text(500).pipe(z.string().min(1, 'Say what changed')) })
  .strict();
export const scriptRetireInput = z.object({ requestId: clientId.optional(), ...key }).strict();

export const scriptSplit = z
  .object({ version: semver, weight: z.number().int().min(1, 'A weight of at least 1').max(100) })
  .strict();
export const scriptAssignment = z.object({
  flow: z.enum(FLOWS),
  /** null: the flow's assignment */
  campaignId: z.number().int().nullable(),
  splits: z.array(scriptSplit),
  /** false: nothing assigned, the default (the newest published version, or the campaign's pinned one) */
  custom: z.boolean(),
});
export type ScriptAssignment = z.infer<typeof scriptAssignment>;
export const scriptAssignInput = z
  .object({
    requestId: clientId.optional(),
    flow: z.enum(FLOWS),
    campaignId: z.number().int().positive().nullable().default(null),
    /** empty: back to the default */
    splits: z
      .array(scriptSplit)
      .max(4, 'At most 4 versions at once')
      .refine((s) => new Set(s.map((x) => x.version)).size === s.length, 'A version is listed twice'),
  })
  .strict();
/** What the console plays: the definition of a published (or retired, for a contact already on it) version. */
export const scriptPlayInput = z.object(key).strict();

/** A contact without a work item (an inbound call, a screen pop) asks which version to play. */
export const scriptAssignedInput = z
  .object({ flow: z.enum(FLOWS), customerId: z.number().int().positive().nullable(), contactId: clientId })
  .strict();
export const scriptAssignedOutput = z.object({ version: z.string() });
