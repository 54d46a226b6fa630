/** Quality dimensions the source uses (scale 1–5); the default tutor scorecard starts from them. */
export interface ScorecardDimension {
  key: string;
  label: { it: string; en: string };
}

export const DEFAULT_SCORECARD_DIMENSIONS: readonly ScorecardDimension[] = [
  { key: 'usefulness', label: { it: 'Utilità per il cliente', en: 'Usefulness to the customer' } },
  { key: 'method', label: { it: 'Metodo e rispetto dello script', en: 'Method and script adherence' } },
  { key: 'listening', label: { it: 'Ascolto e rilevazione del bisogno', en: 'Listening and needs discovery' } },
  { key: 'proposal', label: { it: 'Efficacia della proposta', en: 'Effectiveness of the proposal' } },
  { key: 'compliance', label: { it: 'Conformità (consensi, privacy)', en: 'Compliance (consent, privacy)' } },
  { key: 'organisation', label: { it: 'Pianificazione e organizzazione', en: 'Planning and organisation' } },
];

export const SCORE_MIN = 1;
export const SCORE_MAX = 5;
