import { describe, expect, it } from 'vitest';
import { availableEvents, FLOW_MACHINES, stepOf } from '../index';
import { customerWith, on, playTo, replay } from '../test-helpers';

// The customer called the toll-free number: no dialling, no consent step, even without recorded consent.
const caller = customerWith({ consent: false });

describe('inbound sales script', () => {
  describe('value outcomes', () => {
    it('books a branch appointment for a life policy', () => {
      expect(
        replay('inbound_sales', caller, [on.identify, on.need('POLIZZA_VITA'), on.accept, on.appointment]),
      ).toEqual({
        ok: true,
        outcome: 'up_appointment',
        productCode: 'POLIZZA_VITA',
        details: { postOfficeId: 7, slotId: 301 },
        path: ['identify', 'needs', 'proposal', 'close'],
      });
    });

    it('sends the prepaid card funnel link by e-mail', () => {
      expect(
        replay('inbound_sales', caller, [
          on.identify,
          on.need('CARTA_IBAN'),
          on.accept,
          { type: 'outcome.funnel', channel: 'email' },
        ]),
      ).toMatchObject({
        ok: true,
        outcome: 'digital_funnel',
        productCode: 'CARTA_IBAN',
        details: { channel: 'email' },
      });
    });

    it('records a lead for a mobile SIM after an objection is resolved', () => {
      expect(
        replay('inbound_sales', caller, [
          on.identify,
          on.need('SIM'),
          on.objection,
          on.objectionResolved,
          on.accept,
          on.lead,
        ]),
      ).toMatchObject({
        ok: true,
        outcome: 'lead',
        path: ['identify', 'needs', 'proposal', 'objection', 'proposal', 'close'],
      });
    });
  });

  describe('other outcomes', () => {
    it('ends not interested when the caller declines', () => {
      expect(replay('inbound_sales', caller, [on.identify, on.need('LUCE_GAS'), on.decline])).toMatchObject({
        ok: true,
        outcome: 'not_interested',
      });
    });

    it('ends not eligible when the caller is not the holder', () => {
      expect(replay('inbound_sales', caller, [on.notHolder])).toMatchObject({
        ok: true,
        outcome: 'not_eligible',
        path: ['identify'],
      });
    });

    it('schedules a callback when the caller wants to think it over', () => {
      expect(replay('inbound_sales', caller, [on.identify, on.need('PRESTITO'), on.callMeBack])).toMatchObject({
        ok: true,
        outcome: 'callback_scheduled',
        details: { callbackAt: '2025-03-04T17:30:00.000Z' },
      });
    });

    it.each([
      ['identify', []],
      ['needs', [on.identify]],
      ['objection', [on.identify, on.need('FIBRA'), on.objection]],
    ] as const)('stops at once when the caller opts out at the %s step', (step, before) => {
      expect(stepOf(playTo('inbound_sales', caller, before))).toBe(step);
      expect(replay('inbound_sales', caller, [...before, on.optOut])).toMatchObject({ ok: true, outcome: 'opt_out' });
    });
  });

  describe('what the script forbids', () => {
    it('has nobody to dial and no problem to solve', () => {
      expect(availableEvents(FLOW_MACHINES.inbound_sales, playTo('inbound_sales', caller, []))).toEqual([
        'customer.identified',
        'customer.not_eligible',
        'callback.requested',
        'customer.opted_out',
      ]);
    });

    it('refuses a product that is not on offer', () => {
      expect(replay('inbound_sales', caller, [on.identify, on.need('BITCOIN')])).toEqual({
        ok: false,
        reason: 'event needs.identified not allowed at step needs',
        atIndex: 1,
      });
    });

    it('refuses a product the admin has withdrawn from this call’s product list', () => {
      const { FIBRA: _withdrawn, ...products } = caller.products;
      expect(replay('inbound_sales', { ...caller, products }, [on.identify, on.need('FIBRA')])).toMatchObject({
        ok: false,
        atIndex: 1,
      });
    });

    it('cannot create a lead for a savings book', () => {
      expect(replay('inbound_sales', caller, [on.identify, on.need('LIBRETTO'), on.accept, on.lead])).toMatchObject({
        ok: false,
        atIndex: 3,
      });
    });
  });
});
