import type { TFunction } from 'i18next';
import type { useFormat } from '../format';
import type { ContactResult } from '../hooks/console-store';

type Format = ReturnType<typeof useFormat>;

export type ResultEffect = { key: string; text: string; url?: string };

/** What a recorded contact brought about, a sentence each: the result panel lists them, the announcement reads them. */
export function resultEffects(
  t: TFunction<'console'>,
  fmt: Format,
  effects: NonNullable<ContactResult['effects']>,
): ResultEffect[] {
  const lines: ResultEffect[] = [];
  if (effects.appointment)
    lines.push({
      key: 'appointment',
      text: t('result.appointment', {
        office: effects.appointment.postOfficeName,
        when: fmt.dateTime(effects.appointment.startsAt),
      }),
    });
  if (effects.funnelLink)
    lines.push({
      key: 'funnel',
      text: t('result.funnel', { channel: t(`channels.${effects.funnelLink.channel}`) }),
      url: effects.funnelLink.url,
    });
  if (effects.lead)
    lines.push({ key: 'lead', text: t('result.lead', { when: fmt.dateTime(effects.lead.followUpAt) }) });
  if (effects.callbackAt)
    lines.push({ key: 'callback', text: t('result.callback', { when: fmt.dateTime(effects.callbackAt) }) });
  if (effects.consentRecorded && !effects.optedOut) lines.push({ key: 'consent', text: t('result.consent') });
  if (effects.optedOut) lines.push({ key: 'optedOut', text: t('result.optedOut') });
  return lines;
}

/** A sentence ends with its stop (a line ending in ":" goes on with what follows it). */
const sentence = (text: string) => (/[.:!?]$/.test(text) ? text : `${text}.`);

/**
 * The contact's result in a few sentences, as the console's live region says it once the outcome is recorded (or kept
 * on this device): heading, customer and outcome, then what it brought about.
 */
export function resultAnnouncement(t: TFunction<'console'>, fmt: Format, result: ContactResult): string {
  const customer = result.customerName ?? t('script.customerFallback');
  const parts = [
    result.effects ? t('result.logged') : t('result.queued'),
    `${customer}: ${t(`outcomes.${result.outcome}`)}`,
    ...(result.effects
      ? resultEffects(t, fmt, result.effects).map((e) => (e.url ? `${e.text} ${e.url}` : e.text))
      : [t('result.queuedBody')]),
  ];
  return parts.map(sentence).join(' ');
}
