import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { CAMPAIGN_STATUSES, CONTACT_STATUSES, type CampaignStatusValue } from '@valore/shared/schemas/campaigns';
import { Alert } from '../../../components/ui/alert';
import { Select } from '../../../components/ui/select';
import { Skeleton } from '../../../components/ui/spinner';
import { useTRPC } from '../../../lib/trpc';
import { formatCount, useErrorText, useLang } from '../format';
import { Period, RegistryCheck, StatusBadge } from './campaign-bits';

/** Every campaign the user manages, with its contacts per status and its registry check. */
export function CampaignList() {
  const trpc = useTRPC();
  const { t } = useTranslation('campaigns');
  const { lang, locale } = useLang();
  const errorText = useErrorText();
  const [status, setStatus] = useState<CampaignStatusValue | ''>('');
  const list = useQuery(trpc.campaigns.list.queryOptions(status === '' ? {} : { status }));
  const catalogue = useQuery(trpc.scripts.catalogue.queryOptions());
  const productName = (code: string) => catalogue.data?.find((p) => p.code === code)?.name[lang] ?? code;

  return (
    <div className="campaign-list">
      <div className="campaign-list__tools">
        <Select
          inline
          label={t('list.filter')}
          value={status}
          onChange={(e) => setStatus(e.target.value as CampaignStatusValue | '')}
          options={[
            { value: '', label: t('list.allStatuses') },
            ...CAMPAIGN_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) })),
          ]}
        />
      </div>
      {list.isPending && <Skeleton lines={4} />}
      {list.isError && <Alert tone="error">{errorText(list.error)}</Alert>}
      {list.isSuccess && list.data.length === 0 && <p className="ui-empty">{t('list.empty')}</p>}
      {list.isSuccess && list.data.length > 0 && (
        <div className="campaign-table__scroll" tabIndex={0} role="region" aria-label={t('list.caption')}>
          <table className="campaign-table">
            <caption className="visually-hidden">{t('list.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('fields.name')}</th>
                <th scope="col">{t('fields.businessUnit')}</th>
                <th scope="col">{t('fields.product')}</th>
                <th scope="col">{t('fields.period')}</th>
                <th scope="col">{t('fields.status')}</th>
                <th scope="col" className="campaign-table__num">
                  {t('contacts.total')}
                </th>
                {CONTACT_STATUSES.map((s) => (
                  <th scope="col" className="campaign-table__num" key={s}>
                    {t(`contacts.${s}`)}
                  </th>
                ))}
                <th scope="col">{t('list.registryColumn')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((c) => (
                <tr key={c.id} data-testid={`campaign-row-${c.id}`}>
                  <th scope="row" className="campaign-table__name">
                    <Link to="/campaigns/$campaignId" params={{ campaignId: String(c.id) }}>
                      {c.name}
                    </Link>
                  </th>
                  <td>{c.businessUnit}</td>
                  <td>{productName(c.productCode)}</td>
                  <td className="campaign-table__nowrap">
                    <Period campaign={c} compact />
                  </td>
                  <td>
                    <StatusBadge status={c.status} />
                  </td>
                  <td className="campaign-table__num">{formatCount(locale, c.contacts.total)}</td>
                  {CONTACT_STATUSES.map((s) => (
                    <td className="campaign-table__num" key={s}>
                      {formatCount(locale, c.contacts[s])}
                    </td>
                  ))}
                  <td className="campaign-table__registry">
                    <RegistryCheck campaign={c} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
