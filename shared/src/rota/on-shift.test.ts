import { describe, expect, it } from 'vitest';
import { isOnShift, onShiftWindows } from './on-shift';

describe('who is on shift (the rule the wallboard, adherence and the Call Me Back capacity share)', () => {
  const saturday = { kind: 'saturday' as const, starts: '07:30', ends: '15:12' };
  const rest = { kind: 'rest' as const, starts: null, ends: null };
  const morning = { kind: 'weekday' as const, starts: '08:00', ends: '14:00' };
  const evening = { kind: 'weekday' as const, starts: '15:00', ends: '19:30' };
  const dayOff = { kind: 'weekday' as const, starts: null, ends: null };

  it('on a weekday without planned hours everyone, unless recovering a Saturday that day', () => {
    expect(isOnShift('2026-12-02', 600, [])).toBe(true); // Wednesday
    expect(isOnShift('2026-12-02', 600, [rest])).toBe(false);
  });

  it('on a weekday with planned hours only inside them (start included, end excluded); a day off: never', () => {
    expect(isOnShift('2026-12-02', 479, [morning])).toBe(false); // 07:59
    expect(isOnShift('2026-12-02', 480, [morning])).toBe(true); // 08:00
    expect(isOnShift('2026-12-02', 839, [morning])).toBe(true); // 13:59
    expect(isOnShift('2026-12-02', 840, [morning])).toBe(false); // 14:00
    expect(isOnShift('2026-12-02', 870, [morning, evening])).toBe(false); // 14:30, between the two
    expect(isOnShift('2026-12-02', 900, [morning, evening])).toBe(true); // 15:00
    expect(isOnShift('2026-12-02', 600, [dayOff])).toBe(false);
    // a rest day wins over planned hours (an overlap the rota flags before publishing)
    expect(isOnShift('2026-12-02', 600, [morning, rest])).toBe(false);
  });

  it('on a Saturday only with a shift holding the minute (start included, end excluded); on a Sunday nobody', () => {
    expect(isOnShift('2026-12-05', 600, [])).toBe(false);
    expect(isOnShift('2026-12-05', 450, [saturday])).toBe(true); // 07:30
    expect(isOnShift('2026-12-05', 900, [saturday])).toBe(true); // 15:00
    expect(isOnShift('2026-12-05', 912, [saturday])).toBe(false); // 15:12
    expect(isOnShift('2026-12-05', 449, [saturday])).toBe(false);
    expect(isOnShift('2026-12-06', 600, [saturday])).toBe(false);
    // weekday rows say nothing about a Saturday or a Sunday
    expect(isOnShift('2026-12-05', 600, [morning])).toBe(false);
    expect(isOnShift('2026-12-06', 600, [morning])).toBe(false);
  });

  it('gives the stretches of the open hours the rule has someone on shift', () => {
    const open = { opens: 450, closes: 1170 }; // 07:30–19:30
    expect(onShiftWindows('2026-12-02', open, [])).toEqual([{ from: 450, to: 1170 }]);
    expect(onShiftWindows('2026-12-02', open, [rest])).toEqual([]);
    expect(onShiftWindows('2026-12-02', open, [dayOff])).toEqual([]);
    expect(onShiftWindows('2026-12-02', open, [evening, morning])).toEqual([
      { from: 480, to: 840 },
      { from: 900, to: 1170 },
    ]);
    // hours beyond the open ones are clipped to them; touching shifts make one stretch
    const early = { kind: 'weekday' as const, starts: '06:00', ends: '10:00' };
    const late = { kind: 'weekday' as const, starts: '10:00', ends: '21:00' };
    expect(onShiftWindows('2026-12-02', open, [early, late])).toEqual([{ from: 450, to: 1170 }]);
    expect(onShiftWindows('2026-12-05', { opens: 450, closes: 912 }, [saturday])).toEqual([{ from: 450, to: 912 }]);
    expect(onShiftWindows('2026-12-05', { opens: 450, closes: 912 }, [])).toEqual([]);
    expect(onShiftWindows('2026-12-02', null, [])).toEqual([]);
  });
});
