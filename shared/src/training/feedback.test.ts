import { describe, expect, it } from 'vitest';
import {
  averageOf,
  FEEDBACK_DIMENSIONS,
  feedbackAverages,
  summariseFeedback,
  summariseScores,
  type FeedbackScores,
} from './feedback';

const all = (score: number): FeedbackScores =>
  Object.fromEntries(FEEDBACK_DIMENSIONS.map((d) => [d, score])) as FeedbackScores;

describe('feedback averages', () => {
  it('rounds to one decimal, halves up, from the integer sum', () => {
    expect(averageOf(89, 20)).toBe(4.5); // 4.45
    expect(averageOf(17, 4)).toBe(4.3); // 4.25
    expect(averageOf(22, 5)).toBe(4.4);
    expect(averageOf(13, 3)).toBe(4.3); // 4.333…
    expect(averageOf(0, 0)).toBeNull();
  });

  it('counts the distribution and leaves out what is not a 1–5 score', () => {
    expect(summariseScores([5, 5, 4, 3, 1, 0, 6, 2.5])).toEqual({
      average: 3.6,
      count: 5,
      distribution: [1, 0, 1, 1, 2],
    });
    expect(summariseScores([])).toEqual({ average: null, count: 0, distribution: [0, 0, 0, 0, 0] });
  });

  it('summarises every dimension of a set of surveys', () => {
    const rows = [all(5), all(4), { ...all(3), logistics: 1 }];
    const summary = summariseFeedback(rows);
    expect(summary.responses).toBe(3);
    expect(summary.dimensions.usefulness).toEqual({ average: 4, count: 3, distribution: [0, 0, 1, 1, 1] });
    expect(summary.dimensions.logistics).toEqual({ average: 3.3, count: 3, distribution: [1, 0, 0, 1, 1] });
    expect(feedbackAverages(rows)).toEqual({
      responses: 3,
      usefulness: 4,
      logistics: 3.3,
      method: 4,
      tutoring: 4,
      teaching: 4,
      planning: 4,
    });
    expect(feedbackAverages([])).toEqual({
      responses: 0,
      usefulness: null,
      logistics: null,
      method: null,
      tutoring: null,
      teaching: null,
      planning: null,
    });
  });
});
