import { useQuery } from '@tanstack/react-query';
import { useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { HISTORY_TERMS, termOf } from '@valore/shared/reference/history-terms';
import type { LeadPipelineRow } from '@valore/shared/schemas/lead-pipeline';
import type { LeadTimeline } from '@valore/shared/schemas/leads';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { useModalDialog } from '../../../components/ui/modal-dialog';
import { LoadingState } from '../../../components/ui/spinner';
import { Timeline } from '../../../components/ui/timeline';
import { useTRPC } from '../../../lib/trpc';
import { formatDateTime, useErrorText, useLang } from '../format';

type Props = {
  lead: LeadPipelineRow;
  /** The dialog closed (the close button, Escape): the caller takes it away and gives focus back. */
  onClose: () => void;
};

/**
 * One lead's timeline (leads.timeline) in a modal <dialog>: created, each plan of the follow-up, offers, releases,
 * the follow-up contacts and their outcome, changes by a person, won or lost, the breaches. The list is the one the
 * SLA board shows for a callback (components/ui/timeline.tsx). Reading only: Escape or "Chiudi" closes it.
 */
export function LeadTimelineDialog({ lead, onClose }: Props) {
  const { t } = useTranslation('leads');
  const { lang, locale } = useLang();
  const trpc = useTRPC();
  const errorText = useErrorText();
  const close = useRef<HTMLButtonElement>(null);
  const dialog = useModalDialog(onClose, close);
  const titleId = useId();
  const descriptionId = useId();
  const timeline = useQuery(trpc.leads.timeline.queryOptions({ leadId: lead.id }));

  return (
    <dialog
      {...dialog.props}
      className="lead-dialog lead-dialog--wide"
      aria-labelledby={titleId}
      aria-describedby={descriptionId}
      data-testid="lead-timeline-dialog"
    >
      <div className="lead-dialog__form">
        <h2 id={titleId} className="lead-dialog__title">
          {t('timeline.title')}
        </h2>
        <p id={descriptionId} className="lead-dialog__name">
          {t('timeline.lead', { customer: lead.customerName, product: lead.productName[lang] })}
        </p>
        {timeline.isPending && <LoadingState label={t('timeline.loading')} />}
        {timeline.isError && (
          <Alert tone="error">
            {t('timeline.failed')} {errorText(timeline.error)}
          </Alert>
        )}
        {timeline.data &&
          (timeline.data.events.length === 0 ? (
            <p className="ui-empty">{t('timeline.empty')}</p>
          ) : (
            <Timeline
              className="lead-timeline"
              events={timeline.data.events}
              label={t('timeline.list', { customer: lead.customerName })}
              when={(iso) => formatDateTime(locale, iso)}
              eventText={(event) => t(`timeline.events.${event}`)}
              detailText={(e) => detailText(e, { t, lang, locale })}
            />
          ))}
        <div className="lead-dialog__buttons">
          <Button ref={close} variant="ghost" onClick={onClose}>
            {t('timeline.close')}
          </Button>
        </div>
      </div>
    </dialog>
  );
}

type TimelineEntry = LeadTimeline['events'][number];

/**
 * An event's detail in the reader's words: the flow a lead came from and a contact's outcome in the product's one
 * glossary, a due time as a date, how a lead was won as the pipeline says it, a change by its audit action.
 */
function detailText(
  { event, detail }: TimelineEntry,
  { t, lang, locale }: { t: TFunction<'leads'>; lang: 'it' | 'en'; locale: string },
): string {
  const value = detail ?? '';
  switch (event) {
    case 'created':
      return termOf(HISTORY_TERMS.flows, value, lang);
    case 'contact_ended':
      return termOf(HISTORY_TERMS.outcomes, value, lang);
    case 'scheduled':
      return t('timeline.details.scheduled', { when: formatDateTime(locale, value) });
    case 'won':
      return t(`wonBy.${value}`, { defaultValue: value });
    default:
      return t(`timeline.details.${value}`, { defaultValue: value });
  }
}
