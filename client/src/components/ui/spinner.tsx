import { cx } from './class-names';

type SpinnerProps = {
  /** Announced to assistive technology; omit only when `decorative`. */
  label?: string;
  size?: 'sm' | 'md' | 'lg';
  decorative?: boolean;
};

export function Spinner({ label, size = 'md', decorative = false }: SpinnerProps) {
  if (decorative) return <span className={cx('ui-spinner', `ui-spinner--${size}`)} aria-hidden="true" />;
  return (
    <span role="status" className="ui-spinner-wrap">
      <span className={cx('ui-spinner', `ui-spinner--${size}`)} aria-hidden="true" />
      {label && <span className="visually-hidden">{label}</span>}
    </span>
  );
}

/** A full-area loading state for pages and panels. */
export function LoadingState({ label }: { label: string }) {
  return (
    <div className="ui-loading">
      <Spinner size="lg" label={label} />
    </div>
  );
}

export function Skeleton({ lines = 3 }: { lines?: number }) {
  return (
    <div className="ui-skeleton" aria-hidden="true">
      {Array.from({ length: lines }, (_, i) => (
        <span key={i} className="ui-skeleton__line" />
      ))}
    </div>
  );
}
