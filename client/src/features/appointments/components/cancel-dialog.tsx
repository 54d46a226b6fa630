import { useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { SiteAppointment } from '@valore/shared/schemas/appointments';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { useModalDialog } from '../../../components/ui/modal-dialog';
import { formatDateTime, useLang } from '../format';

type Props = {
  appointment: SiteAppointment;
  busy: boolean;
  error: string | null;
  onConfirm: () => void;
  /** The dialog closed (the "keep" button, Escape). */
  onClose: () => void;
};

/**
 * Asks before a cancellation, which cannot be undone (the seat may be taken at once). A modal <dialog>: the browser
 * keeps focus inside and Escape closes it; the safe choice has the focus when it opens.
 */
export function CancelDialog({ appointment, busy, error, onConfirm, onClose }: Props) {
  const { t } = useTranslation('appointments');
  const { lang, locale } = useLang();
  const keep = useRef<HTMLButtonElement>(null);
  const dialog = useModalDialog(onClose, keep);
  const titleId = useId();
  const descriptionId = useId();

  return (
    <dialog
      {...dialog.props}
      className="appointment-dialog"
      aria-labelledby={titleId}
      aria-describedby={descriptionId}
      data-testid="cancel-dialog"
    >
      <div className="appointment-dialog__body">
        <h2 id={titleId} className="appointment-dialog__title">
          {t('cancelDialog.title')}
        </h2>
        <div id={descriptionId}>
          <p className="appointment-dialog__what">
            {t('cancelDialog.what', { customer: appointment.customerName, product: appointment.productName[lang] })}
          </p>
          <p>
            {t('cancelDialog.where', {
              office: `${appointment.officeName} (${appointment.officeCity})`,
              when: formatDateTime(locale, appointment.startsAt),
            })}
          </p>
          <p className="appointment-dialog__consequence">{t('cancelDialog.consequence')}</p>
        </div>
        {error && <Alert tone="error">{error}</Alert>}
        <div className="appointment-dialog__buttons">
          <Button variant="danger" busy={busy} onClick={onConfirm}>
            {t('cancelDialog.confirm')}
          </Button>
          <Button ref={keep} variant="ghost" onClick={onClose}>
            {t('cancelDialog.keep')}
          </Button>
        </div>
      </div>
    </dialog>
  );
}
