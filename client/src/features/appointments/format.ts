import { useTranslation } from 'react-i18next';
import type { SiteAppointment } from '@valore/shared/schemas/appointments';
import { addDays, romeParts, ROME_TZ } from '@valore/shared/time/rome-time';
import { errorDomainCode, errorHttpStatus, errorMessageKey } from '../../lib/errors';
import { useNow } from '../../lib/use-now';

export { useRequestId } from '../../lib/forms';
export { useLang, type Lang } from '../../lib/lang';

/** Appointment times are the post office's, Rome wall-clock, wherever the browser is. */
export function formatTime(locale: string, iso: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone: ROME_TZ, hour: '2-digit', minute: '2-digit' }).format(
    new Date(iso),
  );
}

export function formatDateTime(locale: string, iso: string): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone: ROME_TZ,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(iso));
}

/** "giovedì 3 dicembre 2026" for a Rome calendar day (YYYY-MM-DD). */
export function formatDay(locale: string, day: string): string {
  // noon UTC is the same calendar day in Rome, whatever the season
  return new Intl.DateTimeFormat(locale, {
    timeZone: ROME_TZ,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(new Date(`${day}T12:00:00Z`));
}

export const romeToday = (now: Date = new Date()) => romeParts(now).date;
export const shiftDay = (day: string, days: number) => addDays(day, days);
export const isDay = (value: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T12:00:00Z`));

export type AttendanceAction = 'attended' | 'no_show' | 'cancel';

/**
 * Which buttons a row offers, by the same rules the server applies (appointment-changes.ts): a cancelled appointment
 * is final; a no-show can be recorded once the appointment has started; only a booked one that has not started can
 * be cancelled. The server checks again: this only keeps impossible actions off the screen.
 */
export function availableActions(
  row: Pick<SiteAppointment, 'status' | 'startsAt'>,
  now: number,
): Record<AttendanceAction, boolean> {
  const started = Date.parse(row.startsAt) <= now;
  if (row.status === 'cancelled') return { attended: false, no_show: false, cancel: false };
  return {
    attended: row.status !== 'attended',
    no_show: started && row.status !== 'no_show',
    cancel: row.status === 'booked' && !started,
  };
}

/** A failure of a call as a sentence in the current language, preferring this feature's wording. */
export function useErrorText(): (error: unknown) => string {
  const { t } = useTranslation('appointments');
  const { t: tShell } = useTranslation();
  return (error) => {
    if (errorDomainCode(error) === 'FORBIDDEN_SCOPE') return t('errors.scope');
    if (errorHttpStatus(error) === 409 && errorDomainCode(error) !== 'IDEMPOTENCY_MISMATCH')
      return t('errors.conflict');
    return tShell(errorMessageKey(error));
  };
}

/** The wall clock, refreshed every 15 s: which buttons a row offers changes as appointments start. */
export const useAppointmentClock = () => useNow(15_000);
