import { useTranslation } from 'react-i18next';
import { EmptyState, Panel } from '../../components/ui/panel';

export function StatsHome() {
  const { t } = useTranslation();
  return (
    <div className="home" data-testid="home-team_lead">
      <div className="page-header">
        <div>
          <h1 className="page-header__title">{t('stats.title')}</h1>
          <p className="page-header__subtitle">{t('stats.subtitle')}</p>
        </div>
      </div>
      <div className="grid grid--stats">
        <Panel title={t('stats.kpis.title')} className="grid__full">
          <EmptyState>{t('stats.kpis.empty')}</EmptyState>
        </Panel>
        <Panel title={t('stats.funnel.title')}>
          <EmptyState>{t('stats.funnel.empty')}</EmptyState>
        </Panel>
        <Panel title={t('stats.trend.title')}>
          <EmptyState>{t('stats.trend.empty')}</EmptyState>
        </Panel>
        <Panel title={t('stats.detail.title')} className="grid__full">
          <EmptyState>{t('stats.detail.empty')}</EmptyState>
        </Panel>
      </div>
    </div>
  );
}
