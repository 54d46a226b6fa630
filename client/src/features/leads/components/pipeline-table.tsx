import { useTranslation } from 'react-i18next';
import type { LeadPipelineRow } from '@valore/shared/schemas/lead-pipeline';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { formatDate, formatDateTime, useLang } from '../format';

const STATUS_TONE = { open: 'info', won: 'success', lost: 'neutral' } as const;

type Props = {
  rows: readonly LeadPipelineRow[];
  /** Wall-clock now, for "overdue" marks. */
  now: number;
  /** Offered on open leads to team leads and admins; null hides the button. */
  onReassign: ((row: LeadPipelineRow, trigger: HTMLButtonElement) => void) | null;
  /** Each lead's timeline, for team leads and admins; null hides the button. */
  onTimeline?: ((row: LeadPipelineRow, trigger: HTMLButtonElement) => void) | null;
};

/** The leads of one page: a real table (caption, scoped headers), one row per lead, the customer as the row header. */
export function PipelineTable({ rows, now, onReassign, onTimeline = null }: Props) {
  const { t } = useTranslation('leads');
  const { lang, locale } = useLang();
  const actions = onReassign !== null || onTimeline !== null;
  return (
    <div className="lead-table__scroll" tabIndex={0} role="region" aria-label={t('table.caption')}>
      <table className="lead-table" data-testid="lead-table">
        <caption className="visually-hidden">{t('table.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('table.customer')}</th>
            <th scope="col">{t('table.status')}</th>
            <th scope="col">{t('table.product')}</th>
            <th scope="col" className="lead-table__num">
              {t('table.age')}
            </th>
            <th scope="col">{t('table.owner')}</th>
            <th scope="col">{t('table.followUp')}</th>
            <th scope="col">{t('table.wonBy')}</th>
            <th scope="col">{t('table.saleReference')}</th>
            {actions && <th scope="col">{t('table.actions')}</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const overdue = r.status === 'open' && Date.parse(r.followUpAt) < now;
            return (
              <tr key={r.id} data-testid={`lead-row-${r.id}`}>
                <th scope="row" className="lead-table__customer">
                  {r.customerName}
                </th>
                <td>
                  <span className="lead-table__badges">
                    <Badge tone={STATUS_TONE[r.status]}>{t(`statusOne.${r.status}`)}</Badge>
                    {r.held && <Badge tone="warning">{t('table.held')}</Badge>}
                  </span>
                </td>
                <td>{r.productName[lang]}</td>
                <td className="lead-table__num">{t('age', { count: r.ageDays })}</td>
                <td className="lead-table__nowrap">
                  {r.owner?.displayName ?? <span className="lead-table__muted">{t('table.noOwner')}</span>}
                </td>
                <td className="lead-table__nowrap">
                  {r.status === 'open' ? (
                    <>
                      <time dateTime={r.followUpAt}>{formatDateTime(locale, r.followUpAt)}</time>
                      {overdue && <span className="lead-table__overdue"> · {t('table.overdue')}</span>}
                    </>
                  ) : r.closedAt ? (
                    <span className="lead-table__muted">
                      {t('table.closedOn', { date: formatDate(locale, r.closedAt) })}
                    </span>
                  ) : (
                    t('table.none')
                  )}
                </td>
                <td>{r.wonBy ? t(`wonBy.${r.wonBy}`) : t('table.none')}</td>
                <td>
                  {r.saleReference ? <span className="lead-table__ref">{r.saleReference}</span> : t('table.none')}
                </td>
                {actions && (
                  <td>
                    <span className="lead-table__actions">
                      {onReassign && r.status === 'open' && (
                        <Button
                          size="sm"
                          aria-label={t('reassign.buttonFor', { customer: r.customerName })}
                          onClick={(e) => onReassign(r, e.currentTarget)}
                        >
                          {t('reassign.button')}
                        </Button>
                      )}
                      {onTimeline && (
                        <Button
                          size="sm"
                          variant="ghost"
                          aria-haspopup="dialog"
                          aria-label={t('timeline.buttonFor', { customer: r.customerName })}
                          onClick={(e) => onTimeline(r, e.currentTarget)}
                        >
                          {t('timeline.button')}
                        </Button>
                      )}
                    </span>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
