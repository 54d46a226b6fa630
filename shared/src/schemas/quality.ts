import { z } from 'zod';
import { FLOWS, OUTCOMES } from '../reference/outcomes';
import { SCORE_MAX, SCORE_MIN } from '../reference/quality';
import { clientId, id } from './common';
import { coachingMessage } from './monitor';

const label = z.string().trim().min(1).max(80);

export const scorecardDimension = z
  .object({
    key: z
      .string()
      .trim()
      .min(1)
      .max(32)
      .regex(/^[a-z][a-z0-9_]*$/, 'Use lower-case letters, digits and _'),
    label: z.object({ it: label, en: label }).strict(),
  })
  .strict();

const dimensions = z
  .array(scorecardDimension)
  .min(1)
  .max(12)
  .refine((dims) => new Set(dims.map((d) => d.key)).size === dims.length, 'Dimension keys must be unique');

export const templateCreateInput = z
  .object({ requestId: clientId, name: z.string().trim().min(1).max(120), dimensions })
  .strict();
export type TemplateCreateInput = z.infer<typeof templateCreateInput>;

export const templateUpdateInput = z
  .object({
    requestId: clientId,
    id,
    name: z.string().trim().min(1).max(120),
    dimensions,
    active: z.boolean(),
  })
  .strict();
export type TemplateUpdateInput = z.infer<typeof templateUpdateInput>;

export const scorecardTemplate = z.object({
  id: z.number().int(),
  name: z.string(),
  dimensions: z.array(scorecardDimension),
  active: z.boolean(),
  updatedAt: z.string(),
});
export type ScorecardTemplate = z.infer<typeof scorecardTemplate>;

export const reviewablesInput = z.object({ siteId: id.optional() }).strict().default({});

export const SCORECARD_STATUSES = ['draft', 'released', 'acknowledged'] as const;

export const reviewable = z.object({
  interactionId: z.number().int(),
  operatorId: z.number().int(),
  operatorName: z.string(),
  flow: z.enum(FLOWS),
  outcome: z.enum(OUTCOMES),
  startedAt: z.string(),
  handleMs: z.number().int(),
  scorecardStatus: z.enum(SCORECARD_STATUSES).nullable(),
});
export type Reviewable = z.infer<typeof reviewable>;

export const interactionIdInput = z.object({ interactionId: id }).strict();

export const timelineStep = z.object({
  step: z.string(),
  enteredAt: z.string(),
  leftAt: z.string(),
  events: z.array(z.object({ type: z.string(), at: z.string() })),
  messages: z.array(coachingMessage),
});
export type TimelineStep = z.infer<typeof timelineStep>;

const score = z.number().int().min(SCORE_MIN).max(SCORE_MAX);

export const scorecardView = z.object({
  id: z.number().int(),
  interactionId: z.number().int(),
  templateId: z.number().int(),
  tutorName: z.string(),
  operatorId: z.number().int(),
  operatorName: z.string(),
  dimensions: z.array(scorecardDimension),
  scores: z.record(z.string(), score),
  criticalError: z.boolean(),
  comments: z.string().nullable(),
  status: z.enum(SCORECARD_STATUSES),
  createdAt: z.string(),
  releasedAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  flow: z.enum(FLOWS),
  outcome: z.enum(OUTCOMES),
  startedAt: z.string(),
});
export type ScorecardView = z.infer<typeof scorecardView>;

export const interactionReview = z.object({
  interaction: z.object({
    id: z.number().int(),
    clientId: z.string(),
    operatorId: z.number().int(),
    operatorName: z.string(),
    flow: z.enum(FLOWS),
    outcome: z.enum(OUTCOMES),
    productCode: z.string().nullable(),
    notes: z.string().nullable(),
    startedAt: z.string(),
    endedAt: z.string(),
    handleMs: z.number().int(),
    acwMs: z.number().int(),
  }),
  timeline: z.array(timelineStep),
  /** Messages whose step is not in the timeline (e.g. sent while dialling). */
  otherMessages: z.array(coachingMessage),
  template: scorecardTemplate,
  scorecard: scorecardView.nullable(),
});
export type InteractionReview = z.infer<typeof interactionReview>;

export const saveScorecardInput = z
  .object({
    requestId: clientId,
    interactionId: id,
    templateId: id,
    scores: z.record(z.string().max(32), score),
    criticalError: z.boolean(),
    comments: z.string().trim().max(2000).nullable(),
    /** true: release it to the operator (every dimension must be scored); false: keep it as a draft. */
    release: z.boolean(),
  })
  .strict();
export type SaveScorecardInput = z.infer<typeof saveScorecardInput>;

export const acknowledgeScorecardInput = z.object({ requestId: clientId, scorecardId: id }).strict();
/** A release can be taken back by its tutor this long after it, while the operator has not acknowledged it. */
export const UNRELEASE_WINDOW_MS = 5 * 60_000;
export const unreleaseScorecardInput = z.object({ requestId: clientId, scorecardId: id }).strict();
export type AcknowledgeScorecardInput = z.infer<typeof acknowledgeScorecardInput>;
