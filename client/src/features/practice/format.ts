import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { langOf } from '../../lib/lang';

/** Days (YYYY-MM-DD), moments (ISO) and averages in the reader's language; texts given in both languages. */
export function usePracticeFormat() {
  const { i18n } = useTranslation('practice');
  const lang: 'it' | 'en' = langOf(i18n);
  return useMemo(() => {
    const locale = lang === 'en' ? 'en-GB' : 'it-IT';
    const day = new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' });
    const dateTime = new Intl.DateTimeFormat(locale, {
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: 'Europe/Rome',
    });
    const average = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
    return {
      lang,
      day: (date: string) => day.format(new Date(`${date}T12:00:00Z`)),
      dateTime: (iso: string) => dateTime.format(new Date(iso)),
      average: (value: number | null) => (value === null ? '—' : average.format(value)),
      text: (text: { it: string; en: string }) => text[lang],
    };
  }, [lang]);
}
