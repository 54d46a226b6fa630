import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Badge } from '../../components/ui/badge';
import { Panel } from '../../components/ui/panel';
import { LoadingState } from '../../components/ui/spinner';
import { computeAlerts, longContactThreshold } from './alerts';
import { AlertsPanelBody } from './components/alerts-panel';
import { BoardTable } from './components/board-table';
import { OperatorDrawer } from './components/operator-drawer';
import { ReviewsList } from './components/reviews-panel';
import { ScorecardView } from './components/scorecard-form';
import { useBoard } from './use-board';
import { useNow } from './use-now';
import './monitor.css';

export function MonitorHome() {
  const { t } = useTranslation('monitor');
  const board = useBoard();
  const now = useNow() + board.clockOffsetMs;
  const [selected, setSelected] = useState<number | null>(null);
  const [reviewing, setReviewing] = useState<number | null>(null);
  const selectedOperator = board.operators.find((o) => o.userId === selected) ?? null;
  const alerts = board.thresholds ? computeAlerts(board.operators, board.stats, board.thresholds, now) : [];
  const longMs = board.thresholds ? longContactThreshold(board.thresholds, board.stats.medianHandleMs) : 0;
  const live = board.status === 'pending';

  return (
    <div className="home" data-testid="home-tutor">
      <div className="page-header">
        <div>
          <h1 className="page-header__title">{t('title')}</h1>
          <p className="page-header__subtitle">{t('subtitle')}</p>
        </div>
        <div className="page-header__tools" role="status" data-testid="board-connection" data-live={live}>
          <Badge tone={live ? 'success' : board.status === 'error' ? 'danger' : 'warning'}>
            {live
              ? t('connection.live')
              : board.status === 'error'
                ? t('connection.offline')
                : t('connection.connecting')}
          </Badge>
        </div>
      </div>
      <div className="grid grid--monitor">
        <Panel title={t('board.title')} className="grid__wide">
          {board.loaded ? (
            <BoardTable operators={board.operators} now={now} selectedId={selected} onSelect={setSelected} />
          ) : (
            <LoadingState label={t('connection.connecting')} />
          )}
        </Panel>
        {selectedOperator && (
          <Panel title={t('drawer.title', { name: selectedOperator.displayName })}>
            <OperatorDrawer
              key={selectedOperator.userId}
              operator={selectedOperator}
              onClose={() => setSelected(null)}
            />
          </Panel>
        )}
        <Panel title={t('alerts.title')}>
          <AlertsPanelBody alerts={alerts} thresholds={board.thresholds} longMs={longMs} />
        </Panel>
        <Panel title={t('reviews.title')} className="grid__wide">
          {reviewing === null ? (
            <ReviewsList onOpen={setReviewing} />
          ) : (
            <ScorecardView interactionId={reviewing} onBack={() => setReviewing(null)} />
          )}
        </Panel>
      </div>
    </div>
  );
}
