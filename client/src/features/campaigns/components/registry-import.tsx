import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../../components/ui/alert';
import { useTRPC } from '../../../lib/trpc';
import { formatCount, useLang } from '../format';
import { CsvUpload } from './csv-upload';

/** Loads national opt-out registry entries ("phone,date"); the server then re-checks every open campaign. */
export function RegistryImport() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t } = useTranslation('campaigns');
  const { locale } = useLang();
  return (
    <CsvUpload
      testId="registry-upload"
      withMapping={false}
      submitLabel={t('registry.import')}
      urlFor={(delimiter) => `/api/v1/optout-registry/import?${new URLSearchParams({ delimiter })}`}
      onDone={() => void queryClient.invalidateQueries(trpc.campaigns.pathFilter())}
      renderResult={(r) => (
        <Alert tone="success" title={t('registry.doneTitle')}>
          <dl className="import-summary" data-testid="registry-summary">
            <div>
              <dt>{t('summary.total')}</dt>
              <dd>{formatCount(locale, r.total)}</dd>
            </div>
            <div>
              <dt>{t('registry.entries')}</dt>
              <dd>{formatCount(locale, r.imported)}</dd>
            </div>
            <div>
              <dt>{t('summary.duplicates')}</dt>
              <dd>{formatCount(locale, r.duplicates)}</dd>
            </div>
            <div>
              <dt>{t('summary.rejected')}</dt>
              <dd>{formatCount(locale, r.rejected)}</dd>
            </div>
            <div>
              <dt>{t('registry.removed')}</dt>
              <dd>{formatCount(locale, r.removedContacts ?? 0)}</dd>
            </div>
          </dl>
          <p>{t('registry.rechecked')}</p>
        </Alert>
      )}
    />
  );
}
