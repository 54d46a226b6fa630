import { describe, expect, it } from 'vitest';
import { attendanceKeys, parseEnv } from './env';

describe('VALORE_ATTENDANCE_KEYS', () => {
  it('is a comma-separated list, blanks dropped', () => {
    const env = parseEnv({ VALORE_ATTENDANCE_KEYS: ' branch-a , ,branch-b ' });
    expect(attendanceKeys(env)).toEqual(['branch-a', 'branch-b']);
  });
  it('defaults to the demo key under the demo seed only, and can be emptied there', () => {
    expect(attendanceKeys(parseEnv({ VALORE_SEED: 'demo' }))).toEqual(['demo-attendance-key']);
    expect(attendanceKeys(parseEnv({}))).toEqual([]);
    expect(attendanceKeys(parseEnv({ VALORE_SEED: 'demo', VALORE_ATTENDANCE_KEYS: '' }))).toEqual([]);
  });
});
