import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionCandidate, SessionDetail } from '@valore/shared/schemas/training';
import { Alert } from '../../components/ui/alert';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { EmptyState } from '../../components/ui/panel';
import { LoadingState } from '../../components/ui/spinner';
import { errorHttpStatus, errorMessageKey } from '../../lib/errors';
import { useRequestId } from '../../lib/forms';
import { useTRPC } from '../../lib/trpc';
import { useTrainingFormat } from './format';

/** What the last change did, said in the status line (role=status) above the lists. */
type Outcome = { tone: 'success' | 'error'; text: string };

/**
 * A session's enrolment: its seats, who is enrolled (each can be taken off until their attendance is recorded) and
 * who else may be (training.candidates), as checkboxes grouped by role, each group with its own "select all". The
 * server never fills a session past its seats; the page says beforehand when a choice does not fit, and in words
 * when the seats ran out in the meantime (another planner enrolled people first).
 */
export function SessionEnrolment({ sessionId, onClose }: { sessionId: number; onClose: () => void }) {
  const { t } = useTranslation('training');
  const trpc = useTRPC();
  const fmt = useTrainingFormat();
  const detail = useQuery(trpc.training.session.queryOptions({ sessionId }));
  const candidates = useQuery(trpc.training.candidates.queryOptions({ sessionId }));
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const loaded = detail.data !== undefined && candidates.data !== undefined;
  useEffect(() => {
    if (loaded) headingRef.current?.focus();
  }, [loaded]);
  if (detail.isPending || candidates.isPending) return <LoadingState label={t('loading')} />;
  if (detail.isError || candidates.isError) return <Alert tone="error">{t('loadFailed')}</Alert>;
  const session = detail.data;
  const left = Math.max(0, session.capacity - session.enrolled);
  return (
    <section className="training-enrolment" aria-labelledby={headingId} data-testid="training-enrolment">
      <h3 id={headingId} ref={headingRef} tabIndex={-1}>
        {t('enrol.title', { date: fmt.day(session.date), site: session.siteName })}
      </h3>
      {outcome && <Alert tone={outcome.tone}>{outcome.text}</Alert>}
      <p className="training-enrolment__seats">
        <Badge tone={left === 0 ? 'warning' : 'info'}>
          {t('enrol.seats', { count: left, capacity: session.capacity })}
        </Badge>
      </p>
      <EnrolledList session={session} onOutcome={setOutcome} focusAfter={() => headingRef.current?.focus()} />
      <CandidatesForm
        session={session}
        candidates={candidates.data.filter((c) => !c.enrolled)}
        onOutcome={setOutcome}
        onClose={onClose}
      />
    </section>
  );
}

/** Who is enrolled, with "Togli" until their attendance is recorded (then it is corrected, not undone). */
function EnrolledList({
  session,
  onOutcome,
  focusAfter,
}: {
  session: SessionDetail;
  onOutcome: (o: Outcome) => void;
  focusAfter: () => void;
}) {
  const { t } = useTranslation('training');
  const { t: tShell } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { idFor, done } = useRequestId();
  const unenrol = useMutation(
    trpc.training.unenrol.mutationOptions({
      onSettled: () => void queryClient.invalidateQueries(trpc.training.pathFilter()),
    }),
  );
  const takeOff = (userId: number, name: string) => {
    const payload = { sessionId: session.id, userId };
    unenrol.mutate(
      { ...payload, requestId: idFor(payload) },
      {
        onSuccess: () => {
          done();
          onOutcome({ tone: 'success', text: t('enrol.removed', { name }) });
          // the row and its button are gone: the section's heading keeps the keyboard in place
          focusAfter();
        },
        onError: (error) =>
          onOutcome({ tone: 'error', text: t('enrol.removeFailed', { name, reason: tShell(errorMessageKey(error)) }) }),
      },
    );
  };
  if (session.learners.length === 0) return <EmptyState>{t('enrol.none')}</EmptyState>;
  return (
    <div className="admin-table__scroll">
      <table className="admin-table">
        <caption>{t('enrol.enrolledCaption', { count: session.learners.length })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('enrol.name')}</th>
            <th scope="col">{t('enrol.role')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('enrol.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {session.learners.map((l) => (
            <tr key={l.userId}>
              <th scope="row">{l.name}</th>
              <td>{tShell(`roles.${l.role}`)}</td>
              <td>
                {l.attendance === null ? (
                  <Button
                    size="sm"
                    aria-label={t('enrol.removeLabel', { name: l.name })}
                    busy={unenrol.isPending && unenrol.variables.userId === l.userId}
                    onClick={() => takeOff(l.userId, l.name)}
                  >
                    {t('enrol.remove')}
                  </Button>
                ) : (
                  <span className="admin-muted">{t('enrol.recorded')}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The people of one role, in the order the server gives (by name). */
function byRole(candidates: readonly SessionCandidate[]): [SessionCandidate['role'], SessionCandidate[]][] {
  const groups = new Map<SessionCandidate['role'], SessionCandidate[]>();
  for (const c of candidates) groups.set(c.role, [...(groups.get(c.role) ?? []), c]);
  return [...groups.entries()];
}

function CandidatesForm({
  session,
  candidates,
  onOutcome,
  onClose,
}: {
  session: SessionDetail;
  candidates: SessionCandidate[];
  onOutcome: (o: Outcome | null) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation('training');
  const { t: tShell } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { idFor, done } = useRequestId();
  const [chosen, setChosen] = useState<ReadonlySet<number>>(new Set());
  const [problem, setProblem] = useState<string | null>(null);
  const left = Math.max(0, session.capacity - session.enrolled);
  const enrol = useMutation(
    trpc.training.enrol.mutationOptions({
      onSettled: () => void queryClient.invalidateQueries(trpc.training.pathFilter()),
    }),
  );
  const toggle = (ids: readonly number[], on: boolean) =>
    setChosen((c) => {
      const next = new Set(c);
      for (const id of ids) {
        if (on) next.add(id);
        else next.delete(id);
      }
      return next;
    });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onOutcome(null);
    const userIds = candidates.filter((c) => chosen.has(c.userId)).map((c) => c.userId);
    if (userIds.length === 0) return setProblem(t('enrol.nothing'));
    if (left === 0) return setProblem(t('enrol.noSeats', { capacity: session.capacity }));
    if (userIds.length > left)
      return setProblem(t('enrol.tooMany', { count: userIds.length, left, capacity: session.capacity }));
    setProblem(null);
    const payload = { sessionId: session.id, userIds };
    enrol.mutate(
      { ...payload, requestId: idFor(payload) },
      {
        onSuccess: (out) => {
          done();
          setChosen(new Set());
          const free = Math.max(0, out.capacity - out.taken);
          onOutcome({
            tone: 'success',
            text: `${t('enrol.done', { count: out.enrolled.length })} ${t('enrol.seats', { count: free, capacity: out.capacity })}.`,
          });
        },
        onError: (error) =>
          setProblem(
            errorHttpStatus(error) === 409
              ? t('enrol.full', { count: userIds.length })
              : t('enrol.failed', { reason: tShell(errorMessageKey(error)) }),
          ),
      },
    );
  };

  return (
    <form className="training-enrolment__form" onSubmit={submit} noValidate aria-label={t('enrol.formLabel')}>
      {candidates.length === 0 ? (
        <EmptyState>{t('enrol.noCandidates')}</EmptyState>
      ) : (
        byRole(candidates).map(([role, people]) => (
          <RoleGroup
            key={role}
            role={role}
            people={people}
            chosen={chosen}
            onToggle={toggle}
            legend={t(`enrol.group.${role}`, { count: people.length })}
          />
        ))
      )}
      {problem && <Alert tone="error">{problem}</Alert>}
      <div className="training-attendance__actions">
        {candidates.length > 0 && (
          <Button type="submit" variant="primary" busy={enrol.isPending}>
            {enrol.isPending ? t('enrol.saving') : t('enrol.submit', { count: chosen.size })}
          </Button>
        )}
        <Button onClick={onClose}>{t('enrol.close')}</Button>
      </div>
    </form>
  );
}

/** One role's people: a "select all" checkbox (mixed when some are chosen), then one checkbox each. */
function RoleGroup({
  role,
  people,
  chosen,
  legend,
  onToggle,
}: {
  role: SessionCandidate['role'];
  people: SessionCandidate[];
  chosen: ReadonlySet<number>;
  legend: string;
  onToggle: (ids: readonly number[], on: boolean) => void;
}) {
  const { t } = useTranslation('training');
  const ids = useId();
  const allRef = useRef<HTMLInputElement>(null);
  const picked = people.filter((p) => chosen.has(p.userId)).length;
  const all = picked === people.length;
  useEffect(() => {
    if (allRef.current) allRef.current.indeterminate = picked > 0 && !all;
  }, [picked, all]);
  return (
    <fieldset className="admin-fieldset training-enrolment__group">
      <legend className="ui-field__label">{legend}</legend>
      <div className="admin-check training-enrolment__all">
        <input
          ref={allRef}
          id={`${ids}-all`}
          type="checkbox"
          checked={all}
          onChange={(e) =>
            onToggle(
              people.map((p) => p.userId),
              e.target.checked,
            )
          }
        />
        <label htmlFor={`${ids}-all`}>{t(`enrol.all.${role}`, { count: people.length })}</label>
      </div>
      <ul className="training-enrolment__people" role="list">
        {people.map((p) => (
          <li key={p.userId} className="admin-check">
            <input
              id={`${ids}-${p.userId}`}
              type="checkbox"
              checked={chosen.has(p.userId)}
              onChange={(e) => onToggle([p.userId], e.target.checked)}
            />
            <label htmlFor={`${ids}-${p.userId}`}>{p.name}</label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
