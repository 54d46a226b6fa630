import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Spinner } from '../../../components/ui/spinner';
import { useTRPC } from '../../../lib/trpc';
import { formatDateTime, formatSeconds, useLang } from '../format';
import { download, type DrillQuery } from '../query';

const PAGE = 25;

/** The contacts behind a number, newest first, with keyset paging and a CSV of all of them. */
export function DrillPanel({
  query,
  title,
  productName,
  onClose,
}: {
  query: DrillQuery;
  title: string;
  productName: (code: string) => string;
  onClose: () => void;
}) {
  const { t } = useTranslation('stats');
  const { lang, locale } = useLang();
  const trpc = useTRPC();
  const [cursors, setCursors] = useState<({ startedAt: string; id: number } | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const page = useQuery(trpc.stats.interactions.queryOptions({ ...query, cursor, limit: PAGE }));
  const exporter = useMutation(
    trpc.stats.exportCsv.mutationOptions({ onSuccess: (file) => download(file.filename, file.csv) }),
  );
  const heading = useRef<HTMLHeadingElement>(null);
  // a new drill-down is a new panel (its key is the query): it takes the focus once, when it opens
  useEffect(() => heading.current?.focus(), []);
  const rows = page.data?.rows ?? [];

  return (
    <section className="stats-drill" aria-labelledby="stats-drill-title" data-testid="stats-drill">
      <header className="stats-drill__header">
        <h2 id="stats-drill-title" ref={heading} tabIndex={-1} className="ui-panel__title">
          {title}
        </h2>
        <div className="stats-drill__actions">
          <Button
            size="sm"
            busy={exporter.isPending}
            onClick={() => exporter.mutate({ kind: 'interactions', query, language: lang })}
          >
            {t('export.interactions')}
          </Button>
          <Button size="sm" variant="ghost" onClick={onClose}>
            {t('drill.close')}
          </Button>
        </div>
      </header>
      {exporter.data?.truncated && <Alert tone="warning">{t('export.truncated', { count: exporter.data.rows })}</Alert>}
      {page.isError && <Alert tone="error">{t('error')}</Alert>}
      {page.isPending ? (
        <Spinner label={t('loading')} />
      ) : rows.length === 0 ? (
        <p className="ui-empty">{t('drill.empty')}</p>
      ) : (
        <div className="stats-table-wrap">
          <table className="stats-table stats-table--compact">
            <caption className="visually-hidden">{title}</caption>
            <thead>
              <tr>
                <th scope="col">{t('drill.when')}</th>
                <th scope="col">{t('dims.operator')}</th>
                <th scope="col">{t('dims.flow')}</th>
                <th scope="col">{t('dims.product')}</th>
                <th scope="col">{t('dims.campaign')}</th>
                <th scope="col">{t('dims.province')}</th>
                <th scope="col">{t('drill.outcome')}</th>
                <th scope="col">{t('drill.realised')}</th>
                <th scope="col" className="stats-table__num">
                  {t('drill.handle')}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>{formatDateTime(locale, r.startedAt)}</td>
                  <td>{r.operatorName}</td>
                  <td>{t(`flows.${r.flow}`)}</td>
                  <td>{r.productCode ? productName(r.productCode) : '—'}</td>
                  <td>{r.campaignName ?? '—'}</td>
                  <td>{r.provinceCode ?? '—'}</td>
                  <td>{t(`outcomes.${r.outcome}`)}</td>
                  <td>{r.realised ? t('yes') : '—'}</td>
                  <td className="stats-table__num">{formatSeconds(locale, r.handleSeconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="stats-drill__pager" aria-label={t('drill.pages')}>
        <Button size="sm" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>
          {t('drill.previous')}
        </Button>
        <span>{t('drill.page', { page: cursors.length })}</span>
        <Button
          size="sm"
          disabled={!page.data?.nextCursor}
          onClick={() => page.data?.nextCursor && setCursors([...cursors, page.data.nextCursor])}
        >
          {t('drill.next')}
        </Button>
      </nav>
    </section>
  );
}
