import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Badge } from '../../components/ui/badge';
import { SitePicker } from '../../components/site-picker';
import { EmptyState, Panel } from '../../components/ui/panel';
import { LoadingState } from '../../components/ui/spinner';
import { computeAlerts, longContactThreshold } from './alerts';
import { AlertsPanelBody } from './components/alerts-panel';
import { BoardTable } from './components/board-table';
import { LateCallbacks } from './components/late-callbacks';
import { OperatorDrawer } from './components/operator-drawer';
import { QueueTiles } from './components/queue-tiles';
import { ReviewsList } from './components/reviews-panel';
import { ScorecardView } from './components/scorecard-form';
import { useTRPC } from '../../lib/trpc';
import { useBoard } from './use-board';
import { useNow } from '../../lib/use-now';
import './monitor.css';

/**
 * The site's queue and service-level tiles, live board, alerts, late callbacks and reviews. A tutor watches their own site; an admin chooses one first (the
 * server would refuse a board or reviews without it).
 */
export function MonitorHome() {
  const { t } = useTranslation('monitor');
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { retry: false, staleTime: 5 * 60_000 }));
  const isAdmin = me.data?.role === 'admin';
  const [site, setSite] = useState('');
  const siteId = isAdmin && site ? Number(site) : undefined;
  const choosing = !me.data || (isAdmin && siteId === undefined);
  const board = useBoard(choosing ? null : siteId === undefined ? 'own' : { siteId });
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
        {isAdmin && <SitePicker label={t('site.label')} allLabel={t('site.choose')} value={site} onChange={setSite} />}
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
      {choosing ? (
        me.data && <EmptyState>{t('site.prompt')}</EmptyState>
      ) : (
        <div className="grid grid--monitor">
          <Panel title={t('queues.title')} className="grid__wide grid__tiles">
            {board.loaded ? (
              <QueueTiles queues={board.stats.queues} now={now} />
            ) : (
              <LoadingState label={t('connection.connecting')} />
            )}
          </Panel>
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
          <Panel title={t('late.title')}>
            <LateCallbacks items={board.stats.lateCallbacks} operators={board.operators} now={now} />
          </Panel>
          <Panel title={t('reviews.title')} className="grid__wide">
            {reviewing === null ? (
              <ReviewsList onOpen={setReviewing} {...(siteId === undefined ? {} : { siteId })} />
            ) : (
              <ScorecardView interactionId={reviewing} onBack={() => setReviewing(null)} />
            )}
          </Panel>
        </div>
      )}
    </div>
  );
}
