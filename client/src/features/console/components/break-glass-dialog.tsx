import { useMutation, useQueryClient } from '@tanstack/react-query';
import { BREAK_GLASS_REASON_MIN } from '@valore/shared/schemas/customers';
import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { useModalDialog } from '../../../components/ui/modal-dialog';
import { errorMessageKey } from '../../../lib/errors';
import { useTRPC } from '../../../lib/trpc';
import './break-glass.css';

type Props = {
  customerId: number;
  /** The dialog closed: cancelled (Escape, "Annulla") or access granted. */
  onClose: () => void;
};

/**
 * Break-glass access to a customer the operator is not handling: a modal <dialog> (focus stays inside, Escape
 * closes it) asking for the reason, which the server records with the access and the admins review. On success the
 * card queries are refetched and open.
 */
export function BreakGlassDialog({ customerId, onClose }: Props) {
  const { t } = useTranslation('console');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const dialog = useModalDialog(onClose, reasonRef);
  const titleId = useId();
  const explainId = useId();
  const hintId = useId();
  const errorId = useId();
  const [reason, setReason] = useState('');
  const [tooShort, setTooShort] = useState(false);
  const open = useMutation(
    trpc.customers.breakGlass.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries(trpc.customers.card.pathFilter()),
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    const text = reason.trim();
    if (text.length < BREAK_GLASS_REASON_MIN) {
      setTooShort(true);
      reasonRef.current?.focus();
      return;
    }
    setTooShort(false);
    open.mutate({ customerId, reason: text }, { onSuccess: () => dialog.ref.current?.close() });
  }

  const error = tooShort ? t('breakGlass.tooShort', { min: BREAK_GLASS_REASON_MIN }) : null;

  return (
    <dialog {...dialog.props} className="break-glass" aria-labelledby={titleId} aria-describedby={explainId}>
      <form className="break-glass__body" onSubmit={submit} noValidate>
        <h2 id={titleId} className="break-glass__title">
          {t('breakGlass.title')}
        </h2>
        <p id={explainId}>{t('breakGlass.explain')}</p>
        <div className={error ? 'ui-field ui-field--invalid' : 'ui-field'}>
          <label className="ui-field__label" htmlFor={`${titleId}-reason`}>
            {t('breakGlass.reason')}
          </label>
          <p className="ui-field__hint" id={hintId}>
            {t('breakGlass.reasonHint')}
          </p>
          <textarea
            id={`${titleId}-reason`}
            ref={reasonRef}
            className="ui-input break-glass__reason"
            maxLength={500}
            required
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${hintId} ${errorId}` : hintId}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          {error && (
            <p className="ui-field__error" id={errorId} role="alert">
              {error}
            </p>
          )}
        </div>
        {open.isError && <Alert tone="error">{t(errorMessageKey(open.error), { ns: 'translation' })}</Alert>}
        <div className="break-glass__buttons">
          <Button type="submit" variant="danger" busy={open.isPending}>
            {t('breakGlass.confirm')}
          </Button>
          <Button type="button" variant="ghost" onClick={() => dialog.ref.current?.close()}>
            {t('breakGlass.cancel')}
          </Button>
        </div>
      </form>
    </dialog>
  );
}
