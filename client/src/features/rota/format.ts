import { useTranslation } from 'react-i18next';
import { localeOf } from '../../lib/lang';

/** "2027-01-09" → "sab 9 gen 2027" / "Sat 9 Jan 2027": a Rome calendar day, read at noon UTC so no zone moves it. */
export function useDayFormat(): (iso: string) => string {
  const { i18n } = useTranslation();
  const format = new Intl.DateTimeFormat(localeOf(i18n), {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
  return (iso) => format.format(new Date(`${iso}T12:00:00Z`));
}

/** Today in Rome, YYYY-MM-DD. */
export function romeToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(now);
}

/** The Monday of the week after `day` (YYYY-MM-DD): where a new rota starts by default. */
export function nextMonday(day: string): string {
  const d = new Date(`${day}T12:00:00Z`);
  const ahead = (8 - d.getUTCDay()) % 7 || 7;
  d.setUTCDate(d.getUTCDate() + ahead);
  return d.toISOString().slice(0, 10);
}
