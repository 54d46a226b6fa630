import { describe, expect, it } from 'vitest';
import { parseEnv } from './env';

describe('VALORE_DATABASE_URL', () => {
  it('is unset by default: the server runs on the SQLite file', () => {
    const env = parseEnv({});
    expect([env.VALORE_DATABASE_URL, env.VALORE_DB]).toEqual([undefined, 'data/valore.sqlite']);
  });

  it('takes a PostgreSQL URL', () => {
    const url = 'postgres://valore:secret@db:5432/valore';
    expect(parseEnv({ VALORE_DATABASE_URL: url }).VALORE_DATABASE_URL).toBe(url);
    expect(parseEnv({ VALORE_DATABASE_URL: 'postgresql://db/valore' }).VALORE_DATABASE_URL).toBe(
      'postgresql://db/valore',
    );
  });

  it.each(['mysql://db/valore', 'postgres://db', 'valore.sqlite', 'postgres://valore:secret@db:5432/'])(
    'refuses %s at start, naming the form it takes and never echoing a password',
    (value) => {
      expect(() => parseEnv({ VALORE_DATABASE_URL: value })).toThrow(/postgres:\/\/user:password@host:port\/database/);
      expect(() => parseEnv({ VALORE_DATABASE_URL: value })).not.toThrow(/secret/);
    },
  );
});
