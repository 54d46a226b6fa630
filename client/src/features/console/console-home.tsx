import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { Badge } from '../../components/ui/badge';
import { Panel } from '../../components/ui/panel';
import { MyScorecards } from './coaching/my-scorecards';
import { useTRPC } from '../../lib/trpc';
import { CallStrip } from './components/call-strip';
import { CustomerCardPanel } from './components/customer-card';
import { NewContact } from './components/new-contact';
import { ScreenPopNotice } from './components/screen-pop';
import { ScriptPanel } from './components/script-slot';
import { PendingList, RecentInteractions } from './components/side-lists';
import { StatusControl } from './components/status-control';
import { KeyboardHelp } from './components/keyboard-help';
import { WorkQueue } from './components/work-queue';
import { WorkOfferNotice } from './components/work-offer';
import { ConsoleProvider, useConsole } from './hooks/console-store';
import { usePendingInteractions } from './hooks/pending-queue';
import { usePendingDelivery } from './hooks/use-pending-delivery';
import { useScreenPops } from './hooks/use-screen-pops';
import './console.css';

export function ConsoleHome() {
  return (
    <ConsoleProvider>
      <ConsolePage />
    </ConsoleProvider>
  );
}

function ConsolePage() {
  const { t } = useTranslation();
  const { t: tc } = useTranslation('console');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { resyncStatus } = useConsole();
  const pending = usePendingInteractions();
  const onDelivered = useCallback(() => {
    void queryClient.invalidateQueries(trpc.interactions.mine.pathFilter());
    void queryClient.invalidateQueries(trpc.customers.card.pathFilter());
    void queryClient.invalidateQueries(trpc.work.pathFilter());
    resyncStatus();
  }, [queryClient, trpc, resyncStatus]);
  const retry = usePendingDelivery(onDelivered);
  const pops = useScreenPops();

  return (
    <div className="home console" data-testid="home-operator">
      <div className="page-header">
        <div>
          <h1 className="page-header__title">{t('console.title')}</h1>
          <p className="page-header__subtitle">{tc('subtitle')}</p>
        </div>
        <div className="page-header__tools">
          {pending.length > 0 && <Badge tone="warning">{tc('pending.badge', { count: pending.length })}</Badge>}
          <KeyboardHelp />
          <StatusControl />
        </div>
      </div>
      <CallStrip live={pops.call} />
      <WorkOfferNotice />
      <ScreenPopNotice pops={pops} />
      <div className="grid grid--console">
        <CustomerCardPanel />
        <ScriptPanel />
        <div className="grid__queue console__side-column">
          <Panel title={tc('side.title')}>
            <div className="side">
              <WorkQueue />
              <NewContact />
              <PendingList onRetry={() => void retry()} />
              <RecentInteractions />
            </div>
          </Panel>
          <MyScorecards level={2} />
        </div>
      </div>
    </div>
  );
}
