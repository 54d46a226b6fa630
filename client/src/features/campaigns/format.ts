import { useTranslation } from 'react-i18next';
import { DOMAIN_ERRORS, type DomainErrorCode } from '@valore/shared/errors';
import { errorDomainCode, errorMessageKey } from '../../lib/errors';
export { useLang, type Lang } from '../../lib/lang';

export const formatCount = (locale: string, n: number) => new Intl.NumberFormat(locale).format(n);

/** A calendar date ("2026-03-01") as the user reads it, without time-zone drift. */
export function formatDate(locale: string, day: string, style: 'short' | 'medium' = 'medium'): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: style, timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
}

export function formatDateTime(locale: string, iso: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Rome' }).format(
    new Date(iso),
  );
}

/** Whole days between an instant and now. */
export function daysSince(iso: string, now: Date = new Date()): number {
  return Math.max(0, Math.floor((now.getTime() - new Date(iso).getTime()) / 86_400_000));
}

/** The codes this feature explains in its own words (the shell's generic texts cover the rest). */
const OWN_CODES = [
  'REGISTRY_STALE',
  'CAMPAIGN_STATE',
  'FORBIDDEN_SCOPE',
  'VALIDATION',
  'IDEMPOTENCY_MISMATCH',
] as const satisfies readonly DomainErrorCode[];
type OwnCode = (typeof OWN_CODES)[number];

export function isOwnCode(code: string | null): code is OwnCode {
  return code !== null && (OWN_CODES as readonly string[]).includes(code);
}

export function isDomainCode(code: string | null): code is DomainErrorCode {
  return code !== null && (DOMAIN_ERRORS as readonly string[]).includes(code);
}

/** A failure of a tRPC call as a sentence in the current language, preferring this feature's wording. */
export function useErrorText(): (error: unknown) => string {
  const { t } = useTranslation('campaigns');
  const { t: tShell } = useTranslation();
  return (error) => {
    const code = errorDomainCode(error);
    if (isOwnCode(code)) return t(`errors.${code}`);
    return tShell(errorMessageKey(error));
  };
}

export { serverFieldErrors, useFocusFirstInvalid, useRequestId } from '../../lib/forms';
