import { useQuery } from '@tanstack/react-query';
import { HISTORY_TERMS, termOf } from '@valore/shared/reference/history-terms';
import type { TimelineEventOf } from '@valore/shared/schemas/timeline';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/ui/alert';
import { LoadingState } from '../../components/ui/spinner';
import { Timeline } from '../../components/ui/timeline';
import { useTRPC } from '../../lib/trpc';
import { langOf } from '../../lib/lang';

type When = (iso: string) => string;

/**
 * The timeline of an SLA board row, shown under it: a callback's (callbacks.timeline) or a lead follow-up's
 * (leads.timeline), the two kinds of promise the board holds. Both lists are the one component (components/ui/timeline).
 */
export function WorkTimeline({ kind, id, when }: { kind: 'callback' | 'lead_followup'; id: string; when: When }) {
  return kind === 'callback' ? <CallbackTimeline id={id} when={when} /> : <LeadFollowUpTimeline id={id} when={when} />;
}

/**
 * One callback's timeline: created, offered, taken or refused, the contacts made and how they ended, changes by a
 * person, the breach.
 */
export function CallbackTimeline({ id, when }: { id: string; when: When }) {
  const { t, i18n } = useTranslation('queue');
  const lang = langOf(i18n);
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

/**
 * A lead follow-up's timeline (the row's id is the lead's): created from a contact, the follow-up planned, offered,
 * taken, released or left to expire, the contacts, changes, won or lost, the breach.
 */
function LeadFollowUpTimeline({ id, when }: { id: string; when: When }) {
  const { t, i18n } = useTranslation('queue');
  const lang = langOf(i18n);
  const trpc = useTRPC();
  const timeline = useQuery(trpc.leads.timeline.queryOptions({ leadId: Number(id) }));
  if (timeline.isPending) return <LoadingState label={t('timeline.loading')} />;
  if (timeline.isError) return <Alert tone="error">{t('timeline.failed')}</Alert>;
  const detailText = ({ event, detail }: TimelineEventOf): string => {
    const value = detail ?? '';
    if (event === 'created') return termOf(HISTORY_TERMS.flows, value, lang);
    if (event === 'contact_ended') return termOf(HISTORY_TERMS.outcomes, value, lang);
    if (event === 'scheduled') return t('timeline.lead.scheduled', { when: when(value) });
    if (event === 'won') return t(`timeline.lead.won.${value}`, { defaultValue: value });
    return t(`timeline.lead.details.${value}`, { defaultValue: value });
  };
  return (
    <Timeline
      events={timeline.data.events}
      label={t('timeline.lead.title')}
      when={when}
      eventText={(event) => t(`timeline.lead.events.${event}`)}
      detailText={detailText}
    />
  );
}
