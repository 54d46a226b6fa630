import { describe, expect, it } from 'vitest';
import { completionOf } from './completion';

describe('course completion', () => {
  it('completes on the session whose hours reach the course’s', () => {
    const c = completionOf(
      [
        { sessionId: 3, date: '2022-12-14', starts: '09:00', hours: 3 },
        { sessionId: 1, date: '2022-12-01', starts: '09:00', hours: 2 },
        { sessionId: 2, date: '2022-12-07', starts: '09:00', hours: 1.5 },
      ],
      6,
    );
    expect(c).toEqual({ hours: 6.5, completed: true, completedOn: '2022-12-14', sessionId: 3 });
  });

  it('is not completed below the course’s hours; absences add nothing', () => {
    expect(
      completionOf(
        [
          { sessionId: 1, date: '2022-12-01', starts: '09:00', hours: 5.75 },
          { sessionId: 2, date: '2022-12-02', starts: '09:00', hours: 0 },
        ],
        6,
      ),
    ).toEqual({ hours: 5.75, completed: false, completedOn: null, sessionId: null });
    expect(completionOf([], 6)).toEqual({ hours: 0, completed: false, completedOn: null, sessionId: null });
  });

  it('orders two sessions of a day by their start, and completes exactly at the course’s hours', () => {
    const c = completionOf(
      [
        { sessionId: 9, date: '2022-12-01', starts: '14:00', hours: 3 },
        { sessionId: 8, date: '2022-12-01', starts: '09:00', hours: 3 },
      ],
      3,
    );
    expect(c).toMatchObject({ completed: true, completedOn: '2022-12-01', sessionId: 8, hours: 6 });
  });
});
