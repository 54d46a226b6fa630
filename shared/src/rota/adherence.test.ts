import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adherenceOver } from './adherence';

const H = 3_600_000;

describe('adherence over a window', () => {
  it('counts each stretch in the state that held then, from the state before the window', () => {
    // expected 08:00–12:00; signed in Ready at 08:30, paused 10:00–10:15, on a contact 11:00–11:20, signed out 11:30
    const at = (h: number) => h * H;
    const figures = adherenceOver({ from: at(8), to: at(12) }, 'signed_out', [
      { at: at(8.5), state: 'ready' },
      { at: at(10), state: 'paused' },
      { at: at(10.25), state: 'ready' },
      { at: at(11), state: 'on_contact' },
      { at: at(11 + 1 / 3), state: 'after_call_work' },
      { at: at(11.5), state: 'signed_out' },
    ]);
    expect(figures).toEqual({ expectedMs: 4 * H, workingMs: 2.75 * H, pausedMs: 0.25 * H, absentMs: H });
  });

  it('an empty window counts nothing; no status at all is absent', () => {
    expect(adherenceOver({ from: 5, to: 5 }, 'ready', [])).toEqual({
      expectedMs: 0,
      workingMs: 0,
      pausedMs: 0,
      absentMs: 0,
    });
    expect(adherenceOver({ from: 0, to: H }, null, [])).toEqual({
      expectedMs: H,
      workingMs: 0,
      pausedMs: 0,
      absentMs: H,
    });
  });

  it('always splits the whole window, whatever the changes (before, inside, after it)', () => {
    const state = fc.constantFrom('signed_out', 'ready', 'paused', 'on_contact', 'after_call_work');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 * H }),
        fc.integer({ min: 0, max: 10 * H }),
        fc.option(state, { nil: null }),
        fc.array(fc.record({ at: fc.integer({ min: -H, max: 12 * H }), state })),
        (a, b, initial, changes) => {
          const window = { from: Math.min(a, b), to: Math.max(a, b) };
          const sorted = [...changes].sort((x, y) => x.at - y.at);
          const f = adherenceOver(window, initial, sorted);
          expect(f.workingMs + f.pausedMs + f.absentMs).toBe(f.expectedMs);
          expect(f.expectedMs).toBe(window.to - window.from);
          expect(Math.min(f.workingMs, f.pausedMs, f.absentMs)).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });
});
