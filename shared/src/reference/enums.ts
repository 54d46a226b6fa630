/**
 * Plain lists the schemas are built from and the console shows, kept free of zod: the operator console imports them
 * without pulling the zod library into its first bundle (schemas/* re-export them, so the server sees no change).
 */
export const ROLES = ['operator', 'tutor', 'team_lead', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Where each role lands after login. */
export const ROLE_HOME: Record<Role, string> = {
  operator: '/console',
  tutor: '/monitor',
  team_lead: '/stats',
  admin: '/admin',
};

export const PAUSE_REASONS = ['break', 'training', 'coaching', 'meeting'] as const;
/** Pauses the server sets, never chosen by the operator: an offer of pushed work left unanswered, or declined. */
export const SYSTEM_PAUSE_REASONS = ['missed_offer', 'declined_offer'] as const;

export const QUEUE_KINDS = ['callback', 'campaign', 'lead_followup'] as const;
export type QueueKind = (typeof QUEUE_KINDS)[number];

/** The inbound flows a dialled number can preselect. */
export const INBOUND_FLOWS = ['inbound_sales', 'ocs_cross_sell'] as const;
export type InboundFlow = (typeof INBOUND_FLOWS)[number];
