import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { EmptyState, Panel } from '../../components/ui/panel';
import { Tabs } from '../../components/ui/tabs';
import { ApiKeysAdmin } from './api-keys-admin';
import { AuditLog } from './audit-log';
import { MessagesAdmin } from './messages-admin';
import { PostOfficesAdmin } from './post-offices-admin';
import { ProductsAdmin } from './products-admin';
import { QualityAdmin } from './quality-admin';
import { SitesAdmin } from './sites-admin';
import { UsersAdmin } from './users-admin';
import '../../components/ui/admin-layout.css';
import './admin.css';

// URL segment → translation key: each section has its own address, so it can be bookmarked and shared.
const SECTIONS = {
  users: 'users',
  sites: 'sites',
  products: 'products',
  'post-offices': 'postOffices',
  scripts: 'scripts',
  'api-keys': 'apiKeys',
  messages: 'messages',
  quality: 'quality',
  audit: 'audit',
} as const;
type SectionId = keyof typeof SECTIONS;
const SECTION_IDS = Object.keys(SECTIONS) as SectionId[];

function isSection(value: string | undefined): value is SectionId {
  return value !== undefined && value in SECTIONS;
}

export function AdminHome() {
  const { t } = useTranslation();
  const segment = useParams({ from: '/admin/{-$section}' }).section;
  const navigate = useNavigate();
  const selected: SectionId = isSection(segment) ? segment : 'users';
  const key = SECTIONS[selected];
  const tabs = SECTION_IDS.map((id) => ({ id, label: t(`admin.tabs.${SECTIONS[id]}`) }));
  return (
    <div className="home" data-testid="home-admin">
      <div className="page-header">
        <div>
          <h1 className="page-header__title">{t('admin.title')}</h1>
          <p className="page-header__subtitle">{t('admin.subtitle')}</p>
        </div>
      </div>
      <Tabs
        label={t('admin.sections')}
        tabs={tabs}
        selected={selected}
        onSelect={(id) => void navigate({ to: '/admin/{-$section}', params: { section: id } })}
      >
        {selected === 'users' ? (
          <UsersAdmin />
        ) : selected === 'sites' ? (
          <SitesAdmin />
        ) : selected === 'products' ? (
          <ProductsAdmin />
        ) : selected === 'post-offices' ? (
          <PostOfficesAdmin />
        ) : selected === 'api-keys' ? (
          <ApiKeysAdmin />
        ) : selected === 'messages' ? (
          <MessagesAdmin />
        ) : selected === 'quality' ? (
          <QualityAdmin />
        ) : selected === 'audit' ? (
          <AuditLog />
        ) : selected === 'scripts' ? (
          <Panel title={t('admin.tabs.scripts')}>
            <p>{t('admin.empty.scripts')}</p>
            <Link to="/scripts">{t('admin.openScripts')}</Link>
          </Panel>
        ) : (
          <Panel title={t(`admin.tabs.${key}`)}>
            <EmptyState>{t(`admin.empty.${key}`)}</EmptyState>
          </Panel>
        )}
      </Tabs>
    </div>
  );
}
