import { describe, expect, it } from 'vitest';
import { parseEnv, retentionConfig } from './env';

describe('VALORE_RETENTION_*', () => {
  it('defaults to the periods of the issue: 90 days, 7 days, 30 days, 24 months, at 03:00', () => {
    expect(retentionConfig(parseEnv({}))).toEqual({
      outboxDays: 90,
      idempotencyDays: 7,
      importRejectsDays: 30,
      auditMonths: 24,
      hour: 3,
      batchSize: 500,
    });
  });

  it('reads each period and the hour, or off', () => {
    const env = parseEnv({
      VALORE_RETENTION_OUTBOX_DAYS: '30',
      VALORE_RETENTION_IDEMPOTENCY_DAYS: '2',
      VALORE_RETENTION_IMPORT_REJECTS_DAYS: '10',
      VALORE_RETENTION_AUDIT_MONTHS: '12',
      VALORE_RETENTION_HOUR: '23',
    });
    expect(retentionConfig(env)).toMatchObject({
      outboxDays: 30,
      idempotencyDays: 2,
      importRejectsDays: 10,
      auditMonths: 12,
      hour: 23,
    });
    expect(retentionConfig(parseEnv({ VALORE_RETENTION_HOUR: 'off' })).hour).toBeNull();
    expect(retentionConfig(parseEnv({ VALORE_RETENTION_HOUR: '0' })).hour).toBe(0);
  });

  it('refuses at start what would break a rule: audit under six months, no idempotency period, a 25th hour', () => {
    expect(() => parseEnv({ VALORE_RETENTION_AUDIT_MONTHS: '5' })).toThrow(/VALORE_RETENTION_AUDIT_MONTHS/);
    expect(() => parseEnv({ VALORE_RETENTION_IDEMPOTENCY_DAYS: '0' })).toThrow(/VALORE_RETENTION_IDEMPOTENCY_DAYS/);
    expect(() => parseEnv({ VALORE_RETENTION_HOUR: '24' })).toThrow(/hour 0–23/);
    expect(() => parseEnv({ VALORE_RETENTION_HOUR: 'never' })).toThrow(/VALORE_RETENTION_HOUR/);
  });
});
