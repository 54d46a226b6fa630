import { describe, expect, it } from 'vitest';
import { availableEvents, FLOW_MACHINES, stepOf } from '../index';
import { customerWith, on, playTo, replay } from '../test-helpers';

const consenting = customerWith({ consent: true, preset: 'CONTO' });
const withoutConsent = customerWith({ consent: false, preset: 'CONTO' });
const reachedAndIdentified = [on.answer, on.identify];

describe('campaign script', () => {
  describe('value outcomes', () => {
    it('books a branch appointment for the campaign current account, skipping consent the customer already gave', () => {
      expect(
        replay('campaign', consenting, [...reachedAndIdentified, on.need('CONTO'), on.accept, on.appointment]),
      ).toEqual({
        ok: true,
        outcome: 'up_appointment',
        productCode: 'CONTO',
        details: { postOfficeId: 7, slotId: 301 },
        path: ['dialling', 'identify', 'needs', 'proposal', 'close'],
      });
    });

    it('asks for consent first when it is missing, then sends the funnel link by SMS', () => {
      expect(
        replay('campaign', withoutConsent, [
          ...reachedAndIdentified,
          on.consentByPhone,
          on.need('CONTO'),
          on.accept,
          on.funnelBySms,
        ]),
      ).toMatchObject({
        ok: true,
        outcome: 'digital_funnel',
        details: { channel: 'sms' },
        path: ['dialling', 'identify', 'consent', 'needs', 'proposal', 'close'],
      });
    });

    it('records a lead when the customer turns out to want fibre instead of the campaign product', () => {
      expect(
        replay('campaign', consenting, [...reachedAndIdentified, on.need('FIBRA'), on.accept, on.lead]),
      ).toMatchObject({
        ok: true,
        outcome: 'lead',
        productCode: 'FIBRA',
        details: { followUpAt: '2025-03-10T16:00:00.000Z', notes: 'Preferisce il pomeriggio' },
      });
    });

    it('wins the customer back after an objection', () => {
      expect(
        replay('campaign', consenting, [
          ...reachedAndIdentified,
          on.need('CONTO'),
          on.objection,
          on.objectionResolved,
          on.accept,
          on.appointment,
        ]),
      ).toMatchObject({
        ok: true,
        outcome: 'up_appointment',
        path: ['dialling', 'identify', 'needs', 'proposal', 'objection', 'proposal', 'close'],
      });
    });
  });

  describe('other outcomes', () => {
    it.each(['no_answer', 'busy', 'wrong_number'] as const)('logs a call not reached: %s', (reason) => {
      expect(replay('campaign', consenting, [{ type: 'contact.not_reached', reason }])).toEqual({
        ok: true,
        outcome: 'not_reached',
        productCode: 'CONTO',
        details: { reason },
        path: ['dialling'],
      });
    });

    it('ends not interested when the customer declines the proposal outright', () => {
      expect(replay('campaign', consenting, [...reachedAndIdentified, on.need('CONTO'), on.decline])).toMatchObject({
        ok: true,
        outcome: 'not_interested',
      });
    });

    it('ends not interested when an objection cannot be overcome', () => {
      expect(
        replay('campaign', consenting, [...reachedAndIdentified, on.need('CONTO'), on.objection, on.decline]),
      ).toMatchObject({
        ok: true,
        outcome: 'not_interested',
        path: ['dialling', 'identify', 'needs', 'proposal', 'objection'],
      });
    });

    it('ends not eligible when the person answering is not the holder', () => {
      expect(replay('campaign', consenting, [on.answer, on.notHolder])).toMatchObject({
        ok: true,
        outcome: 'not_eligible',
      });
    });

    it('ends not eligible when the customer refuses marketing consent', () => {
      expect(replay('campaign', withoutConsent, [...reachedAndIdentified, on.consentRefused])).toMatchObject({
        ok: true,
        outcome: 'not_eligible',
        details: { reason: 'consent_refused' },
      });
    });

    it.each([
      ['identify', [on.answer]],
      ['consent', reachedAndIdentified],
      ['needs', [...reachedAndIdentified, on.consentByPhone]],
      ['close', [...reachedAndIdentified, on.consentByPhone, on.need('CONTO'), on.accept]],
    ] as const)('schedules a callback when the customer asks for one at the %s step', (_step, before) => {
      expect(replay('campaign', withoutConsent, [...before, on.callMeBack])).toMatchObject({
        ok: true,
        outcome: 'callback_scheduled',
        details: { callbackAt: '2025-03-04T17:30:00.000Z' },
      });
    });

    it.each([
      ['identify', [on.answer]],
      ['consent', reachedAndIdentified],
      ['proposal', [...reachedAndIdentified, on.consentByPhone, on.need('CONTO')]],
      ['objection', [...reachedAndIdentified, on.consentByPhone, on.need('CONTO'), on.objection]],
      ['close', [...reachedAndIdentified, on.consentByPhone, on.need('CONTO'), on.accept]],
    ] as const)('stops at once when the customer opts out at the %s step', (step, before) => {
      expect(stepOf(playTo('campaign', withoutConsent, before))).toBe(step);
      expect(replay('campaign', withoutConsent, [...before, on.optOut])).toMatchObject({
        ok: true,
        outcome: 'opt_out',
      });
    });
  });

  describe('what the script forbids', () => {
    it('offers nothing but answered / not reached while dialling', () => {
      const dialling = playTo('campaign', consenting, []);
      expect(availableEvents(FLOW_MACHINES.campaign, dialling)).toEqual(['contact.reached', 'contact.not_reached']);
    });

    it('cannot get past the consent step without consent', () => {
      const atConsent = playTo('campaign', withoutConsent, reachedAndIdentified);
      expect(stepOf(atConsent)).toBe('consent');
      expect(availableEvents(FLOW_MACHINES.campaign, atConsent)).toEqual([
        'consent.granted',
        'consent.refused',
        'callback.requested',
        'customer.opted_out',
      ]);
      expect(
        replay('campaign', withoutConsent, [...reachedAndIdentified, on.need('CONTO'), on.accept, on.appointment]),
      ).toEqual({
        ok: false,
        reason: 'event needs.identified not allowed at step consent',
        atIndex: 2,
      });
    });

    it('refuses a product that is not on offer', () => {
      expect(replay('campaign', consenting, [...reachedAndIdentified, on.need('BITCOIN')])).toMatchObject({
        ok: false,
        atIndex: 2,
      });
    });

    it('closes only on the outcomes the product allows: no lead on a current account', () => {
      const atClose = playTo('campaign', consenting, [...reachedAndIdentified, on.need('CONTO'), on.accept]);
      expect(availableEvents(FLOW_MACHINES.campaign, atClose)).toEqual([
        'outcome.appointment',
        'outcome.funnel',
        'callback.requested',
        'customer.opted_out',
      ]);
      expect(replay('campaign', consenting, [...reachedAndIdentified, on.need('CONTO'), on.accept, on.lead])).toEqual({
        ok: false,
        reason: 'event outcome.lead not allowed at step close',
        atIndex: 4,
      });
    });

    it('closes a life policy only with a branch appointment', () => {
      expect(
        replay('campaign', consenting, [...reachedAndIdentified, on.need('POLIZZA_VITA'), on.accept, on.funnelBySms]),
      ).toMatchObject({ ok: false, atIndex: 4 });
    });
  });
});
