import { useMutation, useQuery } from '@tanstack/react-query';
import type { CustomerCard as Card, REVEALABLE_FIELDS } from '@valore/shared/schemas/customers';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../../components/ui/alert';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { EmptyState, Panel } from '../../../components/ui/panel';
import { Skeleton } from '../../../components/ui/spinner';
import { errorHttpStatus, errorMessageKey } from '../../../lib/errors';
import { useTRPC } from '../../../lib/trpc';
import { birthDateText, maskedBirthDate } from '../birth-date';
import { useFormat } from '../format';
import { useConsole } from '../hooks/console-store';
import { BreakGlassDialog } from './break-glass-dialog';
import { CustomerHistory } from './customer-history';

type Field = (typeof REVEALABLE_FIELDS)[number];

/** The screen pop: who is on the line, what they hold, their consents and their history. Personal data masked. */
export function CustomerCardPanel() {
  const { t } = useTranslation('console');
  const trpc = useTRPC();
  const { draft, lastResult } = useConsole();
  const customerId = draft ? draft.customerId : (lastResult?.customerId ?? null);
  const card = useQuery({
    ...trpc.customers.card.queryOptions({ customerId: customerId ?? 0 }),
    enabled: customerId !== null,
  });
  return (
    <Panel title={t('card.title')} className="grid__customer">
      {customerId === null ? (
        <EmptyState>{draft ? t('card.unknown', { name: draft.customerName ?? '' }) : t('card.empty')}</EmptyState>
      ) : card.isPending ? (
        <Skeleton lines={6} />
      ) : card.isError ? (
        errorHttpStatus(card.error) === 403 ? (
          <NotHandling customerId={customerId} />
        ) : (
          <Alert tone="error">{t(errorMessageKey(card.error), { ns: 'translation' })}</Alert>
        )
      ) : (
        <CardBody key={card.data.id} card={card.data} />
      )}
    </Panel>
  );
}

/** The server refused the card: the operator is not handling this customer (customers/access-policy.ts). */
function NotHandling({ customerId }: { customerId: number }) {
  const { t } = useTranslation('console');
  const [asking, setAsking] = useState(false);
  return (
    <div className="card-refused">
      <Alert tone="warning">{t('card.notHandling')}</Alert>
      <Button variant="secondary" onClick={() => setAsking(true)}>
        {t('card.breakGlass')}
      </Button>
      {asking && <BreakGlassDialog customerId={customerId} onClose={() => setAsking(false)} />}
    </div>
  );
}

function CardBody({ card }: { card: Card }) {
  const { t } = useTranslation('console');
  const fmt = useFormat();
  const { products, draft } = useConsole();
  const productName = (code: string) => products.find((p) => p.code === code)?.name[fmt.lang] ?? code;
  const marketing = card.consents.find((c) => c.purpose === 'marketing');
  // a proposal on a call is a phone proposal: only a consent for the phone, given now, changes the badge
  const grantedNow =
    draft?.customerId === card.id && draft.events.some((e) => e.type === 'consent.granted' && e.channel === 'phone');
  const withdrawnNow = draft?.customerId === card.id && draft.events.some((e) => e.type === 'customer.opted_out');

  return (
    <div className="card">
      <div className="card__who">
        <p className="card__name">
          {card.firstName} {card.lastName}
        </p>
        <p className="card__where">
          {card.city} · {card.provinceName} ({card.provinceCode})
        </p>
      </div>

      <dl className="details">
        <Masked customerId={card.id} field="phone" label={t('card.phone')} masked={card.phoneMasked} />
        <Masked customerId={card.id} field="taxCode" label={t('card.taxCode')} masked={card.taxCodeMasked} />
        <Masked customerId={card.id} field="email" label={t('card.email')} masked={card.emailMasked} />
        <Masked
          customerId={card.id}
          field="birthDate"
          label={t('card.birthDate')}
          masked={maskedBirthDate(card.birthYear, fmt.lang)}
          format={(day) => birthDateText(day, fmt.lang)}
        />
      </dl>

      <section className="card__section" aria-label={t('card.consents')}>
        <h3 className="card__heading">{t('card.consents')}</h3>
        <ul className="card__badges">
          <li>
            {withdrawnNow ? (
              <Badge tone="danger">{t('card.marketingWithdrawnNow')}</Badge>
            ) : grantedNow ? (
              <Badge tone="info">{t('card.marketingGrantedNow')}</Badge>
            ) : card.marketingConsent ? (
              <Badge tone="success">{t('card.marketingYes')}</Badge>
            ) : (
              <Badge tone="warning">{t('card.marketingNo')}</Badge>
            )}
          </li>
          {card.consents
            .filter((c) => c.purpose === 'marketing' && c.channel !== 'any' && c.channel !== 'phone')
            .map((c) => (
              <li key={`marketing-${c.channel}`}>
                <Badge tone={c.granted ? 'success' : 'neutral'}>
                  {t('card.marketingChannel', {
                    channel: c.channel === 'email' ? t('channels.email') : t('channels.sms'),
                  })}
                  : {c.granted ? t('card.yes') : t('card.no')}
                </Badge>
              </li>
            ))}
          {card.consents
            .filter((c) => c.purpose !== 'marketing')
            .map((c) => (
              <li key={c.purpose}>
                <Badge tone={c.granted ? 'success' : 'neutral'}>
                  {t(`card.purpose.${c.purpose}`)}: {c.granted ? t('card.yes') : t('card.no')}
                </Badge>
              </li>
            ))}
          {card.onOptOutRegistry && (
            <li>
              <Badge tone="danger">{t('card.optOutRegistry')}</Badge>
            </li>
          )}
        </ul>
        {marketing && (
          <p className="card__meta">
            {t('card.consentSince', { date: fmt.date(marketing.recordedAt), source: marketing.source })}
          </p>
        )}
      </section>

      <section className="card__section" aria-label={t('card.holdings')}>
        <h3 className="card__heading">{t('card.holdings')}</h3>
        {card.holdings.length === 0 ? (
          <p className="card__meta">{t('card.noHoldings')}</p>
        ) : (
          <ul className="card__list">
            {card.holdings.map((h) => (
              <li key={h.productCode}>
                <span>{productName(h.productCode)}</span>
                <span className="card__meta">{t('card.since', { date: fmt.date(h.since) })}</span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <CustomerHistory customerId={card.id} productName={productName} />
    </div>
  );
}

/** A masked value with a button that reveals it (the server audits each reveal). */
function Masked({
  customerId,
  field,
  label,
  masked,
  format = (value) => value,
}: {
  customerId: number;
  field: Field;
  label: string;
  masked: string | null;
  /** how a revealed value reads (a date of birth in the operator's language) */
  format?: (value: string) => string;
}) {
  const { t } = useTranslation('console');
  const trpc = useTRPC();
  const [shown, setShown] = useState<string | null>(null);
  const reveal = useMutation(
    trpc.customers.reveal.mutationOptions({ onSuccess: (r) => setShown(r.value === null ? '—' : format(r.value)) }),
  );
  return (
    <div className="details__row">
      <dt>{label}</dt>
      <dd className="masked">
        <span className={shown ? 'masked__value is-revealed' : 'masked__value'}>{shown ?? masked ?? '—'}</span>
        {masked !== null &&
          (shown ? (
            <Button
              size="sm"
              variant="ghost"
              onClick={() => setShown(null)}
              aria-label={t('card.hideField', { field: label })}
            >
              {t('card.hide')}
            </Button>
          ) : (
            <Button
              size="sm"
              variant="ghost"
              busy={reveal.isPending}
              onClick={() => reveal.mutate({ customerId, field })}
              aria-label={t('card.revealField', { field: label })}
            >
              {t('card.reveal')}
            </Button>
          ))}
        {reveal.isError && (
          <span className="ui-field__error">{t(errorMessageKey(reveal.error), { ns: 'translation' })}</span>
        )}
      </dd>
    </div>
  );
}
