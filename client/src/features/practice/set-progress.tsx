import { useQuery } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PracticeProgressOutput } from '@valore/shared/schemas/practice';
import { Alert } from '../../components/ui/alert';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { EmptyState, Panel } from '../../components/ui/panel';
import { LoadingState } from '../../components/ui/spinner';
import { useTRPC } from '../../lib/trpc';
import { localToday, usePersonaText } from './assign-set';
import { OperatorContacts } from './operator-contacts';
import { localeOf } from '../../lib/lang';

type PracticeSet = PracticeProgressOutput['sets'][number];
type OperatorRow = PracticeSet['operators'][number];

/** Dates, times and averages in the reader's language. */
function useFormat() {
  const { i18n } = useTranslation('practice');
  const locale = localeOf(i18n);
  const day = new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' });
  const moment = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' });
  const number = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return {
    day: (date: string) => day.format(new Date(`${date}T12:00:00Z`)),
    moment: (iso: string | null) => (iso === null ? '—' : moment.format(new Date(iso))),
    average: (value: number | null) => (value === null ? '—' : number.format(value)),
  };
}

/**
 * "Avanzamento" (practice.progress): each practice set of the site as a table of its operators — contacts done of
 * those asked, a state in words (complete, in progress, late, not started: never colour alone), the average score and
 * the last practice. Read-only; the server decides whose sets the caller sees (their site's; an admin's every site's).
 */
export function SetProgress({ canScore = false }: { canScore?: boolean }) {
  const { t } = useTranslation('practice');
  const trpc = useTRPC();
  const progress = useQuery(trpc.practice.progress.queryOptions({}));
  const personas = useQuery(trpc.practice.personas.queryOptions());
  return (
    <Panel title={t('tutor.progress.title')} className="practice-progress">
      {progress.isPending ? (
        <LoadingState label={t('tutor.loading')} />
      ) : progress.isError ? (
        <Alert tone="error">{t('tutor.loadFailed')}</Alert>
      ) : progress.data.sets.length === 0 ? (
        <EmptyState>{t('tutor.progress.empty')}</EmptyState>
      ) : (
        progress.data.sets.map((s) => (
          <SetTable
            key={s.setId}
            set={s}
            canScore={canScore}
            personaName={(id) => personas.data?.find((p) => p.id === id)?.name ?? { it: id, en: id }}
          />
        ))
      )}
    </Panel>
  );
}

function SetTable({
  set,
  canScore,
  personaName,
}: {
  set: PracticeSet;
  canScore: boolean;
  personaName: (id: string) => { it: string; en: string };
}) {
  const { t } = useTranslation('practice');
  const fmt = useFormat();
  const personaText = usePersonaText();
  const headingId = useId();
  const today = localToday();
  const [open, setOpen] = useState<{ userId: number; name: string } | null>(null);
  const openerRef = useRef<HTMLButtonElement | null>(null);
  const overdue = set.dueDate !== null && set.dueDate < today && set.operators.some((o) => o.done < o.required);
  return (
    <section className="practice-set" aria-labelledby={headingId}>
      <h3 id={headingId} className="practice-set__title">
        {set.name}
      </h3>
      <dl className="practice-set__facts">
        <div>
          <dt>{t('tutor.progress.scripts')}</dt>
          <dd>
            {set.scripts.map((s) => `${t(`tutor.flows.${s.flow}`)}${s.version ? ` ${s.version}` : ''}`).join(', ')}
          </dd>
        </div>
        <div>
          <dt>{t('tutor.progress.personas')}</dt>
          <dd>{set.personaIds.map((id) => personaText(personaName(id))).join(', ')}</dd>
        </div>
        <div>
          <dt>{t('tutor.progress.count')}</dt>
          <dd>{t('tutor.progress.countValue', { count: set.count })}</dd>
        </div>
        <div>
          <dt>{t('tutor.progress.due')}</dt>
          <dd>
            {set.dueDate === null ? t('tutor.progress.noDue') : fmt.day(set.dueDate)}
            {overdue && (
              <>
                {' '}
                <Badge tone="danger">{t('tutor.progress.overdue')}</Badge>
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('tutor.progress.created')}</dt>
          <dd>
            {set.createdBy
              ? t('tutor.progress.createdBy', { date: fmt.moment(set.createdAt), name: set.createdBy })
              : fmt.moment(set.createdAt)}
          </dd>
        </div>
      </dl>
      <div className="admin-table__scroll">
        <table className="admin-table">
          <caption className="visually-hidden">{t('tutor.progress.caption', { name: set.name })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('tutor.progress.operator')}</th>
              <th scope="col" className="admin-table__num">
                {t('tutor.progress.done')}
              </th>
              <th scope="col">{t('tutor.progress.state')}</th>
              <th scope="col" className="admin-table__num">
                {t('tutor.progress.average')}
              </th>
              <th scope="col">{t('tutor.progress.lastAt')}</th>
              {canScore && (
                <th scope="col">
                  <span className="visually-hidden">{t('tutor.progress.contacts')}</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {set.operators.map((o) => (
              <tr key={o.assignmentId}>
                <th scope="row">{o.name}</th>
                <td className="admin-table__num">
                  {t('tutor.progress.doneOf', { done: o.done, required: o.required })}
                </td>
                <td>
                  <OperatorState row={o} late={set.dueDate !== null && set.dueDate < today} />
                </td>
                <td className="admin-table__num">{fmt.average(o.averageScore)}</td>
                <td>{fmt.moment(o.lastAt)}</td>
                {canScore && (
                  <td>
                    <Button
                      size="sm"
                      aria-label={t('tutor.progress.openLabel', { name: o.name, set: set.name })}
                      aria-expanded={open?.userId === o.userId}
                      onClick={(e) => {
                        openerRef.current = e.currentTarget;
                        setOpen({ userId: o.userId, name: o.name });
                      }}
                    >
                      {t('tutor.progress.open')}
                    </Button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {open && (
        <OperatorContacts
          key={open.userId}
          userId={open.userId}
          name={open.name}
          setId={set.setId}
          setName={set.name}
          onClose={() => {
            setOpen(null);
            openerRef.current?.focus();
          }}
        />
      )}
    </section>
  );
}

/** The operator's state in words, with a bar for the eye; the bar is decorative (the words say it all). */
function OperatorState({ row, late }: { row: OperatorRow; late: boolean }) {
  const { t } = useTranslation('practice');
  const percent = Math.min(100, Math.round((row.done / Math.max(1, row.required)) * 100));
  const [tone, label] =
    row.done >= row.required
      ? (['success', t('tutor.progress.states.complete')] as const)
      : late
        ? (['danger', t('tutor.progress.states.late', { percent })] as const)
        : row.done === 0
          ? (['neutral', t('tutor.progress.states.notStarted')] as const)
          : (['info', t('tutor.progress.states.started', { percent })] as const);
  return (
    <span className="practice-state">
      <Badge tone={tone}>{label}</Badge>
      <span className="practice-state__bar" aria-hidden="true">
        <span style={{ width: `${percent}%` }} />
      </span>
    </span>
  );
}
