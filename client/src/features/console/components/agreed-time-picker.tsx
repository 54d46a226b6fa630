import { ROME_TZ } from '@valore/shared/time/rome-time';
import { serviceHalfHours, type ServiceCalendar } from '@valore/shared/time/service-calendar';
import { useCallback, useEffect, useId, useMemo, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { DateField } from '../../../components/ui/date-field';
import { Select } from '../../../components/ui/select';
import { useServiceCalendar } from '../use-service-calendar';
import { localeOf } from '../../../lib/lang';

/**
 * A day and a half-hour, offered only where the service calendar is open (Europe/Rome): the operator can agree with a
 * customer only a time an operator will be there to call. The day is a date field (dd/mm/yyyy, typed by keyboard,
 * Tab leaves it in one step, a closed day or one out of range refused with the reason) and the weekday is read back
 * under it; the time is a select of that day's open half-hours. Enter in either submits the form. The server checks
 * the same rule (and a campaign's calling window) again.
 */
export function AgreedTimePicker({
  label,
  value,
  onChange,
  days,
  from,
}: {
  label: string;
  /** ISO instant, or '' */
  value: string;
  onChange: (iso: string) => void;
  /** how far ahead the customer may be called */
  days: number;
  /** the choices start after this instant (ms) */
  from: number;
}) {
  const { t, i18n } = useTranslation('console');
  const locale = localeOf(i18n);
  const calendar = useServiceCalendar();
  const byDay = useMemo(() => {
    const groups = new Map<string, Date[]>();
    // at least a quarter of an hour from now: the customer needs to be told a time that has not passed by the end
    for (const at of serviceHalfHours(new Date(from + 15 * 60_000), days, calendar)) {
      const key = dayKeyOf(at);
      const list = groups.get(key) ?? [];
      list.push(at);
      groups.set(key, list);
    }
    return groups;
  }, [from, days, calendar]);
  // a time the site's calendar does not offer (it loaded after the first guess) moves to the next one it does
  useEffect(() => {
    if (!value) return;
    const offered = [...byDay.values()].flat();
    if (offered.some((at) => at.toISOString() === value)) return;
    const next = offered.find((at) => at.toISOString() > value) ?? offered[0];
    onChange(next ? next.toISOString() : '');
  }, [byDay, value, onChange]);
  const dayLabel = useMemo(
    () => new Intl.DateTimeFormat(locale, { timeZone: ROME_TZ, weekday: 'long', day: 'numeric', month: 'long' }),
    [locale],
  );
  const timeLabel = useMemo(
    () => new Intl.DateTimeFormat(locale, { timeZone: ROME_TZ, hour: '2-digit', minute: '2-digit' }),
    [locale],
  );
  // what the operator typed while it is not an offered day (the agreed time is then '')
  const [typed, setTyped] = useState('');
  const isOffered = useCallback((key: string) => byDay.has(key), [byDay]);
  const readbackId = useId();

  // Enter on the time select submits the form (with the prefilled time, one key), as in a text field
  const submitOnEnter = (e: KeyboardEvent<HTMLSelectElement>) => {
    if (e.key !== 'Enter' || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    e.currentTarget.form?.requestSubmit();
  };
  const offeredDays = [...byDay.keys()];
  const selectedDay = value && byDay.has(dayKeyOf(new Date(value))) ? dayKeyOf(new Date(value)) : '';
  const times = selectedDay ? (byDay.get(selectedDay) ?? []) : [];
  const firstOfSelected = times[0];
  if (offeredDays.length === 0) return <p className="choice-form__hint">{t('script.fields.noOpenTimes')}</p>;
  return (
    <fieldset className="agreed-time">
      <legend className="ui-field__label">{label}</legend>
      <p className="choice-form__hint">{t('script.fields.serviceHoursHint')}</p>
      <div className="agreed-time__row">
        <DateField
          label={t('script.fields.day')}
          value={selectedDay || typed}
          min={offeredDays[0]}
          max={offeredDays[offeredDays.length - 1]}
          isDateUnavailable={(key) => !isOffered(key)}
          describedBy={firstOfSelected ? readbackId : undefined}
          onChange={(key) => {
            const first = byDay.get(key)?.[0];
            setTyped(first ? '' : key);
            onChange(first ? first.toISOString() : '');
          }}
        />
        <Select
          label={t('script.fields.time')}
          value={value && selectedDay ? value : ''}
          disabled={!selectedDay}
          onKeyDown={submitOnEnter}
          onChange={(e) => onChange(e.target.value)}
          options={[
            { value: '', label: t('script.fields.timePlaceholder'), disabled: true },
            ...times.map((at) => ({ value: at.toISOString(), label: timeLabel.format(at) })),
          ]}
        />
      </div>
      {firstOfSelected && (
        <p className="choice-form__hint" id={readbackId}>
          {dayLabel.format(firstOfSelected)}
        </p>
      )}
    </fieldset>
  );
}

const dayKey = new Intl.DateTimeFormat('en-CA', {
  timeZone: ROME_TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The Rome calendar day of an instant, `YYYY-MM-DD`. */
function dayKeyOf(at: Date): string {
  return dayKey.format(at);
}

/** A sensible first choice: the first open half-hour after `afterMs` (a callback in an hour, a follow-up tomorrow). */
export function firstOpenTime(from: number, afterMs: number, days: number, calendar: ServiceCalendar): string {
  const all = serviceHalfHours(new Date(from + Math.max(afterMs, 15 * 60_000)), days, calendar);
  return all[0]?.toISOString() ?? '';
}
