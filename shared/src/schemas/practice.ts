import { z } from 'zod';
import { CONSENT_CHANNELS, FLOW_EVENT_TYPES, FUNNEL_CHANNELS, NOT_REACHED_REASONS } from '../flows/event-names';
import { STEP_IDS } from '../flows/types';
import { FLOWS, OUTCOMES, VALUE_OUTCOMES } from '../reference/outcomes';
import { OBJECTION_KINDS, PERSONA_IDS } from '../training/personas';
import { MAX_PRACTICE_TURNS } from '../training/practice-play';
import { MAX_SEED } from '../training/practice-random';
import { PRACTICE_CRITERIA, PRACTICE_REASONS } from '../training/practice-score';
import { clientId, id, productCode, text } from './common';
import { scriptDefinitionSchema } from './script-definition';

/**
 * Practice mode (docs/api.md, `practice.*`; docs/training.md, "Practice mode"): an operator plays a published script
 * against a simulated customer; the server keeps its own records, scores the contact and lets tutors assign practice
 * sets. Every input is bounded: a path of at most 200 choices, texts of a known length.
 */

const semver = z.string().regex(/^\d{1,3}\.\d{1,3}\.\d{1,3}$/, 'Use a version such as 1.2.0');
/** The longest a practice contact may last (4 hours), in ms. */
export const MAX_PRACTICE_MS = 4 * 3_600_000;
const ms = z.number().int('Whole milliseconds').min(0, 'Not negative').max(MAX_PRACTICE_MS, 'At most 4 hours');
const objectionCode = z.string().regex(/^[a-z0-9_]{1,32}$/, 'Lower-case letters, digits and _ only');
const day = z.iso
  .date({ message: 'Use a date as YYYY-MM-DD' })
  .refine((d) => d >= '2000-01-01' && d <= '2099-12-31', 'Choose a date between 2000 and 2099');
const prompt = z.object({ it: z.string(), en: z.string() });

export const personaId = z.enum(PERSONA_IDS);

export const personaSummary = z.object({
  id: personaId,
  name: prompt,
  description: prompt,
  /** the synthetic customer's age range */
  age: z.tuple([z.number(), z.number()]),
  products: z.array(z.string()),
  holds: z.array(z.string()),
});
export type PersonaSummary = z.infer<typeof personaSummary>;

/** A script a practice plays: a flow, and a version (absent: the flow's newest published version). */
export const practiceScriptRef = z.object({ flow: z.enum(FLOWS), version: semver.optional() }).strict();
export type PracticeScriptRef = z.infer<typeof practiceScriptRef>;

export const practiceStartInput = z
  .object({
    requestId: clientId,
    flow: z.enum(FLOWS),
    version: semver.optional(),
    personaId,
    /** the conversation's seed (absent: the server draws one); the same seed plays the same customer */
    seed: z.number().int('A whole number').min(0).max(MAX_SEED).optional(),
    /** counts the contact towards this practice assignment of the caller */
    assignmentId: id.optional(),
  })
  .strict();
export type PracticeStartInput = z.infer<typeof practiceStartInput>;

export const syntheticCustomerSchema = z.object({
  synthetic: z.literal(true),
  firstName: z.string(),
  lastName: z.string(),
  birthDate: z.string(),
  taxCode: z.string(),
  phone: z.string(),
  email: z.string(),
  city: z.string(),
  hasMarketingConsent: z.boolean(),
  holds: z.array(z.string()),
});

const weightMap = z.record(z.string(), z.number());
export const practiceWeightsSchema = z.object({
  flow: z.enum(FLOWS),
  persona: personaId,
  steps: z.partialRecord(z.enum(STEP_IDS), z.partialRecord(z.enum(FLOW_EVENT_TYPES), z.number())),
  objections: z.partialRecord(z.enum(OBJECTION_KINDS), z.number()),
  rebuttal: z.record(z.enum(OBJECTION_KINDS), z.number()),
  close: weightMap,
  consentChannel: weightMap,
  funnelChannel: weightMap,
});

/** The script's input as the console starts the machine with it (flows/types.ts FlowInput). */
export const practiceFlowInput = z.object({
  customer: z.object({ id: z.null(), hasMarketingConsent: z.boolean() }),
  products: z.record(z.string(), z.array(z.enum(VALUE_OUTCOMES))),
  presetProductCode: z.string().nullable(),
  leadFollowUp: z.boolean(),
});

export const practiceStartOutput = z.object({
  practiceId: z.number().int(),
  seed: z.number().int(),
  persona: personaSummary,
  customer: syntheticCustomerSchema,
  weights: practiceWeightsSchema,
  script: z.object({ flow: z.enum(FLOWS), version: z.string(), definition: scriptDefinitionSchema }),
  input: practiceFlowInput,
  assignmentId: z.number().int().nullable(),
  startedAt: z.string(),
});
export type PracticeStartOutput = z.infer<typeof practiceStartOutput>;

export const practiceReplyInput = z
  .object({
    practiceId: id,
    step: z.enum(STEP_IDS),
    turn: z.number().int().min(0).max(MAX_PRACTICE_TURNS),
    options: z
      .object({
        choices: z.array(z.enum(FLOW_EVENT_TYPES)).max(FLOW_EVENT_TYPES.length),
        products: z.array(productCode).max(100).optional(),
        objection: z.object({ kind: objectionCode, rebuttalUsed: z.boolean() }).strict().nullable().optional(),
        objectionsRaised: z.number().int().min(0).max(50).optional(),
      })
      .strict(),
  })
  .strict();
export type PracticeReplyInput = z.infer<typeof practiceReplyInput>;

export const personaReplySchema = z.object({
  step: z.enum(STEP_IDS),
  turn: z.number().int(),
  choice: z.enum(FLOW_EVENT_TYPES).nullable(),
  details: z.object({
    channel: z.enum(CONSENT_CHANNELS).optional(),
    productCode: z.string().optional(),
    reason: z.enum(NOT_REACHED_REASONS).optional(),
    objection: z.object({ kind: z.enum(OBJECTION_KINDS), code: z.string().nullable() }).optional(),
  }),
  text: prompt,
});

export const practicePathEntry = z
  .object({
    step: z.enum(STEP_IDS),
    choice: z.enum(FLOW_EVENT_TYPES),
    /** ms since the practice contact started */
    at: ms,
    productCode: productCode.optional(),
    channel: z.enum(CONSENT_CHANNELS).optional(),
    reason: z.enum(NOT_REACHED_REASONS).optional(),
    objectionCode: objectionCode.optional(),
  })
  .strict()
  .superRefine((e, ctx) => {
    if (e.choice === 'needs.identified' && !e.productCode) {
      ctx.addIssue({ code: 'custom', path: ['productCode'], message: 'Give the product of the need' });
    }
    if (e.choice === 'consent.granted' && !e.channel) {
      ctx.addIssue({ code: 'custom', path: ['channel'], message: 'Give the channel of the consent' });
    }
    if (e.choice === 'outcome.funnel' && !(FUNNEL_CHANNELS as readonly string[]).includes(e.channel ?? '')) {
      ctx.addIssue({ code: 'custom', path: ['channel'], message: 'Send the link by sms or email' });
    }
  });

export const practiceCompleteInput = z
  .object({
    requestId: clientId,
    practiceId: id,
    path: z
      .array(practicePathEntry)
      .min(1, 'Record at least one choice')
      .max(MAX_PRACTICE_TURNS, `At most ${MAX_PRACTICE_TURNS} choices`),
    outcome: z.enum(OUTCOMES),
    consentAsked: z.boolean(),
    objections: z
      .array(z.object({ kind: objectionCode, rebuttalUsed: z.boolean() }).strict())
      .max(50, 'At most 50 objections'),
    durationMs: ms,
  })
  .strict();
export type PracticeCompleteInput = z.infer<typeof practiceCompleteInput>;

export const practiceScoreSchema = z.object({
  total: z.number().int(),
  criteria: z.array(
    z.object({
      criterion: z.enum(PRACTICE_CRITERIA),
      points: z.number().int(),
      max: z.number().int(),
      reason: z.enum(PRACTICE_REASONS),
      steps: z.array(z.enum(STEP_IDS)).optional(),
    }),
  ),
});

export const practiceCompleteOutput = z.object({
  practiceId: z.number().int(),
  outcome: z.enum(OUTCOMES),
  score: practiceScoreSchema,
  completedAt: z.string(),
});
export type PracticeCompleteOutput = z.infer<typeof practiceCompleteOutput>;

export const practiceMineInput = z
  .object({ limit: z.number().int().min(1).max(200).default(50) })
  .strict()
  .default({ limit: 50 });

/** A tutor's scorecard: the five criteria rated 1–5 (any of them), an overall rating, comments. */
const rating = z.number().int('A whole number').min(1, 'From 1').max(5, 'To 5');
export const practiceScorecardSchema = z.object({
  scorecardId: z.number().int(),
  practiceId: z.number().int(),
  tutorId: z.number().int(),
  tutorName: z.string(),
  scores: z.partialRecord(z.enum(PRACTICE_CRITERIA), z.number()),
  overall: z.number().int(),
  comments: z.string().nullable(),
  savedAt: z.string(),
});

export const practiceContactSummary = z.object({
  practiceId: z.number().int(),
  userId: z.number().int(),
  flow: z.enum(FLOWS),
  version: z.string(),
  personaId,
  seed: z.number().int(),
  assignmentId: z.number().int().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  outcome: z.enum(OUTCOMES).nullable(),
  totalScore: z.number().int().nullable(),
  score: practiceScoreSchema.nullable(),
  scorecard: practiceScorecardSchema.nullable(),
});

export const practiceAssignmentSummary = z.object({
  assignmentId: z.number().int(),
  setId: z.number().int(),
  name: z.string(),
  scripts: z.array(practiceScriptRef),
  personaIds: z.array(personaId),
  count: z.number().int(),
  dueDate: z.string().nullable(),
  assignedAt: z.string(),
  done: z.number().int(),
  averageScore: z.number().nullable(),
});

export const practiceMineOutput = z.object({
  assignments: z.array(practiceAssignmentSummary),
  contacts: z.array(practiceContactSummary),
});
export type PracticeMineOutput = z.infer<typeof practiceMineOutput>;

export const practiceAssignInput = z
  .object({
    requestId: clientId,
    name: text(120).pipe(z.string().min(1, 'Name the practice set')),
    userIds: z
      .array(id)
      .min(1, 'Choose at least one operator')
      .max(200)
      .refine((ids) => new Set(ids).size === ids.length, 'An operator is listed twice'),
    scripts: z.array(practiceScriptRef).min(1, 'Choose at least one script').max(20),
    personaIds: z
      .array(personaId)
      .min(1, 'Choose at least one persona')
      .max(PERSONA_IDS.length)
      .refine((ids) => new Set(ids).size === ids.length, 'A persona is listed twice'),
    count: z.number().int('A whole number').min(1, 'At least 1').max(100, 'At most 100'),
    dueDate: day.nullable().default(null),
  })
  .strict();
export type PracticeAssignInput = z.infer<typeof practiceAssignInput>;

export const practiceAssignOutput = z.object({
  setId: z.number().int(),
  assignments: z.array(z.object({ assignmentId: z.number().int(), userId: z.number().int() })),
});

export const practiceProgressInput = z.object({ siteId: id.optional(), setId: id.optional() }).strict().default({});
export type PracticeProgressInput = z.infer<typeof practiceProgressInput>;

export const practiceProgressOutput = z.object({
  sets: z.array(
    z.object({
      setId: z.number().int(),
      name: z.string(),
      scripts: z.array(practiceScriptRef),
      personaIds: z.array(personaId),
      count: z.number().int(),
      dueDate: z.string().nullable(),
      createdAt: z.string(),
      createdBy: z.string().nullable(),
      operators: z.array(
        z.object({
          assignmentId: z.number().int(),
          userId: z.number().int(),
          name: z.string(),
          siteId: z.number().int().nullable(),
          done: z.number().int(),
          required: z.number().int(),
          averageScore: z.number().nullable(),
          lastAt: z.string().nullable(),
        }),
      ),
    }),
  ),
});
export type PracticeProgressOutput = z.infer<typeof practiceProgressOutput>;

export const practiceScorecardInput = z
  .object({
    requestId: clientId,
    practiceId: id,
    scores: z
      .partialRecord(z.enum(PRACTICE_CRITERIA), rating)
      .refine((s) => Object.keys(s).length > 0, 'Rate at least one criterion'),
    overall: rating,
    comments: text(2000).nullable().default(null),
  })
  .strict();
export type PracticeScorecardInput = z.infer<typeof practiceScorecardInput>;

/** The operators a tutor may assign practice to (their site's active operators; an admin's: every site's, or one). */
export const practiceLearnersInput = z.object({ siteId: id.optional() }).strict().default({});
export type PracticeLearnersInput = z.infer<typeof practiceLearnersInput>;
export const practiceLearner = z.object({ userId: z.number().int(), name: z.string(), siteId: z.number().int() });
export type PracticeLearner = z.infer<typeof practiceLearner>;

/** One operator's practice contacts as their tutor sees them (to score them), optionally those of one set. */
export const practiceContactsInput = z
  .object({ userId: id, setId: id.optional(), limit: z.number().int().min(1).max(200).default(50) })
  .strict();
export type PracticeContactsInput = z.infer<typeof practiceContactsInput>;
export type PracticeContactSummary = z.infer<typeof practiceContactSummary>;
