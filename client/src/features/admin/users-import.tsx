import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/ui/alert';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { Panel } from '../../components/ui/panel';
import { errorMessageKey } from '../../lib/errors';
import { serverFieldErrors, useRequestId } from '../../lib/forms';
import { useTRPC } from '../../lib/trpc';

/** Users from a CSV file: the server checks each line and answers with a report (temporary passwords shown once). */
export function UsersImport({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t } = useTranslation('admin');
  const { t: tShell } = useTranslation();
  const ids = useId();
  const fileRef = useRef<HTMLInputElement>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const requestId = useRequestId();
  const run = useMutation(
    trpc.admin.users.import.mutationOptions({
      onSuccess: () => {
        requestId.done();
        void queryClient.invalidateQueries(trpc.admin.users.pathFilter());
      },
    }),
  );

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const file = fileRef.current?.files?.[0];
    if (!file) {
      setFileError(tShell('passwordChange.required'));
      fileRef.current?.focus();
      return;
    }
    setFileError(null);
    const csv = await file.text();
    run.mutate({ csv, requestId: requestId.idFor(csv) });
  }

  const csvError = fileError ?? serverFieldErrors(run.error).csv?.join(' ') ?? null;
  return (
    <Panel title={t('users.importTitle')}>
      <form className="admin-form" onSubmit={(e) => void submit(e)} noValidate>
        <p className="ui-field__hint" id={`${ids}-hint`}>
          {t('users.importHint')}
        </p>
        <div className={csvError ? 'ui-field ui-field--invalid' : 'ui-field'}>
          <label className="ui-field__label" htmlFor={`${ids}-file`}>
            {t('users.importFile')}
          </label>
          <input
            ref={fileRef}
            id={`${ids}-file`}
            type="file"
            accept=".csv,text/csv"
            autoFocus
            aria-describedby={`${ids}-hint${csvError ? ` ${ids}-error` : ''}`}
            aria-invalid={csvError ? true : undefined}
          />
          {csvError && (
            <p className="ui-field__error" id={`${ids}-error`}>
              {csvError}
            </p>
          )}
        </div>
        {run.isError && !csvError && (
          <Alert tone="error" title={t('users.importFailed')}>
            <p>{tShell(errorMessageKey(run.error))}</p>
          </Alert>
        )}
        <div className="admin-form__actions">
          <Button type="submit" variant="primary" busy={run.isPending}>
            {t('users.importRun')}
          </Button>
          <Button onClick={onClose}>{t('users.form.cancel')}</Button>
        </div>
      </form>
      {run.data && (
        <div className="admin-import-report">
          <p role="status">{t('users.importSummary', { created: run.data.created, rejected: run.data.rejected })}</p>
          <div className="admin-table__scroll" tabIndex={0} role="region" aria-label={t('users.importCaption')}>
            <table className="admin-table">
              <caption className="visually-hidden">{t('users.importCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('users.importCol.line')}</th>
                  <th scope="col">{t('users.importCol.username')}</th>
                  <th scope="col">{t('users.importCol.result')}</th>
                  <th scope="col">{t('users.importCol.detail')}</th>
                </tr>
              </thead>
              <tbody>
                {run.data.lines.map((l) => (
                  <tr key={l.line}>
                    <th scope="row">{l.line}</th>
                    <td>{l.username ?? '—'}</td>
                    <td>
                      <Badge tone={l.status === 'created' ? 'success' : 'danger'}>
                        {l.status === 'created' ? t('users.importCreated') : t('users.importRejected')}
                      </Badge>
                    </td>
                    <td>{l.temporaryPassword ? <code>{l.temporaryPassword}</code> : l.errors.join('; ')}</td>
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
