import { useEffect, useEffectEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/ui/button';
import { Kbd } from '../../../components/ui/kbd';
import { useModalDialog } from '../../../components/ui/modal-dialog';
import { isTypingTarget } from '../format';

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;
const LETTERS = [
  ['N', 'keys.n'],
  ['A', 'keys.a'],
  ['R', 'keys.r'],
  ['/', 'keys.slash'],
  ['Esc', 'keys.esc'],
  ['?', 'keys.help'],
] as const;

/**
 * The console's keys in one list, opened with `?` (or its button): the digits mean the same choice in every flow and
 * step (shared/flows/event-names.ts CHOICE_KEYS), so the list is short and never changes.
 */
export function KeyboardHelp() {
  const { t } = useTranslation('console');
  const [open, setOpen] = useState(false);
  const onKey = useEffectEvent((event: KeyboardEvent) => {
    if (event.key !== '?' || event.ctrlKey || event.metaKey || event.altKey || isTypingTarget(event.target)) return;
    event.preventDefault();
    setOpen(true);
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKey(event);
    document.addEventListener('keydown', listener);
    return () => document.removeEventListener('keydown', listener);
  }, []);
  return (
    <>
      <Button size="sm" variant="ghost" aria-keyshortcuts="?" onClick={() => setOpen(true)}>
        {t('keys.open')}
      </Button>
      {open && <KeyboardHelpDialog onClose={() => setOpen(false)} />}
    </>
  );
}

function KeyboardHelpDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation('console');
  const closeRef = useRef<HTMLButtonElement>(null);
  const dialog = useModalDialog(onClose, closeRef);
  return (
    <dialog {...dialog.props} className="keyboard-help" aria-labelledby="keyboard-help-title">
      <h2 id="keyboard-help-title">{t('keys.title')}</h2>
      <dl className="keyboard-help__list">
        {DIGITS.map((d) => (
          <div key={d}>
            <dt>
              <Kbd>{d}</Kbd>
            </dt>
            <dd>{t(`keys.k${d}`)}</dd>
          </div>
        ))}
        {LETTERS.map(([key, label]) => (
          <div key={key}>
            <dt>
              <Kbd>{key}</Kbd>
            </dt>
            <dd>{t(label)}</dd>
          </div>
        ))}
      </dl>
      <Button ref={closeRef} onClick={onClose}>
        {t('keys.close')}
      </Button>
    </dialog>
  );
}
