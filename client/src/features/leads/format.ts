import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { errorDomainCode, errorMessageKey } from '../../lib/errors';
import { isAppClientError } from '../../lib/trpc';
export { useLang, type Lang } from '../../lib/lang';

export const formatCount = (locale: string, n: number) => new Intl.NumberFormat(locale).format(n);

/** Follow-up times are Rome wall-clock times, wherever the browser is. */
export function formatDateTime(locale: string, iso: string): string {
  return new Intl.DateTimeFormat(locale, {
    weekday: 'short',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Europe/Rome',
  }).format(new Date(iso));
}

export function formatDate(locale: string, iso: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'Europe/Rome' }).format(new Date(iso));
}

/** A failure of a tRPC call as a sentence in the current language, preferring this feature's wording. */
export function useErrorText(): (error: unknown) => string {
  const { t } = useTranslation('leads');
  const { t: tShell } = useTranslation();
  return (error) => {
    const code = errorDomainCode(error);
    if (code === 'VALIDATION' && fieldErrorsOf(error).ownerId) return t('reassign.errors.owner');
    if (code === 'FORBIDDEN_SCOPE') return t('errors.scope');
    if (code === 'VALIDATION' && isAppClientError(error) && error.data?.httpStatus === 409) return t('errors.closed');
    return tShell(errorMessageKey(error));
  };
}

/** Field messages the server sent back, by field. */
function fieldErrorsOf(error: unknown): Record<string, unknown> {
  if (!isAppClientError(error)) return {};
  const zod: unknown = error.data?.zodError;
  if (typeof zod !== 'object' || zod === null || !('fieldErrors' in zod)) return {};
  const fields: unknown = zod.fieldErrors;
  return typeof fields === 'object' && fields !== null ? { ...fields } : {};
}

/**
 * The idempotency key of a mutation: the same payload sent again after a failure (a retry after a lost answer)
 * reuses its key; a changed payload, or any payload after a success (`done()`), gets a new one.
 */
export function useRequestId(): { idFor: (payload: unknown) => string; done: () => void } {
  const last = useRef<{ json: string; id: string } | null>(null);
  return {
    idFor: (payload) => {
      const json = JSON.stringify(payload);
      if (last.current?.json !== json) last.current = { json, id: crypto.randomUUID() };
      return last.current.id;
    },
    done: () => {
      last.current = null;
    },
  };
}

/** Saves text as a file in the browser, with the BOM spreadsheet programs need to read the accents right. */
export function download(filename: string, text: string): void {
  const blob = new Blob(['\ufeff', text], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
