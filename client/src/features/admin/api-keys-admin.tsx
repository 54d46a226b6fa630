import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { addDays, romeToUtc } from '@valore/shared/time/rome-time';
import { API_KEY_SCOPES, type ApiKeyScope, type ApiKeySummary } from '@valore/shared/schemas/admin';
import { Alert } from '../../components/ui/alert';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { useModalDialog } from '../../components/ui/modal-dialog';
import { Panel } from '../../components/ui/panel';
import { LoadingState } from '../../components/ui/spinner';
import { DateField } from '../../components/ui/date-field';
import { TextField } from '../../components/ui/text-field';
import { errorMessageKey } from '../../lib/errors';
import { serverFieldErrors, useRequestId } from '../../lib/forms';
import { useFocusAfterRender } from '../../lib/focus';
import { useTRPC } from '../../lib/trpc';
import { OneTimeSecret, useDateTime } from './admin-bits';

const STATUS_TONE = { active: 'success', expired: 'warning', revoked: 'neutral' } as const;

/** The API keys tab: make a key (shown once), see scopes, expiry and last use, revoke. */
export function ApiKeysAdmin() {
  const trpc = useTRPC();
  const { t } = useTranslation('admin');
  const { t: tShell } = useTranslation();
  const dateTime = useDateTime();
  const keys = useQuery(trpc.admin.apiKeys.list.queryOptions());
  const [creating, setCreating] = useState(false);
  const [made, setMade] = useState<{ name: string; key: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiKeySummary | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const newButton = useRef<HTMLButtonElement>(null);
  const focusAfterRender = useFocusAfterRender();

  return (
    <div className="admin-keys">
      {made && (
        <div className="admin-notice" role="status">
          <OneTimeSecret
            title={t('keys.createdTitle', { name: made.name })}
            body={t('keys.createdBody')}
            value={made.key}
          />
        </div>
      )}
      {notice && (
        <Alert tone="success">
          <span role="status">{notice}</span>
        </Alert>
      )}
      {creating ? (
        <KeyForm
          onDone={(result) => {
            setCreating(false);
            setMade(result);
            if (!result) focusAfterRender(() => newButton.current);
          }}
        />
      ) : (
        <div className="admin-toolbar">
          <div className="admin-toolbar__actions">
            <Button
              ref={newButton}
              variant="primary"
              onClick={() => {
                setMade(null);
                setNotice(null);
                setCreating(true);
              }}
            >
              {t('keys.new')}
            </Button>
          </div>
        </div>
      )}
      {keys.isPending ? (
        <LoadingState label={t('loading')} />
      ) : keys.isError ? (
        <Alert tone="error">{tShell(errorMessageKey(keys.error))}</Alert>
      ) : keys.data.length === 0 ? (
        <p className="ui-empty">{t('keys.empty')}</p>
      ) : (
        <div className="admin-table__scroll" tabIndex={0} role="region" aria-label={t('keys.caption')}>
          <table className="admin-table">
            <caption className="visually-hidden">{t('keys.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('keys.col.name')}</th>
                <th scope="col">{t('keys.col.prefix')}</th>
                <th scope="col">{t('keys.col.scopes')}</th>
                <th scope="col">{t('keys.col.state')}</th>
                <th scope="col">{t('keys.col.expires')}</th>
                <th scope="col">{t('keys.col.lastUsed')}</th>
                <th scope="col">{t('keys.col.created')}</th>
                <th scope="col">{t('keys.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {keys.data.map((k) => (
                <tr key={k.id} className={k.status === 'active' ? undefined : 'admin-table__row--muted'}>
                  <th scope="row">{k.name}</th>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>{k.scopes.map((s) => t(`keys.scope.${s}`)).join(', ')}</td>
                  <td>
                    <Badge tone={STATUS_TONE[k.status]}>{t(`keys.status.${k.status}`)}</Badge>
                  </td>
                  <td className="admin-table__nowrap">{k.expiresAt ? dateTime(k.expiresAt) : t('keys.noExpiry')}</td>
                  <td className="admin-table__nowrap">{k.lastUsedAt ? dateTime(k.lastUsedAt) : t('never')}</td>
                  <td className="admin-table__nowrap">
                    {dateTime(k.createdAt)}
                    {k.createdBy ? ` · ${k.createdBy}` : ''}
                  </td>
                  <td className="admin-table__actions">
                    {k.status !== 'revoked' && (
                      <Button
                        size="sm"
                        variant="danger"
                        onClick={() => {
                          setNotice(null);
                          setRevoking(k);
                        }}
                        aria-label={t('keys.revokeFor', { name: k.name })}
                      >
                        {t('keys.revoke')}
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {revoking && (
        <RevokeDialog
          apiKey={revoking}
          onClose={(done) => {
            setRevoking(null);
            if (done) setNotice(t('keys.revoked', { name: revoking.name }));
          }}
        />
      )}
    </div>
  );
}

function KeyForm({ onDone }: { onDone: (made: { name: string; key: string } | null) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t } = useTranslation('admin');
  const { t: tShell } = useTranslation();
  const ids = useId();
  const requestId = useRequestId();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>(['intake']);
  const [expires, setExpires] = useState('');
  const create = useMutation(
    trpc.admin.apiKeys.create.mutationOptions({
      onSuccess: (result) => {
        requestId.done();
        void queryClient.invalidateQueries(trpc.admin.apiKeys.pathFilter());
        onDone(result.key ? { name: result.apiKey.name, key: result.key } : null);
      },
    }),
  );
  const fields = serverFieldErrors(create.error);
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // valid through the last day chosen, to its end in Rome time
    const payload = { name, scopes, expiresAt: expires ? romeToUtc(addDays(expires, 1), 0).toISOString() : null };
    create.mutate({ ...payload, requestId: requestId.idFor(payload) });
  }
  return (
    <Panel title={t('keys.form.title')}>
      <form className="admin-form" onSubmit={submit} noValidate>
        {create.isError && (
          <Alert tone="error" title={t('keys.form.failed')}>
            <p>{tShell(errorMessageKey(create.error))}</p>
          </Alert>
        )}
        <TextField
          label={t('keys.form.name')}
          value={name}
          onChange={(e) => setName(e.target.value)}
          autoFocus
          autoComplete="off"
          error={fields.name ? t('keys.form.errors.name') : null}
        />
        <fieldset className="admin-fieldset" aria-describedby={fields.scopes ? `${ids}-scopes-error` : undefined}>
          <legend className="ui-field__label">{t('keys.form.scopes')}</legend>
          {API_KEY_SCOPES.map((scope) => (
            <div className="admin-check" key={scope}>
              <input
                id={`${ids}-${scope}`}
                type="checkbox"
                checked={scopes.includes(scope)}
                onChange={(e) => setScopes((s) => (e.target.checked ? [...s, scope] : s.filter((x) => x !== scope)))}
              />
              <label htmlFor={`${ids}-${scope}`}>{t(`keys.scope.${scope}`)}</label>
            </div>
          ))}
          {fields.scopes && (
            <p className="ui-field__error" id={`${ids}-scopes-error`}>
              {t('keys.form.errors.scopes')}
            </p>
          )}
        </fieldset>
        <DateField
          label={t('keys.form.expires')}
          hint={t('keys.form.expiresHint')}
          value={expires}
          onChange={setExpires}
          error={fields.expiresAt ? t('keys.form.errors.expiresAt') : null}
        />
        <div className="admin-form__actions">
          <Button type="submit" variant="primary" busy={create.isPending}>
            {t('keys.form.create')}
          </Button>
          <Button onClick={() => onDone(null)}>{t('keys.form.cancel')}</Button>
        </div>
      </form>
    </Panel>
  );
}

function RevokeDialog({ apiKey, onClose }: { apiKey: ApiKeySummary; onClose: (done: boolean) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t } = useTranslation('admin');
  const { t: tShell } = useTranslation();
  const cancelRef = useRef<HTMLButtonElement>(null);
  const revoke = useMutation(
    trpc.admin.apiKeys.revoke.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries(trpc.admin.apiKeys.pathFilter());
        onClose(true);
      },
    }),
  );
  const dialog = useModalDialog(() => onClose(false), cancelRef);
  const titleId = useId();
  return (
    <dialog {...dialog.props} className="admin-dialog" aria-labelledby={titleId}>
      <h2 id={titleId}>{t('keys.revokeConfirmTitle', { name: apiKey.name })}</h2>
      <p>{t('keys.revokeConfirmBody')}</p>
      {revoke.isError && <Alert tone="error">{tShell(errorMessageKey(revoke.error))}</Alert>}
      <div className="admin-form__actions">
        <Button variant="danger" busy={revoke.isPending} onClick={() => revoke.mutate({ id: apiKey.id })}>
          {t('keys.revokeConfirm')}
        </Button>
        <Button ref={cancelRef} onClick={() => onClose(false)}>
          {t('keys.cancel')}
        </Button>
      </div>
    </dialog>
  );
}
