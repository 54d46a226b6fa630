import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TrainingSession } from '@valore/shared/schemas/training';
import { useSites } from '../../components/site-picker';
import { Alert } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { DateField, TimeField } from '../../components/ui/date-field';
import { RadioGroup } from '../../components/ui/radio-group';
import { Select } from '../../components/ui/select';
import { TextField } from '../../components/ui/text-field';
import { errorMessageKey } from '../../lib/errors';
import { serverFieldErrors, useFocusFirstInvalid, useRequestId } from '../../lib/forms';
import { useTRPC } from '../../lib/trpc';

/** The form's fields; `ends` is how the session's hours are asked (the API takes `hours`). */
type Field = 'site' | 'date' | 'starts' | 'ends' | 'room' | 'trainer' | 'capacity';
/** What can be wrong: a field missing or refused (its own name), or the end time's finer reasons. */
type Problem = Field | 'endsBefore' | 'tooLong' | 'quarters';

export type SessionDraft = {
  site: string;
  date: string;
  starts: string;
  ends: string;
  place: 'room' | 'remote';
  room: string;
  trainer: string;
  capacity: string;
};

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * The draft checked as the server will check it (shared/src/schemas/training.ts, createSessionInput), so most
 * mistakes are named before sending: the key of each field's message under `plan.errors`. The end time becomes the
 * session's hours: after the start, at most 12, in quarters of an hour.
 */
export function checkDraft(d: SessionDraft, needsSite: boolean): Partial<Record<Field, Problem>> {
  const errors: Partial<Record<Field, Problem>> = {};
  if (needsSite && !d.site) errors.site = 'site';
  if (!d.date) errors.date = 'date';
  if (!d.starts) errors.starts = 'starts';
  if (!d.ends) errors.ends = 'ends';
  else if (d.starts) {
    const span = minutes(d.ends) - minutes(d.starts);
    if (span <= 0) errors.ends = 'endsBefore';
    else if (span > 12 * 60) errors.ends = 'tooLong';
    else if (span % 15 !== 0) errors.ends = 'quarters';
  }
  if (d.place === 'room' && !d.room.trim()) errors.room = 'room';
  if (!d.trainer.trim()) errors.trainer = 'trainer';
  const seats = Number(d.capacity);
  if (!/^\d+$/.test(d.capacity.trim()) || seats < 1 || seats > 500) errors.capacity = 'capacity';
  return errors;
}

/** Where a server field error belongs in the form. */
const FIELD_OF: Record<string, Field> = {
  siteId: 'site',
  date: 'date',
  starts: 'starts',
  hours: 'ends',
  room: 'room',
  trainer: 'trainer',
  capacity: 'capacity',
};

/** The checked draft as training.createSession takes it (without the requestId). */
function sessionBody(d: SessionDraft, courseId: number, chooseSite: boolean) {
  const remote = d.place === 'remote';
  return {
    courseId,
    ...(chooseSite ? { siteId: Number(d.site) } : {}),
    date: d.date,
    starts: d.starts,
    hours: (minutes(d.ends) - minutes(d.starts)) / 60,
    room: remote ? null : d.room.trim(),
    remote,
    trainer: d.trainer.trim(),
    capacity: Number(d.capacity),
  };
}

/**
 * "Nuova sessione": plans a session of the chosen course (training.createSession) — a team lead's at their own site,
 * an admin's at the site they choose. Each attempt keeps its requestId until it succeeds, so a retry after a lost
 * answer plans one session, not two. On success the parent announces it and moves on (to the new session's
 * enrolment).
 */
export function PlanSessionForm({
  courseId,
  courseTitle,
  chooseSite,
  onPlanned,
  onCancel,
}: {
  courseId: number;
  courseTitle: string;
  /** an admin names the site; a team lead plans at their own */
  chooseSite: boolean;
  onPlanned: (session: TrainingSession) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation('training');
  const { t: tShell } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  // the first field marked invalid takes the focus (a date or time field: its first segment)
  const focusInvalid = useFocusFirstInvalid(formRef, { inner: '[role="spinbutton"]' });
  const headingId = useId();
  const endsHintId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  // opened from "Nuova sessione": the keyboard starts at the form's title, the first field one Tab away
  useEffect(() => headingRef.current?.focus(), []);
  const requestId = useRequestId();
  const [draft, setDraft] = useState<SessionDraft>({
    site: '',
    date: '',
    starts: '09:00',
    ends: '',
    place: 'room',
    room: '',
    trainer: '',
    capacity: '',
  });
  const [errors, setErrors] = useState<Partial<Record<Field, Problem>>>({});
  const create = useMutation(trpc.training.createSession.mutationOptions());
  const set = (patch: Partial<SessionDraft>) => setDraft((d) => ({ ...d, ...patch }));

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = checkDraft(draft, chooseSite);
    setErrors(found);
    if (Object.keys(found).length > 0) return focusInvalid();
    const body = sessionBody(draft, courseId, chooseSite);
    create.mutate(
      { ...body, requestId: requestId.idFor(body) },
      {
        onSuccess: (session) => {
          requestId.done();
          void queryClient.invalidateQueries(trpc.training.pathFilter());
          onPlanned(session);
        },
        onError: focusInvalid,
      },
    );
  }

  const fromServer = serverFieldErrors(create.error);
  const serverField = new Set(Object.keys(fromServer).flatMap((k) => FIELD_OF[k] ?? []));
  const errorOf = (f: Field): string | null =>
    errors[f] ? t(`plan.errors.${errors[f]}`) : serverField.has(f) ? t(`plan.errors.${f}`) : null;
  const title = t('plan.title', { course: courseTitle });
  return (
    <form ref={formRef} className="admin-form training-plan" onSubmit={submit} noValidate aria-labelledby={headingId}>
      <h3 id={headingId} ref={headingRef} tabIndex={-1}>
        {title}
      </h3>
      {create.isError && serverField.size === 0 && (
        <Alert tone="error" title={t('plan.failed')}>
          <p>{tShell(errorMessageKey(create.error))}</p>
        </Alert>
      )}
      {chooseSite && <SiteSelect value={draft.site} onChange={(site) => set({ site })} error={errorOf('site')} />}
      <DateField
        label={t('plan.date')}
        value={draft.date}
        onChange={(date) => set({ date })}
        error={errorOf('date')}
        required
      />
      <div className="training-plan__times">
        <TimeField
          label={t('plan.starts')}
          value={draft.starts}
          onChange={(starts) => set({ starts })}
          error={errorOf('starts')}
          required
        />
        <TimeField
          label={t('plan.ends')}
          describedBy={endsHintId}
          value={draft.ends}
          onChange={(ends) => set({ ends })}
          error={errorOf('ends')}
          required
        />
      </div>
      <p id={endsHintId} className="ui-field__hint training-plan__hint">
        {t('plan.endsHint')}
      </p>
      <RadioGroup
        legend={t('plan.place')}
        layout="row"
        value={draft.place}
        onChange={(place) => set({ place: place === 'remote' ? 'remote' : 'room' })}
        options={[
          { value: 'room', label: t('plan.inRoom') },
          { value: 'remote', label: t('plan.remote') },
        ]}
      />
      {draft.place === 'room' && (
        <TextField
          label={t('plan.room')}
          value={draft.room}
          maxLength={100}
          onChange={(e) => set({ room: e.target.value })}
          error={errorOf('room')}
        />
      )}
      <TextField
        label={t('plan.trainer')}
        value={draft.trainer}
        maxLength={120}
        autoComplete="off"
        onChange={(e) => set({ trainer: e.target.value })}
        error={errorOf('trainer')}
      />
      <TextField
        className="training-plan__seats"
        label={t('plan.capacity')}
        hint={t('plan.capacityHint')}
        inputMode="numeric"
        value={draft.capacity}
        onChange={(e) => set({ capacity: e.target.value })}
        error={errorOf('capacity')}
      />
      <div className="admin-form__actions">
        <Button type="submit" variant="primary" busy={create.isPending}>
          {create.isPending ? t('plan.saving') : t('plan.save')}
        </Button>
        <Button onClick={onCancel}>{t('plan.cancel')}</Button>
      </div>
    </form>
  );
}

/** An admin's choice of the session's site (a team lead plans at their own). */
function SiteSelect({
  value,
  onChange,
  error,
}: {
  value: string;
  onChange: (site: string) => void;
  error: string | null;
}) {
  const { t } = useTranslation('training');
  const sites = useSites();
  return (
    <Select
      label={t('plan.site')}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      className={error ? 'ui-field--invalid' : undefined}
      aria-invalid={error ? true : undefined}
      hint={error ?? undefined}
      options={[
        { value: '', label: t('plan.chooseSite') },
        ...sites.map((s) => ({ value: String(s.id), label: `${s.code} · ${s.name}` })),
      ]}
    />
  );
}
