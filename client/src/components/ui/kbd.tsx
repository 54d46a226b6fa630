import './kbd.css';
import { cx } from './class-names';

/** A keyboard shortcut shown next to the action it triggers; the key is also named for screen readers by the caller. */
export function Kbd({ children, className }: { children: string; className?: string }) {
  return (
    <kbd className={cx('ui-kbd', className)} aria-hidden="true">
      {children}
    </kbd>
  );
}
