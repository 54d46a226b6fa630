import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { FLOWS, OUTCOMES, type FlowId, type Outcome } from '@valore/shared/reference/outcomes';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { EmptyState, Panel } from '../../../components/ui/panel';
import { useTRPC } from '../../../lib/trpc';
import './coaching.css';

const isFlow = (f: string): f is FlowId => (FLOWS as readonly string[]).includes(f);
const isOutcome = (o: string): o is Outcome => (OUTCOMES as readonly string[]).includes(o);

/** "Le mie valutazioni": the operator's released scorecards, newest first, each acknowledged with one button. */
export function MyScorecards({ level = 2 }: { level?: 2 | 3 }) {
  const { t, i18n } = useTranslation('coaching');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.quality.myScorecards.queryOptions(undefined, { refetchInterval: 60_000 }));
  const ack = useMutation(
    trpc.quality.acknowledge.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.quality.myScorecards.pathFilter()),
    }),
  );
  const lang = i18n.language.startsWith('en') ? 'en' : 'it';
  const locale = lang === 'en' ? 'en-GB' : 'it-IT';
  const date = (iso: string) =>
    new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Rome' }).format(
      new Date(iso),
    );
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });

  return (
    <Panel title={t('scorecards.title')} level={level}>
      {!list.data || list.data.length === 0 ? (
        <EmptyState>{t('scorecards.empty')}</EmptyState>
      ) : (
        <ul className="my-scorecards" data-testid="my-scorecards">
          {list.data.map((s) => {
            const values = Object.values(s.scores);
            const average = values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
            return (
              <li key={s.id} className="my-scorecards__item">
                <p className="my-scorecards__head">
                  <strong>
                    {t('scorecards.call', {
                      date: date(s.startedAt),
                      flow: isFlow(s.flow) ? t(`flows.${s.flow}`) : s.flow,
                      outcome: isOutcome(s.outcome) ? t(`outcomes.${s.outcome}`) : s.outcome,
                    })}
                  </strong>
                  {s.status === 'released' && <Badge tone="info">{t('scorecards.new')}</Badge>}
                  {s.criticalError && <Badge tone="danger">{t('scorecards.critical')}</Badge>}
                </p>
                <p className="my-scorecards__meta">
                  {t('scorecards.by', { name: s.tutorName })} ·{' '}
                  {t('scorecards.average', { value: number.format(average) })}
                </p>
                <dl className="my-scorecards__scores">
                  {s.dimensions.map((d) => (
                    <div key={d.key}>
                      <dt>{d.label[lang]}</dt>
                      <dd>{s.scores[d.key] ?? '—'}</dd>
                    </div>
                  ))}
                </dl>
                {s.comments && (
                  <p>
                    <span className="my-scorecards__meta">{t('scorecards.comments')}: </span>
                    {s.comments}
                  </p>
                )}
                {s.status === 'released' ? (
                  <Button
                    size="sm"
                    variant="primary"
                    busy={ack.isPending && ack.variables.scorecardId === s.id}
                    aria-label={t('scorecards.ackLabel', { date: date(s.startedAt) })}
                    onClick={() => ack.mutate({ requestId: crypto.randomUUID(), scorecardId: s.id })}
                  >
                    {t('scorecards.ack')}
                  </Button>
                ) : (
                  s.acknowledgedAt && (
                    <p className="my-scorecards__meta">
                      {t('scorecards.acknowledged', { date: date(s.acknowledgedAt) })}
                    </p>
                  )
                )}
              </li>
            );
          })}
        </ul>
      )}
    </Panel>
  );
}
