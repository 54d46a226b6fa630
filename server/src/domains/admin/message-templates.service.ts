import {
  DEFAULT_TEMPLATES,
  MESSAGE_CHANNELS,
  MESSAGE_LANGUAGES,
  MESSAGE_PURPOSES,
  templateProblems,
} from '@valore/shared/messages/templates';
import type {
  AdminMessageTemplate,
  MessageTemplateResetInput,
  MessageTemplateUpdateInput,
} from '@valore/shared/schemas/admin';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type { AppDeps } from '../../deps';
import type { Executor } from '../../db/database';
import { DomainError } from '../../errors';
import { insertAudit } from '../audit/audit.repository';
import { adminChange } from './admin-change';

/**
 * The texts the centre sends customers, on the admin screen (admin.messageTemplates.*, docs/admin.md): every purpose,
 * channel and language with its current text and the shipped default; a change is checked (known variables, sections
 * closed, a subject for e-mail, an SMS of at most six segments with typical values), audited with the text before and
 * after, and used by the next message (domains/messages/customer-messages.ts reads it in the sending transaction).
 */

export async function listMessageTemplates(db: Executor): Promise<AdminMessageTemplate[]> {
  const rows = await db
    .selectFrom('message_templates as t')
    .leftJoin('users as u', 'u.id', 't.updated_by')
    .select(['t.purpose', 't.channel', 't.language', 't.subject', 't.body', 't.updated_at', 'u.display_name'])
    .execute();
  const custom = new Map(rows.map((r) => [`${r.purpose}/${r.channel}/${r.language}`, r]));
  return MESSAGE_PURPOSES.flatMap((purpose) =>
    MESSAGE_CHANNELS.flatMap((channel) =>
      MESSAGE_LANGUAGES.map((language) => {
        const shipped = DEFAULT_TEMPLATES[purpose][channel][language];
        const row = custom.get(`${purpose}/${channel}/${language}`);
        return {
          purpose,
          channel,
          language,
          subject: row ? row.subject : shipped.subject,
          body: row ? row.body : shipped.body,
          custom: !!row,
          defaultSubject: shipped.subject,
          defaultBody: shipped.body,
          updatedAt: row?.updated_at ?? null,
          updatedBy: row?.display_name ?? null,
        };
      }),
    ),
  );
}

function findTemplate(list: AdminMessageTemplate[], key: MessageTemplateResetInput): AdminMessageTemplate {
  return list.find(
    (t) => t.purpose === key.purpose && t.channel === key.channel && t.language === key.language,
  ) as AdminMessageTemplate;
}

export async function updateMessageTemplate(
  deps: AppDeps,
  admin: SessionUser,
  input: MessageTemplateUpdateInput,
  ip: string | null,
): Promise<AdminMessageTemplate> {
  // an SMS has no subject (whatever a form sent); an empty one is none, which an e-mail is refused for
  const subject = input.channel === 'sms' ? null : input.subject || null;
  const problems = templateProblems(input.purpose, input.channel, input.language, { subject, body: input.body });
  if (Object.keys(problems).length > 0) {
    throw new DomainError('BAD_REQUEST', 'VALIDATION', 'The template cannot be saved: see the fields.', problems);
  }
  const at = deps.clock.now().toISOString();
  return adminChange(deps, admin, 'admin.messageTemplates.update', input, at, async (trx) => {
    const before = findTemplate(await listMessageTemplates(trx), input);
    await trx
      .insertInto('message_templates')
      .values({
        purpose: input.purpose,
        channel: input.channel,
        language: input.language,
        subject,
        body: input.body,
        updated_by: admin.id,
        updated_at: at,
      })
      .onConflict((oc) =>
        oc.columns(['purpose', 'channel', 'language']).doUpdateSet({
          subject,
          body: input.body,
          updated_by: admin.id,
          updated_at: at,
        }),
      )
      .execute();
    await insertAudit(trx, {
      at,
      actorId: admin.id,
      action: 'admin.message_template_changed',
      entityType: 'message_template',
      entityId: `${input.purpose}/${input.channel}/${input.language}`,
      details: { from: { subject: before.subject, body: before.body }, to: { subject, body: input.body } },
      ip,
    });
    return findTemplate(await listMessageTemplates(trx), input);
  });
}

/** Back to the shipped text (the override is deleted; audited with the text it had). */
export async function resetMessageTemplate(
  deps: AppDeps,
  admin: SessionUser,
  input: MessageTemplateResetInput,
  ip: string | null,
): Promise<AdminMessageTemplate> {
  const at = deps.clock.now().toISOString();
  return adminChange(deps, admin, 'admin.messageTemplates.reset', input, at, async (trx) => {
    const before = findTemplate(await listMessageTemplates(trx), input);
    if (before.custom) {
      await trx
        .deleteFrom('message_templates')
        .where('purpose', '=', input.purpose)
        .where('channel', '=', input.channel)
        .where('language', '=', input.language)
        .execute();
      await insertAudit(trx, {
        at,
        actorId: admin.id,
        action: 'admin.message_template_reset',
        entityType: 'message_template',
        entityId: `${input.purpose}/${input.channel}/${input.language}`,
        details: { from: { subject: before.subject, body: before.body } },
        ip,
      });
    }
    return findTemplate(await listMessageTemplates(trx), input);
  });
}
