import { z } from 'zod';
import { MEASURES, type Counts } from '../metrics/funnel';
import { FLOWS, OUTCOMES } from '../reference/outcomes';
import { id, isoDateTime, productCode } from './common';

/** Dimensions a conversion report can be grouped by. The first six are fixed (docs/api.md); the rest are additions. */
export const STATS_GROUP_BY = [
  'flow',
  'campaign',
  'product',
  'operator',
  'site',
  'day',
  'week',
  'team',
  'macroArea',
  'province',
  'scriptVersion',
] as const;
export type StatsGroupBy = (typeof STATS_GROUP_BY)[number];

export const TERRITORY_LEVELS = ['macroArea', 'district', 'province'] as const;

/** Optional filters; every one narrows the numbers. `siteId` is forced to their own site for team leads. */
export const statsFilters = z
  .object({
    flow: z.enum(FLOWS).optional(),
    campaignId: id.optional(),
    productCode: productCode.optional(),
    siteId: id.optional(),
    teamId: id.optional(),
    operatorId: id.optional(),
    territory: z
      .object({ level: z.enum(TERRITORY_LEVELS), code: z.string().trim().min(1).max(32) })
      .strict()
      .optional(),
    scriptVersion: z.string().trim().min(1).max(32).optional(),
  })
  .strict();
export type StatsFilters = z.infer<typeof statsFilters>;

const MAX_RANGE_DAYS = 800;
/**
 * The calendar the statistics know: no contact is older than 2000, and far-off years break the day arithmetic (the
 * day after 9999-12-31 has a six-digit year, which is how a year-9999 period used to end in a 500).
 */
export const STATS_EARLIEST = '2000-01-01T00:00:00Z';
export const STATS_LATEST = '2100-01-01T00:00:00Z';
const EARLIEST_MS = Date.parse(STATS_EARLIEST);
const LATEST_MS = Date.parse(STATS_LATEST);
const OUT_OF_RANGE = 'Use a date between 2000-01-01 and 2100-01-01';

/** A calendar day (YYYY-MM-DD) that exists and lies inside the statistics' calendar. */
const statsDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((day) => {
    const ms = Date.parse(`${day}T00:00:00Z`);
    // a real day: Date.parse would roll 2026-02-30 over to March, so the day must read back the same
    return ms >= EARLIEST_MS && ms < LATEST_MS && new Date(ms).toISOString().slice(0, 10) === day;
  }, `${OUT_OF_RANGE} (a day that exists)`);

const period = {
  /** ISO-8601, inclusive. Numbers are kept per Rome calendar day: the day containing `from` is the first counted. */
  from: isoDateTime,
  /** ISO-8601, exclusive. The day containing the last instant before `to` is the last counted. */
  to: isoDateTime,
};

function checkPeriod(value: { from: string; to: string }, ctx: z.RefinementCtx) {
  const from = Date.parse(value.from);
  const to = Date.parse(value.to);
  const fromOutside = !(from >= EARLIEST_MS && from <= LATEST_MS);
  const toOutside = !(to >= EARLIEST_MS && to <= LATEST_MS);
  if (fromOutside) ctx.addIssue({ code: 'custom', path: ['from'], message: OUT_OF_RANGE });
  if (toOutside) ctx.addIssue({ code: 'custom', path: ['to'], message: OUT_OF_RANGE });
  if (fromOutside || toOutside) return;
  if (!(to > from)) ctx.addIssue({ code: 'custom', path: ['to'], message: '"to" must be after "from"' });
  else if (to - from > MAX_RANGE_DAYS * 86_400_000) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `A period can span at most ${MAX_RANGE_DAYS} days` });
  }
}

export const conversionInput = z
  .object({
    ...period,
    groupBy: z
      .array(z.enum(STATS_GROUP_BY))
      .max(3)
      .refine((g) => new Set(g).size === g.length, 'Each dimension at most once'),
    ...statsFilters.shape,
  })
  .strict()
  .superRefine(checkPeriod);
export type ConversionInput = z.infer<typeof conversionInput>;

const countsShape = Object.fromEntries(MEASURES.map((m) => [m.key, z.number()])) as Record<keyof Counts, z.ZodNumber>;
export const countsSchema = z.object(countsShape);

export const stagesSchema = z.object({
  handled: z.number(),
  reached: z.number(),
  proposal: z.number(),
  value: z.number(),
  realised: z.number(),
});

export const ratesSchema = z.object({
  reachRate: z.number().nullable(),
  proposalRate: z.number().nullable(),
  proposalConversion: z.number().nullable(),
  conversionRate: z.number().nullable(),
  realisationRate: z.number().nullable(),
  optOutRate: z.number().nullable(),
  ocsRate: z.number().nullable(),
  propensityRate: z.number().nullable(),
  cmnWithinTarget: z.number().nullable(),
  avgHandleSeconds: z.number().nullable(),
  avgAcwSeconds: z.number().nullable(),
});

const keyValue = z.union([z.string(), z.number(), z.null()]);

export const conversionRow = z.object({
  /** One value per groupBy dimension (ids for operator/team/site/campaign, codes otherwise). */
  key: z.record(z.string(), keyValue),
  /** Display names of the key's values, when they have one (operator name, site name…). */
  labels: z.record(z.string(), z.string()),
  counts: countsSchema,
  stages: stagesSchema,
  rates: ratesSchema,
});
export type ConversionRow = z.infer<typeof conversionRow>;

export const conversionOutput = z.object({
  from: z.string(),
  to: z.string(),
  /** The Rome calendar days actually counted, inclusive. */
  fromDay: z.string(),
  toDay: z.string(),
  groupBy: z.array(z.enum(STATS_GROUP_BY)),
  rows: z.array(conversionRow),
  total: conversionRow,
  /** The rollup the numbers came from (diagnostics). */
  source: z.string(),
});
export type ConversionOutput = z.infer<typeof conversionOutput>;

/** Stages of the drill-down: the interactions behind a number. */
export const DRILL_STAGES = [
  'handled',
  'reached',
  'proposal',
  'value',
  'realised',
  'opt_out',
  'ocs_solved',
  'propensity',
] as const;
export type DrillStage = (typeof DRILL_STAGES)[number];

/** A breakdown row's key as filters, so a click on a cell lists exactly that cell's contacts. */
export const drillKey = z
  .object({
    day: statsDay.optional(),
    week: statsDay.optional(),
    /** '' = contacts without that value (no customer province, no product); 0 = no campaign / team */
    macroArea: z.string().max(32).optional(),
    province: z.string().max(8).optional(),
    product: z.string().max(32).optional(),
    campaign: z.number().int().min(0).optional(),
    team: z.number().int().min(0).optional(),
  })
  .strict();

export const interactionsInput = z
  .object({
    ...period,
    ...statsFilters.shape,
    stage: z.enum(DRILL_STAGES),
    cell: drillKey.optional(),
    cursor: z
      .object({ startedAt: z.string().max(40), id: id })
      .strict()
      .nullable()
      .optional(),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .strict()
  .superRefine(checkPeriod);
export type InteractionsInput = z.infer<typeof interactionsInput>;

export const statsInteraction = z.object({
  id: z.number().int(),
  startedAt: z.string(),
  day: z.string(),
  flow: z.enum(FLOWS),
  outcome: z.enum(OUTCOMES),
  productCode: z.string().nullable(),
  campaignId: z.number().int().nullable(),
  campaignName: z.string().nullable(),
  siteCode: z.string(),
  operatorId: z.number().int(),
  operatorName: z.string(),
  teamId: z.number().int().nullable(),
  customerId: z.number().int().nullable(),
  provinceCode: z.string().nullable(),
  scriptVersion: z.string(),
  reached: z.boolean(),
  proposalMade: z.boolean(),
  realised: z.boolean(),
  handleSeconds: z.number(),
  acwSeconds: z.number(),
});
export type StatsInteraction = z.infer<typeof statsInteraction>;

export const interactionsOutput = z.object({
  rows: z.array(statsInteraction),
  nextCursor: z.object({ startedAt: z.string(), id: z.number().int() }).nullable(),
});
export type InteractionsOutput = z.infer<typeof interactionsOutput>;

export const scriptsInput = z
  .object({ ...period, ...statsFilters.shape })
  .strict()
  .superRefine(checkPeriod);
export type ScriptsInput = z.infer<typeof scriptsInput>;

export const scriptsOutput = z.object({
  versions: z.array(
    z.object({
      flow: z.enum(FLOWS),
      scriptVersion: z.string(),
      counts: countsSchema,
      stages: stagesSchema,
      rates: ratesSchema,
    }),
  ),
  steps: z.array(
    z.object({
      flow: z.enum(FLOWS),
      scriptVersion: z.string(),
      step: z.string(),
      entered: z.number(),
      lost: z.number(),
      /** lost ÷ entered */
      dropOff: z.number().nullable(),
    }),
  ),
  /**
   * Objections by rebuttal, per version: how many contacts raised each objection (by its code in the version's library;
   * "other": one it did not prepare), and how many of them still ended in value (the rebuttal kept the customer).
   */
  objections: z.array(
    z.object({
      flow: z.enum(FLOWS),
      scriptVersion: z.string(),
      code: z.string(),
      raised: z.number(),
      kept: z.number(),
      /** kept ÷ raised */
      keptRate: z.number().nullable(),
    }),
  ),
  /**
   * Each version against the flow's oldest version in the period: conversion (value outcomes ÷ handled contacts), the
   * difference with its 95% interval and the two-proportion test's p-value (metrics/two-proportion.ts).
   */
  comparisons: z.array(
    z.object({
      flow: z.enum(FLOWS),
      scriptVersion: z.string(),
      baseline: z.string(),
      handled: z.number(),
      value: z.number(),
      baselineHandled: z.number(),
      baselineValue: z.number(),
      difference: z.number(),
      low: z.number(),
      high: z.number(),
      pValue: z.number(),
      significant: z.boolean(),
    }),
  ),
});
export type ScriptsOutput = z.infer<typeof scriptsOutput>;

export const exportInput = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('breakdown'), query: conversionInput, language: z.enum(['it', 'en']).default('it') })
    .strict(),
  z
    .object({
      kind: z.literal('interactions'),
      query: z
        .object({ ...period, ...statsFilters.shape, stage: z.enum(DRILL_STAGES), cell: drillKey.optional() })
        .strict()
        .superRefine(checkPeriod),
      language: z.enum(['it', 'en']).default('it'),
    })
    .strict(),
]);
export type ExportInput = z.infer<typeof exportInput>;

export const exportOutput = z.object({
  filename: z.string(),
  csv: z.string(),
  rows: z.number().int(),
  truncated: z.boolean(),
});
export type ExportOutput = z.infer<typeof exportOutput>;

export const statsOptionsOutput = z.object({
  /** Site the caller is limited to (team lead), or null (admin). */
  lockedSiteId: z.number().int().nullable(),
  sites: z.array(z.object({ id: z.number().int(), code: z.string(), name: z.string() })),
  teams: z.array(z.object({ id: z.number().int(), siteId: z.number().int(), name: z.string() })),
  operators: z.array(
    z.object({ id: z.number().int(), siteId: z.number().int(), teamId: z.number().int().nullable(), name: z.string() }),
  ),
  campaigns: z.array(z.object({ id: z.number().int(), name: z.string(), productCode: z.string() })),
  products: z.array(z.object({ code: z.string(), nameIt: z.string(), nameEn: z.string() })),
  macroAreas: z.array(z.object({ code: z.string(), name: z.string() })),
  districts: z.array(z.object({ code: z.string(), name: z.string(), macroArea: z.string() })),
  provinces: z.array(z.object({ code: z.string(), name: z.string() })),
});
export type StatsOptions = z.infer<typeof statsOptionsOutput>;
