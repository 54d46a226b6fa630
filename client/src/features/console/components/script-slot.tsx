import { lazy, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Kbd } from '../../../components/ui/kbd';
import { EmptyState, Panel } from '../../../components/ui/panel';
import { LoadingState } from '../../../components/ui/spinner';
import { useConsole } from '../hooks/console-store';

// The script engine (XState, the flows, the choice forms) is the heaviest part of the console and is needed only
// once a contact starts: it loads on its own chunk, fetched when the browser is idle a moment after the console is
// up (or at once when a contact starts earlier), so the first contact does not wait for it either
// (docs/performance.md, "Operator console JS").
const loadWorkspace = () => import('./script-panel');
const ContactWorkspace = lazy(() => loadWorkspace().then((m) => ({ default: m.ContactWorkspace })));

const PREFETCH_AFTER_MS = 1500;

function usePrefetchWorkspace() {
  useEffect(() => {
    let idle: number | undefined;
    const timer = setTimeout(() => {
      if ('requestIdleCallback' in window) idle = window.requestIdleCallback(() => void loadWorkspace());
      else void loadWorkspace();
    }, PREFETCH_AFTER_MS);
    return () => {
      clearTimeout(timer);
      if (idle !== undefined) window.cancelIdleCallback(idle);
    };
  }, []);
}

/** The guided script's place on the console: empty until a contact starts. */
export function ScriptPanel() {
  const { t } = useTranslation('console');
  const { draft, lastResult } = useConsole();
  usePrefetchWorkspace();
  if (draft || lastResult) {
    return (
      <Suspense
        fallback={
          <Panel title={t('script.title')} className="grid__script">
            <LoadingState label={t('script.loading')} />
          </Panel>
        }
      >
        <ContactWorkspace />
      </Suspense>
    );
  }
  return (
    <Panel title={t('script.title')} className="grid__script">
      <EmptyState>{t('script.empty')}</EmptyState>
      <p className="script__shortcut-hint">
        <Kbd>/</Kbd> {t('script.searchHint')}
      </p>
    </Panel>
  );
}
