import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { postOfficeCreateInput, type AdminPostOffice } from '@valore/shared/schemas/admin';
import { Alert } from '../../components/ui/alert';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { Panel } from '../../components/ui/panel';
import { LoadingState } from '../../components/ui/spinner';
import { TextField } from '../../components/ui/text-field';
import { errorMessageKey } from '../../lib/errors';
import { serverFieldErrors, useFocusFirstInvalid, useRequestId } from '../../lib/forms';
import { isAppClientError, useTRPC } from '../../lib/trpc';
import { OfficeDetail } from './office-detail';

type View = { kind: 'list' } | { kind: 'office'; id: number } | { kind: 'create' } | { kind: 'import' };

/** The post offices tab: search the offices, open one to manage closures and weekly slot times, create, import. */
export function PostOfficesAdmin() {
  const trpc = useTRPC();
  const { t } = useTranslation('admin');
  const { t: tShell } = useTranslation();
  const [search, setSearch] = useState('');
  const [view, setView] = useState<View>({ kind: 'list' });
  const [notice, setNotice] = useState<string | null>(null);
  const offices = useQuery(
    trpc.admin.postOffices.list.queryOptions(
      { ...(search.trim() ? { search: search.trim() } : {}), limit: 100 },
      { placeholderData: (previous) => previous },
    ),
  );
  const back = (message: string | null = null) => {
    setNotice(message);
    setView({ kind: 'list' });
  };

  if (view.kind === 'office') return <OfficeDetail id={view.id} onBack={() => back()} />;
  if (view.kind === 'create') return <OfficeCreate onDone={back} />;
  if (view.kind === 'import') return <OfficesImport onClose={() => back()} />;
  return (
    <div className="admin-offices">
      {notice && (
        <Alert tone="success">
          <span role="status">{notice}</span>
        </Alert>
      )}
      <div className="admin-toolbar" role="search">
        <TextField
          label={t('offices.search')}
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          className="admin-toolbar__search"
        />
        <div className="admin-toolbar__actions">
          <Button variant="primary" onClick={() => setView({ kind: 'create' })}>
            {t('offices.new')}
          </Button>
          <Button onClick={() => setView({ kind: 'import' })}>{t('offices.import')}</Button>
        </div>
      </div>
      {offices.isPending ? (
        <LoadingState label={t('loading')} />
      ) : offices.isError ? (
        <Alert tone="error">{tShell(errorMessageKey(offices.error))}</Alert>
      ) : (
        <OfficesTable
          offices={offices.data.offices}
          total={offices.data.total}
          onManage={(id) => setView({ kind: 'office', id })}
        />
      )}
    </div>
  );
}

function OfficesTable({
  offices,
  total,
  onManage,
}: {
  offices: AdminPostOffice[];
  total: number;
  onManage: (id: number) => void;
}) {
  const { t } = useTranslation('admin');
  if (offices.length === 0) return <p className="ui-empty">{t('offices.empty')}</p>;
  return (
    <>
      <p className="admin-count" aria-live="polite">
        {t('offices.count', { count: total })}
      </p>
      <div className="admin-table__scroll" tabIndex={0} role="region" aria-label={t('offices.caption')}>
        <table className="admin-table">
          <caption className="visually-hidden">{t('offices.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('offices.col.code')}</th>
              <th scope="col">{t('offices.col.name')}</th>
              <th scope="col">{t('offices.col.city')}</th>
              <th scope="col">{t('offices.col.province')}</th>
              <th scope="col" className="admin-table__num">
                {t('offices.col.slots')}
              </th>
              <th scope="col" className="admin-table__num">
                {t('offices.col.free')}
              </th>
              <th scope="col">{t('offices.col.closures')}</th>
              <th scope="col">{t('offices.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {offices.map((o) => (
              <tr key={o.id}>
                <td>
                  <code>{o.code}</code>
                </td>
                <th scope="row">{o.name}</th>
                <td>{o.city}</td>
                <td>{o.provinceCode}</td>
                <td className="admin-table__num">{o.futureSlots}</td>
                <td className="admin-table__num">{o.freeSeats}</td>
                <td>
                  {o.closures.length === 0 ? (
                    t('offices.noClosures')
                  ) : (
                    <span className="admin-badges">
                      {o.closures.map((c) => (
                        <Badge key={c.id} tone="warning">
                          {c.fromDate === c.toDate ? c.fromDate : `${c.fromDate} – ${c.toDate}`}
                        </Badge>
                      ))}
                    </span>
                  )}
                </td>
                <td className="admin-table__actions">
                  <Button
                    size="sm"
                    onClick={() => onManage(o.id)}
                    aria-label={t('offices.manageFor', { name: o.name })}
                  >
                    {t('offices.manage')}
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

type OfficeField = 'code' | 'name' | 'address' | 'city' | 'provinceCode';
const OFFICE_FIELDS: readonly OfficeField[] = ['code', 'name', 'address', 'city', 'provinceCode'];

function OfficeCreate({ onDone }: { onDone: (message: string | null) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t } = useTranslation('admin');
  const { t: tShell } = useTranslation();
  const requestId = useRequestId();
  const formRef = useRef<HTMLFormElement>(null);
  const focusInvalid = useFocusFirstInvalid(formRef);
  const [values, setValues] = useState<Record<OfficeField, string>>({
    code: '',
    name: '',
    address: '',
    city: '',
    provinceCode: '',
  });
  const [errors, setErrors] = useState<Partial<Record<OfficeField, string>>>({});
  const create = useMutation(
    trpc.admin.postOffices.create.mutationOptions({
      onSuccess: (office) => {
        requestId.done();
        void queryClient.invalidateQueries(trpc.admin.postOffices.pathFilter());
        onDone(t('offices.form.saved', { code: office.code }));
      },
    }),
  );
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = postOfficeCreateInput.safeParse({
      ...values,
      code: values.code.trim().toUpperCase(),
      provinceCode: values.provinceCode.trim().toUpperCase(),
    });
    if (!parsed.success) {
      const next: Partial<Record<OfficeField, string>> = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path[0] as OfficeField;
        next[key] ??= t(`offices.form.errors.${key}`);
      }
      setErrors(next);
      focusInvalid();
      return;
    }
    setErrors({});
    create.mutate({ ...parsed.data, requestId: requestId.idFor(parsed.data) }, { onError: focusInvalid });
  }
  const fromServer = serverFieldErrors(create.error);
  const conflict = isAppClientError(create.error) && create.error.data?.httpStatus === 409;
  const errorOf = (f: OfficeField) =>
    errors[f] ??
    (fromServer[f] ? t(f === 'code' && conflict ? 'offices.form.errors.codeTaken' : `offices.form.errors.${f}`) : null);
  return (
    <Panel title={t('offices.form.createTitle')}>
      <form
        ref={formRef}
        className="admin-form"
        onSubmit={submit}
        noValidate
        aria-label={t('offices.form.createTitle')}
      >
        {create.isError && (
          <Alert tone="error" title={t('offices.form.failed')}>
            <p>{tShell(errorMessageKey(create.error))}</p>
          </Alert>
        )}
        {OFFICE_FIELDS.map((f, i) => (
          <TextField
            key={f}
            label={t(`offices.form.${f}`)}
            value={values[f]}
            autoFocus={i === 0}
            autoComplete="off"
            onChange={(e) => {
              setValues((v) => ({ ...v, [f]: e.target.value }));
              setErrors((x) => ({ ...x, [f]: undefined }));
            }}
            error={errorOf(f)}
          />
        ))}
        <div className="admin-form__actions">
          <Button type="submit" variant="primary" busy={create.isPending}>
            {t('offices.form.create')}
          </Button>
          <Button onClick={() => onDone(null)}>{t('offices.form.cancel')}</Button>
        </div>
      </form>
    </Panel>
  );
}

function OfficesImport({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t } = useTranslation('admin');
  const { t: tShell } = useTranslation();
  const ids = useId();
  const fileRef = useRef<HTMLInputElement>(null);
  const requestId = useRequestId();
  const run = useMutation(
    trpc.admin.postOffices.import.mutationOptions({
      onSuccess: () => {
        requestId.done();
        void queryClient.invalidateQueries(trpc.admin.postOffices.pathFilter());
      },
    }),
  );
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const file = fileRef.current?.files?.[0];
    if (!file) return fileRef.current?.focus();
    const csv = await file.text();
    run.mutate({ csv, requestId: requestId.idFor(csv) });
  }
  const csvError = serverFieldErrors(run.error).csv?.join(' ') ?? null;
  return (
    <Panel title={t('offices.importTitle')}>
      <form className="admin-form" onSubmit={(e) => void submit(e)} noValidate>
        <p className="ui-field__hint" id={`${ids}-hint`}>
          {t('offices.importHint')}
        </p>
        <div className={csvError ? 'ui-field ui-field--invalid' : 'ui-field'}>
          <label className="ui-field__label" htmlFor={`${ids}-file`}>
            {t('offices.importFile')}
          </label>
          <input
            ref={fileRef}
            id={`${ids}-file`}
            type="file"
            accept=".csv,text/csv"
            autoFocus
            aria-describedby={`${ids}-hint`}
          />
          {csvError && <p className="ui-field__error">{csvError}</p>}
        </div>
        {run.isError && !csvError && <Alert tone="error">{tShell(errorMessageKey(run.error))}</Alert>}
        <div className="admin-form__actions">
          <Button type="submit" variant="primary" busy={run.isPending}>
            {t('offices.importRun')}
          </Button>
          <Button onClick={onClose}>{t('offices.back')}</Button>
        </div>
      </form>
      {run.data && (
        <div className="admin-import-report">
          <p role="status">{t('offices.importSummary', run.data)}</p>
          <div className="admin-table__scroll" tabIndex={0} role="region" aria-label={t('offices.importCaption')}>
            <table className="admin-table">
              <caption className="visually-hidden">{t('offices.importCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('offices.importCol.line')}</th>
                  <th scope="col">{t('offices.importCol.code')}</th>
                  <th scope="col">{t('offices.importCol.result')}</th>
                  <th scope="col">{t('offices.importCol.detail')}</th>
                </tr>
              </thead>
              <tbody>
                {run.data.lines.map((l) => (
                  <tr key={l.line}>
                    <th scope="row">{l.line}</th>
                    <td>{l.code ?? '—'}</td>
                    <td>
                      <Badge tone={l.status === 'rejected' ? 'danger' : 'success'}>
                        {t(`offices.importStatus.${l.status}`)}
                      </Badge>
                    </td>
                    <td>{l.errors.join('; ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </Panel>
  );
}
