import { describe, expect, it } from 'vitest';
import {
  checkFormToken,
  formToken,
  LINK_GRACE_MS,
  LINK_MAX_LIFETIME_MS,
  mintSelfServiceToken,
  selfServiceExpiry,
  verifySelfServiceToken,
} from './self-service-token';

const NOW = new Date('2026-11-26T09:00:00Z');
const EXP = new Date('2026-12-03T10:00:00Z');
const CALLBACK_ID = '3f0c2a9e-7b1d-4c55-9e0a-1b2c3d4e5f60';

describe('self-service link tokens', () => {
  it('carry the purpose and the id, and verify with the right secret until they expire', () => {
    const a = mintSelfServiceToken('s3cret', { purpose: 'a', id: 4711 }, EXP);
    const c = mintSelfServiceToken('s3cret', { purpose: 'c', id: CALLBACK_ID }, EXP);
    expect(a).toMatch(/^a\.[0-9a-z]+\.[0-9a-z]+\.[A-Za-z0-9_-]{16}$/);
    expect(a.length).toBeLessThanOrEqual(32);
    expect(c.length).toBeLessThanOrEqual(50);
    expect(verifySelfServiceToken('s3cret', a, NOW)).toEqual({
      ok: true,
      subject: { purpose: 'a', id: 4711 },
      expiresAt: EXP,
    });
    expect(verifySelfServiceToken('s3cret', c, NOW)).toEqual({
      ok: true,
      subject: { purpose: 'c', id: CALLBACK_ID },
      expiresAt: EXP,
    });
    expect(verifySelfServiceToken('other', a, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifySelfServiceToken('s3cret', a, EXP)).toEqual({ ok: false, reason: 'expired' });
    expect(verifySelfServiceToken('s3cret', a, new Date(EXP.getTime() - 1000))).toMatchObject({ ok: true });
  });

  it('refuse any tampering: another id, a later expiry, another purpose, a changed signature', () => {
    const a = mintSelfServiceToken('s3cret', { purpose: 'a', id: 4711 }, EXP);
    const [purpose, id, exp, sig = ''] = a.split('.');
    const later = Math.floor(Date.parse('2027-06-01T00:00:00Z') / 1000).toString(36);
    for (const forged of [
      `${purpose}.${(4712).toString(36)}.${exp}.${sig}`,
      `${purpose}.${id}.${later}.${sig}`,
      `c.${id}.${exp}.${sig}`,
      `${purpose}.${id}.${exp}.${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`,
    ]) {
      expect(verifySelfServiceToken('s3cret', forged, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    }
    for (const junk of ['', 'nonsense', `${a}x`, `x.${id}.${exp}.${sig}`, `a.${id}.${exp}`, `a.-1.${exp}.${sig}`]) {
      expect(verifySelfServiceToken('s3cret', junk, NOW)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('refuse a genuine token used for the other purpose', () => {
    const a = mintSelfServiceToken('s3cret', { purpose: 'a', id: 12 }, EXP);
    const c = mintSelfServiceToken('s3cret', { purpose: 'c', id: CALLBACK_ID }, EXP);
    expect(verifySelfServiceToken('s3cret', a, NOW, 'c')).toEqual({ ok: false, reason: 'wrong_purpose' });
    expect(verifySelfServiceToken('s3cret', c, NOW, 'a')).toEqual({ ok: false, reason: 'wrong_purpose' });
    expect(verifySelfServiceToken('s3cret', c, NOW, 'c')).toMatchObject({ ok: true });
  });

  it('expire a little after the appointment or callback, and never later than the cap', () => {
    const soon = '2026-11-28T10:30:00.000Z';
    expect(selfServiceExpiry(soon, NOW).getTime()).toBe(Date.parse(soon) + LINK_GRACE_MS);
    const far = '2027-09-01T10:30:00.000Z';
    expect(selfServiceExpiry(far, NOW).getTime()).toBe(NOW.getTime() + LINK_MAX_LIFETIME_MS);
  });

  it('mint nothing for an id that is not one', () => {
    expect(() => mintSelfServiceToken('s', { purpose: 'a', id: 0 }, EXP)).toThrow();
    expect(() => mintSelfServiceToken('s', { purpose: 'c', id: 'not-a-uuid' }, EXP)).toThrow();
  });

  it('bind a form token to its link and its request id', () => {
    const link = mintSelfServiceToken('s3cret', { purpose: 'a', id: 12 }, EXP);
    const other = mintSelfServiceToken('s3cret', { purpose: 'a', id: 13 }, EXP);
    const t = formToken('s3cret', link, 'req-1');
    expect(checkFormToken('s3cret', link, 'req-1', t)).toBe(true);
    expect(checkFormToken('s3cret', other, 'req-1', t)).toBe(false);
    expect(checkFormToken('s3cret', link, 'req-2', t)).toBe(false);
    expect(checkFormToken('other', link, 'req-1', t)).toBe(false);
    expect(checkFormToken('s3cret', link, 'req-1', '')).toBe(false);
  });
});
