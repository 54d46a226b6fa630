import { useId, type ReactNode } from 'react';
import { cx } from './class-names';

type PanelProps = {
  title: string;
  /** Heading level inside the page outline; pages own the h1. */
  level?: 2 | 3;
  actions?: ReactNode;
  className?: string;
  children?: ReactNode;
};

/** A titled region: landmarks by heading, so screen-reader users can jump between panels. */
export function Panel({ title, level = 2, actions, className, children }: PanelProps) {
  const headingId = useId();
  const Heading = level === 2 ? 'h2' : 'h3';
  return (
    <section className={cx('ui-panel', className)} aria-labelledby={headingId}>
      <header className="ui-panel__header">
        <Heading id={headingId} className="ui-panel__title">
          {title}
        </Heading>
        {actions && <div className="ui-panel__actions">{actions}</div>}
      </header>
      <div className="ui-panel__body">{children}</div>
    </section>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <p className="ui-empty">{children}</p>;
}
