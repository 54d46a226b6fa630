import type { ReactNode } from 'react';
import { cx } from './class-names';

type BadgeProps = { tone?: 'neutral' | 'info' | 'success' | 'warning' | 'danger'; children: ReactNode };

export function Badge({ tone = 'neutral', children }: BadgeProps) {
  return <span className={cx('ui-badge', `ui-badge--${tone}`)}>{children}</span>;
}
