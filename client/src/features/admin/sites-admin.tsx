import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { siteCreateInput, type AdminSite } from '@valore/shared/schemas/admin';
import { Alert } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { Panel } from '../../components/ui/panel';
import { LoadingState } from '../../components/ui/spinner';
import { TextField } from '../../components/ui/text-field';
import { errorMessageKey } from '../../lib/errors';
import { serverFieldErrors, useFocusFirstInvalid, useRequestId } from '../../lib/forms';
import { isAppClientError, useTRPC } from '../../lib/trpc';
import { DistrictCalendars } from './district-calendars';
import { SiteCalendarForm, useAdminCalendarSave, useCalendarSummary } from './site-calendar';

type View =
  | { kind: 'list' }
  | { kind: 'teams'; siteId: number }
  | { kind: 'calendar'; siteId: number }
  | { kind: 'create' }
  | { kind: 'districts' };

/** The sites tab: the sites with their territory and people; a site's teams (add, rename, delete); a new site. */
export function SitesAdmin() {
  const trpc = useTRPC();
  const { t } = useTranslation('admin');
  const { t: tShell } = useTranslation();
  const sites = useQuery(trpc.admin.sites.list.queryOptions());
  const [view, setView] = useState<View>({ kind: 'list' });
  const [notice, setNotice] = useState<string | null>(null);
  const summary = useCalendarSummary();
  if (sites.isPending) return <LoadingState label={t('loading')} />;
  if (sites.isError) return <Alert tone="error">{tShell(errorMessageKey(sites.error))}</Alert>;
  if (view.kind === 'create') {
    return (
      <SiteCreate
        onDone={(message) => {
          setNotice(message);
          setView({ kind: 'list' });
        }}
      />
    );
  }
  if (view.kind === 'districts') return <DistrictCalendars onBack={() => setView({ kind: 'list' })} />;
  const chosen = view.kind !== 'list' ? sites.data.find((s) => s.id === view.siteId) : undefined;
  if (chosen && view.kind === 'calendar') {
    return (
      <SiteCalendarForm
        site={chosen}
        useSave={useAdminCalendarSave}
        inherited={
          chosen.districtCalendar && {
            from: chosen.districtCalendar.name,
            calendar: chosen.districtCalendar.calendar,
          }
        }
        onDone={(message) => {
          setNotice(message);
          setView({ kind: 'list' });
        }}
      />
    );
  }
  if (chosen) return <SiteTeams site={chosen} onBack={() => setView({ kind: 'list' })} />;
  return (
    <div className="admin-sites">
      {notice && (
        <Alert tone="success">
          <span role="status">{notice}</span>
        </Alert>
      )}
      <div className="admin-toolbar">
        <div className="admin-toolbar__actions">
          <Button variant="primary" onClick={() => setView({ kind: 'create' })}>
            {t('sites.new')}
          </Button>{' '}
          <Button
            onClick={() => {
              setNotice(null);
              setView({ kind: 'districts' });
            }}
          >
            {t('districts.open')}
          </Button>
        </div>
      </div>
      <div className="admin-table__scroll" tabIndex={0} role="region" aria-label={t('sites.caption')}>
        <table className="admin-table">
          <caption className="visually-hidden">{t('sites.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('sites.col.code')}</th>
              <th scope="col">{t('sites.col.name')}</th>
              <th scope="col">{t('sites.col.city')}</th>
              <th scope="col">{t('sites.col.province')}</th>
              <th scope="col">{t('sites.col.macro')}</th>
              <th scope="col" className="admin-table__num">
                {t('sites.col.users')}
              </th>
              <th scope="col">{t('sites.col.teams')}</th>
              <th scope="col">{t('sites.col.hours')}</th>
              <th scope="col">{t('sites.col.dispatch')}</th>
              <th scope="col">{t('sites.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {sites.data.map((s) => (
              <tr key={s.id}>
                <td>
                  <code>{s.code}</code>
                </td>
                <th scope="row">{s.name}</th>
                <td>{s.city}</td>
                <td>{s.provinceName ?? s.provinceCode}</td>
                <td>{s.macroArea ?? '—'}</td>
                <td className="admin-table__num">{s.users}</td>
                <td>{s.teams.map((team) => team.name).join(', ') || '—'}</td>
                <td>{summary(s.calendar, s.districtCalendar)}</td>
                <td>
                  <DispatchModeSwitch site={s} onNotice={setNotice} />
                  <WrapUpLimit site={s} onNotice={setNotice} />
                </td>
                <td className="admin-table__actions">
                  <Button
                    size="sm"
                    onClick={() => {
                      setNotice(null);
                      setView({ kind: 'calendar', siteId: s.id });
                    }}
                    aria-label={t('sites.calendar.editFor', { name: s.name })}
                  >
                    {t('sites.calendar.edit')}
                  </Button>{' '}
                  <Button
                    size="sm"
                    onClick={() => {
                      setNotice(null);
                      setView({ kind: 'teams', siteId: s.id });
                    }}
                    aria-label={t('sites.manageFor', { name: s.name })}
                  >
                    {t('sites.manage')}
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function SiteTeams({ site, onBack }: { site: AdminSite; onBack: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t } = useTranslation('admin');
  const { t: tShell } = useTranslation();
  const [name, setName] = useState('');
  const [renaming, setRenaming] = useState<{ id: number; name: string } | null>(null);
  const done = () => void queryClient.invalidateQueries(trpc.admin.sites.pathFilter());
  const create = useMutation(trpc.admin.teams.create.mutationOptions({ onSuccess: () => (done(), setName('')) }));
  const rename = useMutation(trpc.admin.teams.rename.mutationOptions({ onSuccess: () => (done(), setRenaming(null)) }));
  const remove = useMutation(trpc.admin.teams.delete.mutationOptions({ onSuccess: done }));
  const failed = create.error ?? rename.error ?? remove.error;
  return (
    <div className="admin-office">
      <div className="admin-toolbar">
        <Button onClick={onBack} autoFocus>
          {t('sites.back')}
        </Button>
      </div>
      <Panel title={t('sites.teams.title', { name: site.name })}>
        {failed && (
          <Alert tone="error" title={t('sites.teams.failed')}>
            <p>{tShell(errorMessageKey(failed))}</p>
          </Alert>
        )}
        {site.teams.length === 0 ? (
          <p className="ui-empty">{t('sites.teams.empty')}</p>
        ) : (
          <ul className="admin-list">
            {site.teams.map((team) => (
              <li key={team.id}>
                {renaming?.id === team.id ? (
                  <form
                    className="admin-inline-form"
                    onSubmit={(e) => {
                      e.preventDefault();
                      rename.mutate({ id: team.id, name: renaming.name });
                    }}
                  >
                    <TextField
                      label={t('sites.teams.renameLabel', { name: team.name })}
                      value={renaming.name}
                      autoFocus
                      onChange={(e) => setRenaming({ id: team.id, name: e.target.value })}
                    />
                    <Button type="submit" size="sm" variant="primary" busy={rename.isPending}>
                      {t('sites.teams.save')}
                    </Button>
                  </form>
                ) : (
                  <>
                    <strong>{team.name}</strong> · {t('sites.teams.operators', { count: team.operators })} ·{' '}
                    {team.leads.map((l) => l.displayName).join(', ') || t('sites.teams.noLeads')}{' '}
                    <Button
                      size="sm"
                      onClick={() => setRenaming({ id: team.id, name: team.name })}
                      aria-label={t('sites.teams.renameFor', { name: team.name })}
                    >
                      {t('sites.teams.rename')}
                    </Button>{' '}
                    <Button
                      size="sm"
                      variant="danger"
                      busy={remove.isPending && remove.variables.id === team.id}
                      onClick={() => remove.mutate({ id: team.id })}
                      aria-label={t('sites.teams.deleteFor', { name: team.name })}
                    >
                      {t('sites.teams.delete')}
                    </Button>
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
        <form
          className="admin-inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (name.trim()) create.mutate({ siteId: site.id, name: name.trim() });
          }}
        >
          <TextField label={t('sites.teams.newName')} value={name} onChange={(e) => setName(e.target.value)} />
          <Button type="submit" variant="primary" busy={create.isPending}>
            {t('sites.teams.add')}
          </Button>
        </form>
      </Panel>
    </div>
  );
}

type SiteField = 'code' | 'name' | 'city' | 'provinceCode';
const SITE_FIELDS: readonly SiteField[] = ['code', 'name', 'city', 'provinceCode'];

function SiteCreate({ onDone }: { onDone: (message: string | null) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t } = useTranslation('admin');
  const { t: tShell } = useTranslation();
  const requestId = useRequestId();
  const formRef = useRef<HTMLFormElement>(null);
  const focusInvalid = useFocusFirstInvalid(formRef);
  const [values, setValues] = useState<Record<SiteField, string>>({ code: '', name: '', city: '', provinceCode: '' });
  const [errors, setErrors] = useState<Partial<Record<SiteField, string>>>({});
  const create = useMutation(
    trpc.admin.sites.create.mutationOptions({
      onSuccess: (site) => {
        requestId.done();
        void queryClient.invalidateQueries(trpc.admin.sites.pathFilter());
        void queryClient.invalidateQueries(trpc.admin.options.pathFilter());
        onDone(t('sites.form.saved', { code: site.code }));
      },
    }),
  );
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = siteCreateInput.safeParse({
      ...values,
      code: values.code.trim().toUpperCase(),
      provinceCode: values.provinceCode.trim().toUpperCase(),
    });
    if (!parsed.success) {
      const next: Partial<Record<SiteField, string>> = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path[0] as SiteField;
        next[key] ??= t(`sites.form.errors.${key}`);
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
  const errorOf = (f: SiteField) =>
    errors[f] ??
    (fromServer[f] ? t(f === 'code' && conflict ? 'sites.form.errors.codeTaken' : `sites.form.errors.${f}`) : null);
  return (
    <Panel title={t('sites.form.title')}>
      <form ref={formRef} className="admin-form" onSubmit={submit} noValidate aria-label={t('sites.form.title')}>
        {create.isError && (
          <Alert tone="error" title={t('sites.form.failed')}>
            <p>{tShell(errorMessageKey(create.error))}</p>
          </Alert>
        )}
        {SITE_FIELDS.map((f, i) => (
          <TextField
            key={f}
            label={t(`sites.form.${f}`)}
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
            {t('sites.form.create')}
          </Button>
          <Button onClick={() => onDone(null)}>{t('sites.form.cancel')}</Button>
        </div>
      </form>
    </Panel>
  );
}

/** Push (Ready operators are offered work) or pull (they ask with "Prossimo contatto"): one click, audited. */
function DispatchModeSwitch({ site, onNotice }: { site: AdminSite; onNotice: (message: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t } = useTranslation('admin');
  const { t: tShell } = useTranslation();
  const next = site.dispatchMode === 'push' ? 'pull' : 'push';
  const update = useMutation(
    trpc.admin.sites.update.mutationOptions({
      onSuccess: (updated) => {
        void queryClient.invalidateQueries(trpc.admin.sites.pathFilter());
        onNotice(t('sites.dispatch.saved', { name: updated.name, mode: t(`sites.dispatch.${updated.dispatchMode}`) }));
      },
      onError: (error) => onNotice(tShell(errorMessageKey(error))),
    }),
  );
  return (
    <>
      {t(`sites.dispatch.${site.dispatchMode}`)}{' '}
      <Button
        size="sm"
        busy={update.isPending}
        aria-label={t('sites.dispatch.switchFor', { name: site.name, mode: t(`sites.dispatch.${next}`) })}
        onClick={() => update.mutate({ id: site.id, dispatchMode: next })}
      >
        {t('sites.dispatch.switch')}
      </Button>
    </>
  );
}

/** How long after-call work may last at the site before the console records the outcome and goes Ready (0: no limit). */
function WrapUpLimit({ site, onNotice }: { site: AdminSite; onNotice: (message: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t } = useTranslation('admin');
  const { t: tShell } = useTranslation();
  const [editing, setEditing] = useState<string | null>(null);
  const request = useRequestId();
  const update = useMutation(
    trpc.admin.sites.update.mutationOptions({
      onSuccess: (updated) => {
        request.done();
        setEditing(null);
        void queryClient.invalidateQueries(trpc.admin.sites.pathFilter());
        onNotice(t('sites.wrapUp.saved', { name: updated.name, limit: limitText(updated.wrapUpSeconds) }));
      },
    }),
  );
  const limitText = (seconds: number) =>
    seconds === 0 ? t('sites.wrapUp.none') : t('sites.wrapUp.seconds', { count: seconds });
  const fieldError = serverFieldErrors(update.error).wrapUpSeconds?.[0];

  if (editing === null) {
    return (
      <p className="admin-table__sub">
        {t('sites.wrapUp.label')}: {limitText(site.wrapUpSeconds)}{' '}
        <Button
          size="sm"
          variant="ghost"
          aria-label={t('sites.wrapUp.editFor', { name: site.name })}
          onClick={() => {
            update.reset();
            setEditing(String(site.wrapUpSeconds));
          }}
        >
          {t('sites.wrapUp.edit')}
        </Button>
      </p>
    );
  }
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const payload = { id: site.id, wrapUpSeconds: editing === '' ? Number.NaN : Number(editing) };
    update.mutate({ ...payload, requestId: request.idFor(payload) });
  }
  return (
    <form className="admin-inline-form" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && setEditing(null)}>
      <TextField
        label={t('sites.wrapUp.fieldFor', { name: site.name })}
        hint={t('sites.wrapUp.hint')}
        type="number"
        inputMode="numeric"
        min={0}
        max={900}
        step={1}
        autoFocus
        value={editing}
        onChange={(e) => setEditing(e.target.value)}
        error={fieldError ? t('sites.wrapUp.invalid') : update.isError ? tShell(errorMessageKey(update.error)) : null}
      />
      <Button type="submit" size="sm" variant="primary" busy={update.isPending}>
        {t('sites.wrapUp.save')}
      </Button>
      <Button size="sm" onClick={() => setEditing(null)}>
        {t('sites.wrapUp.cancel')}
      </Button>
    </form>
  );
}
