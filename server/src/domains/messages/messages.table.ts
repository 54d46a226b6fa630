import type { MessageChannel, MessageLanguage, MessagePurpose } from '@valore/shared/messages/templates';

/** An admin's override of a shipped message text (no row: the default in shared/src/messages/templates.ts). */
export interface MessageTemplatesTable {
  purpose: MessagePurpose;
  channel: MessageChannel;
  language: MessageLanguage;
  /** e-mail only */
  subject: string | null;
  body: string;
  updated_by: number | null;
  updated_at: string;
}
