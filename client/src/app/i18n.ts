import i18n, { type BackendModule, type ResourceKey } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type adminIt from '../features/admin/locales/it.json';
import type appointmentsIt from '../features/appointments/locales/it.json';
import type scriptsIt from '../features/scripts/locales/it.json';
import type campaignsIt from '../features/campaigns/locales/it.json';
import type coachingIt from '../features/console/coaching/locales/it.json';
import type consoleIt from '../features/console/locales/it.json';
import type leadsIt from '../features/leads/locales/it.json';
import type monitorIt from '../features/monitor/locales/it.json';
import type practiceIt from '../features/practice/locales/it.json';
import type queueIt from '../features/queue/locales/it.json';
import type rotaIt from '../features/rota/locales/it.json';
import type statsIt from '../features/stats/locales/it.json';
import type trainingIt from '../features/training/locales/it.json';
import en from './locales/en.json';
import it from './locales/it.json';

export const LANGUAGES = ['it', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'it';
export const LANGUAGE_STORAGE_KEY = 'valore.lang';

type LocaleFile = () => Promise<{ default: ResourceKey }>;

/**
 * `translation` holds the shell's texts (login, navigation, errors) and ships in the main bundle in both languages;
 * each feature keeps its own namespace (features/<f>/locales) in its own small chunk per language, fetched with the
 * feature's page (app/homes.ts) — so the operator console never downloads the stats or campaign texts, nor the
 * language it is not using. `useTranslation('console')`, `t('console:…')`.
 */
export const FEATURE_LOCALES = {
  console: {
    it: () => import('../features/console/locales/it.json'),
    en: () => import('../features/console/locales/en.json'),
  },
  coaching: {
    it: () => import('../features/console/coaching/locales/it.json'),
    en: () => import('../features/console/coaching/locales/en.json'),
  },
  monitor: {
    it: () => import('../features/monitor/locales/it.json'),
    en: () => import('../features/monitor/locales/en.json'),
  },
  queue: {
    it: () => import('../features/queue/locales/it.json'),
    en: () => import('../features/queue/locales/en.json'),
  },
  stats: {
    it: () => import('../features/stats/locales/it.json'),
    en: () => import('../features/stats/locales/en.json'),
  },
  admin: {
    it: () => import('../features/admin/locales/it.json'),
    en: () => import('../features/admin/locales/en.json'),
  },
  campaigns: {
    it: () => import('../features/campaigns/locales/it.json'),
    en: () => import('../features/campaigns/locales/en.json'),
  },
  leads: {
    it: () => import('../features/leads/locales/it.json'),
    en: () => import('../features/leads/locales/en.json'),
  },
  scripts: {
    it: () => import('../features/scripts/locales/it.json'),
    en: () => import('../features/scripts/locales/en.json'),
  },
  appointments: {
    it: () => import('../features/appointments/locales/it.json'),
    en: () => import('../features/appointments/locales/en.json'),
  },
  rota: {
    it: () => import('../features/rota/locales/it.json'),
    en: () => import('../features/rota/locales/en.json'),
  },
  training: {
    it: () => import('../features/training/locales/it.json'),
    en: () => import('../features/training/locales/en.json'),
  },
  practice: {
    it: () => import('../features/practice/locales/it.json'),
    en: () => import('../features/practice/locales/en.json'),
  },
} satisfies Record<string, Record<Language, LocaleFile>>;
export type FeatureNamespace = keyof typeof FEATURE_LOCALES;
export const FEATURE_NAMESPACES = Object.keys(FEATURE_LOCALES) as FeatureNamespace[];
export const SHELL_RESOURCES = { it: { translation: it }, en: { translation: en } } as const;

/** The types of every namespace, for typed `t()` keys; type-only imports, so nothing is bundled by them. */
type Resources = {
  translation: typeof it;
  console: typeof consoleIt;
  coaching: typeof coachingIt;
  monitor: typeof monitorIt;
  queue: typeof queueIt;
  stats: typeof statsIt;
  admin: typeof adminIt;
  campaigns: typeof campaignsIt;
  leads: typeof leadsIt;
  appointments: typeof appointmentsIt;
  rota: typeof rotaIt;
  training: typeof trainingIt;
  practice: typeof practiceIt;
  scripts: typeof scriptsIt;
};

function isFeatureNamespace(value: string): value is FeatureNamespace {
  return Object.hasOwn(FEATURE_LOCALES, value);
}

/** An i18next backend reading the feature locale chunks above. */
const featureLocales: BackendModule = {
  type: 'backend',
  init: () => undefined,
  read(language, namespace, callback) {
    if (!isLanguage(language) || !isFeatureNamespace(namespace)) {
      callback(new Error(`No texts for ${language}/${namespace}`), false);
      return;
    }
    FEATURE_LOCALES[namespace][language]().then(
      (file) => callback(null, file.default),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), false),
    );
  },
};

/** Loads a page's namespaces (current language and the Italian fallback); rejects if a locale chunk fails to load. */
export function loadNamespaces(namespaces: readonly FeatureNamespace[]): Promise<void> {
  return new Promise((resolve, reject) => {
    void i18n.loadNamespaces([...namespaces], (error: unknown) => {
      const missing = namespaces.filter((ns) => !i18n.hasResourceBundle(currentLanguage(), ns));
      if (error || missing.length > 0) reject(new Error(`Texts not loaded: ${missing.join(', ') || String(error)}`));
      else resolve();
    });
  });
}

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: Resources;
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

function storeLanguage(language: string) {
  try {
    window.localStorage.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // Not persisting the choice is acceptable.
  }
}

function syncDocument(language: string) {
  document.documentElement.lang = language;
  storeLanguage(language);
}

/**
 * The user's choice of language: remembered at once (a reload while the new texts are still loading keeps it),
 * applied when its texts have loaded.
 */
export function chooseLanguage(language: Language): Promise<unknown> {
  storeLanguage(language);
  return i18n.changeLanguage(language);
}

export function currentLanguage(): Language {
  return isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : DEFAULT_LANGUAGE;
}

// The shell's texts ship in the bundle, so initialisation is synchronous and nothing suspends; feature texts come
// with their page (loadNamespaces), and a language change fetches the new language's texts before it takes effect.
void i18n
  .use(featureLocales)
  .use(initReactI18next)
  .init({
    resources: SHELL_RESOURCES,
    partialBundledLanguages: true,
    ns: ['translation'],
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
