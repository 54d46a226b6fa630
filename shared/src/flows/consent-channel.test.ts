import { describe, expect, it } from 'vitest';
import { stepOf } from './index';
import { customerWith, on, playTo, replay } from './test-helpers';

/**
 * A proposal made on a call is a phone proposal: the consent step opens it only with consent for the phone. A consent
 * for e-mail or SMS given on the call is kept (the server records it) but leaves the script at the consent step.
 */
describe('consent by channel, in every script with a consent step', () => {
  const withoutConsent = customerWith({ consent: false });
  const byEmail = { type: 'consent.granted', channel: 'email' } as const;
  const bySms = { type: 'consent.granted', channel: 'sms' } as const;
  const campaignStart = [on.answer, on.identify] as const;
  const ocsStart = [on.identify, on.solved, on.willingToListen] as const;

  it.each([
    ['campaign', campaignStart],
    ['ocs_cross_sell', ocsStart],
  ] as const)('%s: an e-mail or SMS consent keeps the call at the consent step; no proposal follows', (flow, start) => {
    for (const consent of [byEmail, bySms]) {
      expect(stepOf(playTo(flow, withoutConsent, [...start, consent]))).toBe('consent');
      expect(
        replay(flow, withoutConsent, [...start, consent, on.need('CONTO'), on.accept, on.appointment]),
      ).toMatchObject({
        ok: false,
        reason: 'event needs.identified not allowed at step consent',
      });
    }
  });

  it.each([
    ['campaign', campaignStart],
    ['ocs_cross_sell', ocsStart],
  ] as const)('%s: consent for the phone, asked after an e-mail one, opens the proposal', (flow, start) => {
    expect(
      replay(flow, withoutConsent, [...start, byEmail, on.consentByPhone, on.need('CONTO'), on.accept, on.appointment]),
    ).toMatchObject({ ok: true, outcome: 'up_appointment' });
  });
});
