import { describe, expect, it } from 'vitest';
import { acceptedProducts, availableEvents, FLOW_MACHINES, stepOf } from '../index';
import { customerWith, on, playTo, replay } from '../test-helpers';

const consenting = customerWith({ consent: true });
const withoutConsent = customerWith({ consent: false });
const solvedAndListening = [on.identify, on.solved, on.willingToListen];

describe('cross-sell after one-contact solution script', () => {
  describe('value outcomes', () => {
    it('solves the problem, finds the customer willing to listen, and books a branch appointment', () => {
      expect(
        replay('ocs_cross_sell', consenting, [...solvedAndListening, on.need('PIANO_INV'), on.accept, on.appointment]),
      ).toEqual({
        ok: true,
        outcome: 'up_appointment',
        productCode: 'PIANO_INV',
        details: { postOfficeId: 7, slotId: 301 },
        path: ['identify', 'problem', 'propensity', 'needs', 'proposal', 'close'],
      });
    });

    it('asks for the missing consent, then sends the current account funnel link', () => {
      expect(
        replay('ocs_cross_sell', withoutConsent, [
          ...solvedAndListening,
          on.consentByPhone,
          on.need('CONTO'),
          on.accept,
          on.funnelBySms,
        ]),
      ).toMatchObject({
        ok: true,
        outcome: 'digital_funnel',
        path: ['identify', 'problem', 'propensity', 'consent', 'needs', 'proposal', 'close'],
      });
    });

    it('records an energy lead after an objection', () => {
      expect(
        replay('ocs_cross_sell', consenting, [
          ...solvedAndListening,
          on.need('LUCE_GAS'),
          on.objection,
          on.objectionResolved,
          on.accept,
          on.lead,
        ]),
      ).toMatchObject({ ok: true, outcome: 'lead', productCode: 'LUCE_GAS' });
    });
  });

  describe('no proposal', () => {
    it('ends with no proposal when the problem is not solved in this contact', () => {
      expect(replay('ocs_cross_sell', consenting, [on.identify, on.unsolved])).toEqual({
        ok: true,
        outcome: 'no_proposal',
        productCode: null,
        details: { reason: 'ocs_unsolved' },
        path: ['identify', 'problem'],
      });
    });

    it('ends with no proposal when the customer is not willing to listen', () => {
      expect(replay('ocs_cross_sell', consenting, [on.identify, on.solved, on.notWillingToListen])).toMatchObject({
        ok: true,
        outcome: 'no_proposal',
        details: { reason: 'propensity_declined' },
      });
    });
  });

  describe('other outcomes', () => {
    it('ends not interested when the customer declines', () => {
      expect(replay('ocs_cross_sell', consenting, [...solvedAndListening, on.need('SIM'), on.decline])).toMatchObject({
        ok: true,
        outcome: 'not_interested',
      });
    });

    it('ends not eligible when the customer refuses consent', () => {
      expect(replay('ocs_cross_sell', withoutConsent, [...solvedAndListening, on.consentRefused])).toMatchObject({
        ok: true,
        outcome: 'not_eligible',
      });
    });

    it('ends not eligible when the caller is not the holder', () => {
      expect(replay('ocs_cross_sell', consenting, [on.notHolder])).toMatchObject({ ok: true, outcome: 'not_eligible' });
    });

    it.each([
      ['problem', [on.identify]],
      ['propensity', [on.identify, on.solved]],
      ['consent', solvedAndListening],
      ['close', [...solvedAndListening, on.consentByPhone, on.need('SIM'), on.accept]],
    ] as const)('stops at once when the customer opts out at the %s step', (step, before) => {
      expect(stepOf(playTo('ocs_cross_sell', withoutConsent, before))).toBe(step);
      expect(replay('ocs_cross_sell', withoutConsent, [...before, on.optOut])).toMatchObject({
        ok: true,
        outcome: 'opt_out',
      });
    });
  });

  describe('what the script forbids', () => {
    it('makes no proposal before the problem is solved', () => {
      expect(replay('ocs_cross_sell', consenting, [on.identify, on.willingToListen])).toEqual({
        ok: false,
        reason: 'event propensity.accepted not allowed at step problem',
        atIndex: 1,
      });
      expect(replay('ocs_cross_sell', consenting, [on.identify, on.need('SIM')])).toMatchObject({
        ok: false,
        atIndex: 1,
      });
    });

    it('makes no proposal before the customer agrees to listen', () => {
      const atPropensity = playTo('ocs_cross_sell', consenting, [on.identify, on.solved]);
      expect(availableEvents(FLOW_MACHINES.ocs_cross_sell, atPropensity)).toEqual([
        'propensity.accepted',
        'propensity.declined',
        'customer.opted_out',
      ]);
      expect(replay('ocs_cross_sell', consenting, [on.identify, on.solved, on.need('SIM')])).toMatchObject({
        ok: false,
        atIndex: 2,
      });
    });

    it('cannot get past the consent step without consent', () => {
      const atConsent = playTo('ocs_cross_sell', withoutConsent, solvedAndListening);
      expect(stepOf(atConsent)).toBe('consent');
      expect(acceptedProducts(atConsent)).toEqual([]);
      expect(replay('ocs_cross_sell', withoutConsent, [...solvedAndListening, on.need('SIM')])).toMatchObject({
        ok: false,
        reason: 'event needs.identified not allowed at step consent',
      });
    });

    it('offers no callback: the cross-sell chance is this call', () => {
      expect(replay('ocs_cross_sell', consenting, [...solvedAndListening, on.callMeBack])).toMatchObject({
        ok: false,
        atIndex: 3,
      });
    });

    it('closes a life policy only at the branch', () => {
      expect(
        replay('ocs_cross_sell', consenting, [...solvedAndListening, on.need('POLIZZA_VITA'), on.accept, on.lead]),
      ).toMatchObject({ ok: false, atIndex: 5 });
    });
  });
});
