import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import {
  CAMPAIGN_TRANSITIONS,
  CONTACT_STATUSES,
  type CampaignStatusValue,
  type CampaignSummary,
} from '@valore/shared/schemas/campaigns';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Panel } from '../../../components/ui/panel';
import { LoadingState, Skeleton } from '../../../components/ui/spinner';
import { useTRPC } from '../../../lib/trpc';
import { formatCount, formatDateTime, useErrorText, useLang, useRequestId } from '../format';
import { Period, RegistryCheck, StatusBadge, windowSummary } from './campaign-bits';
import { CampaignContacts } from './campaign-contacts';
import { CampaignForm } from './campaign-form';
import { CsvUpload } from './csv-upload';

export function CampaignDetail({ id }: { id: number }) {
  const trpc = useTRPC();
  const { t } = useTranslation('campaigns');
  const errorText = useErrorText();
  const campaign = useQuery(trpc.campaigns.get.queryOptions({ id }));
  const [editing, setEditing] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);

  if (campaign.isPending) return <LoadingState label={t('loading')} />;
  if (campaign.isError)
    return (
      <Alert tone="error">
        <p>{errorText(campaign.error)}</p>
        <p>
          <Link to="/campaigns" activeOptions={{ exact: true }}>
            {t('detail.back')}
          </Link>
        </p>
      </Alert>
    );
  const c = campaign.data;
  const editable = c.status === 'draft' || c.status === 'paused';

  return (
    <div className="campaign-detail" data-testid="campaign-detail">
      <p>
        <Link to="/campaigns" activeOptions={{ exact: true }}>
          ← {t('detail.back')}
        </Link>
      </p>
      <div className="campaign-detail__head">
        <h2 className="campaign-detail__name" ref={headingRef} tabIndex={-1}>
          {c.name}
        </h2>
        <StatusBadge status={c.status} />
      </div>
      {editing ? (
        <div className="ui-panel campaign-detail__form">
          <CampaignForm
            campaign={c}
            onSaved={() => {
              setEditing(false);
              headingRef.current?.focus();
            }}
            onCancel={() => setEditing(false)}
          />
        </div>
      ) : (
        <div className="grid campaigns-grid">
          <Panel
            title={t('detail.summary')}
            actions={
              editable ? (
                <Button size="sm" onClick={() => setEditing(true)}>
                  {t('detail.edit')}
                </Button>
              ) : undefined
            }
          >
            <Summary campaign={c} />
            {!editable && c.status !== 'closed' && <p className="ui-field__hint">{t('detail.pauseToEdit')}</p>}
            <StatusActions campaign={c} />
          </Panel>
          <Panel title={t('import.title')}>
            {c.status === 'closed' ? <p className="ui-empty">{t('import.closed')}</p> : <ListImport campaign={c} />}
          </Panel>
          <Panel title={t('imports.title')} className="grid__full">
            <PastImports id={c.id} />
          </Panel>
          <Panel title={t('listContacts.title')} className="grid__full">
            <CampaignContacts id={c.id} />
          </Panel>
        </div>
      )}
    </div>
  );
}

function Summary({ campaign: c }: { campaign: CampaignSummary }) {
  const trpc = useTRPC();
  const { t } = useTranslation('campaigns');
  const { lang, locale } = useLang();
  const catalogue = useQuery(trpc.scripts.catalogue.queryOptions());
  const options = useQuery(trpc.stats.options.queryOptions());
  const product = catalogue.data?.find((p) => p.code === c.productCode);
  const siteNames = c.siteIds.map((s) => options.data?.sites.find((x) => x.id === s)?.name ?? `#${s}`);
  return (
    <>
      <dl className="campaign-facts">
        <div>
          <dt>{t('fields.businessUnit')}</dt>
          <dd>{c.businessUnit}</dd>
        </div>
        <div>
          <dt>{t('fields.product')}</dt>
          <dd>{product ? `${product.name[lang]} (${c.productCode})` : c.productCode}</dd>
        </div>
        <div>
          <dt>{t('fields.period')}</dt>
          <dd>
            <Period campaign={c} />
          </dd>
        </div>
        <div>
          <dt>{t('window.legend')}</dt>
          <dd>
            {windowSummary(c.callingWindow, locale) || t('window.none')}
            {c.callingWindow.excludeNationalHolidays && <> · {t('window.noHolidays')}</>}
          </dd>
        </div>
        <div>
          <dt>{t('fields.maxAttempts')}</dt>
          <dd>{formatCount(locale, c.maxAttempts)}</dd>
        </div>
        <div>
          <dt>{t('fields.retryDelayMinutes')}</dt>
          <dd>{t('minutes', { count: c.retryDelayMinutes, n: formatCount(locale, c.retryDelayMinutes) })}</dd>
        </div>
        <div>
          <dt>{t('fields.scriptVersion')}</dt>
          <dd>{c.scriptVersion}</dd>
        </div>
        <div>
          <dt>{t('fields.sites')}</dt>
          <dd>{siteNames.join(', ')}</dd>
        </div>
        <div>
          <dt>{t('fields.registry')}</dt>
          <dd>
            <RegistryCheck campaign={c} />
          </dd>
        </div>
      </dl>
      <dl className="contact-counts" aria-label={t('contacts.title')} data-testid="contact-counts">
        <div>
          <dt>{t('contacts.total')}</dt>
          <dd>{formatCount(locale, c.contacts.total)}</dd>
        </div>
        {CONTACT_STATUSES.map((s) => (
          <div key={s}>
            <dt>{t(`contacts.${s}`)}</dt>
            <dd>{formatCount(locale, c.contacts[s])}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}

type ActionKey = 'actions.activate' | 'actions.discard' | 'actions.pause' | 'actions.close' | 'actions.resume';
const ACTION_KEY: Record<CampaignStatusValue, Partial<Record<CampaignStatusValue, ActionKey>>> = {
  draft: { active: 'actions.activate', closed: 'actions.discard' },
  active: { paused: 'actions.pause', closed: 'actions.close' },
  paused: { active: 'actions.resume', closed: 'actions.close' },
  closed: {},
};

/** draft → active ⇄ paused → closed; the server's refusal (stale registry, a changed state) is shown as it comes. */
function StatusActions({ campaign: c }: { campaign: CampaignSummary }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t } = useTranslation('campaigns');
  const errorText = useErrorText();
  const requestId = useRequestId();
  const [confirmClose, setConfirmClose] = useState(false);
  const [confirmActivate, setConfirmActivate] = useState(false);
  const setStatus = useMutation(
    trpc.campaigns.setStatus.mutationOptions({
      onSuccess: (updated) => {
        requestId.done();
        setConfirmClose(false);
        setConfirmActivate(false);
        // The list is not on screen now, so invalidating only marks it stale: on the way back it would show the old
        // status until its refetch lands (users saw "Bozza" after activating). Put the new row in the cached lists
        // at once, then refetch everything.
        queryClient.setQueriesData<CampaignSummary[]>(trpc.campaigns.list.pathFilter(), (rows) =>
          rows?.map((row) => (row.id === updated.id ? updated : row)),
        );
        queryClient.setQueryData(trpc.campaigns.get.queryKey({ id: updated.id }), updated);
        void queryClient.invalidateQueries(trpc.campaigns.pathFilter());
      },
      // the refusal is shown; asking again starts from the button
      onError: () => setConfirmActivate(false),
    }),
  );
  const targets = CAMPAIGN_TRANSITIONS[c.status];
  if (targets.length === 0) return null;
  const go = (status: CampaignStatusValue) => {
    const payload = { id: c.id, status };
    setStatus.mutate({ requestId: requestId.idFor(payload), ...payload });
  };
  const willActivate = targets.includes('active') && c.registryStale;

  return (
    <div className="status-actions">
      <h3 className="status-actions__title">{t('actions.title')}</h3>
      {willActivate && (
        <Alert tone="warning">
          <p>{t('errors.REGISTRY_STALE')}</p>
        </Alert>
      )}
      {setStatus.isError && (
        <Alert tone="error" title={t('actions.refused')}>
          <p>{errorText(setStatus.error)}</p>
        </Alert>
      )}
      <div className="status-actions__buttons">
        {targets
          .filter((s) => s !== 'closed')
          .map((s) =>
            // activating starts the calls: asked twice, with how many customers it reaches
            s === 'active' && confirmActivate ? (
              <span
                key={s}
                className="status-actions__confirm"
                role="group"
                aria-label={t('actions.confirmActivateTitle')}
              >
                <span>{t('actions.confirmActivate', { count: c.contacts.pending })}</span>
                <Button variant="primary" autoFocus busy={setStatus.isPending} onClick={() => go('active')}>
                  {t('actions.confirmActivateYes')}
                </Button>
                <Button variant="ghost" onClick={() => setConfirmActivate(false)}>
                  {t('form.cancel')}
                </Button>
              </span>
            ) : (
              <Button
                key={s}
                variant={s === 'active' ? 'primary' : 'secondary'}
                busy={setStatus.isPending && setStatus.variables.status === s}
                disabled={setStatus.isPending}
                onClick={() => (s === 'active' ? setConfirmActivate(true) : go(s))}
              >
                {t(ACTION_KEY[c.status][s] ?? 'actions.activate')}
              </Button>
            ),
          )}
        {targets.includes('closed') &&
          (confirmClose ? (
            <span className="status-actions__confirm" role="group" aria-label={t('actions.confirmClose')}>
              <span>{t('actions.confirmClose')}</span>
              <Button variant="danger" busy={setStatus.isPending} onClick={() => go('closed')}>
                {t(ACTION_KEY[c.status].closed ?? 'actions.close')}
              </Button>
              <Button variant="ghost" onClick={() => setConfirmClose(false)}>
                {t('form.cancel')}
              </Button>
            </span>
          ) : (
            <Button variant="ghost" disabled={setStatus.isPending} onClick={() => setConfirmClose(true)}>
              {t(ACTION_KEY[c.status].closed ?? 'actions.close')}
            </Button>
          ))}
      </div>
    </div>
  );
}

/** The rejects report in the page's language (Italian: `;`, Italian headers and reasons; server csv-export.ts). */
const rejectsUrl = (campaignId: number, importId: number, lang: string) =>
  `/api/v1/campaigns/${campaignId}/imports/${importId}/rejects.csv?lang=${lang === 'en' ? 'en' : 'it'}`;

function ListImport({ campaign: c }: { campaign: CampaignSummary }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t } = useTranslation('campaigns');
  const { lang, locale } = useLang();
  return (
    <CsvUpload
      testId="list-upload"
      withMapping
      submitLabel={t('import.submit')}
      urlFor={(delimiter, mapping) => {
        const q = new URLSearchParams({ delimiter });
        if (mapping.customerIdColumn) q.set('customerIdColumn', mapping.customerIdColumn);
        if (mapping.phoneColumn) q.set('phoneColumn', mapping.phoneColumn);
        return `/api/v1/campaigns/${c.id}/import?${q}`;
      }}
      onDone={() => void queryClient.invalidateQueries(trpc.campaigns.pathFilter())}
      renderResult={(r) => (
        <Alert tone={r.rejected > 0 ? 'warning' : 'success'} title={t('import.doneTitle')}>
          <dl className="import-summary" data-testid="import-summary">
            <div>
              <dt>{t('summary.total')}</dt>
              <dd data-testid="summary-total">{formatCount(locale, r.total)}</dd>
            </div>
            <div>
              <dt>{t('summary.imported')}</dt>
              <dd data-testid="summary-imported">{formatCount(locale, r.imported)}</dd>
            </div>
            <div>
              <dt>{t('summary.duplicates')}</dt>
              <dd data-testid="summary-duplicates">{formatCount(locale, r.duplicates)}</dd>
            </div>
            <div>
              <dt>{t('summary.rejected')}</dt>
              <dd data-testid="summary-rejected">{formatCount(locale, r.rejected)}</dd>
            </div>
          </dl>
          {r.rejected > 0 && (
            <p>
              <a href={rejectsUrl(c.id, r.importId, lang)} download>
                {t('import.downloadRejects', {
                  count: r.rejected - (r.rejectsNotStored ?? 0),
                  n: formatCount(locale, r.rejected - (r.rejectsNotStored ?? 0)),
                })}
              </a>
            </p>
          )}
          {(r.rejectsNotStored ?? 0) > 0 && (
            <p data-testid="summary-not-stored">
              {t('import.rejectsNotStored', {
                count: r.rejectsNotStored,
                stored: formatCount(locale, r.rejected - (r.rejectsNotStored ?? 0)),
                notStored: formatCount(locale, r.rejectsNotStored ?? 0),
              })}
            </p>
          )}
        </Alert>
      )}
    />
  );
}

function PastImports({ id }: { id: number }) {
  const trpc = useTRPC();
  const { t } = useTranslation('campaigns');
  const { lang, locale } = useLang();
  const errorText = useErrorText();
  const imports = useQuery(trpc.campaigns.imports.queryOptions({ id }));
  if (imports.isPending) return <Skeleton lines={2} />;
  if (imports.isError) return <Alert tone="error">{errorText(imports.error)}</Alert>;
  if (imports.data.length === 0) return <p className="ui-empty">{t('imports.empty')}</p>;
  return (
    <div className="campaign-table__scroll">
      <table className="campaign-table" data-testid="past-imports">
        <caption className="visually-hidden">{t('imports.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('imports.startedAt')}</th>
            <th scope="col">{t('fields.status')}</th>
            <th scope="col" className="campaign-table__num">
              {t('summary.total')}
            </th>
            <th scope="col" className="campaign-table__num">
              {t('summary.imported')}
            </th>
            <th scope="col" className="campaign-table__num">
              {t('summary.duplicates')}
            </th>
            <th scope="col" className="campaign-table__num">
              {t('summary.rejected')}
            </th>
            <th scope="col">{t('imports.report')}</th>
          </tr>
        </thead>
        <tbody>
          {imports.data.map((i) => (
            <tr key={i.id}>
              <td>
                <time dateTime={i.createdAt}>{formatDateTime(locale, i.createdAt)}</time>
              </td>
              <td>
                {t(`imports.status.${i.status}`)}
                {/* the server's own words on why it stopped (too large, interrupted by a restart…) */}
                {i.failureReason && <span className="csv-upload__detail">{i.failureReason}</span>}
              </td>
              <td className="campaign-table__num">{formatCount(locale, i.total)}</td>
              <td className="campaign-table__num">{formatCount(locale, i.imported)}</td>
              <td className="campaign-table__num">{formatCount(locale, i.duplicates)}</td>
              <td className="campaign-table__num">{formatCount(locale, i.rejected)}</td>
              <td>
                {i.rejected > 0 ? (
                  <a href={rejectsUrl(id, i.id, lang)} download>
                    {i.rejectsNotStored > 0
                      ? t('imports.downloadFirst', { n: formatCount(locale, i.rejected - i.rejectsNotStored) })
                      : t('imports.download')}
                  </a>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
