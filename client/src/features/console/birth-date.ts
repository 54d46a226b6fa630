/**
 * A date of birth as the card shows it, in the operator's language: numeric (Italian dd/mm/yyyy), on the calendar day
 * it is (no time zone shift). Masked, only the year shows — the day and month are personal data revealed on request
 * (customers.reveal 'birthDate', audited) — in the same layout as the full date: ••/••/1958.
 */
const MASK = '••';

function numericDate(lang: 'it' | 'en') {
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'it-IT', {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** "1958-03-07" → "07/03/1958"; anything not a YYYY-MM-DD day is shown as it is. */
export function birthDateText(isoDay: string, lang: 'it' | 'en'): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDay);
  if (!m) return isoDay;
  return numericDate(lang).format(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

/** 1958 → "••/••/1958" (a year that is not one: all masked). */
export function maskedBirthDate(year: number, lang: 'it' | 'en'): string {
  if (!Number.isInteger(year)) return `${MASK}/${MASK}/${MASK}${MASK}`;
  return numericDate(lang)
    .formatToParts(Date.UTC(year, 0, 1))
    .map((part) => (part.type === 'day' || part.type === 'month' ? MASK : part.value))
    .join('');
}
