import { useTranslation } from 'react-i18next';
import { errorDomainCode, errorMessageKey } from '../../lib/errors';
import { serverFieldErrors } from '../../lib/forms';
import { isAppClientError } from '../../lib/trpc';

export { download } from '../../lib/download';
export { useRequestId } from '../../lib/forms';
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
    if (code === 'VALIDATION' && serverFieldErrors(error).ownerId) return t('reassign.errors.owner');
    if (code === 'FORBIDDEN_SCOPE') return t('errors.scope');
    if (code === 'VALIDATION' && isAppClientError(error) && error.data?.httpStatus === 409) return t('errors.closed');
    return tShell(errorMessageKey(error));
  };
}
