/**
 * The feedback survey of a training session (docs/training.md): each learner who attended scores six dimensions from
 * 1 to 5, as the source's survey did; results are averages with their count and distribution. One rule for every
 * average shown (the report, the results table, the CSV): rounded to one decimal, halves up, from the exact integer
 * sum, and null when nobody answered.
 */

export const FEEDBACK_DIMENSIONS = ['usefulness', 'logistics', 'method', 'tutoring', 'teaching', 'planning'] as const;
export type FeedbackDimension = (typeof FEEDBACK_DIMENSIONS)[number];
export type FeedbackScores = Record<FeedbackDimension, number>;

/** The dimensions as the source's survey names them. */
export const FEEDBACK_DIMENSION_LABELS: Record<FeedbackDimension, { it: string; en: string }> = {
  usefulness: { it: 'Utilità professionale', en: 'Professional usefulness' },
  logistics: { it: 'Logistica', en: 'Logistics' },
  method: { it: 'Metodologia didattica', en: 'Teaching method' },
  tutoring: { it: 'Tutoraggio', en: 'Tutoring' },
  teaching: { it: 'Docenza', en: 'Teaching' },
  planning: { it: 'Pianificazione e organizzazione', en: 'Planning and organisation' },
};

/** How many answers gave 1, 2, 3, 4 and 5. */
export type ScoreDistribution = [number, number, number, number, number];

export interface ScoreSummary {
  /** mean of the scores, one decimal (halves up); null without answers */
  average: number | null;
  count: number;
  distribution: ScoreDistribution;
}

export interface FeedbackSummary {
  responses: number;
  dimensions: Record<FeedbackDimension, ScoreSummary>;
}

/** `sum ÷ count` to one decimal, halves up, computed on integers (so 89 ÷ 20 = 4.45 gives 4.5); null for no count. */
export function averageOf(sum: number, count: number): number | null {
  if (count <= 0) return null;
  return Math.round((sum * 10) / count) / 10;
}

/** One dimension's answers: scores outside 1–5 (or not whole) are not answers and are left out. */
export function summariseScores(scores: readonly number[]): ScoreSummary {
  const distribution: ScoreDistribution = [0, 0, 0, 0, 0];
  let sum = 0;
  let count = 0;
  for (const score of scores) {
    if (!Number.isInteger(score) || score < 1 || score > 5) continue;
    distribution[score - 1] = (distribution[score - 1] ?? 0) + 1;
    sum += score;
    count++;
  }
  return { average: averageOf(sum, count), count, distribution };
}

/** Every dimension of a set of answered surveys. */
export function summariseFeedback(rows: readonly FeedbackScores[]): FeedbackSummary {
  const dimensions = {} as Record<FeedbackDimension, ScoreSummary>;
  for (const d of FEEDBACK_DIMENSIONS) dimensions[d] = summariseScores(rows.map((r) => r[d]));
  return { responses: rows.length, dimensions };
}

/** The averages alone (the shape of `training.report`'s `feedback`). */
export function feedbackAverages(rows: readonly FeedbackScores[]): Record<FeedbackDimension, number | null> & {
  responses: number;
} {
  const summary = summariseFeedback(rows);
  const out = { responses: summary.responses } as Record<FeedbackDimension, number | null> & { responses: number };
  for (const d of FEEDBACK_DIMENSIONS) out[d] = summary.dimensions[d].average;
  return out;
}
