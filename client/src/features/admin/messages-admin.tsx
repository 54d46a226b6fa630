import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type FormEvent, type KeyboardEvent, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import {
  MAX_SMS_SEGMENTS,
  TEMPLATE_VARIABLES,
  renderTemplate,
  sampleValues,
  smsLength,
  templateIssues,
  type MessagePurpose,
  type SmsLength,
  type TemplateIssue,
} from '@valore/shared/messages/templates';
import type { AdminMessageTemplate } from '@valore/shared/schemas/admin';
import { Alert } from '../../components/ui/alert';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { Panel } from '../../components/ui/panel';
import { LoadingState } from '../../components/ui/spinner';
import { TextField } from '../../components/ui/text-field';
import { errorMessageKey } from '../../lib/errors';
import { serverFieldErrors, useFocusFirstInvalid, useRequestId } from '../../lib/forms';
import { useFocusAfterRender } from '../../lib/focus';
import { useTRPC } from '../../lib/trpc';
import { useDateTime } from './admin-bits';

const keyOf = (t: Pick<AdminMessageTemplate, 'purpose' | 'channel' | 'language'>) =>
  `${t.purpose}/${t.channel}/${t.language}`;
/** Written out in code, not in the translations: i18next would read the braces as its own placeholders. */
const tag = (name: string) => `{{${name}}}`;

/** The start of the message as a customer reads it (the subject of an e-mail), with sample values. */
function excerpt(tpl: AdminMessageTemplate): string {
  const rendered = renderTemplate(tpl, sampleValues(tpl.purpose, tpl.language));
  return rendered.subject ?? rendered.body;
}

/** The SMS and e-mail texts customers get (admin.messageTemplates.*): list, edit with a live preview, reset. */
export function MessagesAdmin() {
  const trpc = useTRPC();
  const { t } = useTranslation('admin');
  const { t: tShell } = useTranslation();
  const dateTime = useDateTime();
  const templates = useQuery(trpc.admin.messageTemplates.list.queryOptions());
  const [editing, setEditing] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const current = templates.data?.find((x) => keyOf(x) === editing);
  if (current) {
    return (
      <TemplateEditor
        key={editing}
        template={current}
        onDone={(message) => {
          setEditing(null);
          setNotice(message);
        }}
      />
    );
  }
  return (
    <div className="admin-messages">
      <p className="admin-muted">{t('messages.lead')}</p>
      {notice && (
        <Alert tone="success">
          <span role="status">{notice}</span>
        </Alert>
      )}
      {templates.isPending ? (
        <LoadingState label={t('loading')} />
      ) : templates.isError ? (
        <Alert tone="error">{tShell(errorMessageKey(templates.error))}</Alert>
      ) : (
        <div className="admin-table__scroll" tabIndex={0} role="region" aria-label={t('messages.caption')}>
          <table className="admin-table">
            <caption className="visually-hidden">{t('messages.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('messages.col.purpose')}</th>
                <th scope="col">{t('messages.col.channel')}</th>
                <th scope="col">{t('messages.col.language')}</th>
                <th scope="col">{t('messages.col.text')}</th>
                <th scope="col">{t('messages.col.state')}</th>
                <th scope="col">{t('messages.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {templates.data.map((tpl) => {
                const name = t('messages.name', {
                  purpose: t(`messages.purpose.${tpl.purpose}`),
                  channel: t(`messages.channel.${tpl.channel}`),
                  language: t(`messages.language.${tpl.language}`),
                });
                return (
                  <tr key={keyOf(tpl)}>
                    <th scope="row">{t(`messages.purpose.${tpl.purpose}`)}</th>
                    <td>{t(`messages.channel.${tpl.channel}`)}</td>
                    <td>{t(`messages.language.${tpl.language}`)}</td>
                    <td className="admin-messages__excerpt">{excerpt(tpl)}</td>
                    <td>
                      {tpl.custom ? (
                        <>
                          <Badge tone="info">{t('messages.custom')}</Badge>
                          {tpl.updatedAt && (
                            <span className="admin-muted admin-messages__by">
                              {t('messages.changedBy', { at: dateTime(tpl.updatedAt), by: tpl.updatedBy ?? '—' })}
                            </span>
                          )}
                        </>
                      ) : (
                        <Badge>{t('messages.default')}</Badge>
                      )}
                    </td>
                    <td className="admin-table__actions">
                      <Button
                        size="sm"
                        onClick={() => {
                          setNotice(null);
                          setEditing(keyOf(tpl));
                        }}
                        aria-label={t('messages.editFor', { name })}
                      >
                        {t('messages.edit')}
                      </Button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** The field's text with `text` put where its cursor (or selection) was, and where the cursor goes after it. */
function insertAtCaret(field: HTMLInputElement | HTMLTextAreaElement, text: string) {
  const start = field.selectionStart ?? field.value.length;
  const end = field.selectionEnd ?? start;
  return { next: field.value.slice(0, start) + text + field.value.slice(end), caret: start + text.length };
}

function TemplateEditor({
  template,
  onDone,
}: {
  template: AdminMessageTemplate;
  onDone: (notice: string | null) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t } = useTranslation('admin');
  const { t: tShell } = useTranslation();
  const requestId = useRequestId();
  const [subject, setSubject] = useState(template.subject ?? '');
  const [body, setBody] = useState(template.body);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const subjectRef = useRef<HTMLInputElement>(null);
  const lastField = useRef<'subject' | 'body'>('body');
  const formRef = useRef<HTMLFormElement>(null);
  const focusInvalid = useFocusFirstInvalid(formRef);
  const focusAfterRender = useFocusAfterRender();
  const isEmail = template.channel === 'email';
  const name = t('messages.name', {
    purpose: t(`messages.purpose.${template.purpose}`),
    channel: t(`messages.channel.${template.channel}`),
    language: t(`messages.language.${template.language}`),
  });

  const draft = { subject: isEmail ? subject : null, body };
  const issues = templateIssues(template.purpose, template.channel, template.language, draft);
  // the SMS counter speaks of the text as sent with typical values, links included
  const length =
    isEmail || issues.some((i) => i.code === 'unreadable')
      ? null
      : smsLength(renderTemplate({ subject: null, body }, sampleValues(template.purpose, template.language)).body);

  const finished = (message: string) => {
    requestId.done();
    void queryClient.invalidateQueries(trpc.admin.messageTemplates.pathFilter());
    onDone(message);
  };
  const save = useMutation(
    trpc.admin.messageTemplates.update.mutationOptions({
      onSuccess: () => finished(t('messages.saved', { name })),
    }),
  );
  const reset = useMutation(
    trpc.admin.messageTemplates.reset.mutationOptions({
      onSuccess: () => finished(t('messages.wasReset', { name })),
    }),
  );
  const server = serverFieldErrors(save.error);
  const issueText = useIssueText();
  /** What is wrong as the admin types; the server's words when it refused what the screen let by. */
  const fieldError = (field: 'subject' | 'body') => {
    const own = issues.filter((i) => i.field === field).map(issueText);
    const messages = own.length ? own : (server[field] ?? []);
    return messages.length ? messages.join(' · ') : null;
  };

  function submit(event?: FormEvent) {
    event?.preventDefault();
    if (issues.length) {
      (issues[0]?.field === 'subject' ? subjectRef.current : bodyRef.current)?.focus();
      return;
    }
    const payload = {
      purpose: template.purpose,
      channel: template.channel,
      language: template.language,
      ...(isEmail ? { subject } : {}),
      body,
    };
    // refused by the server: the field it named takes the focus
    save.mutate({ ...payload, requestId: requestId.idFor(payload) }, { onError: focusInvalid });
  }

  /** Puts a variable where the cursor was, in the subject or the text, and keeps the cursor after it. */
  function insert(text: string) {
    const field = isEmail && lastField.current === 'subject' ? subjectRef.current : bodyRef.current;
    if (!field) return;
    const { next, caret } = insertAtCaret(field, text);
    (field === subjectRef.current ? setSubject : setBody)(next);
    focusAfterRender(
      () => field,
      () => field.setSelectionRange(caret, caret),
    );
  }

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit();
  };
  const bodyError = fieldError('body');
  const subjectError = isEmail ? fieldError('subject') : null;
  const title = t('messages.editTitle', { name });

  return (
    <Panel title={title}>
      <div className="admin-messages__editor">
        <form ref={formRef} className="admin-form admin-form--wide" onSubmit={submit} noValidate aria-label={title}>
          {(save.isError && !Object.keys(server).length) || reset.isError ? (
            <Alert tone="error" title={t('messages.failed')}>
              <p>{tShell(errorMessageKey(save.error ?? reset.error))}</p>
            </Alert>
          ) : null}
          {isEmail && (
            <TextField
              ref={subjectRef}
              label={t('messages.subject')}
              value={subject}
              spellCheck
              onChange={(e) => setSubject(e.target.value)}
              onFocus={() => (lastField.current = 'subject')}
              onKeyDown={onKeyDown}
              error={subjectError}
              className="admin-inline-form__wide"
            />
          )}
          <BodyField
            ref={bodyRef}
            label={isEmail ? t('messages.bodyEmail') : t('messages.bodySms')}
            rows={isEmail ? 16 : 6}
            value={body}
            error={bodyError}
            length={length}
            onChange={setBody}
            onFocus={() => (lastField.current = 'body')}
            onKeyDown={onKeyDown}
          />
          <VariablesList purpose={template.purpose} onInsert={insert} />
          <div className="admin-form__actions">
            <Button type="submit" variant="primary" busy={save.isPending}>
              {t('messages.save')}
            </Button>
            <Button onClick={() => onDone(null)}>{t('messages.cancel')}</Button>
            {template.custom && (
              <ResetButtons
                busy={reset.isPending}
                onReset={() =>
                  reset.mutate({ purpose: template.purpose, channel: template.channel, language: template.language })
                }
              />
            )}
          </div>
          <p className="admin-muted">{t('messages.shortcut')}</p>
        </form>
        <PreviewPane template={template} draft={draft} unreadable={issues.some((i) => i.code === 'unreadable')} />
      </div>
    </Panel>
  );
}

const WITH_KEYS = {
  first_name: 'messages.with.first_name',
  manage_url: 'messages.with.manage_url',
  moved: 'messages.with.moved',
} as const;

/** The values a purpose's template can use: each button puts it at the cursor. */
function VariablesList({ purpose, onInsert }: { purpose: MessagePurpose; onInsert: (text: string) => void }) {
  const { t } = useTranslation('admin');
  return (
    <fieldset className="admin-fieldset">
      <legend className="ui-field__label">{t('messages.variables')}</legend>
      <ul className="admin-messages__variables">
        {TEMPLATE_VARIABLES[purpose].map((v) => {
          const shown = v.kind === 'flag' ? tag(`#${v.name}`) : tag(v.name);
          return (
            <li key={v.name}>
              <Button
                size="sm"
                onClick={() => onInsert(v.kind === 'flag' ? `${tag(`#${v.name}`)}${tag(`/${v.name}`)}` : tag(v.name))}
                aria-label={t('messages.insert', { tag: shown, name: t(`messages.variable.${v.name}`) })}
              >
                <code>{shown}</code>
              </Button>
              <span className="admin-muted">
                {t(`messages.variable.${v.name}`)}
                {v.optional && ` (${t('messages.optional')})`}
              </span>
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}

/** Characters, SMS segments and encoding of the text with typical values; which characters force UCS-2. */
function SmsCount({ id, length }: { id: string; length: SmsLength }) {
  const { t } = useTranslation('admin');
  return (
    <p
      className={`admin-messages__count${length.segments > 1 ? ' admin-messages__count--many' : ''}`}
      id={id}
      data-testid="sms-count"
      aria-live="polite"
    >
      {t('messages.count', {
        count: length.segments,
        units: length.units,
        encoding: length.encoding,
        perSegment: length.perSegment,
      })}
      {length.encoding === 'UCS-2' && (
        <> {t('messages.unicode', { characters: length.unicodeCharacters.map((c) => `«${c}»`).join(' ') })}</>
      )}
    </p>
  );
}

/** The message as a customer would read it, with sample values; the optional ones can be left out. */
function PreviewPane({
  template,
  draft,
  unreadable,
}: {
  template: AdminMessageTemplate;
  draft: { subject: string | null; body: string };
  unreadable: boolean;
}) {
  const { t } = useTranslation('admin');
  const ids = useId();
  const optional = TEMPLATE_VARIABLES[template.purpose].filter((v) => v.optional);
  const [present, setPresent] = useState<Record<string, boolean>>(() =>
    Object.fromEntries(optional.map((v) => [v.name, v.kind === 'text'])),
  );
  let preview: { subject: string | null; body: string } | null = null;
  if (!unreadable) {
    const values = { ...sampleValues(template.purpose, template.language) };
    for (const v of optional) {
      if (v.kind === 'flag') values[v.name] = present[v.name] ?? false;
      else if (!present[v.name]) values[v.name] = null;
    }
    preview = renderTemplate(draft, values);
  }
  return (
    <section className="admin-messages__preview" aria-labelledby={`${ids}-preview`}>
      <h3 id={`${ids}-preview`} className="admin-messages__preview-title">
        {t('messages.preview')}
      </h3>
      {optional.length > 0 && (
        <fieldset className="admin-messages__toggles">
          <legend className="visually-hidden">{t('messages.previewWith')}</legend>
          {optional.map((v) => (
            <div className="admin-check" key={v.name}>
              <input
                id={`${ids}-has-${v.name}`}
                type="checkbox"
                checked={present[v.name] ?? false}
                onChange={(e) => setPresent((p) => ({ ...p, [v.name]: e.target.checked }))}
              />
              <label htmlFor={`${ids}-has-${v.name}`}>{t(WITH_KEYS[v.name as keyof typeof WITH_KEYS])}</label>
            </div>
          ))}
        </fieldset>
      )}
      {preview ? (
        <div
          className={`admin-messages__rendered admin-messages__rendered--${template.channel}`}
          data-testid="message-preview"
        >
          {preview.subject !== null && (
            <p className="admin-messages__rendered-subject">
              <span className="visually-hidden">{t('messages.subject')}: </span>
              {preview.subject}
            </p>
          )}
          <p className="admin-messages__rendered-body">{preview.body}</p>
        </div>
      ) : (
        <p className="admin-muted">{t('messages.noPreview')}</p>
      )}
    </section>
  );
}

/** An issue of the shared checks in the admin's language. */
function useIssueText(): (issue: TemplateIssue) => string {
  const { t } = useTranslation('admin');
  return (issue) =>
    issue.code === 'unknown_variable' || issue.code === 'flag_as_text'
      ? t(`messages.issue.${issue.code}`, {
          variable: tag(issue.variable),
          section: `${tag(`#${issue.variable}`)}…${tag(`/${issue.variable}`)}`,
        })
      : issue.code === 'too_long'
        ? t('messages.issue.too_long', { segments: issue.segments, max: MAX_SMS_SEGMENTS })
        : issue.code === 'unreadable'
          ? t('messages.issue.unreadable', { detail: issue.detail })
          : t(`messages.issue.${issue.code}`);
}

/** The template's text: a monospaced area with the syntax hint, its error and (for an SMS) the segment counter. */
function BodyField({
  ref,
  label,
  rows,
  value,
  error,
  length,
  onChange,
  onFocus,
  onKeyDown,
}: {
  ref: Ref<HTMLTextAreaElement>;
  label: string;
  rows: number;
  value: string;
  error: string | null;
  length: SmsLength | null;
  onChange: (value: string) => void;
  onFocus: () => void;
  onKeyDown: (e: KeyboardEvent) => void;
}) {
  const { t } = useTranslation('admin');
  const ids = useId();
  return (
    <div className={`ui-field${error ? ' ui-field--invalid' : ''}`}>
      <label className="ui-field__label" htmlFor={`${ids}-body`}>
        {label}
      </label>
      <p className="ui-field__hint" id={`${ids}-hint`}>
        {t('messages.syntax', {
          value: tag('first_name'),
          section: `${tag('#manage_url')}…${tag('/manage_url')}`,
          inverted: `${tag('^manage_url')}…${tag('/manage_url')}`,
        })}
      </p>
      <textarea
        ref={ref}
        id={`${ids}-body`}
        className="ui-input admin-messages__body"
        rows={rows}
        value={value}
        autoFocus
        spellCheck
        aria-invalid={error ? true : undefined}
        aria-describedby={[`${ids}-hint`, error ? `${ids}-error` : null, length ? `${ids}-count` : null]
          .filter(Boolean)
          .join(' ')}
        onChange={(e) => onChange(e.target.value)}
        onFocus={onFocus}
        onKeyDown={onKeyDown}
      />
      {error && (
        <p className="ui-field__error" id={`${ids}-error`}>
          {error}
        </p>
      )}
      {length && <SmsCount id={`${ids}-count`} length={length} />}
    </div>
  );
}

/** Back to the shipped text, asked for twice: the first button only offers the confirmation. */
function ResetButtons({ busy, onReset }: { busy: boolean; onReset: () => void }) {
  const { t } = useTranslation('admin');
  const [confirming, setConfirming] = useState(false);
  return confirming ? (
    <>
      <Button variant="danger" busy={busy} autoFocus onClick={onReset}>
        {t('messages.resetConfirm')}
      </Button>
      <Button onClick={() => setConfirming(false)}>{t('messages.resetKeep')}</Button>
    </>
  ) : (
    <Button onClick={() => setConfirming(true)}>{t('messages.reset')}</Button>
  );
}
