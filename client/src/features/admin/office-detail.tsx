import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { closureAddInput, type AdminPostOffice, type SlotTemplate } from '@valore/shared/schemas/admin';
import { Alert } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { Panel } from '../../components/ui/panel';
import { Select } from '../../components/ui/select';
import { LoadingState } from '../../components/ui/spinner';
import { DateField, TimeField } from '../../components/ui/date-field';
import { TextField } from '../../components/ui/text-field';
import { errorMessageKey } from '../../lib/errors';
import { useFocusFirstInvalid, useRequestId } from '../../lib/forms';
import { useTRPC } from '../../lib/trpc';

/** One office: its closures (add, lift) and its weekly slot times. */
export function OfficeDetail({ id, onBack }: { id: number; onBack: () => void }) {
  const trpc = useTRPC();
  const { t } = useTranslation('admin');
  const { t: tShell } = useTranslation();
  const found = useQuery(trpc.admin.postOffices.list.queryOptions({ id, limit: 1 }));
  const office = found.data?.offices[0];
  if (found.isPending) return <LoadingState label={t('loading')} />;
  if (found.isError || !office) {
    return (
      <Alert tone="error">
        <p>{found.isError ? tShell(errorMessageKey(found.error)) : tShell('errors.NOT_FOUND')}</p>
        <Button onClick={onBack}>{t('offices.back')}</Button>
      </Alert>
    );
  }
  return <OfficePanels office={office} onBack={onBack} />;
}

function OfficePanels({ office, onBack }: { office: AdminPostOffice; onBack: () => void }) {
  const { t } = useTranslation('admin');
  return (
    <div className="admin-office">
      <div className="admin-toolbar">
        <Button onClick={onBack} autoFocus>
          {t('offices.back')}
        </Button>
      </div>
      <Panel title={`${office.name} · ${office.code}`} className="admin-office-summary">
        <p>
          {office.address}, {office.city} ({office.provinceCode}) · {t('offices.col.slots')}: {office.futureSlots} ·{' '}
          {t('offices.col.free')}: {office.freeSeats}
        </p>
      </Panel>
      <Closures office={office} />
      <Templates office={office} />
    </div>
  );
}

function Closures({ office }: { office: AdminPostOffice }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t } = useTranslation('admin');
  const { t: tShell } = useTranslation();
  const requestId = useRequestId();
  const formRef = useRef<HTMLFormElement>(null);
  const focusInvalid = useFocusFirstInvalid(formRef);
  const [values, setValues] = useState({ fromDate: '', toDate: '', reason: '' });
  const [errors, setErrors] = useState<Partial<Record<'fromDate' | 'toDate' | 'reason', string>>>({});
  const [notice, setNotice] = useState<string[]>([]);
  const refresh = () => void queryClient.invalidateQueries(trpc.admin.postOffices.pathFilter());
  const add = useMutation(
    trpc.admin.postOffices.addClosure.mutationOptions({
      onSuccess: (r) => {
        requestId.done();
        refresh();
        setValues({ fromDate: '', toDate: '', reason: '' });
        setNotice([
          t('offices.closures.added', { slots: r.slotsClosed }),
          ...(r.appointmentsAffected.length > 0
            ? [t('offices.closures.affected', { count: r.appointmentsAffected.length })]
            : []),
        ]);
      },
    }),
  );
  const remove = useMutation(
    trpc.admin.postOffices.removeClosure.mutationOptions({
      onSuccess: (r) => {
        refresh();
        setNotice([t('offices.closures.removed', { slots: r.slotsReopened })]);
      },
    }),
  );
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = closureAddInput.safeParse({
      postOfficeId: office.id,
      ...values,
      toDate: values.toDate || values.fromDate,
    });
    if (!parsed.success) {
      const next: typeof errors = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path[0] as keyof typeof errors;
        next[key] ??= t(`offices.closures.errors.${key}`);
      }
      setErrors(next);
      focusInvalid();
      return;
    }
    setErrors({});
    add.mutate({ ...parsed.data, requestId: requestId.idFor(parsed.data) }, { onError: focusInvalid });
  }
  const serverToDate = add.isError && !errors.toDate ? t('offices.closures.errors.toDate') : null;
  return (
    <Panel title={t('offices.closures.title')}>
      {notice.length > 0 && (
        <Alert tone="success">
          <span role="status">{notice.join(' ')}</span>
        </Alert>
      )}
      {(add.isError || remove.isError) && (
        <Alert tone="error" title={t('offices.closures.failed')}>
          <p>{tShell(errorMessageKey(add.error ?? remove.error))}</p>
        </Alert>
      )}
      {office.closures.length === 0 ? (
        <p className="ui-empty">{t('offices.noClosures')}</p>
      ) : (
        <ul className="admin-list">
          {office.closures.map((c) => (
            <li key={c.id}>
              {t('offices.closure', { from: c.fromDate, to: c.toDate, reason: c.reason })}{' '}
              <Button
                size="sm"
                busy={remove.isPending && remove.variables.id === c.id}
                onClick={() => remove.mutate({ id: c.id })}
                aria-label={t('offices.closures.removeFor', { from: c.fromDate, to: c.toDate })}
              >
                {t('offices.closures.remove')}
              </Button>
            </li>
          ))}
        </ul>
      )}
      <form ref={formRef} className="admin-inline-form" onSubmit={submit} noValidate>
        <DateField
          label={t('offices.closures.from')}
          value={values.fromDate}
          onChange={(fromDate) => setValues((v) => ({ ...v, fromDate }))}
          error={errors.fromDate}
        />
        <DateField
          label={t('offices.closures.to')}
          value={values.toDate}
          onChange={(toDate) => setValues((v) => ({ ...v, toDate }))}
          error={errors.toDate ?? serverToDate}
        />
        <TextField
          label={t('offices.closures.reason')}
          value={values.reason}
          onChange={(e) => setValues((v) => ({ ...v, reason: e.target.value }))}
          error={errors.reason}
          className="admin-inline-form__wide"
        />
        <Button type="submit" variant="primary" busy={add.isPending}>
          {t('offices.closures.add')}
        </Button>
      </form>
    </Panel>
  );
}

type Row = { key: number; weekday: string; start: string; durationMinutes: string; capacity: string };
const rowOf = (tpl: SlotTemplate, key: number): Row => ({
  key,
  weekday: String(tpl.weekday),
  start: tpl.start,
  durationMinutes: String(tpl.durationMinutes),
  capacity: String(tpl.capacity),
});

function Templates({ office }: { office: AdminPostOffice }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t } = useTranslation('admin');
  const { t: tShell } = useTranslation();
  const ids = useId();
  const nextKey = useRef(office.templates.length);
  const [rows, setRows] = useState<Row[]>(() => office.templates.map(rowOf));
  const [saved, setSaved] = useState<string | null>(null);
  const save = useMutation(
    trpc.admin.postOffices.setTemplates.mutationOptions({
      onSuccess: (r) => {
        void queryClient.invalidateQueries(trpc.admin.postOffices.pathFilter());
        setSaved(t('offices.templates.saved', { slots: r.slotsCreated }));
      },
    }),
  );
  const set = (key: number, field: keyof Omit<Row, 'key'>, value: string) => {
    setSaved(null);
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, [field]: value } : r)));
  };
  const weekdays = ['1', '2', '3', '4', '5', '6'].map((d) => ({
    value: d,
    label: t(`offices.weekdays.${d}` as 'offices.weekdays.1'),
  }));
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    save.mutate({
      postOfficeId: office.id,
      templates: rows.map((r) => ({
        weekday: Number(r.weekday),
        start: r.start,
        durationMinutes: Number(r.durationMinutes),
        capacity: Number(r.capacity),
      })),
    });
  }
  return (
    <Panel title={t('offices.templates.title')}>
      <p className="ui-field__hint">{t('offices.templates.intro')}</p>
      {saved && (
        <Alert tone="success">
          <span role="status">{saved}</span>
        </Alert>
      )}
      {save.isError && (
        <Alert tone="error" title={t('offices.templates.failed')}>
          <p>{tShell(errorMessageKey(save.error))}</p>
        </Alert>
      )}
      <form className="admin-form admin-form--wide" onSubmit={submit} noValidate>
        {rows.length === 0 && <p className="ui-empty">{t('offices.templates.empty')}</p>}
        {rows.map((r, i) => (
          <fieldset key={r.key} className="admin-inline-form" aria-label={t('offices.templates.row', { n: i + 1 })}>
            <Select
              label={t('offices.templates.weekday')}
              value={r.weekday}
              onChange={(e) => set(r.key, 'weekday', e.target.value)}
              options={weekdays}
            />
            <TimeField label={t('offices.templates.start')} value={r.start} onChange={(v) => set(r.key, 'start', v)} />
            <TextField
              label={t('offices.templates.duration')}
              type="number"
              min={5}
              max={240}
              value={r.durationMinutes}
              onChange={(e) => set(r.key, 'durationMinutes', e.target.value)}
            />
            <TextField
              label={t('offices.templates.capacity')}
              type="number"
              min={1}
              max={50}
              value={r.capacity}
              onChange={(e) => set(r.key, 'capacity', e.target.value)}
            />
            <Button
              size="sm"
              onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))}
              aria-label={t('offices.templates.removeRow', { n: i + 1 })}
            >
              {t('offices.templates.remove')}
            </Button>
          </fieldset>
        ))}
        <div className="admin-form__actions" id={`${ids}-actions`}>
          <Button
            onClick={() =>
              setRows((rs) => [
                ...rs,
                rowOf({ weekday: 1, start: '09:00', durationMinutes: 30, capacity: 1 }, nextKey.current++),
              ])
            }
          >
            {t('offices.templates.add')}
          </Button>
          <Button type="submit" variant="primary" busy={save.isPending}>
            {t('offices.templates.save')}
          </Button>
        </div>
      </form>
    </Panel>
  );
}
