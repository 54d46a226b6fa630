import { describe, expect, it } from 'vitest';
import { parseEnv } from './env';

describe('VALORE_DATABASE_URL (issue 21, under way)', () => {
  it('is unset by default: the server runs on the SQLite file', () => {
    const env = parseEnv({});
    expect([env.VALORE_DATABASE_URL, env.VALORE_DB]).toEqual([undefined, 'data/valore.sqlite']);
  });

  it('stops the start with a reason rather than quietly use the SQLite file', () => {
    expect(() => parseEnv({ VALORE_DATABASE_URL: 'postgres://valore:secret@db:5432/valore' })).toThrow(
      /VALORE_DATABASE_URL: the server runs on the SQLite file \(VALORE_DB\) only so far/,
    );
    // and never echoes the password
    expect(() => parseEnv({ VALORE_DATABASE_URL: 'postgres://valore:secret@db:5432/valore' })).not.toThrow(/secret/);
  });

  it('names the form it takes when it is not a PostgreSQL URL', () => {
    expect(() => parseEnv({ VALORE_DATABASE_URL: 'mysql://db/valore' })).toThrow(/postgres:\/\/user:password@host/);
  });
});
