import { useTranslation } from 'react-i18next';
import type { BoardOperator } from '@valore/shared/schemas/monitor';
import { Badge } from '../../../components/ui/badge';
import { useLabels } from '../labels';

const TONE = {
  signed_out: 'neutral',
  ready: 'success',
  paused: 'warning',
  on_contact: 'info',
  after_call_work: 'danger',
} as const;

/** Colour and text together: the state never depends on colour alone. */
export function StateBadge({ operator }: { operator: Pick<BoardOperator, 'state' | 'reason'> }) {
  const { t } = useTranslation('monitor');
  const labels = useLabels();
  const reason = operator.state === 'paused' && operator.reason ? ` · ${labels.reason(operator.reason)}` : '';
  return (
    <Badge tone={TONE[operator.state]}>
      {t(`states.${operator.state}`)}
      {reason}
    </Badge>
  );
}
