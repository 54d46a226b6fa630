import type { ReactNode } from 'react';
import { cx } from './class-names';

type AlertProps = {
  tone?: 'error' | 'warning' | 'info' | 'success';
  title?: string;
  className?: string;
  children: ReactNode;
};

/**
 * Errors interrupt (role="alert"); other tones are polite status messages.
 * Render it only when there is something to say, so the insertion is announced.
 */
export function Alert({ tone = 'info', title, className, children }: AlertProps) {
  return (
    <div className={cx('ui-alert', `ui-alert--${tone}`, className)} role={tone === 'error' ? 'alert' : 'status'}>
      {title && <p className="ui-alert__title">{title}</p>}
      <div className="ui-alert__body">{children}</div>
    </div>
  );
}
