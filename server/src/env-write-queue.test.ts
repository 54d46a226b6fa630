import { describe, expect, it } from 'vitest';
import { parseEnv } from './env';

describe('VALORE_WRITE_QUEUE_MAX, VALORE_WRITE_WAIT_MAX_MS (backpressure on the write path, issue 15)', () => {
  it('default to 1,000 waiting writes and a 10 s wait', () => {
    const env = parseEnv({});
    expect([env.VALORE_WRITE_QUEUE_MAX, env.VALORE_WRITE_WAIT_MAX_MS]).toEqual([1_000, 10_000]);
  });

  it('take whole numbers; a wait of 0 means no limit on the wait', () => {
    const env = parseEnv({ VALORE_WRITE_QUEUE_MAX: '5', VALORE_WRITE_WAIT_MAX_MS: '0' });
    expect([env.VALORE_WRITE_QUEUE_MAX, env.VALORE_WRITE_WAIT_MAX_MS]).toEqual([5, 0]);
  });

  it.each([
    ['VALORE_WRITE_QUEUE_MAX', '0'],
    ['VALORE_WRITE_QUEUE_MAX', '2.5'],
    ['VALORE_WRITE_QUEUE_MAX', 'many'],
    ['VALORE_WRITE_WAIT_MAX_MS', '-1'],
  ])('refuse %s=%s at start, naming the variable', (name, value) => {
    expect(() => parseEnv({ [name]: value })).toThrow(name);
  });
});
