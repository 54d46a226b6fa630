import { useTranslation } from 'react-i18next';
import { localeOf } from '../../lib/lang';

/** Dates (YYYY-MM-DD) and numbers in the reader's language: "05/12/2022", "4,4". */
export function useTrainingFormat() {
  const { i18n } = useTranslation('training');
  const locale = localeOf(i18n);
  const dayFormat = new Intl.DateTimeFormat(locale, {
    weekday: 'short',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    timeZone: 'UTC',
  });
  const averageFormat = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const hoursFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  return {
    day: (date: string) => dayFormat.format(new Date(`${date}T12:00:00Z`)),
    average: (value: number | null) => (value === null ? '—' : averageFormat.format(value)),
    hours: (value: number) => hoursFormat.format(value),
  };
}
