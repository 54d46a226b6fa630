import { describe, expect, it } from 'vitest';
import { availableActions, formatDay, formatTime, isDay } from './format';

const NOW = Date.parse('2026-11-27T10:00:00Z');
const before = '2026-11-27T09:00:00Z';
const after = '2026-11-27T11:00:00Z';

describe('the buttons a row offers', () => {
  it('a booked appointment still to come: attended or cancel, not a no-show yet', () => {
    expect(availableActions({ status: 'booked', startsAt: after }, NOW)).toEqual({
      attended: true,
      no_show: false,
      cancel: true,
    });
  });
  it('a booked appointment that has started: attended or no-show, no longer cancel', () => {
    expect(availableActions({ status: 'booked', startsAt: before }, NOW)).toEqual({
      attended: true,
      no_show: true,
      cancel: false,
    });
  });
  it('recorded attendance can be corrected either way, a cancellation is final', () => {
    expect(availableActions({ status: 'attended', startsAt: before }, NOW)).toEqual({
      attended: false,
      no_show: true,
      cancel: false,
    });
    expect(availableActions({ status: 'no_show', startsAt: before }, NOW)).toEqual({
      attended: true,
      no_show: false,
      cancel: false,
    });
    expect(availableActions({ status: 'cancelled', startsAt: after }, NOW)).toEqual({
      attended: false,
      no_show: false,
      cancel: false,
    });
  });
});

describe('dates in Rome time', () => {
  it('formats the day and the time in Italian, whatever the browser zone', () => {
    expect(formatDay('it-IT', '2026-12-03')).toBe('giovedì 3 dicembre 2026');
    expect(formatTime('it-IT', '2026-12-03T09:30:00Z')).toBe('10:30');
    expect(formatTime('it-IT', '2026-07-03T09:30:00Z')).toBe('11:30');
  });
  it('accepts only whole dates as a day', () => {
    expect(isDay('2026-12-03')).toBe(true);
    expect(isDay('')).toBe(false);
    expect(isDay('2026-13-45')).toBe(false);
  });
});
