import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import {
  DEFAULT_CALLING_WINDOW,
  minutesOf,
  type CallingWindow,
  type WeekdayKey,
} from '@valore/shared/time/calling-window';
import { Button } from '../../../components/ui/button';
import { TimeField } from '../../../components/ui/date-field';
import { useLang } from '../format';

/** Monday first, as an Italian week reads. */
const DAY_ORDER: readonly WeekdayKey[] = ['1', '2', '3', '4', '5', '6', '0'];
const MAX_INTERVALS = 6;

export function weekdayName(locale: string, day: WeekdayKey): string {
  // 7 January 2024 was a Sunday
  return new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(
    new Date(Date.UTC(2024, 0, 7 + Number(day))),
  );
}

/** The days whose intervals are not valid, with the translation key of the reason. */
export function callingWindowErrors(
  window: CallingWindow,
): Partial<Record<WeekdayKey, 'format' | 'order' | 'overlap'>> {
  const out: Partial<Record<WeekdayKey, 'format' | 'order' | 'overlap'>> = {};
  for (const day of DAY_ORDER) {
    const intervals = window.days[day] ?? [];
    const valid = /^([01]\d|2[0-3]):[0-5]\d$/;
    if (intervals.some(([from, to]) => !valid.test(from) || !valid.test(to))) out[day] = 'format';
    else if (intervals.some(([from, to]) => minutesOf(from) >= minutesOf(to))) out[day] = 'order';
    else {
      const sorted = [...intervals].sort((a, b) => minutesOf(a[0]) - minutesOf(b[0]));
      if (sorted.some((iv, i) => i > 0 && minutesOf(iv[0]) < minutesOf(sorted[i - 1]?.[1] ?? '00:00')))
        out[day] = 'overlap';
    }
  }
  return out;
}

type Props = {
  value: CallingWindow;
  onChange: (value: CallingWindow) => void;
  disabled?: boolean;
  errors: Partial<Record<WeekdayKey, 'format' | 'order' | 'overlap'>>;
};

/** Calling hours per weekday (several intervals a day allowed), in the campaign's time zone. */
export function CallingWindowEditor({ value, onChange, disabled = false, errors }: Props) {
  const { t } = useTranslation('campaigns');
  const { locale } = useLang();
  const baseId = useId();
  const hintId = `${baseId}-hint`;

  const setDay = (day: WeekdayKey, intervals: [string, string][]) => {
    const days = { ...value.days };
    if (intervals.length === 0) delete days[day];
    else days[day] = intervals;
    onChange({ ...value, days });
  };

  return (
    <fieldset className="cw" disabled={disabled} aria-describedby={hintId}>
      <legend className="cw__legend">{t('window.legend')}</legend>
      <p className="ui-field__hint" id={hintId}>
        {t('window.hint', { timeZone: value.timeZone })}
      </p>
      <div className="cw__days">
        {DAY_ORDER.map((day) => {
          const name = weekdayName(locale, day);
          const intervals = value.days[day] ?? [];
          const open = intervals.length > 0;
          const error = errors[day];
          const errorId = `${baseId}-${day}-error`;
          return (
            <div className={`cw__day${error ? ' cw__day--invalid' : ''}`} key={day} role="group" aria-label={name}>
              <label className="cw__toggle">
                <input
                  type="checkbox"
                  checked={open}
                  onChange={(e) =>
                    setDay(day, e.target.checked ? [day === '6' ? ['10:00', '19:00'] : ['09:00', '20:00']] : [])
                  }
                />
                <span className="cw__name">{name}</span>
              </label>
              <div className="cw__intervals">
                {!open && <span className="cw__closed">{t('window.closed')}</span>}
                {intervals.map(([from, to], i) => (
                  <span className="cw__interval" key={i}>
                    <TimeField
                      label={t('window.fromOf', { day: name, n: i + 1 })}
                      hideLabel
                      className="cw__time"
                      value={from}
                      required
                      disabled={disabled}
                      invalid={Boolean(error)}
                      describedBy={error ? errorId : undefined}
                      onChange={(v) =>
                        setDay(
                          day,
                          intervals.map((iv, j) => (j === i ? [v, iv[1]] : iv)),
                        )
                      }
                    />
                    <span aria-hidden="true">–</span>
                    <TimeField
                      label={t('window.toOf', { day: name, n: i + 1 })}
                      hideLabel
                      className="cw__time"
                      value={to}
                      required
                      disabled={disabled}
                      invalid={Boolean(error)}
                      describedBy={error ? errorId : undefined}
                      onChange={(v) =>
                        setDay(
                          day,
                          intervals.map((iv, j) => (j === i ? [iv[0], v] : iv)),
                        )
                      }
                    />
                    <Button
                      size="sm"
                      variant="ghost"
                      aria-label={t('window.removeOf', { day: name, n: i + 1 })}
                      onClick={() =>
                        setDay(
                          day,
                          intervals.filter((_, j) => j !== i),
                        )
                      }
                    >
                      ×
                    </Button>
                  </span>
                ))}
                {open && intervals.length < MAX_INTERVALS && (
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={t('window.addOf', { day: name })}
                    onClick={() => setDay(day, [...intervals, ['14:00', '18:00']])}
                  >
                    {t('window.add')}
                  </Button>
                )}
              </div>
              {error && (
                <p className="ui-field__error cw__error" id={errorId}>
                  {t(`window.errors.${error}`)}
                </p>
              )}
            </div>
          );
        })}
      </div>
      <label className="cw__holidays">
        <input
          type="checkbox"
          checked={value.excludeNationalHolidays}
          onChange={(e) => onChange({ ...value, excludeNationalHolidays: e.target.checked })}
        />
        <span>{t('window.holidays')}</span>
      </label>
      <div>
        <Button size="sm" onClick={() => onChange(structuredClone(DEFAULT_CALLING_WINDOW))}>
          {t('window.reset')}
        </Button>
      </div>
    </fieldset>
  );
}
