import { useMutation, useQueryClient } from '@tanstack/react-query';
import type {
  PracticeCompleteInput,
  PracticeCompleteOutput,
  PracticeStartOutput,
} from '@valore/shared/schemas/practice';
import { useEffect, useRef, useState, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { LoadingState } from '../../components/ui/spinner';
import { errorMessageKey } from '../../lib/errors';
import { useTRPC } from '../../lib/trpc';
import { ScoreBreakdown } from './score-breakdown';

/** What the console's practice run hands back at the outcome (practice.complete without its request id). */
export type PracticeCompletion = Omit<PracticeCompleteInput, 'requestId'>;

/** The console's practice run (features/console/practice-run.tsx), handed over by the app: features stay apart. */
export type PracticeRunComponent = ComponentType<{
  start: PracticeStartOutput;
  onFinished: (completion: PracticeCompletion) => void;
}>;

/**
 * One practice contact: played in the console's run, then completed (practice.complete, one request id for the
 * contact, so a retry after a lost answer is not counted twice) and its score shown.
 */
export function PracticeSession({
  start,
  Run,
  onNew,
  onRepeat,
  repeating,
}: {
  start: PracticeStartOutput;
  Run: PracticeRunComponent;
  onNew: () => void;
  onRepeat: () => void;
  repeating: boolean;
}) {
  const { t } = useTranslation('practice');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [requestId] = useState(() => crypto.randomUUID());
  const [completion, setCompletion] = useState<PracticeCompletion | null>(null);
  const complete = useMutation(
    trpc.practice.complete.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries(trpc.practice.pathFilter()),
    }),
  );
  const send = (c: PracticeCompletion) => complete.mutate({ ...c, requestId });

  if (!completion) {
    return (
      <div className="practice-session">
        {/* the contact stays unfinished on the server ("Non conclusa"): nothing is scored */}
        <div className="practice-session__bar">
          <Button variant="ghost" onClick={onNew}>
            {t('session.leave')}
          </Button>
        </div>
        <Run
          start={start}
          onFinished={(c) => {
            setCompletion(c);
            send(c);
          }}
        />
      </div>
    );
  }
  if (complete.isSuccess) {
    return (
      <PracticeResult
        result={complete.data}
        seed={start.seed}
        onNew={onNew}
        onRepeat={onRepeat}
        repeating={repeating}
      />
    );
  }
  if (complete.isError) {
    return (
      <div className="practice-result">
        <Alert tone="error" title={t('result.failed')}>
          {t(errorMessageKey(complete.error), { ns: 'translation' })}
        </Alert>
        <div className="practice-actions">
          <Button variant="primary" onClick={() => send(completion)}>
            {t('result.retry')}
          </Button>
          <Button onClick={onNew}>{t('result.new')}</Button>
        </div>
      </div>
    );
  }
  return <LoadingState label={t('result.scoring')} />;
}

/** The score of the contact just played: the focus lands on its heading, then the way on (a new one, the same one). */
function PracticeResult({
  result,
  seed,
  onNew,
  onRepeat,
  repeating,
}: {
  result: PracticeCompleteOutput;
  seed: number;
  onNew: () => void;
  onRepeat: () => void;
  repeating: boolean;
}) {
  const { t } = useTranslation('practice');
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  return (
    <section className="ui-panel practice-result" aria-labelledby="practice-score-heading" data-testid="practice-score">
      <div className="ui-panel__body">
        <h2 id="practice-score-heading" ref={headingRef} tabIndex={-1} className="practice-result__total">
          {t('result.title', { total: result.score.total })}
        </h2>
        <p>
          {t('result.outcome', { outcome: t(`outcomes.${result.outcome}`) })} · {t('result.seed', { seed })}
        </p>
        <ScoreBreakdown score={result.score} label={t('score.criteria')} />
        <div className="practice-actions">
          <Button variant="primary" onClick={onNew}>
            {t('result.new')}
          </Button>
          <Button onClick={onRepeat} busy={repeating}>
            {t('result.repeat')}
          </Button>
        </div>
      </div>
    </section>
  );
}
