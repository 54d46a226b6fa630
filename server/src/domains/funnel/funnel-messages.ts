import type { MessageLanguage, TemplateValues } from '@valore/shared/messages/templates';
import { messageDay } from '../messages/customer-messages';

/** The values of the funnel-link template (its text: the message templates, docs/admin.md). */
export function funnelValues(
  args: { firstName: string; productName: { it: string; en: string }; url: string; expiresAt: Date },
  language: MessageLanguage,
): TemplateValues {
  return {
    first_name: args.firstName,
    product: args.productName[language],
    url: args.url,
    expires_on: messageDay(args.expiresAt, language),
  };
}
