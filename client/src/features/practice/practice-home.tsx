import { useMutation, useQuery } from '@tanstack/react-query';
import type { PracticeStartInput, PracticeStartOutput } from '@valore/shared/schemas/practice';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/ui/alert';
import { LoadingState } from '../../components/ui/spinner';
import { errorMessageKey } from '../../lib/errors';
import { useRequestId } from '../../lib/forms';
import { useTRPC } from '../../lib/trpc';
import { MyAssignments, PracticeHistory } from './my-practice';
import { NewPractice } from './new-practice';
import { PracticeSession, type PracticeRunComponent } from './practice-session';
import { TutorPractice } from './tutor-practice';
import '../../components/ui/admin-layout.css';
import './practice.css';

/** A practice contact to start: practice.start's input without its request id. */
export type PracticeRequest = Omit<PracticeStartInput, 'requestId'>;

/** The same contact again: the same script version, persona and seed (the same customer, the same answers). */
function sameAs(start: PracticeStartOutput): PracticeRequest {
  return {
    flow: start.script.flow,
    version: start.script.version,
    personaId: start.persona.id,
    seed: start.seed,
    ...(start.assignmentId === null ? {} : { assignmentId: start.assignmentId }),
  };
}

/**
 * /practice — "Esercitazioni" (docs/training.md, "Practice console"). An operator (or a tutor) practises: the practice
 * sets assigned to them, a new practice contact on any flow and simulated customer, their past contacts with their
 * scores and their tutor's scorecards; a contact is played in the console's own script panel (`Run`, handed over by
 * the app). Tutors, team leads and admins also see the tutor's part (assigning sets, following progress).
 */
export function PracticeHome({ Run }: { Run: PracticeRunComponent }) {
  const { t } = useTranslation('practice');
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { retry: false, staleTime: 5 * 60_000 }));
  const role = me.data?.role;
  const practising = role === 'operator' || role === 'tutor';
  const overseeing = role === 'tutor' || role === 'team_lead' || role === 'admin';
  const { idFor, done } = useRequestId();
  const [running, setRunning] = useState<PracticeStartOutput | null>(null);
  const start = useMutation(
    trpc.practice.start.mutationOptions({
      onSuccess: (data) => {
        done();
        setRunning(data);
      },
    }),
  );
  const begin = (request: PracticeRequest) => start.mutate({ ...request, requestId: idFor(request) });
  // back from a contact: the focus goes to the new-practice form's heading, where the way on starts
  const newHeadingRef = useRef<HTMLHeadingElement>(null);
  const [backHome, setBackHome] = useState(false);
  useEffect(() => {
    if (backHome && !running) newHeadingRef.current?.focus();
  }, [backHome, running]);

  return (
    <div className="home practice" data-testid="home-practice">
      <div className="page-header">
        <div>
          <h1 className="page-header__title">{t('home.title')}</h1>
          <p className="page-header__subtitle">{t('home.subtitle')}</p>
        </div>
      </div>
      {start.isError && (
        <Alert tone="error" title={t('home.startFailed')}>
          {t(errorMessageKey(start.error), { ns: 'translation' })}
        </Alert>
      )}
      {!role ? (
        <LoadingState label={t('home.loading')} />
      ) : running ? (
        <PracticeSession
          key={running.practiceId}
          start={running}
          Run={Run}
          onNew={() => {
            start.reset();
            setRunning(null);
            setBackHome(true);
          }}
          onRepeat={() => begin(sameAs(running))}
          repeating={start.isPending}
        />
      ) : (
        <div className="practice-grid">
          {practising && (
            <>
              <MyAssignments onStart={begin} starting={start.isPending} />
              <NewPractice onStart={begin} starting={start.isPending} headingRef={newHeadingRef} />
              <PracticeHistory />
            </>
          )}
          {overseeing && <TutorPractice />}
        </div>
      )}
    </div>
  );
}
