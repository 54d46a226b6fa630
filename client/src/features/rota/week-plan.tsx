import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RotaView } from '@valore/shared/schemas/rota';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { DateField, TimeField } from '../../components/ui/date-field';
import { EmptyState, Panel } from '../../components/ui/panel';
import { errorMessageKey } from '../../lib/errors';
import { useRequestId } from '../../lib/forms';
import { useTRPC } from '../../lib/trpc';
import { nextMonday, romeToday, useDayFormat } from './format';
import { PlanStatus } from './saturday-plan';
import {
  addDays,
  applyToWeek,
  draftFromView,
  EMPTY_DAY,
  mondayOf,
  weekDates,
  weekPayload,
  weekPublished,
  type DayDraft,
  type DayProblem,
  type WeekDraft,
} from './week-plan-model';

type SiteInput = { siteId?: number };

/**
 * "Turni della settimana": each operator's hours for Monday–Friday of a week (rota.planWeek, one row at a time), a
 * day off, a row's first day applied to the whole week, the week before copied (rota.copyWeek), the week's conflicts
 * in words and the week published (rota.publish) once there are none. An operator left empty keeps the site's hours.
 */
export function WeekPlan({ siteInput }: { siteInput: SiteInput }) {
  const { t } = useTranslation('rota');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const requestId = useRequestId();
  const day = useDayFormat();
  const [picked, setPicked] = useState(() => nextMonday(romeToday()));
  const [weekOf, setWeekOf] = useState(picked);
  const [edits, setEdits] = useState<Record<number, WeekDraft>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const week = { ...siteInput, from: weekOf, weeks: 1 };
  const view = useQuery({ ...trpc.rota.view.queryOptions(week), placeholderData: keepPreviousData });
  const refresh = () => void queryClient.invalidateQueries(trpc.rota.view.pathFilter());
  const copy = useMutation(trpc.rota.copyWeek.mutationOptions({ onSuccess: refresh }));
  const publish = useMutation(trpc.rota.publish.mutationOptions({ onSuccess: refresh }));
  const failure = copy.error ?? publish.error;

  function goTo(monday: string) {
    setWeekOf(monday);
    setPicked(monday);
    setEdits({});
    setNotice(null);
    copy.reset();
    publish.reset();
  }

  function copyPrevious() {
    const payload = { ...siteInput, from: addDays(weekOf, -7), to: weekOf };
    setNotice(null);
    publish.reset();
    copy.mutate(
      { ...payload, requestId: requestId.idFor(payload) },
      {
        onSuccess: () => {
          requestId.done();
          setEdits({});
          setNotice(t('week.copied', { from: day(payload.from) }));
        },
      },
    );
  }

  function publishWeek() {
    setNotice(null);
    copy.reset();
    publish.mutate(
      { ...week, requestId: requestId.idFor({ publish: week }) },
      {
        onSuccess: (done) => {
          requestId.done();
          setNotice(t('week.publishedDone', { count: done.published }));
        },
      },
    );
  }

  const unsaved = Object.keys(edits).length > 0;
  return (
    <Panel title={t('week.title')}>
      <p className="admin-muted">{t('week.lead')}</p>
      <div className="rota__generate" role="group" aria-label={t('week.pick')}>
        <Button onClick={() => goTo(addDays(weekOf, -7))}>{t('week.previous')}</Button>
        <DateField
          label={t('week.of')}
          value={picked}
          hint={t('week.range', { from: day(weekOf), to: day(addDays(weekOf, 4)) })}
          onChange={(value) => {
            setPicked(value);
            if (value >= '2000-01-01' && value <= '2099-12-31' && mondayOf(value) !== weekOf) {
              setWeekOf(mondayOf(value));
              setEdits({});
            }
          }}
        />
        <Button onClick={() => goTo(addDays(weekOf, 7))}>{t('week.next')}</Button>
        <Button busy={copy.isPending} onClick={copyPrevious}>
          {t('week.copyPrevious')}
        </Button>
      </div>
      <PlanStatus notice={notice} failure={failure} view={view}>
        {(data) => (
          <>
            <WeekTable
              view={data}
              edits={edits}
              onEdit={(userId, draft) =>
                setEdits((all) => {
                  const next = { ...all };
                  if (draft) next[userId] = draft;
                  else delete next[userId];
                  return next;
                })
              }
              onSaved={refresh}
            />
            <div className="admin-form__actions">
              {data.published ? (
                <Badge tone="success">{t('week.published')}</Badge>
              ) : (
                <Button
                  variant="primary"
                  busy={publish.isPending}
                  disabled={data.shifts.length === 0 || data.conflicts.length > 0 || unsaved}
                  aria-describedby={data.conflicts.length > 0 || unsaved ? 'rota-week-blocked' : undefined}
                  onClick={publishWeek}
                >
                  {t('week.publish')}
                </Button>
              )}
              {(data.conflicts.length > 0 || unsaved) && !data.published && (
                <span id="rota-week-blocked" className="admin-muted">
                  {unsaved ? t('week.saveFirst') : t('plan.publishBlocked')}
                </span>
              )}
            </div>
          </>
        )}
      </PlanStatus>
    </Panel>
  );
}

/** Operators (by team) × Monday–Friday of the week. */
function WeekTable({
  view,
  edits,
  onEdit,
  onSaved,
}: {
  view: RotaView;
  edits: Record<number, WeekDraft>;
  onEdit: (userId: number, draft: WeekDraft | null) => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation('rota');
  const day = useDayFormat();
  const teams = view.teams.filter((team) => team.people.length > 0);
  if (teams.length === 0) return <EmptyState>{t('week.nobody')}</EmptyState>;
  return (
    <div className="rota__scroll">
      <table className="rota-table rota-week">
        <caption>{t('week.caption', { from: day(view.from), to: day(addDays(view.from, 4)) })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('week.operator')}</th>
            {view.weekdays.map((d) => (
              <th scope="col" key={d.date}>
                {day(d.date)}
                <span className="rota__hours">
                  {d.opens && d.closes ? t('plan.hours', { opens: d.opens, closes: d.closes }) : t('week.closed')}
                </span>
              </th>
            ))}
            <th scope="col">
              <span className="visually-hidden">{t('week.actions')}</span>
            </th>
          </tr>
        </thead>
        {teams.map((team) => (
          <tbody key={team.id}>
            <tr className="rota-week__team">
              <th scope="colgroup" colSpan={view.weekdays.length + 2}>
                {team.name}
              </th>
            </tr>
            {team.people.map((person) => (
              <WeekRow
                key={person.userId}
                view={view}
                person={person}
                draft={edits[person.userId]}
                onEdit={(draft) => onEdit(person.userId, draft)}
                onSaved={onSaved}
              />
            ))}
          </tbody>
        ))}
      </table>
    </div>
  );
}

/** One operator's week: a cell a day, "apply to the whole week" and save. */
function WeekRow({
  view,
  person,
  draft,
  onEdit,
  onSaved,
}: {
  view: RotaView;
  person: { userId: number; name: string };
  draft: WeekDraft | undefined;
  onEdit: (draft: WeekDraft | null) => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation('rota');
  const { t: tShell } = useTranslation();
  const trpc = useTRPC();
  const requestId = useRequestId();
  const [problems, setProblems] = useState<Record<string, DayProblem>>({});
  const save = useMutation(trpc.rota.planWeek.mutationOptions());
  const dates = weekDates(view.from);
  const open = view.weekdays.filter((d) => d.opens !== null).map((d) => d.date);
  const saved = draftFromView(view, person.userId, dates);
  const current = draft ?? saved;
  const locked = weekPublished(view, person.userId, dates);
  const planned = view.shifts.some((s) => s.userId === person.userId && s.kind === 'weekday');
  const conflicted = new Set(view.conflicts.flatMap((c) => c.shiftIds));
  const setDay = (date: string, patch: Partial<DayDraft>) => {
    setProblems({});
    onEdit({ ...current, [date]: { ...(current[date] ?? EMPTY_DAY), ...patch } });
  };

  function submit() {
    const payload = weekPayload(current, dates);
    if ('problems' in payload) {
      setProblems(payload.problems);
      return;
    }
    const input = { siteId: view.siteId, weekOf: view.from, userId: person.userId, days: payload.days };
    save.mutate(
      { ...input, requestId: requestId.idFor(input) },
      {
        onSuccess: () => {
          requestId.done();
          onEdit(null);
          onSaved();
        },
      },
    );
  }

  const applied = applyToWeek(current, open);
  return (
    <tr>
      <th scope="row">
        {person.name}
        <span className="rota__hours">
          {draft
            ? t('week.rowUnsaved')
            : locked
              ? t('week.rowPublished')
              : planned
                ? t('week.rowDraft')
                : t('week.rowDefault')}
        </span>
      </th>
      {view.weekdays.map((d) => (
        <td key={d.date}>
          <WeekCell
            view={view}
            person={person}
            date={d.date}
            closed={d.opens === null}
            value={current[d.date] ?? EMPTY_DAY}
            problem={problems[d.date] ?? null}
            disabled={locked}
            conflicted={view.shifts.some(
              (s) => s.userId === person.userId && s.date === d.date && conflicted.has(s.id),
            )}
            onChange={(patch) => setDay(d.date, patch)}
          />
        </td>
      ))}
      <td>
        {!locked && (
          <div className="rota-week__actions">
            <Button
              size="sm"
              disabled={!applied}
              aria-label={t('week.applyAllOf', { name: person.name })}
              onClick={() => applied && onEdit(applied)}
            >
              {t('week.applyAll')}
            </Button>
            <Button
              size="sm"
              variant={draft ? 'primary' : 'secondary'}
              busy={save.isPending}
              aria-label={t('week.saveOf', { name: person.name })}
              onClick={submit}
            >
              {t('week.save')}
            </Button>
            {save.error && (
              <p className="rota__error" role="alert">
                {tShell(errorMessageKey(save.error))}
              </p>
            )}
          </div>
        )}
      </td>
    </tr>
  );
}

/** A day of an operator: from and to, or a day off; a closed day shows a dash; their rest day is said. */
function WeekCell({
  view,
  person,
  date,
  closed,
  value,
  problem,
  disabled,
  conflicted,
  onChange,
}: {
  view: RotaView;
  person: { userId: number; name: string };
  date: string;
  closed: boolean;
  value: DayDraft;
  problem: DayProblem | null;
  disabled: boolean;
  conflicted: boolean;
  onChange: (patch: Partial<DayDraft>) => void;
}) {
  const { t } = useTranslation('rota');
  const day = useDayFormat();
  const id = useId();
  const rest = view.shifts.some((s) => s.userId === person.userId && s.date === date && s.kind === 'rest');
  const empty = !value.off && !value.starts && !value.ends && value.extra.length === 0;
  if (closed && empty && !rest) {
    return (
      <span className="rota-week__closed">
        <span aria-hidden="true">—</span>
        <span className="visually-hidden">{t('week.closedDay')}</span>
      </span>
    );
  }
  const label = { name: person.name, day: day(date) };
  const errorId = `${id}-error`;
  return (
    <div className={`rota-week__cell${conflicted ? ' rota-week__cell--conflict' : ''}`}>
      <div className="rota-week__times">
        <TimeField
          label={t('week.starts', label)}
          hideLabel
          className="rota-week__time"
          value={value.starts}
          disabled={disabled || value.off}
          invalid={problem !== null}
          describedBy={problem ? errorId : undefined}
          onChange={(starts) => onChange({ starts })}
        />
        <TimeField
          label={t('week.ends', label)}
          hideLabel
          className="rota-week__time"
          value={value.ends}
          disabled={disabled || value.off}
          invalid={problem !== null}
          describedBy={problem ? errorId : undefined}
          onChange={(ends) => onChange({ ends })}
        />
      </div>
      <div className="admin-check rota-week__off">
        <input
          id={`${id}-off`}
          type="checkbox"
          checked={value.off}
          disabled={disabled}
          onChange={(e) => onChange({ off: e.target.checked })}
        />
        <label htmlFor={`${id}-off`}>
          {t('week.off')}
          <span className="visually-hidden"> {t('week.offOf', label)}</span>
        </label>
      </div>
      {value.extra.map((x) => (
        <span key={`${x.starts}-${x.ends}`} className="rota__rest">
          {t('week.extra', x)}
        </span>
      ))}
      {rest && <span className="rota__rest">{t('week.restDay')}</span>}
      {conflicted && <Badge tone="warning">{t('week.conflict')}</Badge>}
      {problem && (
        <span id={errorId} className="rota__error">
          {t(`week.problem.${problem}`)}
        </span>
      )}
    </div>
  );
}
