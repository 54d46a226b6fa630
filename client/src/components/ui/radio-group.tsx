import './radio-group.css';
import { useId, type ReactNode, type Ref } from 'react';
import { cx } from './class-names';

export type RadioOption = { value: string; label: ReactNode; description?: ReactNode; disabled?: boolean };

type RadioGroupProps = {
  legend: string;
  /** Hides the legend visually (it stays for screen readers). */
  hideLegend?: boolean;
  options: readonly RadioOption[];
  value: string | null;
  onChange: (value: string) => void;
  name?: string;
  className?: string;
  /** Receives the first focusable radio (the checked one, or the first enabled one). */
  firstRef?: Ref<HTMLInputElement>;
  layout?: 'stack' | 'row';
};

/** Native radios in a fieldset: arrow keys move and select, Tab leaves the group, as users expect. */
export function RadioGroup({
  legend,
  hideLegend = false,
  options,
  value,
  onChange,
  name,
  className,
  firstRef,
  layout = 'stack',
}: RadioGroupProps) {
  const generated = useId();
  const groupName = name ?? generated;
  const focusTarget = options.find((o) => o.value === value && !o.disabled) ?? options.find((o) => !o.disabled);
  return (
    <fieldset className={cx('ui-radio-group', `ui-radio-group--${layout}`, className)}>
      <legend className={cx('ui-radio-group__legend', hideLegend && 'visually-hidden')}>{legend}</legend>
      <div className="ui-radio-group__options">
        {options.map((option) => {
          const id = `${groupName}-${option.value}`;
          return (
            <label
              key={option.value}
              htmlFor={id}
              className={cx(
                'ui-radio',
                option.value === value && 'ui-radio--checked',
                option.disabled && 'ui-radio--disabled',
              )}
            >
              <input
                ref={option === focusTarget ? firstRef : undefined}
                id={id}
                type="radio"
                name={groupName}
                value={option.value}
                checked={option.value === value}
                disabled={option.disabled}
                onChange={() => onChange(option.value)}
              />
              <span className="ui-radio__text">
                <span className="ui-radio__label">{option.label}</span>
                {option.description && <span className="ui-radio__description">{option.description}</span>}
              </span>
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}
