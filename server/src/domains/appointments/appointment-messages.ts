import type { MessageLanguage, TemplateValues } from '@valore/shared/messages/templates';
import { messageDate, messageTime } from '../messages/customer-messages';

/** What an appointment's confirmation and reminder say (their texts: the message templates, docs/admin.md). */
export interface AppointmentDetails {
  firstName: string;
  productName: { it: string; en: string };
  officeName: string;
  officeAddress: string;
  officeCity: string;
  startsAt: string;
}

/**
 * The values of the appointment templates in a language: the confirmation's date carries the year, the reminder's
 * (the evening before) does not; `manageUrl` is the customer's signed link to move or cancel it themselves.
 */
export function appointmentValues(
  d: AppointmentDetails,
  language: MessageLanguage,
  extra: { manageUrl?: string | null; moved?: boolean; reminder?: boolean } = {},
): TemplateValues {
  return {
    first_name: d.firstName,
    product: d.productName[language],
    office_name: d.officeName,
    office_address: d.officeAddress,
    office_city: d.officeCity,
    date: messageDate(d.startsAt, language, !extra.reminder),
    time: messageTime(d.startsAt, language),
    manage_url: extra.manageUrl ?? null,
    moved: extra.moved ?? false,
  };
}
