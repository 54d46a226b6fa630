import { ROME_TZ } from '@valore/shared/time/rome-time';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Prompt } from '@valore/shared/flows/types';
import { langOf } from '../../lib/lang';

/** Dates in the operator's language, on the Rome calendar (branches and customers are in Italy). */
export function useFormat() {
  const { i18n } = useTranslation();
  const lang: 'it' | 'en' = langOf(i18n);
  return useMemo(() => {
    const locale = lang === 'en' ? 'en-GB' : 'it-IT';
    const dateTime = new Intl.DateTimeFormat(locale, {
      timeZone: ROME_TZ,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
    });
    const day = new Intl.DateTimeFormat(locale, {
      timeZone: ROME_TZ,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
    });
    const time = new Intl.DateTimeFormat(locale, { timeZone: ROME_TZ, hour: '2-digit', minute: '2-digit' });
    const date = new Intl.DateTimeFormat(locale, {
      timeZone: ROME_TZ,
      day: 'numeric',
      month: 'short',
      year: 'numeric',
    });
    return {
      lang,
      dateTime: (iso: string) => dateTime.format(new Date(iso)),
      day: (iso: string) => day.format(new Date(iso)),
      time: (iso: string) => time.format(new Date(iso)),
      date: (iso: string) => date.format(new Date(iso)),
      prompt: (prompt: Prompt) => prompt[lang],
    };
  }, [lang]);
}

/** mm:ss (or h:mm:ss) of a duration. */
export function clock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mmss = `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}

/** Fills the script placeholders {operator} {customer} {product}. */
/**
 * A script line with its placeholders filled ({operator}, {customer}, {product}, {theProduct}, {productPronoun}: the
 * list is shared/flows/definition.ts PLACEHOLDERS, which the studio checks); an unknown one is left as written.
 */
export function fillPrompt(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

/** A value for <input type="datetime-local"> in the browser's time zone. */
export function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Next working day at 10:00 local time: a sensible default for a follow-up call. */
export function defaultFollowUp(now = new Date()): string {
  const d = new Date(now);
  d.setDate(d.getDate() + 1);
  while (d.getDay() === 0 || d.getDay() === 6) d.setDate(d.getDate() + 1);
  d.setHours(10, 0, 0, 0);
  return toLocalInput(d);
}

/** In an hour, on the quarter. */
export function defaultCallback(now = new Date()): string {
  const d = new Date(now.getTime() + 60 * 60_000);
  d.setMinutes(Math.ceil(d.getMinutes() / 15) * 15, 0, 0);
  return toLocalInput(d);
}

/** Whether a key press is typing (a field has focus), so single-key shortcuts must not fire. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT';
}

/** The badge tone of a contact's outcome: value in green, opt-out in red, a callback to keep in amber. */
export function outcomeTone(outcome: string | null): 'success' | 'warning' | 'danger' | 'neutral' {
  if (outcome === 'up_appointment' || outcome === 'digital_funnel' || outcome === 'lead' || outcome === 'assisted_sale')
    return 'success';
  if (outcome === 'opt_out') return 'danger';
  if (outcome === 'callback_scheduled') return 'warning';
  return 'neutral';
}
