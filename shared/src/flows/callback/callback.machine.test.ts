import { describe, expect, it } from 'vitest';
import { availableEvents, FLOW_MACHINES, stepOf } from '../index';
import { customerWith, on, playTo, replay } from '../test-helpers';

// The customer asked to be called about the fibre offer on the web site: no consent step.
const requester = customerWith({ consent: false, preset: 'FIBRA' });
const reachedAndIdentified = [on.answer, on.identify];

describe('call-me-back script', () => {
  describe('value outcomes', () => {
    it('records a lead for the fibre the customer asked about', () => {
      expect(replay('callback', requester, [...reachedAndIdentified, on.need('FIBRA'), on.accept, on.lead])).toEqual({
        ok: true,
        outcome: 'lead',
        productCode: 'FIBRA',
        details: { followUpAt: '2025-03-10T16:00:00.000Z', notes: 'Preferisce il pomeriggio' },
        path: ['dialling', 'identify', 'needs', 'proposal', 'close'],
      });
    });

    it('sends the fibre funnel link by SMS after an objection', () => {
      expect(
        replay('callback', requester, [
          ...reachedAndIdentified,
          on.need('FIBRA'),
          on.objection,
          on.objectionResolved,
          on.accept,
          on.funnelBySms,
        ]),
      ).toMatchObject({ ok: true, outcome: 'digital_funnel', details: { channel: 'sms' } });
    });

    it('books a branch appointment when the customer would rather open a savings book', () => {
      expect(
        replay('callback', requester, [...reachedAndIdentified, on.need('LIBRETTO'), on.accept, on.appointment]),
      ).toMatchObject({
        ok: true,
        outcome: 'up_appointment',
        productCode: 'LIBRETTO',
      });
    });
  });

  describe('other outcomes', () => {
    it('logs a customer who does not answer, keeping the requested product for the stats', () => {
      expect(replay('callback', requester, [on.noAnswer])).toEqual({
        ok: true,
        outcome: 'not_reached',
        productCode: 'FIBRA',
        details: { reason: 'no_answer' },
        path: ['dialling'],
      });
    });

    it('ends not interested when the customer changed their mind', () => {
      expect(replay('callback', requester, [...reachedAndIdentified, on.need('FIBRA'), on.decline])).toMatchObject({
        ok: true,
        outcome: 'not_interested',
      });
    });

    it('ends not eligible when a minor answers', () => {
      expect(replay('callback', requester, [on.answer, on.notHolder])).toMatchObject({
        ok: true,
        outcome: 'not_eligible',
      });
    });

    it('schedules another callback when the moment is wrong', () => {
      expect(replay('callback', requester, [on.answer, on.callMeBack])).toMatchObject({
        ok: true,
        outcome: 'callback_scheduled',
        path: ['dialling', 'identify'],
      });
    });

    it.each([
      ['identify', [on.answer]],
      ['proposal', [...reachedAndIdentified, on.need('FIBRA')]],
      ['close', [...reachedAndIdentified, on.need('FIBRA'), on.accept]],
    ] as const)('stops at once when the customer opts out at the %s step', (step, before) => {
      expect(stepOf(playTo('callback', requester, before))).toBe(step);
      expect(replay('callback', requester, [...before, on.optOut])).toMatchObject({ ok: true, outcome: 'opt_out' });
    });
  });

  describe('what the script forbids', () => {
    it('cannot opt out or schedule a callback before anybody answers', () => {
      const dialling = playTo('callback', requester, []);
      expect(availableEvents(FLOW_MACHINES.callback, dialling)).not.toContain('customer.opted_out');
      expect(replay('callback', requester, [on.callMeBack])).toMatchObject({
        ok: false,
        reason: 'event callback.requested not allowed at step dialling',
      });
    });

    it('closes fibre only on a lead or the funnel, never at a branch', () => {
      const atClose = playTo('callback', requester, [...reachedAndIdentified, on.need('FIBRA'), on.accept]);
      expect(availableEvents(FLOW_MACHINES.callback, atClose)).toEqual([
        'outcome.funnel',
        'outcome.lead',
        'callback.requested',
        'customer.opted_out',
      ]);
    });

    it('refuses a product that is not on offer', () => {
      expect(replay('callback', requester, [...reachedAndIdentified, on.need('')])).toMatchObject({
        ok: false,
        atIndex: 2,
      });
    });
  });
});
