import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  FEEDBACK_DIMENSIONS,
  FEEDBACK_GROUP_BY,
  type FeedbackGroup,
  type FeedbackGroupBy,
} from '@valore/shared/schemas/training';
import { Alert } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { EmptyState, Panel } from '../../components/ui/panel';
import { Select } from '../../components/ui/select';
import { LoadingState } from '../../components/ui/spinner';
import { download } from '../../lib/download';
import { useTRPC } from '../../lib/trpc';
import { useTrainingFormat } from './format';
import { langOf } from '../../lib/lang';

const isGroupBy = (value: string): value is FeedbackGroupBy => (FEEDBACK_GROUP_BY as readonly string[]).includes(value);

/** The survey's detail (training.feedbackResults): per group, each dimension's average, count and 1–5 distribution. */
export function FeedbackResults({ courseId }: { courseId: number }) {
  const { t, i18n } = useTranslation('training');
  const trpc = useTRPC();
  const [groupBy, setGroupBy] = useState<FeedbackGroupBy>('site');
  const results = useQuery(trpc.training.feedbackResults.queryOptions({ courseId, groupBy }));
  const [exported, setExported] = useState<string | null>(null);
  const exporter = useMutation(
    trpc.training.exportFeedbackCsv.mutationOptions({
      onSuccess: (file) => {
        download(file.filename, file.csv);
        setExported(file.filename);
      },
    }),
  );
  const language = langOf(i18n);
  return (
    <Panel
      title={t('results.title')}
      actions={
        <Button
          size="sm"
          busy={exporter.isPending}
          onClick={() => {
            setExported(null);
            exporter.mutate({ courseId, groupBy, language });
          }}
        >
          {exporter.isPending ? t('results.exporting') : t('results.export')}
        </Button>
      }
    >
      <div className="training-toolbar">
        <Select
          label={t('results.groupBy')}
          value={groupBy}
          onChange={(e) => {
            if (isGroupBy(e.target.value)) setGroupBy(e.target.value);
          }}
          options={FEEDBACK_GROUP_BY.map((g) => ({ value: g, label: t(`results.group.${g}`) }))}
        />
      </div>
      {exporter.isError && <Alert tone="error">{t('results.exportFailed')}</Alert>}
      {exported && <Alert tone="success">{t('results.exported', { filename: exported })}</Alert>}
      {results.isPending ? (
        <LoadingState label={t('loading')} />
      ) : results.isError ? (
        <Alert tone="error">{t('loadFailed')}</Alert>
      ) : results.data.total.responses === 0 ? (
        <EmptyState>{t('results.empty')}</EmptyState>
      ) : (
        <div className="training-grid">
          {results.data.groups.map((group) => (
            <GroupTable key={String(group.key)} group={group} label={group.label} />
          ))}
          <GroupTable group={results.data.total} label={t('results.total')} />
        </div>
      )}
    </Panel>
  );
}

function GroupTable({ group, label }: { group: FeedbackGroup; label: string }) {
  const { t } = useTranslation('training');
  const fmt = useTrainingFormat();
  return (
    <div className="admin-table__scroll">
      <table className="admin-table">
        <caption>{t('results.caption', { label, count: group.responses })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('results.dimension')}</th>
            <th scope="col" className="admin-table__num">
              {t('results.average')}
            </th>
            <th scope="col" className="admin-table__num">
              {t('results.count')}
            </th>
            {[1, 2, 3, 4, 5].map((score) => (
              <th scope="col" key={score} className="admin-table__num">
                {t('results.score', { score })}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {FEEDBACK_DIMENSIONS.map((d) => {
            const summary = group.dimensions[d];
            return (
              <tr key={d}>
                <th scope="row">{t(`dimensions.${d}`)}</th>
                <td className="admin-table__num">{fmt.average(summary.average)}</td>
                <td className="admin-table__num">{summary.count}</td>
                {summary.distribution.map((n, i) => (
                  <td key={i} className="admin-table__num">
                    {n}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
