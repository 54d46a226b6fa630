import { useTranslation } from 'react-i18next';
import { EmptyState, Panel } from '../../components/ui/panel';

export function MonitorHome() {
  const { t } = useTranslation();
  return (
    <div className="home" data-testid="home-tutor">
      <div className="page-header">
        <div>
          <h1 className="page-header__title">{t('monitor.title')}</h1>
          <p className="page-header__subtitle">{t('monitor.subtitle')}</p>
        </div>
      </div>
      <div className="grid grid--monitor">
        <Panel title={t('monitor.operators.title')} className="grid__wide">
          <EmptyState>{t('monitor.operators.empty')}</EmptyState>
        </Panel>
        <Panel title={t('monitor.alarms.title')}>
          <EmptyState>{t('monitor.alarms.empty')}</EmptyState>
        </Panel>
        <Panel title={t('monitor.scorecards.title')}>
          <EmptyState>{t('monitor.scorecards.empty')}</EmptyState>
        </Panel>
      </div>
    </div>
  );
}
