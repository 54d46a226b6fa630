/** The three targets of a commercial proposal (DOMAIN.md, "Value outcomes"). */
export const VALUE_OUTCOMES = ['up_appointment', 'digital_funnel', 'lead'] as const;
export type ValueOutcome = (typeof VALUE_OUTCOMES)[number];

/** Every way a contact can end. Value outcomes first, then the others. */
export const OUTCOMES = [
  ...VALUE_OUTCOMES,
  'callback_scheduled',
  'not_interested',
  'not_reached',
  'opt_out',
  'not_eligible',
  'no_proposal',
  /** A lead follow-up closed by selling on the phone (products sold by phone: those that allow a lead). */
  'assisted_sale',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const FLOWS = ['campaign', 'inbound_sales', 'ocs_cross_sell', 'callback'] as const;
export type FlowId = (typeof FLOWS)[number];

export function isValueOutcome(outcome: string): outcome is ValueOutcome {
  return (VALUE_OUTCOMES as readonly string[]).includes(outcome);
}

/** The contact ended in value: a value outcome, or a lead's follow-up sold on the phone (which realises the lead). */
export function endsInValue(outcome: string): boolean {
  return isValueOutcome(outcome) || outcome === 'assisted_sale';
}

/** Flows where the customer did not ask for commercial contact, so a proposal needs marketing consent. */
/** Outcomes that agree a future action: each becomes exactly one owned, due work item (a promise). */
export const PROMISE_OUTCOMES = ['callback_scheduled', 'lead'] as const satisfies readonly Outcome[];

export const FLOWS_NEEDING_MARKETING_CONSENT: readonly FlowId[] = ['campaign', 'ocs_cross_sell'];
