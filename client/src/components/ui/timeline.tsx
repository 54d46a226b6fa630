import type { TimelineEventOf } from '@valore/shared/schemas/timeline';
import './timeline.css';
import { cx } from './class-names';

type Props<E extends string> = {
  /** in time order, as the server gives them */
  events: readonly TimelineEventOf<E>[];
  /** the list's accessible name */
  label: string;
  /** an instant in the reader's words (date and time, Europe/Rome) */
  when: (iso: string) => string;
  /** what an event is, in the reader's words */
  eventText: (event: E) => string;
  /** an event's detail (an outcome, a change, a channel, a due time) in the reader's words */
  detailText: (event: TimelineEventOf<E>) => string;
  className?: string;
};

/**
 * One work item's life, event by event (a callback's on the SLA board, a lead's on the pipeline): when, what, who,
 * and the detail. A breach is said in words and marked, not by colour alone.
 */
export function Timeline<E extends string>({ events, label, when, eventText, detailText, className }: Props<E>) {
  return (
    <ol className={cx('ui-timeline', className)} aria-label={label}>
      {events.map((e, i) => (
        <li key={`${e.at}-${e.event}-${i}`} className={e.event === 'breached' ? 'is-late' : undefined}>
          <span className="ui-timeline__when">{when(e.at)}</span> {eventText(e.event)}
          {e.by && <span> · {e.by}</span>}
          {e.detail && <span className="ui-timeline__detail"> · {detailText(e)}</span>}
        </li>
      ))}
    </ol>
  );
}
