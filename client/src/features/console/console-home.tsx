import { useTranslation } from 'react-i18next';
import { Button } from '../../components/ui/button';
import { EmptyState, Panel } from '../../components/ui/panel';
import { Select } from '../../components/ui/select';

export function ConsoleHome() {
  const { t } = useTranslation();
  // Filled in by the work-queue feature (work.next); the button stays disabled until there is something to take.
  const waiting = 0;
  const statusOptions = [
    { value: 'available', label: t('console.status.available') },
    { value: 'break', label: t('console.status.break') },
    { value: 'after_call', label: t('console.status.afterCall') },
    { value: 'training', label: t('console.status.training') },
  ];
  return (
    <div className="home" data-testid="home-operator">
      <div className="page-header">
        <div>
          <h1 className="page-header__title">{t('console.title')}</h1>
          <p className="page-header__subtitle">{t('console.subtitle')}</p>
        </div>
        <div className="page-header__tools">
          <Select
            inline
            label={t('console.status.label')}
            options={statusOptions}
            defaultValue="available"
            disabled
            title={t('console.status.hint')}
          />
        </div>
      </div>
      <div className="grid grid--console">
        <Panel title={t('console.customer.title')} className="grid__customer">
          <EmptyState>{t('console.customer.empty')}</EmptyState>
        </Panel>
        <Panel title={t('console.script.title')} className="grid__script">
          <EmptyState>{t('console.script.empty')}</EmptyState>
        </Panel>
        <Panel title={t('console.queue.title')} className="grid__queue">
          <div className="queue">
            <Button variant="primary" className="queue__next" disabled={waiting === 0}>
              {t('console.queue.next', { count: waiting })}
            </Button>
            <EmptyState>{t('console.queue.empty')}</EmptyState>
          </div>
        </Panel>
      </div>
    </div>
  );
}
