import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { FLOWS, type FlowId } from '@valore/shared/reference/outcomes';
import type { PersonaId } from '@valore/shared/training/personas';
import { Alert } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { DateField } from '../../components/ui/date-field';
import { Panel } from '../../components/ui/panel';
import { LoadingState } from '../../components/ui/spinner';
import { TextField } from '../../components/ui/text-field';
import { errorDomainCode, errorMessageKey } from '../../lib/errors';
import { FIRST_INVALID, serverFieldErrors, useFocusFirstInvalid, useRequestId } from '../../lib/forms';
import { useTRPC } from '../../lib/trpc';
import { langOf } from '../../lib/lang';

type Field = 'name' | 'userIds' | 'scripts' | 'personaIds' | 'count' | 'dueDate';
type Errors = Partial<Record<Field, boolean>>;

/** Today as YYYY-MM-DD in the tutor's own time zone: a due date is a day of the calendar on the wall. */
export function localToday(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** The set's persona, in the reader's language. */
export function usePersonaText() {
  const { i18n } = useTranslation('practice');
  const lang = langOf(i18n);
  return (text: { it: string; en: string }) => text[lang];
}

/**
 * "Assegna esercitazioni" (practice.assign): the tutor names a set, chooses their site's operators
 * (practice.learners), the scripts, the simulated customers, how many contacts each and an optional due date. The
 * same payload sent again after a failure keeps its request id, so a retried click never makes two sets.
 */
export function AssignSet() {
  const { t } = useTranslation('practice');
  const trpc = useTRPC();
  const learners = useQuery(trpc.practice.learners.queryOptions({}));
  const personas = useQuery(trpc.practice.personas.queryOptions());
  return (
    <Panel title={t('tutor.assign.title')} className="practice-assign">
      {learners.isPending || personas.isPending ? (
        <LoadingState label={t('tutor.loading')} />
      ) : learners.isError || personas.isError ? (
        <Alert tone="error">{t('tutor.loadFailed')}</Alert>
      ) : (
        <AssignForm
          learners={learners.data}
          personas={personas.data.map((p) => ({ id: p.id, name: p.name, description: p.description }))}
        />
      )}
    </Panel>
  );
}

type Learner = { userId: number; name: string };
type PersonaChoice = { id: PersonaId; name: { it: string; en: string }; description: { it: string; en: string } };

function AssignForm({ learners, personas }: { learners: Learner[]; personas: PersonaChoice[] }) {
  const { t } = useTranslation('practice');
  const { t: tShell } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const personaText = usePersonaText();
  const formRef = useRef<HTMLFormElement>(null);
  const focusInvalid = useFocusFirstInvalid(formRef, { selector: FIRST_INVALID_HERE });
  const nameRef = useRef<HTMLInputElement>(null);
  const { idFor, done } = useRequestId();
  const [name, setName] = useState('');
  const [userIds, setUserIds] = useState<number[]>([]);
  const [flows, setFlows] = useState<FlowId[]>([]);
  const [personaIds, setPersonaIds] = useState<PersonaId[]>([]);
  const [count, setCount] = useState('5');
  const [dueDate, setDueDate] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [assigned, setAssigned] = useState<{ name: string; count: number } | null>(null);
  const assign = useMutation(
    trpc.practice.assign.mutationOptions({
      onSuccess: (out, input) => {
        done();
        setAssigned({ name: input.name, count: out.assignments.length });
        setName('');
        setUserIds([]);
        setFlows([]);
        setPersonaIds([]);
        setDueDate('');
        void queryClient.invalidateQueries(trpc.practice.progress.pathFilter());
      },
    }),
  );
  // the server's field messages ('scripts.0.version' belongs to the scripts), translated by field
  const fromServer = Object.keys(serverFieldErrors(assign.error)).map((k) => k.split('.')[0]);
  const invalid = (f: Field) => errors[f] === true || fromServer.includes(f);
  const errorOf = (f: Field) => (invalid(f) ? t(`tutor.assign.errors.${f}`) : null);
  useEffect(() => {
    // the button was disabled while sending, which drops the focus: the emptied form starts again at its name
    if (assigned) nameRef.current?.focus();
  }, [assigned]);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setAssigned(null);
    const next = problemsOf({ name, chosen: [userIds, flows, personaIds], count, dueDate });
    setErrors(next);
    if (Object.values(next).some(Boolean)) {
      focusInvalid();
      return;
    }
    const payload = {
      name: name.trim(),
      // the lists in the order shown, so the same choices make the same payload (and request id)
      userIds: learners.map((l) => l.userId).filter((id) => userIds.includes(id)),
      scripts: FLOWS.filter((f) => flows.includes(f)).map((flow) => ({ flow })),
      personaIds: personas.map((p) => p.id).filter((id) => personaIds.includes(id)),
      count: Number(count),
      dueDate: dueDate || null,
    };
    // the first field the server refused takes the focus, as after the form's own check
    assign.mutate({ ...payload, requestId: idFor(payload) }, { onError: focusInvalid });
  };

  const fieldProblem = Object.values(errors).some(Boolean) || fromServer.length > 0;
  return (
    <form
      ref={formRef}
      className="practice-assign__form"
      onSubmit={onSubmit}
      noValidate
      aria-label={t('tutor.assign.title')}
    >
      <p className="ui-field__hint">{t('tutor.assign.intro')}</p>
      <TextField
        className="admin-field--narrow"
        label={t('tutor.assign.name')}
        hint={t('tutor.assign.nameHint')}
        ref={nameRef}
        value={name}
        maxLength={120}
        autoComplete="off"
        onChange={(e) => setName(e.target.value)}
        error={errorOf('name')}
      />
      <CheckGroup
        legend={t('tutor.assign.operators')}
        allLabel={t('tutor.assign.allOperators')}
        empty={learners.length === 0 ? t('tutor.assign.noOperators') : null}
        error={errorOf('userIds')}
        options={learners.map((l) => ({ value: l.userId, label: l.name }))}
        chosen={userIds}
        onChange={setUserIds}
      />
      <CheckGroup
        legend={t('tutor.assign.scripts')}
        error={errorOf('scripts')}
        options={FLOWS.map((f) => ({ value: f, label: t(`tutor.flows.${f}`) }))}
        chosen={flows}
        onChange={setFlows}
      />
      <CheckGroup
        legend={t('tutor.assign.personas')}
        error={errorOf('personaIds')}
        options={personas.map((p) => ({
          value: p.id,
          label: personaText(p.name),
          description: personaText(p.description),
        }))}
        chosen={personaIds}
        onChange={setPersonaIds}
      />
      <CountAndDue
        count={count}
        onCount={setCount}
        dueDate={dueDate}
        onDueDate={setDueDate}
        errors={{ count: errorOf('count'), dueDate: errorOf('dueDate') }}
      />
      {fieldProblem && <Alert tone="error">{t('tutor.assign.fixFields')}</Alert>}
      {assign.isError && fromServer.length === 0 && (
        <Alert tone="error" title={t('tutor.assign.failed')}>
          {errorDomainCode(assign.error) === 'FORBIDDEN_SCOPE'
            ? t('tutor.assign.scope')
            : tShell(errorMessageKey(assign.error))}
        </Alert>
      )}
      {assigned && <Alert tone="success">{t('tutor.assign.done', assigned)}</Alert>}
      <div className="admin-form__actions">
        <Button type="submit" variant="primary" busy={assign.isPending}>
          {assign.isPending ? t('tutor.assign.submitting') : t('tutor.assign.submit')}
        </Button>
      </div>
    </form>
  );
}

/** How many contacts each operator is to complete, and by when (optional). */
function CountAndDue(p: {
  count: string;
  onCount: (v: string) => void;
  dueDate: string;
  onDueDate: (v: string) => void;
  errors: { count: string | null; dueDate: string | null };
}) {
  const { t } = useTranslation('practice');
  return (
    <div className="practice-assign__row">
      <TextField
        className="practice-assign__count"
        label={t('tutor.assign.count')}
        hint={t('tutor.assign.countHint')}
        type="number"
        inputMode="numeric"
        min={1}
        max={100}
        step={1}
        value={p.count}
        onChange={(e) => p.onCount(e.target.value)}
        error={p.errors.count}
      />
      <DateField
        label={t('tutor.assign.dueDate')}
        value={p.dueDate}
        min={localToday()}
        max="2099-12-31"
        onChange={p.onDueDate}
        error={p.errors.dueDate}
      />
    </div>
  );
}

/** The form's own check, before anything is sent: the same limits as the server's (practiceAssignInput). */
function problemsOf(v: {
  name: string;
  chosen: [unknown[], unknown[], unknown[]];
  count: string;
  dueDate: string;
}): Errors {
  const n = Number(v.count);
  const [userIds, flows, personaIds] = v.chosen;
  return {
    name: !v.name.trim() || v.name.trim().length > 120,
    userIds: userIds.length === 0,
    scripts: flows.length === 0,
    personaIds: personaIds.length === 0,
    count: !/^\d+$/.test(v.count.trim()) || n < 1 || n > 100,
    dueDate: v.dueDate !== '' && v.dueDate < localToday(),
  };
}

/** What takes the focus first when the form has errors: a field marked invalid, or the first box of a checkbox group. */
const FIRST_INVALID_HERE = `${FIRST_INVALID}, .practice-checks--invalid input`;

type CheckOption<V> = { value: V; label: ReactNode; description?: ReactNode };

/**
 * Native checkboxes in a fieldset (Tab moves between them, Space ticks), with an optional "select all" box that is
 * mixed while only some are chosen. The group's message is tied to it with aria-describedby.
 */
function CheckGroup<V extends string | number>({
  legend,
  options,
  chosen,
  onChange,
  allLabel,
  error,
  empty,
}: {
  legend: string;
  options: CheckOption<V>[];
  chosen: V[];
  onChange: (next: V[]) => void;
  allLabel?: string;
  error: string | null;
  empty?: string | null;
}) {
  const ids = useId();
  const allRef = useRef<HTMLInputElement>(null);
  const all = options.length > 0 && options.every((o) => chosen.includes(o.value));
  const some = !all && options.some((o) => chosen.includes(o.value));
  useEffect(() => {
    if (allRef.current) allRef.current.indeterminate = some;
  }, [some]);
  const toggle = (value: V, on: boolean) =>
    onChange(on ? [...chosen.filter((v) => v !== value), value] : chosen.filter((v) => v !== value));
  return (
    <fieldset
      className={error ? 'admin-fieldset practice-checks practice-checks--invalid' : 'admin-fieldset practice-checks'}
      aria-describedby={error ? `${ids}-error` : undefined}
    >
      <legend className="ui-field__label">{legend}</legend>
      {empty ? (
        <p className="ui-empty">{empty}</p>
      ) : (
        <>
          {allLabel && (
            <div className="admin-check practice-checks__all">
              <input
                ref={allRef}
                id={`${ids}-all`}
                type="checkbox"
                checked={all}
                onChange={(e) => onChange(e.target.checked ? options.map((o) => o.value) : [])}
              />
              <label htmlFor={`${ids}-all`}>{allLabel}</label>
            </div>
          )}
          <div className="practice-checks__options">
            {options.map((o) => (
              <div className="admin-check practice-checks__option" key={o.value}>
                <input
                  id={`${ids}-${o.value}`}
                  type="checkbox"
                  checked={chosen.includes(o.value)}
                  aria-describedby={o.description ? `${ids}-${o.value}-desc` : undefined}
                  onChange={(e) => toggle(o.value, e.target.checked)}
                />
                <label htmlFor={`${ids}-${o.value}`}>{o.label}</label>
                {o.description && (
                  <p id={`${ids}-${o.value}-desc`} className="ui-field__hint">
                    {o.description}
                  </p>
                )}
              </div>
            ))}
          </div>
        </>
      )}
      {error && (
        <p className="ui-field__error" id={`${ids}-error`}>
          {error}
        </p>
      )}
    </fieldset>
  );
}
