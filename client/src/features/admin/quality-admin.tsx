import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { templateUpdateInput, type ScorecardTemplate } from '@valore/shared/schemas/quality';
import { Alert } from '../../components/ui/alert';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { Panel } from '../../components/ui/panel';
import { LoadingState } from '../../components/ui/spinner';
import { TextField } from '../../components/ui/text-field';
import { errorMessageKey } from '../../lib/errors';
import { useRequestId } from '../../lib/forms';
import { useTRPC } from '../../lib/trpc';
import { useDateTime } from './admin-bits';
import { langOf } from '../../lib/lang';

type Editing = { mode: 'create' } | { mode: 'edit'; template: ScorecardTemplate } | null;

/** The scorecard templates tutors score calls with (quality.templates.*): list, create, edit, take out of use. */
export function QualityAdmin() {
  const trpc = useTRPC();
  const { t, i18n } = useTranslation('admin');
  const { t: tShell } = useTranslation();
  const lang = langOf(i18n);
  const dateTime = useDateTime();
  const templates = useQuery(trpc.quality.templates.list.queryOptions());
  const [editing, setEditing] = useState<Editing>(null);
  const [notice, setNotice] = useState<string | null>(null);
  if (editing) {
    return (
      <TemplateForm
        template={editing.mode === 'edit' ? editing.template : undefined}
        onDone={(name) => {
          setEditing(null);
          if (name) setNotice(t('quality.form.saved', { name }));
        }}
      />
    );
  }
  return (
    <div className="admin-quality">
      {notice && (
        <Alert tone="success">
          <span role="status">{notice}</span>
        </Alert>
      )}
      <div className="admin-toolbar">
        <div className="admin-toolbar__actions">
          <Button variant="primary" onClick={() => setEditing({ mode: 'create' })}>
            {t('quality.new')}
          </Button>
        </div>
      </div>
      {templates.isPending ? (
        <LoadingState label={t('loading')} />
      ) : templates.isError ? (
        <Alert tone="error">{tShell(errorMessageKey(templates.error))}</Alert>
      ) : templates.data.length === 0 ? (
        <p className="ui-empty">{t('quality.empty')}</p>
      ) : (
        <div className="admin-table__scroll" tabIndex={0} role="region" aria-label={t('quality.caption')}>
          <table className="admin-table">
            <caption className="visually-hidden">{t('quality.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('quality.col.name')}</th>
                <th scope="col">{t('quality.col.dimensions')}</th>
                <th scope="col">{t('quality.col.state')}</th>
                <th scope="col">{t('quality.col.updated')}</th>
                <th scope="col">{t('quality.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {templates.data.map((tpl) => (
                <tr key={tpl.id} className={tpl.active ? undefined : 'admin-table__row--muted'}>
                  <th scope="row">{tpl.name}</th>
                  <td>{tpl.dimensions.map((d) => d.label[lang]).join(' · ')}</td>
                  <td>
                    <Badge tone={tpl.active ? 'success' : 'neutral'}>
                      {tpl.active ? t('quality.active') : t('quality.inactive')}
                    </Badge>
                  </td>
                  <td className="admin-table__nowrap">{dateTime(tpl.updatedAt)}</td>
                  <td className="admin-table__actions">
                    <Button
                      size="sm"
                      onClick={() => {
                        setNotice(null);
                        setEditing({ mode: 'edit', template: tpl });
                      }}
                      aria-label={t('quality.editFor', { name: tpl.name })}
                    >
                      {t('quality.edit')}
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

type Row = { id: number; key: string; it: string; en: string };

function TemplateForm({ template, onDone }: { template?: ScorecardTemplate; onDone: (name: string | null) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t } = useTranslation('admin');
  const { t: tShell } = useTranslation();
  const ids = useId();
  const requestId = useRequestId();
  const nextId = useRef(template?.dimensions.length ?? 1);
  const [name, setName] = useState(template?.name ?? '');
  const [active, setActive] = useState(template?.active ?? true);
  const [rows, setRows] = useState<Row[]>(
    () =>
      template?.dimensions.map((d, i) => ({ id: i, key: d.key, it: d.label.it, en: d.label.en })) ?? [
        { id: 0, key: '', it: '', en: '' },
      ],
  );
  const [errors, setErrors] = useState<{ name?: string; dimensions?: string }>({});
  const saved = (tpl: ScorecardTemplate) => {
    requestId.done();
    void queryClient.invalidateQueries(trpc.quality.templates.pathFilter());
    onDone(tpl.name);
  };
  const create = useMutation(trpc.quality.templates.create.mutationOptions({ onSuccess: saved }));
  const update = useMutation(trpc.quality.templates.update.mutationOptions({ onSuccess: saved }));
  const mutation = template ? update : create;
  const setRow = (id: number, field: keyof Omit<Row, 'id'>, value: string) =>
    setRows((rs) => rs.map((r) => (r.id === id ? { ...r, [field]: value } : r)));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const body = {
      name,
      dimensions: rows.map((r) => ({ key: r.key.trim(), label: { it: r.it, en: r.en } })),
      active,
    };
    const parsed = templateUpdateInput.safeParse({ ...body, requestId: crypto.randomUUID(), id: template?.id ?? 1 });
    if (!parsed.success) {
      const next: typeof errors = {};
      for (const issue of parsed.error.issues) {
        if (issue.path[0] === 'name') next.name = t('quality.form.errors.name');
        if (issue.path[0] === 'dimensions') next.dimensions = t('quality.form.errors.dimensions');
      }
      setErrors(next);
      return;
    }
    setErrors({});
    const { requestId: _r, id: _i, ...data } = parsed.data;
    if (template) update.mutate({ ...data, id: template.id, requestId: requestId.idFor(data) });
    else create.mutate({ name: data.name, dimensions: data.dimensions, requestId: requestId.idFor(data) });
  }

  const title = template ? t('quality.form.editTitle', { name: template.name }) : t('quality.form.createTitle');
  return (
    <Panel title={title}>
      <form className="admin-form admin-form--wide" onSubmit={submit} noValidate aria-label={title}>
        {mutation.isError && (
          <Alert tone="error" title={t('quality.form.failed')}>
            <p>{tShell(errorMessageKey(mutation.error))}</p>
          </Alert>
        )}
        <TextField
          label={t('quality.form.name')}
          value={name}
          autoFocus
          onChange={(e) => setName(e.target.value)}
          error={errors.name}
          className="admin-inline-form__wide"
        />
        <fieldset className="admin-fieldset" aria-describedby={errors.dimensions ? `${ids}-dims` : undefined}>
          <legend className="ui-field__label">{t('quality.form.dimensions')}</legend>
          {rows.map((r, i) => (
            <fieldset key={r.id} className="admin-inline-form" aria-label={t('quality.form.row', { n: i + 1 })}>
              <TextField
                label={t('quality.form.key')}
                hint={t('quality.form.keyHint')}
                value={r.key}
                spellCheck={false}
                onChange={(e) => setRow(r.id, 'key', e.target.value)}
              />
              <TextField
                label={t('quality.form.labelIt')}
                value={r.it}
                onChange={(e) => setRow(r.id, 'it', e.target.value)}
              />
              <TextField
                label={t('quality.form.labelEn')}
                value={r.en}
                onChange={(e) => setRow(r.id, 'en', e.target.value)}
              />
              <Button
                size="sm"
                disabled={rows.length === 1}
                onClick={() => setRows((rs) => rs.filter((x) => x.id !== r.id))}
                aria-label={t('quality.form.removeRow', { n: i + 1 })}
              >
                {t('quality.form.remove')}
              </Button>
            </fieldset>
          ))}
          {errors.dimensions && (
            <p className="ui-field__error" id={`${ids}-dims`}>
              {errors.dimensions}
            </p>
          )}
          <div>
            <Button
              disabled={rows.length >= 12}
              onClick={() => setRows((rs) => [...rs, { id: nextId.current++, key: '', it: '', en: '' }])}
            >
              {t('quality.form.add')}
            </Button>
          </div>
        </fieldset>
        {template && (
          <div className="admin-check">
            <input
              id={`${ids}-active`}
              type="checkbox"
              checked={active}
              onChange={(e) => setActive(e.target.checked)}
            />
            <label htmlFor={`${ids}-active`}>{t('quality.form.active')}</label>
          </div>
        )}
        <div className="admin-form__actions">
          <Button type="submit" variant="primary" busy={mutation.isPending}>
            {template ? t('quality.form.save') : t('quality.form.create')}
          </Button>
          <Button onClick={() => onDone(null)}>{t('quality.form.cancel')}</Button>
        </div>
      </form>
    </Panel>
  );
}
