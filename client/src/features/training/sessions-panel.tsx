import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ATTENDANCE_KINDS, type AttendanceKind, type SessionDetail } from '@valore/shared/schemas/training';
import { Alert } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { EmptyState, Panel } from '../../components/ui/panel';
import { Select } from '../../components/ui/select';
import { LoadingState } from '../../components/ui/spinner';
import { useRequestId } from '../../lib/forms';
import { useTRPC } from '../../lib/trpc';
import { useTrainingFormat } from './format';
import { PlanSessionForm } from './plan-session-form';
import { SessionEnrolment } from './session-enrolment';

/** What is open under the sessions' table: a session's enrolment or its attendance. */
type Opened = { id: number; part: 'enrol' | 'attendance' };

/**
 * The course's sessions (training.sessions): "Nuova sessione" plans one (then opens its enrolment), and each
 * session opens its enrolment or its attendance form below the table.
 */
export function SessionsPanel({
  courseId,
  courseTitle,
  chooseSite,
}: {
  courseId: number;
  courseTitle: string;
  /** an admin plans at any site, so names it */
  chooseSite: boolean;
}) {
  const { t } = useTranslation('training');
  const trpc = useTRPC();
  const fmt = useTrainingFormat();
  const sessions = useQuery(trpc.training.sessions.queryOptions({ courseId }));
  const [opened, setOpened] = useState<Opened | null>(null);
  const [planning, setPlanning] = useState(false);
  /** "Sessione … pianificata": said (role=status) as the new session's enrolment opens below */
  const [planned, setPlanned] = useState<string | null>(null);
  const openerRef = useRef<HTMLButtonElement | null>(null);
  const planRef = useRef<HTMLButtonElement>(null);
  const open = (button: HTMLButtonElement, next: Opened) => {
    openerRef.current = button;
    setPlanning(false);
    setPlanned(null);
    setOpened(next);
  };
  const close = () => {
    setOpened(null);
    setPlanned(null);
    openerRef.current?.focus();
  };
  return (
    <Panel
      title={t('sessions.title')}
      actions={
        <Button
          ref={planRef}
          size="sm"
          variant="primary"
          aria-expanded={planning}
          onClick={() => {
            setOpened(null);
            setPlanned(null);
            setPlanning(true);
          }}
        >
          {t('plan.open')}
        </Button>
      }
    >
      {planning && (
        <PlanSessionForm
          key={courseId}
          courseId={courseId}
          courseTitle={courseTitle}
          chooseSite={chooseSite}
          onCancel={() => {
            setPlanning(false);
            planRef.current?.focus();
          }}
          onPlanned={(s) => {
            setPlanning(false);
            // the new session's enrolment is the next step: it opens, says the session is planned, takes the focus
            openerRef.current = planRef.current;
            setPlanned(t('plan.done', { date: fmt.day(s.date), starts: s.starts, site: s.siteName }));
            setOpened({ id: s.id, part: 'enrol' });
          }}
        />
      )}
      {sessions.isPending ? (
        <LoadingState label={t('loading')} />
      ) : sessions.isError ? (
        <Alert tone="error">{t('loadFailed')}</Alert>
      ) : sessions.data.length === 0 ? (
        <EmptyState>{t('sessions.empty')}</EmptyState>
      ) : (
        <div className="admin-table__scroll">
          <table className="admin-table">
            <caption className="visually-hidden">{t('sessions.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('sessions.date')}</th>
                <th scope="col">{t('sessions.site')}</th>
                <th scope="col">{t('sessions.place')}</th>
                <th scope="col">{t('sessions.trainer')}</th>
                <th scope="col" className="admin-table__num">
                  {t('sessions.enrolled')}
                </th>
                <th scope="col" className="admin-table__num">
                  {t('sessions.recorded')}
                </th>
                <th scope="col">
                  <span className="visually-hidden">{t('sessions.open')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.data.map((s) => (
                <tr key={s.id}>
                  <th scope="row">
                    {t('sessions.when', { date: fmt.day(s.date), starts: s.starts, hours: fmt.hours(s.hours) })}
                  </th>
                  <td>{s.siteName}</td>
                  <td>{s.remote ? t('sessions.remote') : (s.room ?? '—')}</td>
                  <td>{s.trainer}</td>
                  <td className="admin-table__num">{`${s.enrolled}/${s.capacity}`}</td>
                  <td className="admin-table__num">{s.recorded}</td>
                  <td className="training-sessions__actions">
                    <Button
                      size="sm"
                      aria-label={t('sessions.enrolLabel', { date: fmt.day(s.date), site: s.siteName })}
                      aria-expanded={opened?.id === s.id && opened.part === 'enrol'}
                      onClick={(e) => open(e.currentTarget, { id: s.id, part: 'enrol' })}
                    >
                      {t('sessions.enrol')}
                    </Button>
                    <Button
                      size="sm"
                      aria-label={t('sessions.openLabel', { date: fmt.day(s.date), site: s.siteName })}
                      aria-expanded={opened?.id === s.id && opened.part === 'attendance'}
                      onClick={(e) => open(e.currentTarget, { id: s.id, part: 'attendance' })}
                    >
                      {t('sessions.open')}
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {planned && (
        <Alert tone="success" className="training-planned">
          {planned}
        </Alert>
      )}
      {opened?.part === 'enrol' && <SessionEnrolment key={opened.id} sessionId={opened.id} onClose={close} />}
      {opened?.part === 'attendance' && <SessionAttendance key={opened.id} sessionId={opened.id} onClose={close} />}
    </Panel>
  );
}

type Entry = { attendance: AttendanceKind | ''; hours: string };

function SessionAttendance({ sessionId, onClose }: { sessionId: number; onClose: () => void }) {
  const { t } = useTranslation('training');
  const trpc = useTRPC();
  const fmt = useTrainingFormat();
  const detail = useQuery(trpc.training.session.queryOptions({ sessionId }));
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (detail.data) headingRef.current?.focus();
  }, [detail.data]);
  if (detail.isPending) return <LoadingState label={t('loading')} />;
  if (detail.isError) return <Alert tone="error">{t('loadFailed')}</Alert>;
  return (
    <section className="training-attendance" aria-labelledby={headingId}>
      <h3 id={headingId} ref={headingRef} tabIndex={-1}>
        {t('attendance.title', { date: fmt.day(detail.data.date), site: detail.data.siteName })}
      </h3>
      {detail.data.learners.length === 0 ? (
        <EmptyState>{t('attendance.empty')}</EmptyState>
      ) : (
        <AttendanceForm session={detail.data} onClose={onClose} />
      )}
    </section>
  );
}

function AttendanceForm({ session, onClose }: { session: SessionDetail; onClose: () => void }) {
  const { t } = useTranslation('training');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const fmt = useTrainingFormat();
  const { idFor, done } = useRequestId();
  const [entries, setEntries] = useState<Record<number, Entry>>(() =>
    Object.fromEntries(
      session.learners.map((l) => [
        l.userId,
        {
          attendance: l.attendance ?? '',
          hours: l.attendance === 'partial' && l.hours !== null ? String(l.hours) : '',
        },
      ]),
    ),
  );
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState<number | null>(null);
  const record = useMutation(
    trpc.training.recordAttendance.mutationOptions({
      onSuccess: (out) => {
        done();
        setSaved(out.recorded);
        void queryClient.invalidateQueries(trpc.training.pathFilter());
      },
    }),
  );
  const set = (userId: number, patch: Partial<Entry>) =>
    setEntries((e) => ({ ...e, [userId]: { attendance: '', hours: '', ...e[userId], ...patch } }));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(null);
    const chosen = session.learners.filter((l) => entries[l.userId]?.attendance);
    if (chosen.length === 0) return setProblem(t('attendance.nothing'));
    const list = [];
    for (const l of chosen) {
      const e = entries[l.userId] ?? { attendance: '', hours: '' };
      if (e.attendance === 'partial') {
        const hours = Number(e.hours.replace(',', '.'));
        if (!e.hours || !(hours > 0 && hours < session.hours))
          return setProblem(t('attendance.hoursNeeded', { name: l.name, hours: fmt.hours(session.hours) }));
        list.push({ userId: l.userId, attendance: e.attendance, hours });
      } else if (e.attendance) list.push({ userId: l.userId, attendance: e.attendance });
    }
    setProblem(null);
    const payload = { sessionId: session.id, entries: list };
    record.mutate({ ...payload, requestId: idFor(payload) });
  };

  const kinds = [
    { value: '', label: t('attendance.kinds.none') },
    ...ATTENDANCE_KINDS.map((k) => ({ value: k, label: t(`attendance.kinds.${k}`) })),
  ];
  return (
    <form onSubmit={onSubmit} noValidate>
      <div className="admin-table__scroll">
        <table className="admin-table">
          <caption className="visually-hidden">{t('attendance.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('attendance.name')}</th>
              <th scope="col">{t('attendance.attendance')}</th>
              <th scope="col">{t('attendance.hours')}</th>
              <th scope="col" className="admin-table__num">
                {t('attendance.courseHours')}
              </th>
              <th scope="col">{t('attendance.completed')}</th>
            </tr>
          </thead>
          <tbody>
            {session.learners.map((l) => {
              const e = entries[l.userId] ?? { attendance: '', hours: '' };
              return (
                <tr key={l.userId}>
                  <th scope="row">{l.name}</th>
                  <td>
                    <Select
                      hideLabel
                      label={t('attendance.attendanceOf', { name: l.name })}
                      value={e.attendance}
                      onChange={(ev) => set(l.userId, { attendance: ev.target.value as Entry['attendance'] })}
                      options={kinds}
                    />
                  </td>
                  <td>
                    {e.attendance === 'partial' ? (
                      <input
                        className="ui-input training-hours"
                        inputMode="decimal"
                        aria-label={t('attendance.hoursOf', { name: l.name })}
                        value={e.hours}
                        onChange={(ev) => set(l.userId, { hours: ev.target.value })}
                      />
                    ) : e.attendance === 'present' ? (
                      fmt.hours(session.hours)
                    ) : (
                      '—'
                    )}
                  </td>
                  <td className="admin-table__num">{fmt.hours(l.courseHours)}</td>
                  <td>{l.completed ? t('attendance.yes') : t('attendance.no')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {problem && <Alert tone="error">{problem}</Alert>}
      {record.isError && <Alert tone="error">{t('attendance.failed')}</Alert>}
      {saved !== null && <Alert tone="success">{t('attendance.saved', { count: saved })}</Alert>}
      <div className="training-attendance__actions">
        <Button type="submit" variant="primary" busy={record.isPending}>
          {record.isPending ? t('attendance.saving') : t('attendance.save')}
        </Button>
        <Button onClick={onClose}>{t('attendance.close')}</Button>
      </div>
    </form>
  );
}
