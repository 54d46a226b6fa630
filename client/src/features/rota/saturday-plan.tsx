import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { RotaConflict, RotaNeed, RotaShift, RotaView } from '@valore/shared/schemas/rota';
import { Alert } from '../../components/ui/alert';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { DateField } from '../../components/ui/date-field';
import { EmptyState, Panel } from '../../components/ui/panel';
import { Select } from '../../components/ui/select';
import { LoadingState } from '../../components/ui/spinner';
import { errorMessageKey } from '../../lib/errors';
import { useRequestId } from '../../lib/forms';
import { useTRPC } from '../../lib/trpc';
import { nextMonday, romeToday, useDayFormat } from './format';

/** The covers a team lead picks from: the source's two people per district, or 15–20% of a team. */
const NEEDS: { value: string; need: RotaNeed }[] = [
  { value: 'c1', need: { count: 1 } },
  { value: 'c2', need: { count: 2 } },
  { value: 'c3', need: { count: 3 } },
  { value: 's15', need: { share: 0.15 } },
  { value: 's20', need: { share: 0.2 } },
];

/**
 * The Saturday rota of a period: generate it (rota.generateSaturdays), see each open Saturday's people per team with
 * their rest day, fix a conflict by removing or adding someone, and publish once nothing is in conflict (the server
 * refuses it otherwise).
 */
export function SaturdayPlan({ siteInput }: { siteInput: { siteId?: number } }) {
  const { t } = useTranslation('rota');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const requestId = useRequestId();
  const [from, setFrom] = useState(() => nextMonday(romeToday()));
  const [weeks, setWeeks] = useState('8');
  const [need, setNeed] = useState('c2');
  const [notice, setNotice] = useState<string | null>(null);
  const period = { ...siteInput, from, weeks: Number(weeks) };
  const view = useQuery({
    ...trpc.rota.view.queryOptions(period, { enabled: from !== '' }),
    placeholderData: keepPreviousData,
  });
  const refresh = () => void queryClient.invalidateQueries(trpc.rota.view.pathFilter());
  const generate = useMutation(trpc.rota.generateSaturdays.mutationOptions({ onSuccess: refresh }));
  const publish = useMutation(trpc.rota.publish.mutationOptions({ onSuccess: refresh }));
  const failure = generate.error ?? publish.error;

  function submit(event: FormEvent) {
    event.preventDefault();
    const chosen = NEEDS.find((n) => n.value === need)?.need ?? { count: 2 };
    const payload = { ...period, need: chosen };
    setNotice(null);
    publish.reset();
    generate.mutate(
      { ...payload, requestId: requestId.idFor(payload) },
      {
        onSuccess: () => {
          requestId.done();
          setNotice(t('plan.generated'));
        },
      },
    );
  }

  function publishAll() {
    setNotice(null);
    generate.reset();
    publish.mutate(
      { ...period, requestId: requestId.idFor({ publish: period }) },
      {
        onSuccess: (done) => {
          requestId.done();
          setNotice(t('plan.publishedDone', { count: done.published }));
        },
      },
    );
  }

  return (
    <Panel title={t('plan.title')}>
      <p className="admin-muted">{t('plan.lead')}</p>
      <form className="rota__generate" onSubmit={submit} aria-label={t('plan.title')}>
        <DateField label={t('plan.from')} value={from} required onChange={setFrom} />
        <Select
          label={t('plan.weeks')}
          value={weeks}
          onChange={(e) => setWeeks(e.target.value)}
          options={[4, 8, 13].map((w) => ({ value: String(w), label: String(w) }))}
        />
        <Select
          label={t('plan.need')}
          value={need}
          onChange={(e) => setNeed(e.target.value)}
          options={NEEDS.map(({ value, need: n }) => ({
            value,
            label:
              'count' in n ? t('plan.needCount', { count: n.count }) : t('plan.needShare', { share: n.share * 100 }),
          }))}
        />
        <Button type="submit" variant="primary" busy={generate.isPending}>
          {t('plan.generate')}
        </Button>
      </form>
      <PlanStatus notice={notice} failure={failure} view={view}>
        {(data) => (
          <>
            <PlanTable view={data} onChanged={refresh} />
            <div className="admin-form__actions">
              {data.published ? (
                // the period's own rows may be weekday shifts only: "published" speaks of the Saturdays when there are some
                data.shifts.some((s) => s.kind === 'saturday') && <Badge tone="success">{t('plan.published')}</Badge>
              ) : (
                <Button
                  variant="primary"
                  busy={publish.isPending}
                  disabled={data.shifts.length === 0 || data.conflicts.length > 0}
                  aria-describedby={data.conflicts.length > 0 ? 'rota-publish-blocked' : undefined}
                  onClick={publishAll}
                >
                  {t('plan.publish')}
                </Button>
              )}
              {data.conflicts.length > 0 && (
                <span id="rota-publish-blocked" className="admin-muted">
                  {t('plan.publishBlocked')}
                </span>
              )}
            </div>
          </>
        )}
      </PlanStatus>
    </Panel>
  );
}

/**
 * What both plans (the Saturdays, a week's shifts) show under their controls: the last change's notice or failure in
 * one live region, then the plan once loaded — its conflicts first, then what the caller draws of it.
 */
export function PlanStatus({
  notice,
  failure,
  view,
  children,
}: {
  notice: string | null;
  failure: unknown;
  view: { isPending: boolean; isError: boolean; data?: RotaView | undefined };
  children: (data: RotaView) => ReactNode;
}) {
  const { t } = useTranslation('rota');
  const { t: tShell } = useTranslation();
  const data = view.data;
  return (
    <>
      <div aria-live="polite">
        {notice && <Alert tone="success">{notice}</Alert>}
        {failure != null && (
          <Alert tone="error" title={t('plan.failed')}>
            <p>{tShell(errorMessageKey(failure))}</p>
          </Alert>
        )}
      </div>
      {view.isPending ? (
        <LoadingState label={t('loading')} />
      ) : view.isError || !data ? (
        <Alert tone="error">{t('loadFailed')}</Alert>
      ) : (
        <>
          <Conflicts view={data} />
          {children(data)}
        </>
      )}
    </>
  );
}

/** The conflicts of a period, in words, each naming its day, team or person and the shifts in question. */
export function Conflicts({ view }: { view: RotaView }) {
  const { t } = useTranslation('rota');
  const day = useDayFormat();
  if (view.conflicts.length === 0) return <p className="admin-muted">{t('conflicts.none')}</p>;
  const team = (id: number | null) => view.teams.find((x) => x.id === id)?.name ?? '—';
  const person = (id: number | null) =>
    view.teams.flatMap((x) => x.people).find((p) => p.userId === id)?.name ??
    view.shifts.find((s) => s.userId === id)?.name ??
    '—';
  const shift = (s: RotaShift) =>
    s.kind === 'rest'
      ? t('conflicts.restDay')
      : s.starts && s.ends
        ? t('plan.hours', { opens: s.starts, closes: s.ends })
        : t('conflicts.dayOff');
  const shifts = (c: RotaConflict) => {
    const rows = view.shifts.filter((s) => c.shiftIds.includes(s.id));
    return rows.map(shift).join(t('conflicts.and'));
  };
  const key = (c: RotaConflict) => {
    // a rest rule is either two days' shifts too close (two rows) or a run of too many days (a row a day at least)
    if (c.kind !== 'rest_rule') return c.kind;
    return c.shiftIds.length > 2 ? 'rest_rule_days' : 'rest_rule';
  };
  const text = (c: RotaConflict) =>
    t(`conflicts.${key(c)}`, {
      date: c.date ? day(c.date) : '',
      team: team(c.teamId),
      person: person(c.userId),
      shifts: shifts(c),
    });
  return (
    <Alert tone="warning" title={t('conflicts.title', { count: view.conflicts.length })}>
      <ul className="admin-list" role="list">
        {view.conflicts.map((c) => (
          <li key={`${c.kind}-${c.date}-${c.teamId}-${c.userId}-${c.shiftIds.join('.')}`}>{text(c)}</li>
        ))}
      </ul>
    </Alert>
  );
}

/** One row per open Saturday, one column per team: who works it, their rest day, and what is missing. */
function PlanTable({ view, onChanged }: { view: RotaView; onChanged: () => void }) {
  const { t } = useTranslation('rota');
  const day = useDayFormat();
  if (view.saturdays.length === 0) return <EmptyState>{t('plan.noSaturdays')}</EmptyState>;
  if (!view.shifts.some((s) => s.kind === 'saturday')) return <EmptyState>{t('plan.empty')}</EmptyState>;
  return (
    <div className="rota__scroll">
      <table className="rota-table">
        <caption>{t('plan.caption', { from: day(view.from), weeks: view.weeks })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('plan.saturday')}</th>
            {view.teams.map((team) => (
              <th scope="col" key={team.id}>
                {team.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {view.saturdays.map((s) => (
            <tr key={s.date}>
              <th scope="row">
                {day(s.date)}
                <span className="rota__hours">{t('plan.hours', s)}</span>
              </th>
              {view.teams.map((team) => (
                <td key={team.id}>
                  <TeamSaturday view={view} date={s.date} teamId={team.id} onChanged={onChanged} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A team's people on one Saturday, each removable while a draft, and a picker to add one of the team. */
function TeamSaturday({
  view,
  date,
  teamId,
  onChanged,
}: {
  view: RotaView;
  date: string;
  teamId: number;
  onChanged: () => void;
}) {
  const { t } = useTranslation('rota');
  const { t: tShell } = useTranslation();
  const trpc = useTRPC();
  const day = useDayFormat();
  const [adding, setAdding] = useState('');
  const unassign = useMutation(trpc.rota.unassign.mutationOptions({ onSuccess: onChanged }));
  const assign = useMutation(trpc.rota.assign.mutationOptions({ onSuccess: onChanged }));
  const team = view.teams.find((x) => x.id === teamId);
  const on = view.shifts.filter((s) => s.kind === 'saturday' && s.date === date && s.teamId === teamId);
  const restOf = (userId: number) =>
    view.shifts.find((s) => s.kind === 'rest' && s.userId === userId && s.date > date && s.date <= addDays(date, 7));
  const missing = (team?.needed ?? 0) - on.length;
  const free = (team?.people ?? []).filter((p) => !on.some((s) => s.userId === p.userId));
  const label = t('plan.add', { date: day(date), team: team?.name ?? '' });
  const error = unassign.error ?? assign.error;
  return (
    <div className="rota__cell">
      <ul className="rota__people" role="list">
        {on.map((s) => {
          const rest = restOf(s.userId);
          return (
            <li key={s.id}>
              <span>
                {s.name}
                {rest && <span className="rota__rest"> · {t('plan.rest', { day: day(rest.date) })}</span>}
                {s.status === 'draft' && <span className="visually-hidden"> ({t('plan.draft')})</span>}
              </span>
              {s.status === 'draft' && (
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label={t('plan.remove', { name: s.name, date: day(date) })}
                  busy={unassign.isPending}
                  onClick={() => unassign.mutate({ shiftId: s.id, requestId: crypto.randomUUID() })}
                >
                  {t('plan.removeShort')}
                </Button>
              )}
            </li>
          );
        })}
      </ul>
      {missing > 0 && <Badge tone="warning">{t('plan.missing', { count: missing })}</Badge>}
      {missing < 0 && <Badge tone="warning">{t('plan.extra', { count: -missing })}</Badge>}
      {!view.published && free.length > 0 && (
        <form
          className="rota__add"
          aria-label={label}
          onSubmit={(e) => {
            e.preventDefault();
            if (!adding) return;
            assign.mutate(
              { siteId: view.siteId, date, userId: Number(adding), requestId: crypto.randomUUID() },
              { onSuccess: () => setAdding('') },
            );
          }}
        >
          <Select
            label={label}
            hideLabel
            value={adding}
            onChange={(e) => setAdding(e.target.value)}
            options={[
              { value: '', label: t('plan.addPlaceholder') },
              ...free.map((p) => ({ value: String(p.userId), label: p.name })),
            ]}
          />
          <Button type="submit" size="sm" busy={assign.isPending} disabled={!adding}>
            {t('plan.addShort')}
          </Button>
        </form>
      )}
      {error && (
        <p className="rota__error" role="alert">
          {tShell(errorMessageKey(error))}
        </p>
      )}
    </div>
  );
}

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
