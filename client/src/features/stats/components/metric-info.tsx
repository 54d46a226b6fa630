import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A metric's definition on hover or keyboard focus: a small "i" button described by a tooltip (role="tooltip"),
 * dismissed with Escape. The definition is also the button's accessible description, so screen readers hear it.
 */
export function MetricInfo({ label, definition }: { label: string; definition: string }) {
  const { t } = useTranslation('stats');
  const id = useId();
  const [open, setOpen] = useState(false);
  return (
    <span className="stats-info" onMouseEnter={() => setOpen(true)} onMouseLeave={() => setOpen(false)}>
      <button
        type="button"
        className="stats-info__button"
        aria-label={t('info', { metric: label })}
        aria-describedby={id}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setOpen(false);
        }}
      >
        i
      </button>
      <span role="tooltip" id={id} className={open ? 'stats-info__tip stats-info__tip--open' : 'stats-info__tip'}>
        {definition}
      </span>
    </span>
  );
}
