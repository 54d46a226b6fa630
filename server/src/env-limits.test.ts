import { describe, expect, it } from 'vitest';
import { parseEnv } from './env';
import { sizeInWords } from './http/body-limit';

describe('VALORE_MAX_BODY_KB, VALORE_IMPORT_MAX_MB, VALORE_IMPORT_MAX_STORED_REJECTS', () => {
  it('default to a 1 MB body, a 100 MB import and 10,000 stored rejects', () => {
    const env = parseEnv({});
    expect(env.VALORE_MAX_BODY_KB).toBe(1024);
    expect(env.VALORE_IMPORT_MAX_MB).toBe(100);
    expect(env.VALORE_IMPORT_MAX_STORED_REJECTS).toBe(10_000);
  });

  it('take whole numbers; 0 stored rejects keeps only the counts', () => {
    const env = parseEnv({
      VALORE_MAX_BODY_KB: '64',
      VALORE_IMPORT_MAX_MB: '5',
      VALORE_IMPORT_MAX_STORED_REJECTS: '0',
    });
    expect([env.VALORE_MAX_BODY_KB, env.VALORE_IMPORT_MAX_MB, env.VALORE_IMPORT_MAX_STORED_REJECTS]).toEqual([
      64, 5, 0,
    ]);
  });

  it.each([
    ['VALORE_MAX_BODY_KB', '8'],
    ['VALORE_MAX_BODY_KB', '1.5'],
    ['VALORE_IMPORT_MAX_MB', '0'],
    ['VALORE_IMPORT_MAX_MB', 'lots'],
    ['VALORE_IMPORT_MAX_STORED_REJECTS', '-1'],
  ])('refuse %s=%s at start, naming the variable', (name, value) => {
    expect(() => parseEnv({ [name]: value })).toThrow(name);
  });

  it('name a limit the way a person reads it', () => {
    expect(sizeInWords(1024 * 1024)).toBe('1 MB');
    expect(sizeInWords(100 * 1024 * 1024)).toBe('100 MB');
    expect(sizeInWords(16 * 1024)).toBe('16 KB');
    expect(sizeInWords(1536 * 1024)).toBe('1536 KB');
  });
});
