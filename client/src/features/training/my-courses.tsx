import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { FEEDBACK_DIMENSIONS, type MySessionsOutput } from '@valore/shared/schemas/training';
import type { FeedbackDimension } from '@valore/shared/training/feedback';
import { Alert } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { EmptyState, Panel } from '../../components/ui/panel';
import { RadioGroup } from '../../components/ui/radio-group';
import { LoadingState } from '../../components/ui/spinner';
import { useRequestId } from '../../lib/forms';
import { useTRPC } from '../../lib/trpc';
import { useTrainingFormat } from './format';

type MySession = MySessionsOutput['sessions'][number];
const SCORES = ['1', '2', '3', '4', '5'] as const;

/** "I miei corsi": the caller's own sessions (training.mySessions) and, for one attended and not rated, the survey. */
export function MyCourses() {
  const { t } = useTranslation('training');
  const trpc = useTRPC();
  const fmt = useTrainingFormat();
  const mine = useQuery(trpc.training.mySessions.queryOptions());
  const [open, setOpen] = useState<MySession | null>(null);
  const [thanks, setThanks] = useState<string | null>(null);
  const openerRef = useRef<HTMLButtonElement | null>(null);
  const thanksRef = useRef<HTMLDivElement>(null);
  // the form is gone once sent: the focus goes to the thank-you message rather than to the page's top
  useEffect(() => {
    if (thanks) thanksRef.current?.focus();
  }, [thanks]);

  const attendanceText = (s: MySession) =>
    s.attendance === null
      ? t('mine.notRecorded')
      : s.attendance === 'absent'
        ? t('mine.absent')
        : t(s.attendance === 'present' ? 'mine.present' : 'mine.partial', { hours: fmt.hours(s.attendedHours ?? 0) });

  return (
    <Panel title={t('mine.title')}>
      {thanks && (
        <div ref={thanksRef} tabIndex={-1}>
          <Alert tone="success">{thanks}</Alert>
        </div>
      )}
      {mine.isPending ? (
        <LoadingState label={t('loading')} />
      ) : mine.isError ? (
        <Alert tone="error">{t('loadFailed')}</Alert>
      ) : mine.data.sessions.length === 0 ? (
        <EmptyState>{t('mine.empty')}</EmptyState>
      ) : (
        <div className="admin-table__scroll">
          <table className="admin-table">
            <caption className="visually-hidden">{t('mine.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('mine.course')}</th>
                <th scope="col">{t('mine.when')}</th>
                <th scope="col">{t('mine.place')}</th>
                <th scope="col">{t('mine.attendance')}</th>
                <th scope="col">{t('mine.feedback')}</th>
              </tr>
            </thead>
            <tbody>
              {mine.data.sessions.map((s) => (
                <tr key={s.sessionId}>
                  <th scope="row">{s.courseTitle}</th>
                  <td>{t('sessions.when', { date: fmt.day(s.date), starts: s.starts, hours: fmt.hours(s.hours) })}</td>
                  <td>{s.remote ? t('sessions.remote') : [s.siteName, s.room].filter(Boolean).join(' · ')}</td>
                  <td>{attendanceText(s)}</td>
                  <td>
                    {s.feedbackGiven ? (
                      t('mine.given')
                    ) : s.canGiveFeedback ? (
                      <Button
                        size="sm"
                        variant="primary"
                        aria-label={t('mine.giveLabel', { course: s.courseTitle, date: fmt.day(s.date) })}
                        aria-expanded={open?.sessionId === s.sessionId}
                        onClick={(e) => {
                          openerRef.current = e.currentTarget;
                          setThanks(null);
                          setOpen(s);
                        }}
                      >
                        {t('mine.give')}
                      </Button>
                    ) : (
                      t('mine.notAvailable')
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {open && (
        <FeedbackSurvey
          key={open.sessionId}
          session={open}
          onCancel={() => {
            setOpen(null);
            openerRef.current?.focus();
          }}
          onSent={() => {
            setThanks(t('survey.thanks', { course: open.courseTitle }));
            setOpen(null);
          }}
        />
      )}
    </Panel>
  );
}

/** The six 1–5 ratings (radio groups: arrows move and choose) and a comment, sent with training.submitFeedback. */
export function FeedbackSurvey({
  session,
  onCancel,
  onSent,
}: {
  session: Pick<MySession, 'sessionId' | 'courseTitle'>;
  onCancel: () => void;
  onSent: () => void;
}) {
  const { t } = useTranslation('training');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const { idFor, done } = useRequestId();
  const [scores, setScores] = useState<Partial<Record<FeedbackDimension, number>>>({});
  const [comment, setComment] = useState('');
  const [missing, setMissing] = useState<FeedbackDimension[]>([]);
  const submit = useMutation(
    trpc.training.submitFeedback.mutationOptions({
      onSuccess: () => {
        done();
        void queryClient.invalidateQueries(trpc.training.pathFilter());
        onSent();
      },
    }),
  );
  useEffect(() => headingRef.current?.focus(), []);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const absent = FEEDBACK_DIMENSIONS.filter((d) => scores[d] === undefined);
    setMissing(absent);
    if (absent.length > 0) return;
    const payload = {
      sessionId: session.sessionId,
      scores: Object.fromEntries(FEEDBACK_DIMENSIONS.map((d) => [d, scores[d] ?? 0])) as Record<
        FeedbackDimension,
        number
      >,
      comment: comment.trim() || null,
    };
    submit.mutate({ ...payload, requestId: idFor(payload) });
  };

  return (
    <form className="training-survey" aria-labelledby={headingId} onSubmit={onSubmit} noValidate>
      <h3 id={headingId} ref={headingRef} tabIndex={-1}>
        {t('survey.title', { course: session.courseTitle })}
      </h3>
      <p>{t('survey.lead')}</p>
      <div className="training-survey__scores">
        {FEEDBACK_DIMENSIONS.map((d) => (
          <RadioGroup
            key={d}
            layout="row"
            legend={t(`dimensions.${d}`)}
            value={scores[d] === undefined ? null : String(scores[d])}
            onChange={(v) => setScores((s) => ({ ...s, [d]: Number(v) }))}
            options={SCORES.map((score) => ({ value: score, label: t('survey.scoreLabel', { score }) }))}
          />
        ))}
      </div>
      <CommentField value={comment} onChange={setComment} />
      {missing.length > 0 && (
        <Alert tone="error">
          {t('survey.missing', { count: missing.length, names: missing.map((d) => t(`dimensions.${d}`)).join(', ') })}
        </Alert>
      )}
      {submit.isError && <Alert tone="error">{t('survey.failed')}</Alert>}
      <div className="training-survey__actions">
        <Button type="submit" variant="primary" busy={submit.isPending}>
          {submit.isPending ? t('survey.submitting') : t('survey.submit')}
        </Button>
        <Button onClick={onCancel}>{t('survey.cancel')}</Button>
      </div>
    </form>
  );
}

function CommentField({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const { t } = useTranslation('training');
  const id = useId();
  return (
    <div className="ui-field">
      <label className="ui-field__label" htmlFor={id}>
        {t('survey.comment')}
      </label>
      <p className="ui-field__hint" id={`${id}-hint`}>
        {t('survey.commentHint')}
      </p>
      <textarea
        id={id}
        className="ui-input"
        aria-describedby={`${id}-hint`}
        maxLength={1000}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}
