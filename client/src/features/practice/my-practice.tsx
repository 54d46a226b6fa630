import { useQuery } from '@tanstack/react-query';
import type { PracticeMineOutput, PersonaSummary } from '@valore/shared/schemas/practice';
import { PRACTICE_CRITERIA } from '@valore/shared/training/practice-score';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/ui/alert';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { EmptyState, Panel } from '../../components/ui/panel';
import { LoadingState } from '../../components/ui/spinner';
import { useTRPC } from '../../lib/trpc';
import { usePracticeFormat } from './format';
import type { PracticeRequest } from './practice-home';
import { ScoreBreakdown } from './score-breakdown';

type Assignment = PracticeMineOutput['assignments'][number];
type Contact = PracticeMineOutput['contacts'][number];

/** The caller's practice (practice.mine) and the personas' names, for both lists of the page. */
function useMine() {
  const trpc = useTRPC();
  const mine = useQuery(trpc.practice.mine.queryOptions());
  const personas = useQuery(trpc.practice.personas.queryOptions(undefined, { staleTime: Infinity }));
  return { mine, personas: personas.data ?? [] };
}

function usePersonaName(personas: readonly PersonaSummary[]) {
  const fmt = usePracticeFormat();
  return (id: string) => {
    const p = personas.find((x) => x.id === id);
    return p ? fmt.text(p.name) : id;
  };
}

/**
 * The next contact of an assignment: its scripts and personas taken in turn, one more each time one is done, so the
 * set walks through all of them.
 */
export function nextOf(a: Assignment): PracticeRequest | null {
  const script = a.scripts[a.done % Math.max(1, a.scripts.length)];
  const personaId = a.personaIds[a.done % Math.max(1, a.personaIds.length)];
  if (!script || !personaId) return null;
  return {
    flow: script.flow,
    ...(script.version ? { version: script.version } : {}),
    personaId,
    assignmentId: a.assignmentId,
  };
}

/** The three states both lists share before their table: loading, failed, or nothing to list yet. */
function MineState({
  mine,
  empty,
  emptyText,
  children,
}: {
  mine: ReturnType<typeof useMine>['mine'];
  empty: (data: PracticeMineOutput) => boolean;
  emptyText: string;
  children: (data: PracticeMineOutput) => ReactNode;
}) {
  const { t } = useTranslation('practice');
  if (mine.isPending) return <LoadingState label={t('home.loading')} />;
  if (mine.isError) return <Alert tone="error">{t('home.loadFailed')}</Alert>;
  if (empty(mine.data)) return <EmptyState>{emptyText}</EmptyState>;
  return <>{children(mine.data)}</>;
}

/** "Le mie esercitazioni": the practice sets assigned to me, how far I am, and the next contact to play. */
export function MyAssignments({
  onStart,
  starting,
}: {
  onStart: (request: PracticeRequest) => void;
  starting: boolean;
}) {
  const { t } = useTranslation('practice');
  const fmt = usePracticeFormat();
  const { mine, personas } = useMine();
  const personaName = usePersonaName(personas);
  return (
    <Panel title={t('mine.title')}>
      <MineState mine={mine} empty={(data) => data.assignments.length === 0} emptyText={t('mine.empty')}>
        {(data) => (
          <div className="admin-table__scroll">
            <table className="admin-table" data-testid="practice-assignments">
              <caption className="visually-hidden">{t('mine.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('mine.name')}</th>
                  <th scope="col">{t('mine.progress')}</th>
                  <th scope="col">{t('mine.due')}</th>
                  <th scope="col">{t('mine.average')}</th>
                  <th scope="col">{t('mine.next')}</th>
                </tr>
              </thead>
              <tbody>
                {data.assignments.map((a) => {
                  const next = nextOf(a);
                  const nextText = next
                    ? t('mine.nextText', { flow: t(`flows.${next.flow}`), persona: personaName(next.personaId) })
                    : '';
                  return (
                    <tr key={a.assignmentId}>
                      <th scope="row">{a.name}</th>
                      <td>
                        {t('mine.doneOf', { done: a.done, count: a.count })}{' '}
                        {a.done >= a.count && <Badge tone="success">{t('mine.complete')}</Badge>}
                      </td>
                      <td>{a.dueDate ? fmt.day(a.dueDate) : t('mine.noDue')}</td>
                      <td>{fmt.average(a.averageScore)}</td>
                      <td>
                        {next && (
                          <div className="practice-next">
                            <span>{nextText}</span>
                            <Button
                              size="sm"
                              variant="primary"
                              disabled={starting}
                              aria-label={t('mine.startLabel', { name: a.name, next: nextText })}
                              onClick={() => onStart(next)}
                            >
                              {t('mine.start')}
                            </Button>
                          </div>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </MineState>
    </Panel>
  );
}

/** My practice contacts, newest first: what was played, its outcome and score (with why), the tutor's scorecard. */
export function PracticeHistory() {
  const { t } = useTranslation('practice');
  const fmt = usePracticeFormat();
  const { mine, personas } = useMine();
  const personaName = usePersonaName(personas);
  return (
    <Panel title={t('history.title')}>
      <MineState mine={mine} empty={(data) => data.contacts.length === 0} emptyText={t('history.empty')}>
        {(data) => (
          <div className="admin-table__scroll">
            <table className="admin-table" data-testid="practice-history">
              <caption className="visually-hidden">{t('history.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('history.when')}</th>
                  <th scope="col">{t('history.script')}</th>
                  <th scope="col">{t('history.persona')}</th>
                  <th scope="col">{t('history.outcome')}</th>
                  <th scope="col">{t('history.score')}</th>
                  <th scope="col">{t('history.scorecard')}</th>
                </tr>
              </thead>
              <tbody>
                {data.contacts.map((c) => (
                  <tr key={c.practiceId}>
                    <th scope="row">{fmt.dateTime(c.startedAt)}</th>
                    <td>{t('history.scriptValue', { flow: t(`flows.${c.flow}`), version: c.version })}</td>
                    <td>{personaName(c.personaId)}</td>
                    <td>{c.outcome ? t(`outcomes.${c.outcome}`) : t('history.unfinished')}</td>
                    <td>
                      <ContactScore contact={c} />
                    </td>
                    <td>
                      <Scorecard contact={c} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </MineState>
    </Panel>
  );
}

function ContactScore({ contact }: { contact: Contact }) {
  const { t } = useTranslation('practice');
  if (!contact.score) return <>—</>;
  return (
    <details className="practice-score-details">
      <summary>{t('history.total', { total: contact.score.total })}</summary>
      <ScoreBreakdown score={contact.score} label={t('score.criteria')} />
    </details>
  );
}

function Scorecard({ contact }: { contact: Contact }) {
  const { t } = useTranslation('practice');
  const card = contact.scorecard;
  if (!card) return <>{t('history.noScorecard')}</>;
  const rated = PRACTICE_CRITERIA.flatMap((c) => {
    const value = card.scores[c];
    return value === undefined ? [] : [t('history.rating', { criterion: t(`criteria.${c}`), value })];
  });
  return (
    <div className="practice-scorecard">
      <p>
        <strong>{t('history.overall', { value: card.overall })}</strong> — {card.tutorName}
      </p>
      {rated.length > 0 && <p className="practice-scorecard__ratings">{rated.join(' · ')}</p>}
      {card.comments && <p className="practice-scorecard__comments">{card.comments}</p>}
    </div>
  );
}
