import { useQuery } from '@tanstack/react-query';
import { Link, useLocation, useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { Panel } from '../../components/ui/panel';
import { useTRPC } from '../../lib/trpc';
import { CampaignDetail } from './components/campaign-detail';
import { CampaignForm } from './components/campaign-form';
import { CampaignList } from './components/campaign-list';
import { RegistryImport } from './components/registry-import';
import './campaigns.css';

/** /campaigns (list and registry), /campaigns/new, /campaigns/:id (summary, status, list import). */
export function CampaignsHome() {
  const { t } = useTranslation('campaigns');
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { retry: false, staleTime: 5 * 60_000 }));
  const segment = useLocation({ select: (location) => location.pathname.split('/').filter(Boolean)[1] });
  const navigate = useNavigate();
  const id = segment && /^\d{1,15}$/.test(segment) ? Number(segment) : null;

  return (
    <div className="home campaigns" data-testid="home-campaigns">
      <div className="page-header">
        <div>
          <h1 className="page-header__title">{t('title')}</h1>
          <p className="page-header__subtitle">{t('subtitle')}</p>
        </div>
        {segment === undefined && (
          <div className="page-header__tools">
            <Link to="/campaigns/new" className="ui-button ui-button--primary">
              {t('list.new')}
            </Link>
          </div>
        )}
      </div>
      {segment === 'new' ? (
        <div className="ui-panel campaign-detail__form">
          <CampaignForm
            onSaved={(c) => void navigate({ to: '/campaigns/$campaignId', params: { campaignId: String(c.id) } })}
            onCancel={() => void navigate({ to: '/campaigns' })}
          />
        </div>
      ) : id !== null ? (
        <CampaignDetail key={id} id={id} />
      ) : (
        <div className="grid campaigns-grid campaigns-grid--list">
          <Panel title={t('list.title')} className="grid__full">
            <CampaignList />
          </Panel>
          <Panel title={t('registry.title')} className="grid__full">
            {/* the national registry re-checks every site's campaigns: the server takes it from admins only */}
            {me.data?.role === 'admin' ? (
              <>
                <p className="campaigns__intro">{t('registry.intro')}</p>
                <RegistryImport />
              </>
            ) : (
              <p className="campaigns__intro">{t('registry.adminsOnly')}</p>
            )}
          </Panel>
        </div>
      )}
    </div>
  );
}
