import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ROLES, type Role } from '@valore/shared/schemas/auth';
import { userCreateInput, type AdminUser } from '@valore/shared/schemas/admin';
import { Alert } from '../../components/ui/alert';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { useModalDialog } from '../../components/ui/modal-dialog';
import { Panel } from '../../components/ui/panel';
import { Select } from '../../components/ui/select';
import { LoadingState } from '../../components/ui/spinner';
import { TextField } from '../../components/ui/text-field';
import { errorDomainCode, errorMessageKey } from '../../lib/errors';
import { serverFieldErrors, useFocusFirstInvalid, useRequestId } from '../../lib/forms';
import { useFocusAfterRender } from '../../lib/focus';
import { passwordProblemKey } from '../../lib/password-messages';
import { useTRPC } from '../../lib/trpc';
import { OneTimeSecret, useDateTime } from './admin-bits';
import { UsersImport } from './users-import';

type Options = {
  sites: { id: number; code: string; name: string }[];
  teams: { id: number; siteId: number; name: string }[];
};
type Editing = { mode: 'create' } | { mode: 'edit'; user: AdminUser } | null;
type Notice = { text: string; secret?: { title: string; value: string } } | null;

/** The users tab: filter, create, edit (role, site, team, active), reset a password, import from CSV. */
export function UsersAdmin() {
  const trpc = useTRPC();
  const { t } = useTranslation('admin');
  const { t: tShell } = useTranslation();
  const options = useQuery(trpc.admin.options.queryOptions());
  const [search, setSearch] = useState('');
  const [role, setRole] = useState<Role | ''>('');
  const [siteId, setSiteId] = useState('');
  const [state, setState] = useState<'' | 'active' | 'disabled'>('');
  const [editing, setEditing] = useState<Editing>(null);
  const [resetting, setResetting] = useState<AdminUser | null>(null);
  const [importing, setImporting] = useState(false);
  const [notice, setNotice] = useState<Notice>(null);
  const newButton = useRef<HTMLButtonElement>(null);
  const focusAfterRender = useFocusAfterRender();
  const filters = {
    ...(search.trim() ? { search: search.trim() } : {}),
    ...(role ? { role } : {}),
    ...(siteId ? { siteId: Number(siteId) } : {}),
    ...(state ? { active: state === 'active' } : {}),
  };
  const users = useQuery(trpc.admin.users.list.queryOptions(filters, { placeholderData: (previous) => previous }));

  if (options.isPending) return <LoadingState label={t('loading')} />;
  if (options.isError) return <Alert tone="error">{tShell(errorMessageKey(options.error))}</Alert>;
  const opts = options.data;

  const closeForm = (message: Notice) => {
    setEditing(null);
    setNotice(message);
    if (!message?.secret) focusAfterRender(() => newButton.current);
  };

  return (
    <div className="admin-users">
      {notice && (
        <div className="admin-notice" role="status">
          {notice.secret ? (
            <OneTimeSecret title={notice.secret.title} body={t('users.temporaryBody')} value={notice.secret.value} />
          ) : (
            <Alert tone="success">{notice.text}</Alert>
          )}
        </div>
      )}
      {editing ? (
        <UserForm
          key={editing.mode === 'edit' ? editing.user.id : 'new'}
          user={editing.mode === 'edit' ? editing.user : undefined}
          options={opts}
          onDone={closeForm}
          onCancel={() => closeForm(null)}
        />
      ) : importing ? (
        <UsersImport onClose={() => setImporting(false)} />
      ) : (
        <>
          <div className="admin-toolbar" role="search">
            <TextField
              label={t('users.search')}
              type="search"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              className="admin-toolbar__search"
            />
            <Select
              label={t('users.role')}
              value={role}
              onChange={(e) => setRole(e.target.value as Role | '')}
              options={[
                { value: '', label: t('users.allRoles') },
                ...ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) })),
              ]}
            />
            <Select
              label={t('users.site')}
              value={siteId}
              onChange={(e) => setSiteId(e.target.value)}
              options={[
                { value: '', label: t('users.allSites') },
                ...opts.sites.map((s) => ({ value: String(s.id), label: s.name })),
              ]}
            />
            <Select
              label={t('users.state')}
              value={state}
              onChange={(e) => setState(e.target.value as '' | 'active' | 'disabled')}
              options={[
                { value: '', label: t('users.allStates') },
                { value: 'active', label: t('users.onlyActive') },
                { value: 'disabled', label: t('users.onlyDisabled') },
              ]}
            />
            <div className="admin-toolbar__actions">
              <Button ref={newButton} variant="primary" onClick={() => setEditing({ mode: 'create' })}>
                {t('users.new')}
              </Button>
              <Button onClick={() => setImporting(true)}>{t('users.import')}</Button>
            </div>
          </div>
          <SignInSettings />
          <UsersTable
            users={users.data?.users}
            total={users.data?.total}
            error={users.error}
            onEdit={(user) => {
              setNotice(null);
              setEditing({ mode: 'edit', user });
            }}
            onReset={(user) => {
              setNotice(null);
              setResetting(user);
            }}
          />
        </>
      )}
      {resetting && (
        <ResetDialog
          user={resetting}
          onClose={(secret) => {
            setResetting(null);
            if (secret) {
              setNotice({
                text: '',
                secret: { title: t('users.temporaryTitle', { username: resetting.username }), value: secret },
              });
            }
          }}
        />
      )}
    </div>
  );
}

function UsersTable({
  users,
  total,
  error,
  onEdit,
  onReset,
}: {
  users: AdminUser[] | undefined;
  total: number | undefined;
  error: unknown;
  onEdit: (user: AdminUser) => void;
  onReset: (user: AdminUser) => void;
}) {
  const { t } = useTranslation('admin');
  const { t: tShell } = useTranslation();
  const dateTime = useDateTime();
  if (error) return <Alert tone="error">{tShell(errorMessageKey(error))}</Alert>;
  if (!users) return <LoadingState label={t('loading')} />;
  return (
    <>
      <p className="admin-count" aria-live="polite">
        {t('users.count', { count: total ?? users.length })}
      </p>
      {users.length === 0 ? (
        <p className="ui-empty">{t('users.empty')}</p>
      ) : (
        <div className="admin-table__scroll" tabIndex={0} role="region" aria-label={t('users.caption')}>
          <table className="admin-table">
            <caption className="visually-hidden">{t('users.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('users.col.username')}</th>
                <th scope="col">{t('users.col.name')}</th>
                <th scope="col">{t('users.col.role')}</th>
                <th scope="col">{t('users.col.site')}</th>
                <th scope="col">{t('users.col.team')}</th>
                <th scope="col">{t('users.col.state')}</th>
                <th scope="col">{t('users.col.lastSeen')}</th>
                <th scope="col">{t('users.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id} className={u.active ? undefined : 'admin-table__row--muted'}>
                  <th scope="row">{u.username}</th>
                  <td>{u.displayName}</td>
                  <td>{t(`roles.${u.role}`)}</td>
                  <td>{u.siteName ?? '—'}</td>
                  <td>{u.teamName ?? '—'}</td>
                  <td>
                    <span className="admin-badges">
                      <Badge tone={u.active ? 'success' : 'neutral'}>
                        {u.active ? t('users.active') : t('users.disabled')}
                      </Badge>
                      {u.mustChangePassword && <Badge tone="warning">{t('users.mustChange')}</Badge>}
                    </span>
                  </td>
                  <td className="admin-table__nowrap">{u.lastSeenAt ? dateTime(u.lastSeenAt) : t('never')}</td>
                  <td className="admin-table__actions">
                    <Button
                      size="sm"
                      onClick={() => onEdit(u)}
                      aria-label={t('users.editFor', { name: u.displayName })}
                    >
                      {t('users.edit')}
                    </Button>
                    <Button
                      size="sm"
                      onClick={() => onReset(u)}
                      aria-label={t('users.resetFor', { name: u.displayName })}
                    >
                      {t('users.reset')}
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

type FormValues = {
  username: string;
  displayName: string;
  role: Role;
  siteId: string;
  teamId: string;
  active: boolean;
  password: string;
};
type FormField = 'username' | 'displayName' | 'role' | 'siteId' | 'teamId' | 'password' | 'active';

function UserForm({
  user,
  options,
  onDone,
  onCancel,
}: {
  user?: AdminUser;
  options: Options;
  onDone: (notice: Notice) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation('admin');
  const { t: tShell } = useTranslation();
  const ids = useId();
  const requestId = useRequestId();
  const formRef = useRef<HTMLFormElement>(null);
  const focusInvalid = useFocusFirstInvalid(formRef);
  const [values, setValues] = useState<FormValues>(() => ({
    username: user?.username ?? '',
    displayName: user?.displayName ?? '',
    role: user?.role ?? 'operator',
    siteId: user?.siteId ? String(user.siteId) : '',
    teamId: user?.teamId ? String(user.teamId) : '',
    active: user?.active ?? true,
    password: '',
  }));
  const [errors, setErrors] = useState<Partial<Record<FormField, string>>>({});
  const { create, update } = useUserMutations(onDone, requestId.done);
  const mutation = user ? update : create;
  const set = <K extends keyof FormValues>(key: K, value: FormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value, ...(key === 'siteId' ? { teamId: '' } : {}) }));
    setErrors((e) => ({ ...e, [key]: undefined }));
  };
  const needsSite = values.role !== 'admin';

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const payload = {
      username: values.username.trim(),
      displayName: values.displayName,
      role: values.role,
      siteId: needsSite && values.siteId ? Number(values.siteId) : null,
      teamId: needsSite && values.teamId ? Number(values.teamId) : null,
      ...(values.password && !user ? { password: values.password } : {}),
    };
    // the server's own schema: the form refuses what the server would, with the server's words
    const parsed = userCreateInput.safeParse(user ? { ...payload, username: user.username } : payload);
    if (!parsed.success) {
      const next: Partial<Record<FormField, string>> = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path[0] as FormField;
        next[key] ??= key === 'password' ? tShell(passwordProblemKey(issue.message)) : t(`users.form.errors.${key}`);
      }
      setErrors(next);
      focusInvalid();
      return;
    }
    setErrors({});
    if (user) {
      const change = {
        id: user.id,
        displayName: parsed.data.displayName,
        role: parsed.data.role,
        siteId: parsed.data.siteId,
        teamId: parsed.data.teamId ?? null,
        active: values.active,
      };
      update.mutate({ ...change, requestId: requestId.idFor(change) }, { onError: focusInvalid });
    } else {
      create.mutate({ ...parsed.data, requestId: requestId.idFor(parsed.data) }, { onError: focusInvalid });
    }
  }

  const fromServer = serverFieldErrors(mutation.error);
  const errorOf = (f: FormField): string | null => {
    if (errors[f]) return errors[f];
    const server = fromServer[f]?.[0];
    if (server === undefined) return null;
    if (f === 'password') return tShell(passwordProblemKey(server));
    if (f === 'username' && errorDomainCode(mutation.error) === 'USERNAME_TAKEN')
      return t('users.form.errors.usernameTaken');
    return t(`users.form.errors.${f}`);
  };
  return (
    <Panel title={user ? t('users.form.editTitle', { name: user.displayName }) : t('users.form.createTitle')}>
      <form ref={formRef} className="admin-form" onSubmit={submit} noValidate aria-labelledby={`${ids}-title`}>
        <h3 id={`${ids}-title`} className="visually-hidden">
          {user ? t('users.form.editTitle', { name: user.displayName }) : t('users.form.createTitle')}
        </h3>
        {mutation.isError && (
          <Alert tone="error" title={user ? t('users.form.saveFailed') : t('users.form.createFailed')}>
            <p>{tShell(errorMessageKey(mutation.error))}</p>
          </Alert>
        )}
        <TextField
          label={t('users.form.username')}
          hint={user ? undefined : t('users.form.usernameHint')}
          value={values.username}
          onChange={(e) => set('username', e.target.value)}
          readOnly={!!user}
          autoFocus={!user}
          autoComplete="off"
          spellCheck={false}
          error={errorOf('username')}
        />
        <TextField
          label={t('users.form.displayName')}
          value={values.displayName}
          onChange={(e) => set('displayName', e.target.value)}
          autoFocus={!!user}
          autoComplete="off"
          error={errorOf('displayName')}
        />
        <Select
          label={t('users.form.role')}
          value={values.role}
          onChange={(e) => set('role', e.target.value as Role)}
          options={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
        />
        {needsSite && <PlacementFields values={values} set={set} errorOf={errorOf} options={options} />}
        <AccessField user={user} values={values} set={set} errorOf={errorOf} />
        <div className="admin-form__actions">
          <Button type="submit" variant="primary" busy={mutation.isPending}>
            {user ? t('users.form.save') : t('users.form.create')}
          </Button>
          <Button onClick={onCancel}>{t('users.form.cancel')}</Button>
        </div>
      </form>
    </Panel>
  );
}

/** Create and update, each telling the users tab what to say (and the one-time password) when it is done. */
function useUserMutations(onDone: (notice: Notice) => void, savedOnce: () => void) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t } = useTranslation('admin');
  const invalidate = () => void queryClient.invalidateQueries(trpc.admin.users.pathFilter());
  const create = useMutation(
    trpc.admin.users.create.mutationOptions({
      onSuccess: (made) => {
        savedOnce();
        invalidate();
        onDone({
          text: t('users.created', { username: made.user.username }),
          ...(made.temporaryPassword
            ? {
                secret: {
                  title: t('users.temporaryTitle', { username: made.user.username }),
                  value: made.temporaryPassword,
                },
              }
            : {}),
        });
      },
    }),
  );
  const update = useMutation(
    trpc.admin.users.update.mutationOptions({
      onSuccess: (result) => {
        savedOnce();
        invalidate();
        onDone({
          text:
            result.sessionsEnded > 0 || !result.user.active
              ? t('users.savedDisabled', {
                  username: result.user.username,
                  sessions: result.sessionsEnded,
                  work: result.workReturned,
                })
              : t('users.saved', { username: result.user.username }),
        });
      },
    }),
  );
  return { create, update };
}
type FieldProps = {
  values: FormValues;
  set: <K extends keyof FormValues>(key: K, value: FormValues[K]) => void;
  errorOf: (f: FormField) => string | null;
};

/** Site and team (operators, tutors and team leads): the team list is the chosen site's. */
function PlacementFields({ values, set, errorOf, options }: FieldProps & { options: Options }) {
  const { t } = useTranslation('admin');
  const teams = options.teams.filter((team) => String(team.siteId) === values.siteId);
  return (
    <>
      <FieldError error={errorOf('siteId')}>
        <Select
          label={t('users.form.site')}
          value={values.siteId}
          onChange={(e) => set('siteId', e.target.value)}
          aria-invalid={errorOf('siteId') ? true : undefined}
          options={[
            { value: '', label: t('users.form.chooseSite') },
            ...options.sites.map((s) => ({ value: String(s.id), label: s.name })),
          ]}
        />
      </FieldError>
      <FieldError error={errorOf('teamId')}>
        <Select
          label={t('users.form.team')}
          value={values.teamId}
          onChange={(e) => set('teamId', e.target.value)}
          disabled={!values.siteId}
          options={[
            { value: '', label: t('users.form.noTeam') },
            ...teams.map((team) => ({ value: String(team.id), label: team.name })),
          ]}
        />
      </FieldError>
    </>
  );
}

/** Editing: whether the user may sign in. Creating: an initial password (optional). */
function AccessField({ user, values, set, errorOf }: FieldProps & { user: AdminUser | undefined }) {
  const { t } = useTranslation('admin');
  const ids = useId();
  if (!user) {
    return (
      <TextField
        label={t('users.form.password')}
        hint={t('users.form.passwordHint')}
        type="password"
        autoComplete="new-password"
        value={values.password}
        onChange={(e) => set('password', e.target.value)}
        error={errorOf('password')}
      />
    );
  }
  return (
    <div className="admin-check">
      <input
        id={`${ids}-active`}
        type="checkbox"
        checked={values.active}
        onChange={(e) => set('active', e.target.checked)}
        aria-describedby={`${ids}-active-hint`}
        aria-invalid={errorOf('active') ? true : undefined}
      />
      <label htmlFor={`${ids}-active`}>{t('users.form.active')}</label>
      <p id={`${ids}-active-hint`} className="ui-field__hint">
        {t('users.form.activeHint')}
      </p>
      {errorOf('active') && <p className="ui-field__error">{errorOf('active')}</p>}
    </div>
  );
}

function FieldError({ error, children }: { error: string | null; children: ReactNode }) {
  return (
    <div className={error ? 'ui-field--invalid' : undefined}>
      {children}
      {error && <p className="ui-field__error">{error}</p>}
    </div>
  );
}

function ResetDialog({ user, onClose }: { user: AdminUser; onClose: (secret: string | null) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t } = useTranslation('admin');
  const { t: tShell } = useTranslation();
  const cancelRef = useRef<HTMLButtonElement>(null);
  const requestId = useRef(crypto.randomUUID());
  const reset = useMutation(
    trpc.admin.users.resetPassword.mutationOptions({
      onSuccess: (result) => {
        void queryClient.invalidateQueries(trpc.admin.users.pathFilter());
        onClose(result.temporaryPassword);
      },
    }),
  );
  const dialog = useModalDialog(() => onClose(null), cancelRef);
  const titleId = useId();
  return (
    <dialog {...dialog.props} className="admin-dialog" aria-labelledby={titleId}>
      <h2 id={titleId}>{t('users.resetConfirmTitle', { name: user.displayName })}</h2>
      <p>{t('users.resetConfirmBody', { name: user.displayName })}</p>
      {reset.isError && <Alert tone="error">{tShell(errorMessageKey(reset.error))}</Alert>}
      <div className="admin-form__actions">
        <Button
          variant="danger"
          busy={reset.isPending}
          onClick={() => reset.mutate({ id: user.id, requestId: requestId.current })}
        >
          {t('users.resetConfirm')}
        </Button>
        <Button ref={cancelRef} onClick={() => onClose(null)}>
          {t('users.cancel')}
        </Button>
      </div>
    </dialog>
  );
}

/** With a company identity provider configured: whether local passwords still sign in (admin.settings). */
export function SignInSettings() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t } = useTranslation('admin');
  const { t: tShell } = useTranslation();
  const ids = useId();
  const settings = useQuery(trpc.admin.settings.get.queryOptions());
  const update = useMutation(
    trpc.admin.settings.update.mutationOptions({
      onSuccess: (next) => queryClient.setQueryData(trpc.admin.settings.get.queryKey(), next),
    }),
  );
  if (!settings.data?.oidc) return null;
  return (
    <div className="admin-check admin-signin" role="group" aria-labelledby={`${ids}-label`}>
      <span id={`${ids}-label`} className="visually-hidden">
        {t('users.signIn')}
      </span>
      <input
        id={`${ids}-local`}
        type="checkbox"
        checked={settings.data.localPasswords}
        disabled={update.isPending}
        onChange={(e) => update.mutate({ localPasswords: e.target.checked })}
        aria-describedby={`${ids}-hint`}
      />
      <label htmlFor={`${ids}-local`}>{t('users.localPasswords')}</label>
      <p id={`${ids}-hint`} className="ui-field__hint">
        {t('users.localPasswordsHint')}
      </p>
      {update.isError && <p className="ui-field__error">{tShell(errorMessageKey(update.error))}</p>}
    </div>
  );
}
