import type { FlowEvent, FlowEventType } from '../schemas/flow-events';

/**
 * The script events' names and choice lists, without zod. The events themselves are defined once, as a zod union in
 * schemas/flow-events.ts (payloads, types by z.infer); this module is the zod-free index of their names that the
 * console's first bundle plays scripts with (classic zod would add ~14 KB gzip to it, over its budget —
 * docs/performance.md). `event-names.test.ts` checks the names here against the union, in order.
 */

export const NOT_REACHED_REASONS = ['no_answer', 'busy', 'wrong_number'] as const;
export type NotReachedReason = (typeof NOT_REACHED_REASONS)[number];
export const CONSENT_CHANNELS = ['phone', 'sms', 'email'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];
export const FUNNEL_CHANNELS = ['sms', 'email'] as const;
export type FunnelChannel = (typeof FUNNEL_CHANNELS)[number];

/** Every event type, in the order of the definition (the order the console lists the choices of a step in). */
export const FLOW_EVENT_TYPES = [
  'contact.reached',
  'contact.not_reached',
  'customer.identified',
  'customer.not_eligible',
  'ocs.solved',
  'ocs.unsolved',
  'propensity.accepted',
  'propensity.declined',
  'consent.granted',
  'consent.refused',
  'needs.identified',
  'proposal.accepted',
  'proposal.objection',
  'objection.resolved',
  'proposal.declined',
  'outcome.appointment',
  'outcome.funnel',
  'outcome.lead',
  'callback.requested',
  'customer.opted_out',
  'outcome.assisted_sale',
] as const satisfies readonly FlowEventType[];

/** The events whose name alone is a whole event (no payload, or only optional fields): the type says which, so a
 * wrong entry below does not compile. */
export type BareEventType = {
  [K in FlowEventType]: { type: K } extends Extract<FlowEvent, { type: K }> ? K : never;
}[FlowEventType];

export const BARE_EVENT_TYPES = [
  'contact.reached',
  'customer.not_eligible',
  'ocs.solved',
  'ocs.unsolved',
  'propensity.accepted',
  'propensity.declined',
  'consent.refused',
  'proposal.accepted',
  'proposal.objection',
  'objection.resolved',
  'proposal.declined',
  'customer.opted_out',
] as const satisfies readonly BareEventType[];

/** True when the event's name alone is a whole event, so `{ type }` can be sent as it is. */
export function isBareEvent(type: FlowEventType): type is (typeof BARE_EVENT_TYPES)[number] {
  return (BARE_EVENT_TYPES as readonly string[]).includes(type);
}

/**
 * The key of each choice, the same in every flow, step and script version (docs/console.md, "Keys that never move"): 1 moves the
 * call on, 2 is the customer's objection, 3 ends it without value, 4–7 the value outcomes (appointment, link, lead,
 * sale on the phone), 8 a callback, 9 the opt-out. No step offers two choices with one key (flows/keys.test.ts).
 */
export const CHOICE_KEYS: Record<FlowEventType, string> = {
  'contact.reached': '1',
  'customer.identified': '1',
  'ocs.solved': '1',
  'propensity.accepted': '1',
  'consent.granted': '1',
  'needs.identified': '1',
  'proposal.accepted': '1',
  'objection.resolved': '1',
  'proposal.objection': '2',
  'contact.not_reached': '3',
  'customer.not_eligible': '3',
  'ocs.unsolved': '3',
  'propensity.declined': '3',
  'consent.refused': '3',
  'proposal.declined': '3',
  'outcome.appointment': '4',
  'outcome.funnel': '5',
  'outcome.lead': '6',
  'outcome.assisted_sale': '7',
  'callback.requested': '8',
  'customer.opted_out': '9',
};
