import './date-field.css';
import {
  parseDate,
  parseTime,
  toCalendarDate,
  type CalendarDate,
  type DateValue,
  type Time,
} from '@internationalized/date';
import { useMemo, type KeyboardEvent, type ReactNode } from 'react';
import {
  DateField as AriaDateField,
  DateInput,
  DateSegment,
  FieldError,
  I18nProvider,
  Label,
  Text,
  TimeField as AriaTimeField,
  type ValidationResult,
} from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { cx } from './class-names';
import { localeOf } from '../../lib/lang';

/** The props both fields share; values are exchanged as ISO strings so callers keep their data shapes. */
export type DateTimeFieldProps = {
  label: string;
  /** `YYYY-MM-DD` (DateField) or `HH:MM` (TimeField), '' when empty */
  value: string;
  /** Called with a complete ISO value, or '' when the field is cleared or left incomplete. */
  onChange: (value: string) => void;
  /** Inclusive bounds, same format as `value`; a value outside is shown invalid with the reason. */
  min?: string;
  max?: string;
  /** A message from the caller (the server's, a cross-field rule); shown as the field's error. */
  error?: string | null;
  hint?: ReactNode;
  required?: boolean;
  disabled?: boolean;
  /** Submitted with a surrounding form under this name, as an ISO value. */
  name?: string;
  className?: string;
  /** Marks the field invalid without a message of its own (the caller shows one message for several fields). */
  invalid?: boolean;
  /** The id of a message elsewhere that describes this field. */
  describedBy?: string;
  /** Visually hides the label (it stays for screen readers), for compact toolbars. */
  hideLabel?: boolean;
};

export type DateFieldProps = DateTimeFieldProps & {
  /** Days that cannot be chosen (a closed day); typed anyway, the field says the day is unavailable. */
  isDateUnavailable?: (iso: string) => boolean;
};

/** The app's two languages; English reads day/month/year like the rest of the UI (en-GB). */
function useLocale(): string {
  const { i18n } = useTranslation();
  return localeOf(i18n);
}

function safe<T>(parse: (s: string) => T, value: string | undefined): T | null {
  if (!value) return null;
  try {
    return parse(value);
  } catch {
    return null;
  }
}

/**
 * react-aria makes each segment a tab stop; here Tab (and Shift+Tab) leaves the field in one step: the segments are
 * taken out of the tab order for the moment of the key, so the browser's own Tab moves to the next (or previous)
 * field, and put back as the segment loses focus (the browser has chosen the next field by then; a timer could run
 * after the next key, as Chromium serves input before timers). The arrow keys move between segments. Enter submits the surrounding form, as in a text field
 * (segments are not inputs, so the browser would not).
 */
function onFieldKeyDown(event: KeyboardEvent<HTMLDivElement>) {
  const target = event.target as HTMLElement;
  if (target.getAttribute('role') !== 'spinbutton' || event.nativeEvent.isComposing) return;
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.key === 'Tab') {
    const segments = [...event.currentTarget.querySelectorAll<HTMLElement>('[role="spinbutton"][tabindex="0"]')];
    for (const segment of segments) segment.tabIndex = -1;
    const restore = () => {
      for (const segment of segments) segment.tabIndex = 0;
    };
    target.addEventListener('blur', restore, { once: true });
    setTimeout(restore); // Tab went nowhere (nothing blurred)
    return;
  }
  if (event.key === 'Enter' && !event.shiftKey) {
    const form = target.closest('form');
    if (!form) return;
    event.preventDefault();
    form.requestSubmit();
  }
}

function Segments() {
  return (
    <DateInput className="ui-date-input">
      {(segment) => <DateSegment segment={segment} className="ui-date-input__segment" />}
    </DateInput>
  );
}

type Bounds = { kind: 'date' | 'time'; min?: string; max?: string };

/** The field's own message in the app's language (react-aria's follow the browser's language, not the app's). */
function useMessage({ kind, min, max }: Bounds) {
  const { t } = useTranslation();
  const locale = useLocale();
  const day = (iso?: string) =>
    iso
      ? new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' }).format(
          new Date(`${iso}T00:00:00Z`),
        )
      : '';
  return ({ validationDetails: v }: ValidationResult): string => {
    if (v.rangeUnderflow)
      return kind === 'date'
        ? t('dateField.notBefore', { date: day(min) })
        : t('dateField.timeNotBefore', { time: min });
    if (v.rangeOverflow)
      return kind === 'date' ? t('dateField.notAfter', { date: day(max) }) : t('dateField.timeNotAfter', { time: max });
    if (v.badInput) return t('dateField.unavailable');
    if (v.valueMissing) return t('dateField.required');
    return '';
  };
}

function FieldParts({
  label,
  hint,
  error,
  hideLabel,
  ...bounds
}: Pick<DateTimeFieldProps, 'label' | 'hint' | 'error' | 'hideLabel'> & Bounds) {
  const message = useMessage(bounds);
  return (
    <>
      <Label className={cx('ui-field__label', hideLabel && 'visually-hidden')}>{label}</Label>
      {hint ? (
        <Text slot="description" className="ui-field__hint">
          {hint}
        </Text>
      ) : null}
      <Segments />
      {/* the caller's message when given, otherwise why the value is refused (min/max, a closed day, required) */}
      <FieldError className="ui-field__error">{(validation) => error ?? message(validation)}</FieldError>
    </>
  );
}

/** A locale-aware date (dd/mm/yyyy in Italian and English), typed segment by segment; the value is `YYYY-MM-DD`. */
export function DateField({
  label,
  value,
  onChange,
  min,
  max,
  error,
  hint,
  required,
  disabled,
  name,
  className,
  hideLabel,
  invalid,
  describedBy,
  isDateUnavailable,
}: DateFieldProps) {
  const locale = useLocale();
  const unavailable = useMemo(
    () => (isDateUnavailable ? (date: DateValue) => isDateUnavailable(toCalendarDate(date).toString()) : undefined),
    [isDateUnavailable],
  );
  return (
    <I18nProvider locale={locale}>
      <div className="ui-date-field" onKeyDownCapture={onFieldKeyDown}>
        <AriaDateField<CalendarDate>
          className={({ isInvalid }) => cx('ui-field', isInvalid && 'ui-field--invalid', className)}
          value={safe(parseDate, value)}
          onChange={(date) => onChange(date ? date.toString() : '')}
          minValue={safe(parseDate, min) ?? undefined}
          maxValue={safe(parseDate, max) ?? undefined}
          isDateUnavailable={unavailable}
          isInvalid={error || invalid ? true : undefined}
          aria-describedby={describedBy}
          isRequired={required}
          isDisabled={disabled}
          name={name}
          granularity="day"
          shouldForceLeadingZeros
          validationBehavior="aria"
        >
          <FieldParts kind="date" label={label} hint={hint} error={error} hideLabel={hideLabel} min={min} max={max} />
        </AriaDateField>
      </div>
    </I18nProvider>
  );
}

/** A 24-hour time of day (hh:mm), typed segment by segment; the value is `HH:MM`. */
export function TimeField({
  label,
  value,
  onChange,
  min,
  max,
  error,
  hint,
  required,
  disabled,
  name,
  className,
  hideLabel,
  invalid,
  describedBy,
}: DateTimeFieldProps) {
  const locale = useLocale();
  return (
    <I18nProvider locale={locale}>
      <div className="ui-date-field" onKeyDownCapture={onFieldKeyDown}>
        <AriaTimeField<Time>
          className={({ isInvalid }) => cx('ui-field', isInvalid && 'ui-field--invalid', className)}
          value={safe(parseTime, value)}
          onChange={(time) => onChange(time ? time.toString().slice(0, 5) : '')}
          minValue={safe(parseTime, min) ?? undefined}
          maxValue={safe(parseTime, max) ?? undefined}
          isInvalid={error || invalid ? true : undefined}
          aria-describedby={describedBy}
          isRequired={required}
          isDisabled={disabled}
          name={name}
          hourCycle={24}
          shouldForceLeadingZeros
          validationBehavior="aria"
        >
          <FieldParts kind="time" label={label} hint={hint} error={error} hideLabel={hideLabel} min={min} max={max} />
        </AriaTimeField>
      </div>
    </I18nProvider>
  );
}
