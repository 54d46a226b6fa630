import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { PracticeContactSummary } from '@valore/shared/schemas/practice';
import { PRACTICE_CRITERIA, type PracticeCriterion } from '@valore/shared/training/practice-score';
import { Alert } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { EmptyState } from '../../components/ui/panel';
import { RadioGroup } from '../../components/ui/radio-group';
import { LoadingState } from '../../components/ui/spinner';
import { errorMessageKey } from '../../lib/errors';
import { useRequestId } from '../../lib/forms';
import { useTRPC } from '../../lib/trpc';
import { langOf, localeOf } from '../../lib/lang';

type Props = { userId: number; name: string; setId: number; setName: string; onClose: () => void };

function useMoment() {
  const { i18n } = useTranslation('practice');
  const format = new Intl.DateTimeFormat(localeOf(i18n), {
    dateStyle: 'short',
    timeStyle: 'short',
  });
  return (iso: string) => format.format(new Date(iso));
}

/**
 * One operator's practice contacts towards a set (practice.contacts), for their tutor: each with its automatic score
 * and the tutor's scorecard, which "Valuta" opens to give or change (practice.scorecard). The heading takes the focus
 * when it opens; closing gives it back to the button that opened it (the caller's).
 */
export function OperatorContacts({ userId, name, setId, setName, onClose }: Props) {
  const { t } = useTranslation('practice');
  const trpc = useTRPC();
  const moment = useMoment();
  const contacts = useQuery(trpc.practice.contacts.queryOptions({ userId, setId }));
  const personas = useQuery(trpc.practice.personas.queryOptions());
  const { i18n } = useTranslation('practice');
  const lang = langOf(i18n);
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [scoring, setScoring] = useState<PracticeContactSummary | null>(null);
  const openerRef = useRef<HTMLButtonElement | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    headingRef.current?.focus();
  }, []);
  const personaName = (id: string) => personas.data?.find((p) => p.id === id)?.name[lang] ?? id;
  return (
    <section className="practice-contacts" aria-labelledby={headingId}>
      <h4 id={headingId} ref={headingRef} tabIndex={-1} className="practice-contacts__title">
        {t('tutor.contacts.title', { name, set: setName })}
      </h4>
      {contacts.isPending ? (
        <LoadingState label={t('tutor.loading')} />
      ) : contacts.isError ? (
        <Alert tone="error">{t('tutor.loadFailed')}</Alert>
      ) : contacts.data.length === 0 ? (
        <EmptyState>{t('tutor.contacts.empty')}</EmptyState>
      ) : (
        <div className="admin-table__scroll">
          <table className="admin-table">
            <caption className="visually-hidden">{t('tutor.contacts.caption', { name })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('tutor.contacts.when')}</th>
                <th scope="col">{t('tutor.contacts.script')}</th>
                <th scope="col">{t('tutor.contacts.persona')}</th>
                <th scope="col">{t('tutor.contacts.outcome')}</th>
                <th scope="col" className="admin-table__num">
                  {t('tutor.contacts.score')}
                </th>
                <th scope="col">{t('tutor.contacts.scorecard')}</th>
              </tr>
            </thead>
            <tbody>
              {contacts.data.map((c) => (
                <tr key={c.practiceId}>
                  <th scope="row">{moment(c.startedAt)}</th>
                  <td>{`${t(`tutor.flows.${c.flow}`)} ${c.version}`}</td>
                  <td>{personaName(c.personaId)}</td>
                  <td>{c.outcome ? t(`outcomes.${c.outcome}`) : t('tutor.contacts.unfinished')}</td>
                  <td className="admin-table__num">
                    {c.totalScore === null ? '—' : t('tutor.contacts.total', { total: c.totalScore })}
                  </td>
                  <td>
                    <span className="practice-contacts__scorecard">
                      {c.scorecard
                        ? t('tutor.contacts.scored', { value: c.scorecard.overall })
                        : t('tutor.contacts.notScored')}
                      {c.endedAt !== null && (
                        <Button
                          size="sm"
                          aria-label={t(c.scorecard ? 'tutor.contacts.editLabel' : 'tutor.contacts.rateLabel', {
                            when: moment(c.startedAt),
                          })}
                          aria-expanded={scoring?.practiceId === c.practiceId}
                          onClick={(e) => {
                            openerRef.current = e.currentTarget;
                            setSaved(false);
                            setScoring(c);
                          }}
                        >
                          {c.scorecard ? t('tutor.contacts.rateAgain') : t('tutor.contacts.rate')}
                        </Button>
                      )}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {scoring && (
        <ScorecardForm
          key={scoring.practiceId}
          contact={scoring}
          when={moment(scoring.startedAt)}
          onClose={() => {
            setScoring(null);
            openerRef.current?.focus();
          }}
          onSaved={() => {
            // the form closes on success; the message says so and the focus goes back to the row's button
            setScoring(null);
            setSaved(true);
            openerRef.current?.focus();
          }}
        />
      )}
      {saved && !scoring && <Alert tone="success">{t('tutor.scorecard.saved')}</Alert>}
      <div className="admin-form__actions">
        <Button onClick={onClose}>{t('tutor.contacts.close')}</Button>
      </div>
    </section>
  );
}

type Ratings = Partial<Record<PracticeCriterion, number>>;

function ScorecardForm({
  contact,
  when,
  onClose,
  onSaved,
}: {
  contact: PracticeContactSummary;
  when: string;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation('practice');
  const { t: tShell } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { idFor, done } = useRequestId();
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [scores, setScores] = useState<Ratings>(() => ({ ...(contact.scorecard?.scores ?? {}) }));
  const [overall, setOverall] = useState<number | null>(contact.scorecard?.overall ?? null);
  const [comments, setComments] = useState(contact.scorecard?.comments ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const save = useMutation(
    trpc.practice.scorecard.mutationOptions({
      onSuccess: async () => {
        done();
        await queryClient.invalidateQueries(trpc.practice.contacts.pathFilter());
        onSaved();
      },
    }),
  );
  useEffect(() => {
    headingRef.current?.focus();
  }, []);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (Object.keys(scores).length === 0) return setProblem(t('tutor.scorecard.needCriterion'));
    if (overall === null) return setProblem(t('tutor.scorecard.needOverall'));
    setProblem(null);
    const payload = { practiceId: contact.practiceId, scores, overall, comments: comments.trim() || null };
    save.mutate({ ...payload, requestId: idFor(payload) });
  };
  const ratings = ['1', '2', '3', '4', '5'].map((v) => ({ value: v, label: v }));
  return (
    <form className="practice-scorecard" onSubmit={onSubmit} noValidate aria-labelledby={headingId}>
      <h5 id={headingId} ref={headingRef} tabIndex={-1} className="practice-contacts__title">
        {t('tutor.scorecard.title', { when })}
      </h5>
      <p className="ui-field__hint">{t('tutor.scorecard.hint')}</p>
      {PRACTICE_CRITERIA.map((c) => (
        <RadioGroup
          key={c}
          legend={t(`criteria.${c}`)}
          layout="row"
          options={[{ value: '', label: t('tutor.scorecard.notRated') }, ...ratings]}
          value={scores[c] === undefined ? '' : String(scores[c])}
          onChange={(v) => setScores(({ [c]: _old, ...rest }) => (v === '' ? rest : { ...rest, [c]: Number(v) }))}
        />
      ))}
      <RadioGroup
        legend={t('tutor.scorecard.overall')}
        layout="row"
        options={ratings}
        value={overall === null ? null : String(overall)}
        onChange={(v) => setOverall(Number(v))}
      />
      <div className="ui-field">
        <label className="ui-field__label" htmlFor={`${headingId}-comments`}>
          {t('tutor.scorecard.comments')}
        </label>
        <textarea
          id={`${headingId}-comments`}
          className="ui-input practice-scorecard__comments"
          maxLength={2000}
          value={comments}
          onChange={(e) => setComments(e.target.value)}
        />
      </div>
      {problem && <Alert tone="error">{problem}</Alert>}
      {save.isError && (
        <Alert tone="error" title={t('tutor.scorecard.failed')}>
          {tShell(errorMessageKey(save.error))}
        </Alert>
      )}
      <div className="admin-form__actions">
        <Button type="submit" variant="primary" busy={save.isPending}>
          {save.isPending ? t('tutor.scorecard.saving') : t('tutor.scorecard.save')}
        </Button>
        <Button onClick={onClose}>{t('tutor.scorecard.cancel')}</Button>
      </div>
    </form>
  );
}
