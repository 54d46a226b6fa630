import { useQuery } from '@tanstack/react-query';
import { HISTORY_TERMS, termOf } from '@valore/shared/reference/history-terms';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/ui/alert';
import { LoadingState } from '../../components/ui/spinner';
import { Timeline } from '../../components/ui/timeline';
import { useTRPC } from '../../lib/trpc';

/**
 * One callback's timeline (callbacks.timeline), shown under its row of the SLA board: created, offered, taken or
 * refused, the contacts made and how they ended, changes by a person, the breach. The list is the one a lead's
 * timeline shows too (components/ui/timeline.tsx).
 */
export function CallbackTimeline({ id, when }: { id: string; when: (iso: string) => string }) {
  const { t, i18n } = useTranslation('queue');
  const lang = i18n.language === 'en' ? 'en' : 'it';
  const trpc = useTRPC();
  const timeline = useQuery(trpc.callbacks.timeline.queryOptions({ id }));
  if (timeline.isPending) return <LoadingState label={t('timeline.loading')} />;
  if (timeline.isError) return <Alert tone="error">{t('timeline.failed')}</Alert>;
  return (
    <Timeline
      events={timeline.data.events}
      label={t('timeline.title')}
      when={when}
      eventText={(event) => t(`timeline.events.${event}`)}
      // a contact's outcome in the product's one glossary; a change's audit action and a channel in this page's words
      detailText={({ event, detail }) =>
        event === 'contact_ended'
          ? termOf(HISTORY_TERMS.outcomes, detail ?? '', lang)
          : t(`timeline.details.${detail ?? ''}`, { defaultValue: detail ?? '' })
      }
    />
  );
}
