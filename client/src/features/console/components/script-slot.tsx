import { Component, lazy, Suspense, useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Kbd } from '../../../components/ui/kbd';
import { EmptyState, Panel } from '../../../components/ui/panel';
import { LoadingState } from '../../../components/ui/spinner';
import { useFormat } from '../format';
import { useConsole, type ContactResult } from '../hooks/console-store';
import { resultAnnouncement } from './result-text';
import type * as ScriptPanelModule from './script-panel';

// The script engine (XState, the flows, the choice forms) is the heaviest part of the console and is needed only
// once a contact starts: it loads on its own chunk, fetched when the browser is idle a moment after the console is
// up (or at once when a contact starts earlier), so the first contact does not wait for it either
// (docs/performance.md, "Operator console JS"). A browser remembers a module that failed to load and never fetches it
// again, so the chunk is imported only once the server answers a plain request (a HEAD of the page, which nothing
// remembers): a network that is down keeps the script panel loading, not broken, and it loads when the network is
// back. Should the network drop in the instant between the two, the contact says so and offers a reload (the
// contact in progress is kept in the browser).
type Workspace = typeof ScriptPanelModule;
const RETRY_MS = [500, 1000, 2000, 4000, 8000];
let workspace: Promise<Workspace> | null = null;

async function serverAnswers(): Promise<boolean> {
  try {
    return (await fetch('/', { method: 'HEAD', cache: 'no-store' })).ok;
  } catch {
    return false;
  }
}

function loadWorkspace(): Promise<Workspace> {
  workspace ??= (async () => {
    for (let attempt = 0; !(await serverAnswers()); attempt++) {
      await new Promise((r) => setTimeout(r, RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]));
    }
    return import('./script-panel');
  })();
  return workspace;
}

const ContactWorkspace = lazy(() => loadWorkspace().then((m) => ({ default: m.ContactWorkspace })));

const PREFETCH_AFTER_MS = 1500;

function usePrefetchWorkspace() {
  useEffect(() => {
    let idle: number | undefined;
    const prefetch = () => void loadWorkspace().catch(() => undefined);
    const timer = setTimeout(() => {
      if ('requestIdleCallback' in window) idle = window.requestIdleCallback(prefetch);
      else prefetch();
    }, PREFETCH_AFTER_MS);
    return () => {
      clearTimeout(timer);
      if (idle !== undefined) window.cancelIdleCallback(idle);
    };
  }, []);
}

/** The script could not be loaded (the network is down): the page stays, the contact is kept, a reload is offered. */
class WorkspaceBoundary extends Component<{ children: ReactNode; fallback: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}

function WorkspaceFailed() {
  const { t } = useTranslation('console');
  return (
    <Panel title={t('script.title')} className="grid__script">
      <Alert tone="error" title={t('script.loadFailedTitle')}>
        <p>{t('script.loadFailedBody')}</p>
        <Button onClick={() => window.location.reload()}>{t('script.reload')}</Button>
      </Alert>
    </Panel>
  );
}

/**
 * Says a contact's result once it is recorded: a live region that is always on the page (one inserted along with its
 * text is not reliably read), empty until there is a result and again when the next contact starts. The focus goes to
 * the result's heading; this reads what the contact brought about without the operator moving from there.
 */
function ResultAnnouncer({ result }: { result: ContactResult | null }) {
  const { t } = useTranslation('console');
  const fmt = useFormat();
  return (
    <p className="visually-hidden" role="status" aria-atomic="true" data-testid="result-announcer">
      {result ? resultAnnouncement(t, fmt, result) : ''}
    </p>
  );
}

/** The guided script's place on the console: empty until a contact starts. */
export function ScriptPanel() {
  const { t } = useTranslation('console');
  const { draft, lastResult } = useConsole();
  usePrefetchWorkspace();
  const panel =
    draft || lastResult ? (
      <WorkspaceBoundary fallback={<WorkspaceFailed />}>
        <Suspense
          fallback={
            <Panel title={t('script.title')} className="grid__script">
              <LoadingState label={t('script.loading')} />
            </Panel>
          }
        >
          <ContactWorkspace />
        </Suspense>
      </WorkspaceBoundary>
    ) : (
      <Panel title={t('script.title')} className="grid__script">
        <EmptyState>{t('script.empty')}</EmptyState>
        <p className="script__shortcut-hint">
          <Kbd>/</Kbd> {t('script.searchHint')}
        </p>
      </Panel>
    );
  return (
    <>
      {panel}
      <ResultAnnouncer result={draft ? null : lastResult} />
    </>
  );
}
