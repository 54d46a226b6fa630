import type { CompleteInteractionInput } from '@valore/shared/schemas/interactions';
import { fieldError } from '../../errors';

/** Events may be recorded a little before the contact's reported start (the console opens the script first). */
export const EVENT_LEAD_MS = 5 * 60_000;
/** A completion delivered more than this after its end came from the console's offline queue: flagged late. */
export const LATE_AFTER_MS = 5 * 60_000;
export const DEFAULT_OFFLINE_MAX_HOURS = 12;

export interface ReportedTimes {
  startedAt: string;
  endedAt: string;
  /** each event's reported time, normalised to UTC, in order */
  eventsAt: string[];
  handleMs: number;
  /** delivered from the offline queue, later than a live completion would be */
  late: boolean;
}

/**
 * The console's clock is not the record: the times a completion reports are kept as reported, normalised to UTC, and
 * must be plausible against the server's clock at receipt — the contact started at most `offlineMaxHours` ago (a
 * completion kept offline is accepted that long, flagged late), ended after it started and not in the future, and
 * every event lies inside [start − 5 min, receipt]. Anything else is a 400 with a message per field, before anything
 * is written. What has legal or statistical weight (consent, opt-out, audit) is stamped with the server's time.
 */
export function checkReportedTimes(
  input: CompleteInteractionInput,
  receipt: Date,
  offlineMaxHours: number,
): ReportedTimes {
  const now = receipt.getTime();
  const fields: Record<string, string[]> = {};
  const add = (field: string, message: string) => (fields[field] ??= []).push(message);
  const started = Date.parse(input.startedAt);
  const ended = Date.parse(input.endedAt);
  const oldest = now - offlineMaxHours * 3_600_000;
  if (Number.isNaN(started) || started < oldest) {
    add('startedAt', `The contact must have started in the last ${offlineMaxHours} hours.`);
  } else if (started > now) add('startedAt', 'The contact cannot start in the future.');
  if (Number.isNaN(ended) || ended > now) add('endedAt', 'The contact cannot end in the future.');
  else if (ended < started) add('endedAt', 'endedAt is before startedAt.');
  const eventsAt = input.events.map((e, i) => {
    const t = Date.parse(e.at);
    if (Number.isNaN(t) || t < started - EVENT_LEAD_MS || t > now) {
      add(`events.${i}.at`, 'The event time must lie between the contact’s start and now.');
    }
    return Number.isNaN(t) ? e.at : new Date(t).toISOString();
  });
  if (Object.keys(fields).length > 0) throw fieldError(fields);
  return {
    startedAt: new Date(started).toISOString(),
    endedAt: new Date(ended).toISOString(),
    eventsAt,
    handleMs: ended - started,
    late: now - ended > LATE_AFTER_MS,
  };
}
