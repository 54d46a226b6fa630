import { useTranslation } from 'react-i18next';
import { STEP_IDS, type StepId } from '@valore/shared/flows/types';
import { FLOWS, OUTCOMES, type FlowId, type Outcome } from '@valore/shared/reference/outcomes';
import { PAUSE_REASONS, SYSTEM_PAUSE_REASONS } from '@valore/shared/reference/enums';

const ALL_PAUSE_REASONS = [...PAUSE_REASONS, ...SYSTEM_PAUSE_REASONS] as const;

const isOneOf = <T extends string>(list: readonly T[], value: string | null): value is T =>
  value !== null && (list as readonly string[]).includes(value);

/** Translated names of the ids the server sends as plain strings; unknown ids are shown as they are. */
export function useLabels() {
  const { t, i18n } = useTranslation('monitor');
  return {
    language: i18n.language,
    step: (step: string | null) => (step === null ? '' : isOneOf<StepId>(STEP_IDS, step) ? t(`steps.${step}`) : step),
    flow: (flow: string | null) => (flow === null ? '' : isOneOf<FlowId>(FLOWS, flow) ? t(`flows.${flow}`) : flow),
    outcome: (outcome: string) => (isOneOf<Outcome>(OUTCOMES, outcome) ? t(`outcomes.${outcome}`) : outcome),
    reason: (reason: string | null) => (isOneOf(ALL_PAUSE_REASONS, reason) ? t(`reasons.${reason}`) : (reason ?? '')),
  };
}
