import { useEffect, useState } from 'react';
import { cx } from './class-names';
import type * as DateFieldModule from './date-field-impl';
import type { DateFieldProps, DateTimeFieldProps } from './date-field-impl';

export type { DateFieldProps, DateTimeFieldProps } from './date-field-impl';

type Impl = typeof DateFieldModule;

let impl: Impl | null = null;
let loading: Promise<Impl> | null = null;

/**
 * The date and time fields (react-aria) live in their own chunk, fetched the first time a page shows one, so the
 * operator console's first screen does not carry them. The console calls this when a contact opens, so the follow-up
 * form works even if the connection drops later in the call.
 */
export function preloadDateFields(): Promise<Impl> {
  loading ??= import('./date-field-impl').then(
    (module) => (impl = module),
    (error: unknown) => {
      loading = null; // offline: the next field to mount tries again
      throw error;
    },
  );
  return loading;
}

function useImpl(): Impl | null {
  const [loaded, setLoaded] = useState(impl);
  useEffect(() => {
    if (loaded) return;
    let live = true;
    preloadDateFields().then(
      (module) => live && setLoaded(module),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [loaded]);
  return loaded;
}

/** Shown for the moment the chunk loads: the label and an empty box of the field's size, so nothing moves. */
function Placeholder({ label, hideLabel, className }: Pick<DateTimeFieldProps, 'label' | 'hideLabel' | 'className'>) {
  return (
    <div className={cx('ui-field', className)} aria-busy="true">
      <span className={cx('ui-field__label', hideLabel && 'visually-hidden')}>{label}</span>
      <span className="ui-date-input ui-date-input--loading" />
    </div>
  );
}

/** A locale-aware date field (dd/mm/yyyy); value `YYYY-MM-DD`. See date-field-impl.tsx. */
export function DateField(props: DateFieldProps) {
  const loaded = useImpl();
  return loaded ? <loaded.DateField {...props} /> : <Placeholder {...props} />;
}

/** A 24-hour time field (hh:mm); value `HH:MM`. See date-field-impl.tsx. */
export function TimeField(props: DateTimeFieldProps) {
  const loaded = useImpl();
  return loaded ? <loaded.TimeField {...props} /> : <Placeholder {...props} />;
}
