import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { EVENT_LABELS } from '@valore/shared/flows/steps';
import type { FlowEventType } from '@valore/shared/flows/types';
import { SCORE_MAX, SCORE_MIN } from '@valore/shared/reference/quality';
import { UNRELEASE_WINDOW_MS, type InteractionReview } from '@valore/shared/schemas/quality';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { LoadingState } from '../../../components/ui/spinner';
import { errorMessageKey } from '../../../lib/errors';
import { useTRPC } from '../../../lib/trpc';
import { formatDateTime, formatDuration, formatTime } from '../format';
import { useLabels } from '../labels';

/** The script's own button label for a recorded event, in the console's language. */
function eventLabel(type: string, language: string): string {
  const label = (EVENT_LABELS as Partial<Record<string, { it: string; en: string }>>)[type as FlowEventType];
  return label ? (language.startsWith('en') ? label.en : label.it) : type;
}

const SCALE = Array.from({ length: SCORE_MAX - SCORE_MIN + 1 }, (_, i) => SCORE_MIN + i);

export function ScorecardView({ interactionId, onBack }: { interactionId: number; onBack: () => void }) {
  const { t } = useTranslation('monitor');
  const trpc = useTRPC();
  const review = useQuery(trpc.quality.interaction.queryOptions({ interactionId }));
  return (
    <div className="scorecard" data-testid="scorecard">
      <Button size="sm" variant="ghost" onClick={onBack}>
        ← {t('scorecard.back')}
      </Button>
      {review.data ? (
        <ScorecardBody review={review.data} key={review.data.interaction.id} />
      ) : (
        <LoadingState label={t('scorecard.loading')} />
      )}
    </div>
  );
}

function Timeline({ review }: { review: InteractionReview }) {
  const { t } = useTranslation('monitor');
  const labels = useLabels();
  return (
    <ol className="timeline" aria-label={t('scorecard.timeline')}>
      {review.timeline.map((s, i) => (
        <li key={`${s.step}-${i}`} className="timeline__step">
          <p className="timeline__title">
            <strong>{labels.step(s.step)}</strong>{' '}
            <span className="timeline__meta">
              {t('scorecard.stepTime', {
                time: formatTime(s.enteredAt, labels.language),
                duration: formatDuration(Date.parse(s.leftAt) - Date.parse(s.enteredAt)),
              })}
            </span>
          </p>
          {s.events.length > 0 && (
            <ul className="timeline__events">
              {s.events.map((e, j) => (
                <li key={j}>
                  {eventLabel(e.type, labels.language)}{' '}
                  <span className="timeline__meta">{formatTime(e.at, labels.language)}</span>
                </li>
              ))}
            </ul>
          )}
          {s.messages.map((m) => (
            <p key={m.id} className="timeline__coaching">
              {t('scorecard.coaching', { body: m.body })}{' '}
              <span className="timeline__meta">{formatTime(m.sentAt, labels.language)}</span>
            </p>
          ))}
        </li>
      ))}
    </ol>
  );
}

/** The reviewed call: who, when, flow and outcome, its timeline, the coaching sent and the operator's notes. */
function CallSummary({ review }: { review: InteractionReview }) {
  const { t } = useTranslation('monitor');
  const labels = useLabels();
  const i = review.interaction;
  return (
    <section className="scorecard__call" aria-labelledby="scorecard-title">
      <h3 id="scorecard-title" className="scorecard__title">
        {t('scorecard.title', { name: i.operatorName })}
      </h3>
      <p className="timeline__meta">
        {formatDateTime(i.startedAt, labels.language)} ·{' '}
        {t('scorecard.summary', {
          flow: labels.flow(i.flow),
          outcome: labels.outcome(i.outcome),
          duration: formatDuration(i.handleMs),
        })}
      </p>
      <h4 className="scorecard__subtitle">{t('scorecard.timeline')}</h4>
      <Timeline review={review} />
      {review.otherMessages.length > 0 && (
        <>
          <h4 className="scorecard__subtitle">{t('scorecard.otherMessages')}</h4>
          <ul>
            {review.otherMessages.map((m) => (
              <li key={m.id}>{m.body}</li>
            ))}
          </ul>
        </>
      )}
      <h4 className="scorecard__subtitle">{t('scorecard.notes')}</h4>
      <p>{i.notes ?? t('scorecard.noNotes')}</p>
    </section>
  );
}

function ScorecardBody({ review }: { review: InteractionReview }) {
  const { t } = useTranslation('monitor');
  const { t: tRoot } = useTranslation();
  const labels = useLabels();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const existing = review.scorecard;
  const locked = existing !== null && existing.status !== 'draft';
  const [scores, setScores] = useState<Record<string, number>>(existing?.scores ?? {});
  const [critical, setCritical] = useState(existing?.criticalError ?? false);
  const [comments, setComments] = useState(existing?.comments ?? '');
  const [requestId, setRequestId] = useState(() => crypto.randomUUID());
  const [missing, setMissing] = useState(false);
  const save = useMutation(
    trpc.quality.saveScorecard.mutationOptions({
      onSuccess: async () => {
        setRequestId(crypto.randomUUID());
        await queryClient.invalidateQueries(trpc.quality.pathFilter());
      },
    }),
  );
  const lang = labels.language.startsWith('en') ? 'en' : 'it';
  const i = review.interaction;

  function submit(release: boolean) {
    const complete = review.template.dimensions.every((d) => scores[d.key] !== undefined);
    setMissing(release && !complete);
    if (release && !complete) return;
    save.mutate({
      requestId,
      interactionId: i.id,
      templateId: review.template.id,
      scores,
      criticalError: critical,
      comments: comments.trim() || null,
      release,
    });
  }

  const change = (fn: () => void) => {
    fn();
    setRequestId(crypto.randomUUID());
  };

  return (
    <div className="scorecard__grid">
      <CallSummary review={review} />
      <form
        className="scorecard__form"
        aria-labelledby="scorecard-title"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          submit(false);
        }}
      >
        <p className="timeline__meta">
          {t('scorecard.template', { name: review.template.name })} — {t('scorecard.scale')}
        </p>
        {locked && existing?.releasedAt && (
          <Alert tone="info">
            {t('scorecard.locked', { date: formatDateTime(existing.releasedAt, labels.language) })}{' '}
            {existing.status === 'released' && (
              <UndoRelease scorecardId={existing.id} releasedAt={existing.releasedAt} />
            )}
          </Alert>
        )}
        {review.template.dimensions.map((d) => (
          <fieldset key={d.key} className="score" disabled={locked}>
            <legend className="score__legend">{d.label[lang]}</legend>
            <div className="score__options">
              {SCALE.map((value) => (
                <label key={value} className="score__option">
                  <input
                    type="radio"
                    name={`score-${d.key}`}
                    value={value}
                    checked={scores[d.key] === value}
                    onChange={() => change(() => setScores((s) => ({ ...s, [d.key]: value })))}
                  />
                  <span>{value}</span>
                </label>
              ))}
            </div>
          </fieldset>
        ))}
        <label className="score__critical">
          <input
            type="checkbox"
            checked={critical}
            disabled={locked}
            onChange={(e) => change(() => setCritical(e.target.checked))}
          />
          <span>{t('scorecard.critical')}</span>
        </label>
        <div className="ui-field">
          <label className="ui-field__label" htmlFor="scorecard-comments">
            {t('scorecard.comments')}
          </label>
          <textarea
            id="scorecard-comments"
            className="ui-input drawer__textarea"
            rows={4}
            maxLength={2000}
            disabled={locked}
            value={comments}
            onChange={(e) => change(() => setComments(e.target.value))}
          />
        </div>
        {missing && <Alert tone="error">{t('scorecard.missing')}</Alert>}
        {save.error && <Alert tone="error">{tRoot(errorMessageKey(save.error))}</Alert>}
        {save.data && !save.isPending && (
          <Alert tone="success">{save.data.status === 'draft' ? t('scorecard.saved') : t('scorecard.released')}</Alert>
        )}
        {!locked && (
          <div className="scorecard__actions">
            <Button type="submit" busy={save.isPending && save.variables.release === false}>
              {t('scorecard.saveDraft')}
            </Button>
            <ConfirmRelease busy={save.isPending && save.variables.release === true} onRelease={() => submit(true)} />
          </div>
        )}
      </form>
    </div>
  );
}

/** Releasing shows the scorecard to the operator at once: asked twice. */
function ConfirmRelease({ busy, onRelease }: { busy: boolean; onRelease: () => void }) {
  const { t } = useTranslation('monitor');
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <Button variant="primary" busy={busy} onClick={() => setAsking(true)}>
        {t('scorecard.release')}
      </Button>
    );
  return (
    <span className="scorecard__confirm" role="group" aria-label={t('scorecard.confirmRelease')}>
      <span>{t('scorecard.confirmRelease')}</span>{' '}
      <Button
        variant="primary"
        autoFocus
        busy={busy}
        onClick={() => {
          setAsking(false);
          onRelease();
        }}
      >
        {t('scorecard.releaseYes')}
      </Button>{' '}
      <Button variant="ghost" onClick={() => setAsking(false)}>
        {t('scorecard.releaseNo')}
      </Button>
    </span>
  );
}

/** Within 5 minutes of a release, before the operator has seen it, the tutor may take it back (a draft again). */
function UndoRelease({ scorecardId, releasedAt }: { scorecardId: number; releasedAt: string }) {
  const { t } = useTranslation('monitor');
  const { t: tRoot } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  const [requestId] = useState(() => crypto.randomUUID());
  const undo = useMutation(
    trpc.quality.unrelease.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.quality.pathFilter());
      },
    }),
  );
  const left = Date.parse(releasedAt) + UNRELEASE_WINDOW_MS - now;
  if (left <= 0) return null;
  const total = Math.ceil(left / 1000);
  const time = `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
  return (
    <>
      <Button size="sm" busy={undo.isPending} onClick={() => undo.mutate({ requestId, scorecardId })}>
        {t('scorecard.undoRelease', { time })}
      </Button>
      {undo.error && <span role="alert">{tRoot(errorMessageKey(undo.error))}</span>}
    </>
  );
}
