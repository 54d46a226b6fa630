import type { FlowId, Outcome } from './outcomes';

/**
 * The names of what a customer's history shows (customers.history): one table for both ends, so the words the console
 * shows in each language are the words the server's search matches ("appuntamento", "revocato", "Lead vinto").
 * Outcomes and flows carry the console's own names (a client test holds them equal to its locale files).
 */
type Term = { it: string; en: string };

export const HISTORY_KINDS = ['contact', 'note', 'lead', 'appointment', 'consent'] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

export const LEAD_CHANGES = ['opened', 'won', 'lost'] as const;
export type LeadChange = (typeof LEAD_CHANGES)[number];

export const APPOINTMENT_STATUSES = ['booked', 'attended', 'no_show', 'cancelled'] as const;
export type HistoryAppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

export const HISTORY_TERMS = {
  kinds: {
    contact: { it: 'Contatto', en: 'Contact' },
    note: { it: 'Nota', en: 'Note' },
    lead: { it: 'Lead', en: 'Lead' },
    appointment: { it: 'Appuntamento', en: 'Appointment' },
    consent: { it: 'Consenso', en: 'Consent' },
  } satisfies Record<HistoryKind, Term>,
  outcomes: {
    up_appointment: { it: 'Appuntamento in UP', en: 'Post office appointment' },
    digital_funnel: { it: 'Funnel digitale', en: 'Digital funnel' },
    lead: { it: 'Lead', en: 'Lead' },
    callback_scheduled: { it: 'Richiamata fissata', en: 'Callback scheduled' },
    not_interested: { it: 'Non interessato', en: 'Not interested' },
    not_reached: { it: 'Non raggiunto', en: 'Not reached' },
    opt_out: { it: 'Opposizione', en: 'Opt-out' },
    not_eligible: { it: 'Non idoneo', en: 'Not eligible' },
    no_proposal: { it: 'Nessuna proposta', en: 'No proposal' },
    assisted_sale: { it: 'Vendita al telefono', en: 'Sale on the phone' },
  } satisfies Record<Outcome, Term>,
  flows: {
    campaign: { it: 'Campagna outbound', en: 'Outbound campaign' },
    inbound_sales: { it: 'Inbound commerciale', en: 'Inbound sales' },
    ocs_cross_sell: { it: 'Cross-sell dopo OCS', en: 'Cross-sell after OCS' },
    callback: { it: 'Call Me Back / Now', en: 'Call Me Back / Now' },
  } satisfies Record<FlowId, Term>,
  leadChanges: {
    opened: { it: 'Lead aperto', en: 'Lead opened' },
    won: { it: 'Lead vinto', en: 'Lead won' },
    lost: { it: 'Lead perso', en: 'Lead lost' },
  } satisfies Record<LeadChange, Term>,
  appointmentStatuses: {
    booked: { it: 'Prenotato', en: 'Booked' },
    attended: { it: 'Presentato', en: 'Attended' },
    no_show: { it: 'Non presentato', en: 'No-show' },
    cancelled: { it: 'Annullato', en: 'Cancelled' },
  } satisfies Record<HistoryAppointmentStatus, Term>,
  purposes: {
    marketing: { it: 'Marketing', en: 'Marketing' },
    profiling: { it: 'Profilazione', en: 'Profiling' },
    third_parties: { it: 'Terze parti', en: 'Third parties' },
  },
  channels: {
    any: { it: 'Tutti i canali', en: 'All channels' },
    phone: { it: 'Telefono', en: 'Phone' },
    sms: { it: 'SMS', en: 'SMS' },
    email: { it: 'E-mail', en: 'E-mail' },
  },
  consent: {
    granted: { it: 'Dato', en: 'Granted' },
    withdrawn: { it: 'Revocato', en: 'Withdrawn' },
  },
  consentSources: {
    web: { it: 'Web', en: 'Web' },
    app: { it: 'App', en: 'App' },
    branch: { it: 'Ufficio postale', en: 'Post office' },
    interaction: { it: 'Telefonata', en: 'Call' },
    import: { it: 'Importazione', en: 'Import' },
  },
  noteSources: {
    contact: { it: 'Nota del contatto', en: 'Contact note' },
    lead: { it: 'Nota del lead', en: 'Lead note' },
  },
} as const;

/** The name of a code in a table of terms, or the code itself for one the table does not know (a newer code). */
export function termOf(table: Readonly<Record<string, Term>>, code: string, lang: 'it' | 'en'): string {
  return table[code]?.[lang] ?? code;
}
