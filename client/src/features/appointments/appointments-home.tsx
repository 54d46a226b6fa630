import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SiteAppointment, SiteAppointmentsResult } from '@valore/shared/schemas/appointments';
import { Alert } from '../../components/ui/alert';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { EmptyState, Panel } from '../../components/ui/panel';
import { LoadingState } from '../../components/ui/spinner';
import { DateField } from '../../components/ui/date-field';
import { SitePicker } from '../../components/site-picker';
import { useTRPC } from '../../lib/trpc';
import { CancelDialog } from './components/cancel-dialog';
import {
  availableActions,
  formatDateTime,
  formatDay,
  formatTime,
  isDay,
  romeToday,
  shiftDay,
  useErrorText,
  useLang,
  useAppointmentClock,
  useRequestId,
  type AttendanceAction,
} from './format';
import './appointments.css';

const REFRESH_MS = 30_000;
/** The words that agree with the customer ("presentata") take their gender, from the tax code (server-side). */
const agreeWith = (row: SiteAppointment): 'female' | undefined => (row.customerGender === 'f' ? 'female' : undefined);

const STATUS_TONE = { booked: 'info', attended: 'success', no_show: 'warning', cancelled: 'neutral' } as const;

/**
 * /appointments — the team lead's day at the post offices: the appointments their site's operators booked for one day
 * (today unless chosen), with who came, who did not and cancellations; a no-show turns into a reschedule callback,
 * shown on its row. Admins choose the site.
 */
export function AppointmentsHome() {
  const { t } = useTranslation('appointments');
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { retry: false, staleTime: 5 * 60_000 }));
  const isAdmin = me.data?.role === 'admin';
  const now = useAppointmentClock();
  const today = romeToday(new Date(now));
  const [day, setDay] = useState(() => romeToday());
  const [site, setSite] = useState('');
  const [notice, setNotice] = useState<string | null>(null);

  const input = { day, ...(isAdmin && site ? { siteId: Number(site) } : {}) };
  const list = useQuery({
    ...trpc.appointments.siteAppointments.queryOptions(input, { refetchInterval: REFRESH_MS }),
    placeholderData: keepPreviousData,
  });

  const changeDay = (next: string) => {
    if (!isDay(next)) return;
    setNotice(null);
    setDay(next);
  };

  return (
    <div className="home appointments" data-testid="home-appointments">
      <div className="page-header">
        <div>
          <h1 className="page-header__title">{t('title')}</h1>
          <p className="page-header__subtitle">{t('subtitle')}</p>
        </div>
      </div>
      <form className="appointments__filters" aria-label={t('filters.title')} onSubmit={(e) => e.preventDefault()}>
        <DateField label={t('filters.day')} value={day} required onChange={changeDay} />
        <div className="appointments__day-buttons">
          <Button size="sm" onClick={() => changeDay(shiftDay(day, -1))}>
            <span aria-hidden="true">‹ </span>
            {t('filters.previous')}
          </Button>
          <Button size="sm" onClick={() => changeDay(today)} disabled={day === today}>
            {t('filters.today')}
          </Button>
          <Button size="sm" onClick={() => changeDay(shiftDay(day, 1))}>
            {t('filters.next')}
            <span aria-hidden="true"> ›</span>
          </Button>
        </div>
        {isAdmin && (
          <SitePicker label={t('filters.site')} allLabel={t('filters.allSites')} value={site} onChange={setSite} />
        )}
      </form>
      <div aria-live="polite" className="appointments__notice">
        {notice && <Alert tone="success">{notice}</Alert>}
      </div>
      {list.isPending ? (
        <LoadingState label={t('loading')} />
      ) : list.isError && !list.data ? (
        <Alert tone="error">{t('loadFailed')}</Alert>
      ) : (
        <DayTable data={list.data} onDone={setNotice} />
      )}
    </div>
  );
}

function DayTable({ data, onDone }: { data: SiteAppointmentsResult; onDone: (message: string | null) => void }) {
  const { t } = useTranslation('appointments');
  const { locale } = useLang();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const errorText = useErrorText();
  const requestId = useRequestId();
  const [cancelling, setCancelling] = useState<SiteAppointment | null>(null);
  const [failure, setFailure] = useState<{ id: number; message: string } | null>(null);
  const trigger = useRef<HTMLButtonElement | null>(null);
  const restoreFocus = useRef(false);
  const now = useAppointmentClock();

  const setStatus = useMutation(
    trpc.appointments.setStatus.mutationOptions({
      onSettled: () => void queryClient.invalidateQueries(trpc.appointments.siteAppointments.pathFilter()),
    }),
  );

  const run = (row: SiteAppointment, action: AttendanceAction) => {
    const status = action === 'cancel' ? 'cancelled' : action;
    const payload = { appointmentId: row.id, status } as const;
    onDone(null);
    setFailure(null);
    setStatus.mutate(
      { ...payload, requestId: requestId.idFor(payload) },
      {
        onSuccess: () => {
          requestId.done();
          if (action === 'cancel') closeDialog();
          onDone(t(`done.${status}`, { customer: row.customerName, context: agreeWith(row) }));
        },
        // a cancellation's failure is shown in its dialog
        onError: (error) => (action === 'cancel' ? undefined : setFailure({ id: row.id, message: errorText(error) })),
      },
    );
  };

  const closeDialog = () => {
    setCancelling(null);
    restoreFocus.current = true;
  };
  // back to the button that opened the dialog once it has left the page (everything else was inert meanwhile)
  useEffect(() => {
    if (cancelling || !restoreFocus.current) return;
    restoreFocus.current = false;
    if (trigger.current?.isConnected) trigger.current.focus();
  }, [cancelling]);

  const dayLabel = formatDay(locale, data.day);
  return (
    <Panel title={dayLabel}>
      {data.appointments.length === 0 ? (
        <EmptyState>{t('table.empty')}</EmptyState>
      ) : (
        <div
          className="appointments__scroll"
          tabIndex={0}
          role="region"
          aria-label={t('table.caption', { day: dayLabel })}
        >
          <table className="appointments__table" data-testid="appointments-table">
            <caption className="visually-hidden">{t('table.caption', { day: dayLabel })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('table.time')}</th>
                <th scope="col">{t('table.customer')}</th>
                <th scope="col">{t('table.office')}</th>
                <th scope="col">{t('table.product')}</th>
                <th scope="col">{t('table.bookedBy')}</th>
                <th scope="col">{t('table.status')}</th>
                <th scope="col">{t('table.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {data.appointments.map((row) => (
                <AppointmentRow
                  key={row.id}
                  row={row}
                  now={now}
                  pending={setStatus.isPending}
                  busyStatus={
                    setStatus.isPending && setStatus.variables.appointmentId === row.id
                      ? setStatus.variables.status
                      : null
                  }
                  failure={failure?.id === row.id ? failure.message : null}
                  onRun={(action) => run(row, action)}
                  onCancel={(button) => {
                    trigger.current = button;
                    setFailure(null);
                    setStatus.reset();
                    setCancelling(row);
                  }}
                />
              ))}
            </tbody>
          </table>
          {data.truncated && (
            <p className="appointments__muted">{t('table.truncated', { count: data.appointments.length })}</p>
          )}
        </div>
      )}
      {cancelling && (
        <CancelDialog
          appointment={cancelling}
          busy={setStatus.isPending}
          error={setStatus.isError ? errorText(setStatus.error) : null}
          onConfirm={() => run(cancelling, 'cancel')}
          onClose={closeDialog}
        />
      )}
    </Panel>
  );
}

/** One appointment of the day, with the attendance actions its state and the clock allow. */
function AppointmentRow({
  row,
  now,
  pending,
  busyStatus,
  failure,
  onRun,
  onCancel,
}: {
  row: SiteAppointment;
  now: number;
  pending: boolean;
  busyStatus: string | null;
  failure: string | null;
  onRun: (action: AttendanceAction) => void;
  onCancel: (button: HTMLButtonElement) => void;
}) {
  const { t } = useTranslation('appointments');
  const { lang, locale } = useLang();
  const can = availableActions(row, now);
  const time = formatTime(locale, row.startsAt);
  const label = (key: 'attendedFor' | 'no_showFor' | 'cancelFor') =>
    t(`actions.${key}`, { customer: row.customerName, time, context: agreeWith(row) });
  return (
    <tr data-testid={`appointment-row-${row.id}`} data-status={row.status}>
      <td className="appointments__time">
        <time dateTime={row.startsAt}>{time}</time>
      </td>
      <th scope="row" className="appointments__customer">
        {row.customerName}
      </th>
      <td>
        {row.officeName} <span className="appointments__muted">· {row.officeCity}</span>
      </td>
      <td>{row.productName[lang]}</td>
      <td>{row.bookedBy ?? t('table.nobody')}</td>
      <td>
        <Badge tone={STATUS_TONE[row.status]}>{t(`status.${row.status}`, { context: agreeWith(row) })}</Badge>
        {row.reschedule && (
          <p className="appointments__reschedule" data-testid="reschedule-note">
            {row.reschedule.status === 'pending' || row.reschedule.status === 'claimed'
              ? t('table.reschedule', { when: formatDateTime(locale, row.reschedule.dueAt) })
              : t('table.rescheduleHandled', {
                  state: t(`table.rescheduleState.${row.reschedule.status}`),
                })}
          </p>
        )}
        {failure !== null && (
          <p className="appointments__error" role="alert">
            {failure}
          </p>
        )}
      </td>
      <td>
        <div className="appointments__actions">
          <Button
            size="sm"
            variant="primary"
            disabled={!can.attended || pending}
            busy={busyStatus === 'attended'}
            aria-label={label('attendedFor')}
            onClick={() => onRun('attended')}
          >
            {t('actions.attended', { context: agreeWith(row) })}
          </Button>
          <Button
            size="sm"
            disabled={!can.no_show || pending}
            busy={busyStatus === 'no_show'}
            aria-label={label('no_showFor')}
            title={row.status === 'booked' && !can.no_show ? t('actions.notStarted') : undefined}
            onClick={() => onRun('no_show')}
          >
            {t('actions.no_show', { context: agreeWith(row) })}
          </Button>
          <Button
            size="sm"
            variant="ghost"
            disabled={!can.cancel || pending}
            aria-label={label('cancelFor')}
            aria-haspopup="dialog"
            onClick={(e) => onCancel(e.currentTarget)}
          >
            {t('actions.cancel')}
          </Button>
        </div>
      </td>
    </tr>
  );
}
