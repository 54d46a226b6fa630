import { useTranslation } from 'react-i18next';

/** The console's two languages: Italian (the default) and English. */
export type Lang = 'it' | 'en';

/** What the console reads the page's language from: i18next's instance (`useTranslation().i18n`). */
interface LanguageSource {
  resolvedLanguage?: string | undefined;
  language?: string | undefined;
}

/**
 * The one reading of the page's language: English when i18next resolved English, else Italian (the default, also
 * while the language is still loading). Texts, numbers, dates and CSV files all follow it.
 */
export function langOf(i18n: LanguageSource): Lang {
  return (i18n.resolvedLanguage ?? i18n.language) === 'en' ? 'en' : 'it';
}

/** The Intl locale of a language: dates and numbers as an Italian or a British reader writes them. */
export const LOCALES: Record<Lang, string> = { it: 'it-IT', en: 'en-GB' };

export function localeOf(i18n: LanguageSource): string {
  return LOCALES[langOf(i18n)];
}

/** The page's language and its Intl locale, following the language switch. */
export function useLang(): { lang: Lang; locale: string } {
  const { i18n } = useTranslation();
  const lang = langOf(i18n);
  return { lang, locale: LOCALES[lang] };
}
