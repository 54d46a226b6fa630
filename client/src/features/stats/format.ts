import { RATES, type RateId } from '@valore/shared/metrics/funnel';
export { useLang, type Lang } from '../../lib/lang';

export function formatCount(locale: string, n: number): string {
  return new Intl.NumberFormat(locale).format(n);
}

export function formatPercent(locale: string, v: number | null): string {
  return v === null ? '—' : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(v);
}

export function formatSeconds(locale: string, v: number | null): string {
  if (v === null) return '—';
  const m = Math.floor(v / 60);
  const s = Math.round(v % 60);
  return m > 0
    ? `${m}:${String(s).padStart(2, '0')}`
    : new Intl.NumberFormat(locale, { style: 'unit', unit: 'second', maximumFractionDigits: 0 }).format(v);
}

export function formatRate(locale: string, id: RateId, v: number | null): string {
  const def = RATES.find((r) => r.id === id);
  return def?.kind === 'seconds' ? formatSeconds(locale, v) : formatPercent(locale, v);
}

export function formatChange(locale: string, v: number | null): string {
  if (v === null) return '—';
  return new Intl.NumberFormat(locale, {
    style: 'percent',
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  }).format(v);
}

export function formatDay(
  locale: string,
  day: string,
  opts: Intl.DateTimeFormatOptions = { day: '2-digit', month: 'short' },
): string {
  return new Intl.DateTimeFormat(locale, { ...opts, timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
}

export function formatDateTime(locale: string, iso: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Rome' }).format(
    new Date(iso),
  );
}
