import { describe, expect, it } from 'vitest';
import { callOrder } from './call-order';

describe('drop-off steps in call order', () => {
  it('sorts steps as a call meets them, not by how many entered; an unknown step last', () => {
    const counted = [
      { step: 'close', entered: 10 },
      { step: 'retired_step', entered: 50 },
      { step: 'dialling', entered: 400 },
      { step: 'proposal', entered: 40 },
      { step: 'objection', entered: 12 },
      { step: 'identify', entered: 300 },
      { step: 'needs', entered: 90 },
    ];
    const sorted = [...counted].sort((a, b) => callOrder(a.step) - callOrder(b.step)).map((s) => s.step);
    expect(sorted).toEqual(['dialling', 'identify', 'needs', 'proposal', 'objection', 'close', 'retired_step']);
  });
});
