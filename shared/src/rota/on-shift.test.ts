import { describe, expect, it } from 'vitest';
import { isOnShift } from './on-shift';

describe('who is on shift (the rule the wallboard and the Call Me Back capacity share)', () => {
  const saturday = { kind: 'saturday' as const, starts: '07:30', ends: '15:12' };
  const rest = { kind: 'rest' as const, starts: null, ends: null };
  it('on a weekday everyone, unless recovering a Saturday that day', () => {
    expect(isOnShift('2026-12-02', 600, [])).toBe(true); // Wednesday
    expect(isOnShift('2026-12-02', 600, [rest])).toBe(false);
  });
  it('on a Saturday only with a shift holding the minute (start included, end excluded); on a Sunday nobody', () => {
    expect(isOnShift('2026-12-05', 600, [])).toBe(false);
    expect(isOnShift('2026-12-05', 450, [saturday])).toBe(true); // 07:30
    expect(isOnShift('2026-12-05', 900, [saturday])).toBe(true); // 15:00
    expect(isOnShift('2026-12-05', 912, [saturday])).toBe(false); // 15:12
    expect(isOnShift('2026-12-05', 449, [saturday])).toBe(false);
    expect(isOnShift('2026-12-06', 600, [saturday])).toBe(false);
  });
});
