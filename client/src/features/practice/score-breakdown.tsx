import type { PracticeCompleteOutput } from '@valore/shared/schemas/practice';
import { useTranslation } from 'react-i18next';

type Score = PracticeCompleteOutput['score'];

/** The five criteria of an automatic score: points of the most, and why (each reason translated). */
export function ScoreBreakdown({ score, label }: { score: Score; label: string }) {
  const { t } = useTranslation('practice');
  return (
    <ul className="practice-criteria" aria-label={label}>
      {score.criteria.map((c) => (
        <li key={c.criterion} className="practice-criteria__item">
          <span className="practice-criteria__name">{t(`criteria.${c.criterion}`)}</span>
          <span className="practice-criteria__points">{t('score.points', { points: c.points, max: c.max })}</span>
          <span className="practice-criteria__reason">
            {t(`reasons.${c.reason}`, {
              steps: (c.steps ?? []).map((s) => t(`steps.${s}`)).join(', '),
            })}
          </span>
        </li>
      ))}
    </ul>
  );
}
