import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditRow } from '@valore/shared/schemas/admin';
import { romeToUtc, addDays } from '@valore/shared/time/rome-time';
import { Alert } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { Select } from '../../components/ui/select';
import { LoadingState } from '../../components/ui/spinner';
import { DateField } from '../../components/ui/date-field';
import { TextField } from '../../components/ui/text-field';
import { errorMessageKey } from '../../lib/errors';
import { useTRPC } from '../../lib/trpc';
import { download } from '../../lib/download';
import { useDateTime } from './admin-bits';
import { langOf } from '../../lib/lang';

type Form = { actorId: string; customerId: string; action: string; from: string; to: string };
const EMPTY: Form = { actorId: '', customerId: '', action: '', from: '', to: '' };

/** The form's values as the search's filters: days are Rome calendar days, whole. */
function filtersOf(form: Form) {
  return {
    ...(form.actorId ? { actorId: Number(form.actorId) } : {}),
    ...(form.customerId ? { customerId: Number(form.customerId) } : {}),
    ...(form.action ? { action: form.action } : {}),
    ...(form.from ? { from: romeToUtc(form.from, 0).toISOString() } : {}),
    ...(form.to ? { to: new Date(romeToUtc(addDays(form.to, 1), 0).getTime() - 1).toISOString() } : {}),
  };
}

/** The audit tab: who did what, when, on which customer; pages of 100, newest first; CSV export (audited). */
export function AuditLog() {
  const trpc = useTRPC();
  const { t, i18n } = useTranslation('admin');
  const { t: tShell } = useTranslation();
  const ids = useId();
  const [form, setForm] = useState<Form>(EMPTY);
  const [applied, setApplied] = useState<Form>(EMPTY);
  const [customerError, setCustomerError] = useState<string | null>(null);
  const users = useQuery(trpc.admin.users.list.queryOptions({ limit: 500 }));
  const actions = useQuery(trpc.admin.audit.actions.queryOptions());
  const filters = filtersOf(applied);
  const log = useInfiniteQuery(
    trpc.admin.audit.search.infiniteQueryOptions(
      { ...filters, limit: 100 },
      { initialCursor: undefined, getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const exporter = useMutation(
    trpc.admin.audit.exportCsv.mutationOptions({ onSuccess: (file) => download(file.filename, file.csv) }),
  );
  const set = (key: keyof Form, value: string) => setForm((f) => ({ ...f, [key]: value }));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (form.customerId && !/^[1-9]\d{0,15}$/.test(form.customerId.trim())) {
      setCustomerError(t('audit.invalidCustomer'));
      return;
    }
    setCustomerError(null);
    exporter.reset();
    setApplied({ ...form, customerId: form.customerId.trim() });
  }

  const rows = log.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="admin-audit">
      <form className="admin-toolbar" role="search" onSubmit={submit} noValidate aria-label={t('audit.caption')}>
        <Select
          label={t('audit.actor')}
          value={form.actorId}
          onChange={(e) => set('actorId', e.target.value)}
          options={[
            { value: '', label: t('audit.anyActor') },
            ...(users.data?.users ?? []).map((u) => ({
              value: String(u.id),
              label: `${u.displayName} (${u.username})`,
            })),
          ]}
        />
        <TextField
          label={t('audit.customer')}
          inputMode="numeric"
          value={form.customerId}
          onChange={(e) => set('customerId', e.target.value)}
          error={customerError}
          className="admin-toolbar__narrow"
        />
        <Select
          label={t('audit.action')}
          value={form.action}
          onChange={(e) => set('action', e.target.value)}
          options={[
            { value: '', label: t('audit.anyAction') },
            ...(actions.data ?? []).map((a) => ({ value: a, label: a })),
          ]}
        />
        <DateField
          label={t('audit.from')}
          value={form.from}
          max={form.to || undefined}
          onChange={(v) => set('from', v)}
        />
        <DateField label={t('audit.to')} value={form.to} min={form.from || undefined} onChange={(v) => set('to', v)} />
        <div className="admin-toolbar__actions">
          <Button type="submit" variant="primary">
            {t('audit.search')}
          </Button>
          <Button busy={exporter.isPending} onClick={() => exporter.mutate({ ...filters, language: langOf(i18n) })}>
            {t('audit.export')}
          </Button>
        </div>
      </form>
      {exporter.data && (
        <Alert tone={exporter.data.truncated ? 'warning' : 'success'}>
          <span role="status">
            {t(exporter.data.truncated ? 'audit.exportedTruncated' : 'audit.exported', {
              rows: exporter.data.rows,
              filename: exporter.data.filename,
            })}
          </span>
        </Alert>
      )}
      {exporter.isError && <Alert tone="error">{tShell(errorMessageKey(exporter.error))}</Alert>}
      {log.isPending ? (
        <LoadingState label={t('loading')} />
      ) : log.isError ? (
        <Alert tone="error">{tShell(errorMessageKey(log.error))}</Alert>
      ) : rows.length === 0 ? (
        <p className="ui-empty">{t('audit.empty')}</p>
      ) : (
        <>
          <AuditTable rows={rows} captionId={`${ids}-caption`} />
          {log.hasNextPage && (
            <Button className="admin-more" busy={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
              {t('audit.more')}
            </Button>
          )}
        </>
      )}
    </div>
  );
}

function AuditTable({
  rows,
  captionId,
}: {
  rows: (Omit<AuditRow, 'details'> & { details?: unknown })[];
  captionId: string;
}) {
  const { t } = useTranslation('admin');
  const dateTime = useDateTime();
  return (
    <div className="admin-table__scroll" tabIndex={0} role="region" aria-labelledby={captionId}>
      <table className="admin-table admin-table--audit">
        <caption id={captionId} className="visually-hidden">
          {t('audit.caption')}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('audit.col.at')}</th>
            <th scope="col">{t('audit.col.actor')}</th>
            <th scope="col">{t('audit.col.action')}</th>
            <th scope="col">{t('audit.col.entity')}</th>
            <th scope="col">{t('audit.col.customer')}</th>
            <th scope="col">{t('audit.col.details')}</th>
            <th scope="col">{t('audit.col.ip')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td className="admin-table__nowrap">{dateTime(r.at)}</td>
              <td>{r.actorUsername ?? t('audit.system')}</td>
              <th scope="row">
                <code>{r.action}</code>
              </th>
              <td>
                {r.entityType}
                {r.entityId ? ` ${r.entityId}` : ''}
              </td>
              <td>{r.customerId ?? '—'}</td>
              <td className="admin-table__details">
                {r.details === null || r.details === undefined ? '' : JSON.stringify(r.details)}
              </td>
              <td className="admin-table__nowrap">{r.ip ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
