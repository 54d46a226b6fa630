import { useQuery } from '@tanstack/react-query';
import { FLOWS, type FlowId } from '@valore/shared/reference/outcomes';
import { MAX_SEED } from '@valore/shared/training/practice-random';
import { useId, useState, type FormEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { RadioGroup } from '../../components/ui/radio-group';
import { Select } from '../../components/ui/select';
import { TextField } from '../../components/ui/text-field';
import { LoadingState } from '../../components/ui/spinner';
import { useTRPC } from '../../lib/trpc';
import { usePracticeFormat } from './format';
import type { PracticeRequest } from './practice-home';

/** The customer's number as typed: none (the server draws one), a whole number in range, or not one. */
function seedOf(text: string): number | null | 'invalid' {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const n = Number(trimmed);
  return /^\d+$/.test(trimmed) && n <= MAX_SEED ? n : 'invalid';
}

/** "Nuova esercitazione": a flow's newest published script and a simulated customer, chosen freely. */
export function NewPractice({
  onStart,
  starting,
  headingRef,
}: {
  onStart: (request: PracticeRequest) => void;
  starting: boolean;
  headingRef: RefObject<HTMLHeadingElement | null>;
}) {
  const { t } = useTranslation('practice');
  const trpc = useTRPC();
  const fmt = usePracticeFormat();
  const headingId = useId();
  const personas = useQuery(trpc.practice.personas.queryOptions(undefined, { staleTime: Infinity }));
  const [flow, setFlow] = useState<FlowId>('inbound_sales');
  const [personaId, setPersonaId] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const [seedText, setSeedText] = useState('');
  const seed = seedOf(seedText);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const persona = personas.data?.find((p) => p.id === personaId);
    setMissing(!persona);
    if (persona && seed !== 'invalid') onStart({ flow, personaId: persona.id, ...(seed === null ? {} : { seed }) });
  };

  return (
    <form className="ui-panel practice-new" aria-labelledby={headingId} onSubmit={submit} noValidate>
      <header className="ui-panel__header">
        <h2 id={headingId} ref={headingRef} tabIndex={-1} className="ui-panel__title">
          {t('new.title')}
        </h2>
      </header>
      <div className="ui-panel__body practice-new__body">
        <p className="ui-field__hint">{t('new.hint')}</p>
        <Select
          label={t('new.flow')}
          value={flow}
          onChange={(e) => setFlow(FLOWS.find((f) => f === e.target.value) ?? 'inbound_sales')}
          options={FLOWS.map((f) => ({ value: f, label: t(`flows.${f}`) }))}
        />
        {personas.isPending ? (
          <LoadingState label={t('home.loading')} />
        ) : personas.isError ? (
          <Alert tone="error">{t('home.loadFailed')}</Alert>
        ) : (
          <RadioGroup
            legend={t('new.persona')}
            value={personaId}
            onChange={(v) => {
              setPersonaId(v);
              setMissing(false);
            }}
            options={personas.data.map((p) => ({
              value: p.id,
              label: fmt.text(p.name),
              description: `${fmt.text(p.description)} ${t('new.age', { from: p.age[0], to: p.age[1] })}`,
            }))}
          />
        )}
        {missing && <Alert tone="error">{t('new.choosePersona')}</Alert>}
        <details className="practice-new__advanced">
          <summary>{t('new.advanced')}</summary>
          <TextField
            label={t('new.seed')}
            hint={t('new.seedHint')}
            inputMode="numeric"
            maxLength={10}
            value={seedText}
            error={seed === 'invalid' ? t('new.seedInvalid') : null}
            onChange={(e) => setSeedText(e.target.value)}
          />
        </details>
        <div className="practice-actions">
          <Button type="submit" variant="primary" busy={starting}>
            {starting ? t('new.starting') : t('new.start')}
          </Button>
        </div>
      </div>
    </form>
  );
}
