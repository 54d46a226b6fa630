import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import adminEn from '../features/admin/locales/en.json';
import adminIt from '../features/admin/locales/it.json';
import campaignsEn from '../features/campaigns/locales/en.json';
import campaignsIt from '../features/campaigns/locales/it.json';
import coachingEn from '../features/console/coaching/locales/en.json';
import coachingIt from '../features/console/coaching/locales/it.json';
import consoleEn from '../features/console/locales/en.json';
import consoleIt from '../features/console/locales/it.json';
import monitorEn from '../features/monitor/locales/en.json';
import monitorIt from '../features/monitor/locales/it.json';
import queueEn from '../features/queue/locales/en.json';
import queueIt from '../features/queue/locales/it.json';
import statsEn from '../features/stats/locales/en.json';
import statsIt from '../features/stats/locales/it.json';
import en from './locales/en.json';
import it from './locales/it.json';

export const LANGUAGES = ['it', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'it';
export const LANGUAGE_STORAGE_KEY = 'valore.lang';

/**
 * `translation` holds the shell's texts; each feature keeps its own namespace (features/<f>/locales) so features
 * can grow their texts independently: `useTranslation('console')`, `t('console:…')`.
 */
export const resources = {
  it: { translation: it, console: consoleIt, coaching: coachingIt, monitor: monitorIt, queue: queueIt, stats: statsIt, admin: adminIt, campaigns: campaignsIt },
  en: { translation: en, console: consoleEn, coaching: coachingEn, monitor: monitorEn, queue: queueEn, stats: statsEn, admin: adminEn, campaigns: campaignsEn },
} as const;
export const NAMESPACES = ['translation', 'console', 'coaching', 'monitor', 'queue', 'stats', 'admin', 'campaigns'] as const;

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: (typeof resources)['it'];
  }
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

function storedLanguage(): Language {
  try {
    const value = window.localStorage.getItem(LANGUAGE_STORAGE_KEY);
    return isLanguage(value) ? value : DEFAULT_LANGUAGE;
  } catch {
    // Storage can be disabled by policy; the console still works, in Italian.
    return DEFAULT_LANGUAGE;
  }
}

function syncDocument(language: string) {
  document.documentElement.lang = language;
  try {
    window.localStorage.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // Not persisting the choice is acceptable.
  }
}

export function currentLanguage(): Language {
  return isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : DEFAULT_LANGUAGE;
}

// Resources ship in the bundle, so initialisation is synchronous and nothing suspends.
void i18n.use(initReactI18next).init({
  resources,
  ns: NAMESPACES,
  defaultNS: 'translation',
  lng: storedLanguage(),
  fallbackLng: DEFAULT_LANGUAGE,
  supportedLngs: LANGUAGES,
  initAsync: false,
  returnNull: false,
  interpolation: { escapeValue: false },
  react: { useSuspense: false },
});
document.documentElement.lang = i18n.language;
i18n.on('languageChanged', syncDocument);

export { i18n };
