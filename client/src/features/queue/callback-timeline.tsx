import { useQuery } from '@tanstack/react-query';
import { HISTORY_TERMS, termOf } from '@valore/shared/reference/history-terms';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/ui/alert';
import { LoadingState } from '../../components/ui/spinner';
import { useTRPC } from '../../lib/trpc';

/**
 * One callback's timeline (callbacks.timeline), shown under its row of the SLA board: created, offered, taken or
 * refused, the contacts made and how they ended, changes by a person, the breach.
 */
export function CallbackTimeline({ id, when }: { id: string; when: (iso: string) => string }) {
  const { t, i18n } = useTranslation('queue');
  const lang = i18n.language === 'en' ? 'en' : 'it';
  const trpc = useTRPC();
  // a contact's outcome in the product's one glossary; a change's audit action and a channel in this page's words
  const detailOf = (event: string, detail: string) =>
    event === 'contact_ended'
      ? termOf(HISTORY_TERMS.outcomes, detail, lang)
      : t(`timeline.details.${detail}`, { defaultValue: detail });
  const timeline = useQuery(trpc.callbacks.timeline.queryOptions({ id }));
  if (timeline.isPending) return <LoadingState label={t('timeline.loading')} />;
  if (timeline.isError) return <Alert tone="error">{t('timeline.failed')}</Alert>;
  return (
    <ol className="queue__timeline" aria-label={t('timeline.title')}>
      {timeline.data.events.map((e, i) => (
        <li key={`${e.at}-${e.event}-${i}`} className={e.event === 'breached' ? 'is-late' : undefined}>
          <span className="queue__num">{when(e.at)}</span> {t(`timeline.events.${e.event}`)}
          {e.by && <span> · {e.by}</span>}
          {e.detail && <span className="queue__muted"> · {detailOf(e.event, e.detail)}</span>}
        </li>
      ))}
    </ol>
  );
}
