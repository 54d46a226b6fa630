import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { LeadPipelineOptions, LeadPipelineRow } from '@valore/shared/schemas/lead-pipeline';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Select } from '../../../components/ui/select';
import { useModalDialog } from '../../../components/ui/modal-dialog';
import { useTRPC } from '../../../lib/trpc';
import { formatDateTime, useErrorText, useLang, useRequestId } from '../format';

type Props = {
  lead: LeadPipelineRow;
  operators: LeadPipelineOptions['operators'];
  /** The dialog closed (cancel, Escape). */
  onClose: () => void;
  /** The lead was reassigned; the caller takes the dialog away. */
  onDone: (row: LeadPipelineRow) => void;
};

/**
 * Hands an open lead to another active operator of its site. A modal <dialog>: the browser keeps focus inside, Escape
 * closes it; the change happens only on the explicit confirm, after the dialog has said what it will do.
 */
export function ReassignDialog({ lead, operators, onClose, onDone }: Props) {
  const { t } = useTranslation('leads');
  const { lang, locale } = useLang();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const errorText = useErrorText();
  const requestId = useRequestId();
  const dialog = useModalDialog(onClose);
  const titleId = useId();
  const descriptionId = useId();
  const [ownerId, setOwnerId] = useState('');

  const reassign = useMutation(
    trpc.leads.reassign.mutationOptions({
      onSuccess: (row) => {
        requestId.done();
        void queryClient.invalidateQueries(trpc.leads.pathFilter());
        onDone(row);
      },
    }),
  );

  const candidates = operators.filter((o) => o.active && o.siteId === lead.siteId && o.id !== lead.owner?.userId);
  const chosen = candidates.find((o) => String(o.id) === ownerId);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!chosen) return;
    const payload = { leadId: lead.id, ownerId: chosen.id };
    reassign.mutate({ ...payload, requestId: requestId.idFor(payload) });
  };

  return (
    <dialog
      {...dialog.props}
      className="lead-dialog"
      aria-labelledby={titleId}
      aria-describedby={descriptionId}
      data-testid="reassign-dialog"
    >
      <form className="lead-dialog__form" onSubmit={submit}>
        <h2 id={titleId} className="lead-dialog__title">
          {t('reassign.title')}
        </h2>
        <div id={descriptionId} className="lead-dialog__lead">
          <p className="lead-dialog__name">
            {t('reassign.lead', { customer: lead.customerName, product: lead.productName[lang] })}
          </p>
          <p>{t('reassign.currentOwner', { owner: lead.owner?.displayName ?? t('table.noOwner') })}</p>
        </div>
        {candidates.length === 0 ? (
          <p className="ui-empty">{t('reassign.noOperators')}</p>
        ) : (
          <Select
            label={t('reassign.newOwner')}
            value={ownerId}
            onChange={(e) => setOwnerId(e.target.value)}
            options={[
              { value: '', label: t('reassign.choose') },
              ...candidates.map((o) => ({ value: String(o.id), label: o.displayName })),
            ]}
          />
        )}
        <p className="lead-dialog__confirm" aria-live="polite">
          {chosen
            ? t('reassign.confirmText', {
                owner: chosen.displayName,
                when: formatDateTime(locale, lead.followUpAt),
              })
            : ''}
        </p>
        {reassign.isError && <Alert tone="error">{errorText(reassign.error)}</Alert>}
        <div className="lead-dialog__buttons">
          <Button type="submit" variant="primary" disabled={!chosen} busy={reassign.isPending}>
            {t('reassign.confirm')}
          </Button>
          <Button variant="ghost" onClick={onClose}>
            {t('reassign.cancel')}
          </Button>
        </div>
      </form>
    </dialog>
  );
}
