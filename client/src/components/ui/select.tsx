import { useId, type Ref, type SelectHTMLAttributes } from 'react';
import { cx } from './class-names';

export type SelectOption = { value: string; label: string; disabled?: boolean };

type SelectProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id' | 'children'> & {
  label: string;
  options: readonly SelectOption[];
  hint?: string;
  /** Keeps the label for screen readers only, for compact toolbars. */
  hideLabel?: boolean;
  inline?: boolean;
  ref?: Ref<HTMLSelectElement>;
};

export function Select({
  label,
  options,
  hint,
  hideLabel = false,
  inline = false,
  className,
  ref,
  ...select
}: SelectProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div className={cx('ui-field', inline && 'ui-field--inline', className)}>
      <label className={cx('ui-field__label', hideLabel && 'visually-hidden')} htmlFor={id}>
        {label}
      </label>
      <select ref={ref} id={id} className="ui-select" aria-describedby={hintId} {...select}>
        {options.map((option) => (
          <option key={option.value} value={option.value} disabled={option.disabled}>
            {option.label}
          </option>
        ))}
      </select>
      {hint && (
        <p className="ui-field__hint" id={hintId}>
          {hint}
        </p>
      )}
    </div>
  );
}
