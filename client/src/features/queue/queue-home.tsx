import { useQuery } from '@tanstack/react-query';
import type { CallbackBoard, CallbackBoardItem } from '@valore/shared/schemas/callbacks';
import { ROME_TZ, sameRomeDay } from '@valore/shared/time/rome-time';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/ui/alert';
import { Badge } from '../../components/ui/badge';
import { EmptyState, Panel } from '../../components/ui/panel';
import { LoadingState } from '../../components/ui/spinner';
import { Button } from '../../components/ui/button';
import { useTRPC } from '../../lib/trpc';
import { WorkTimeline } from './callback-timeline';
import './queue.css';
import { langOf } from '../../lib/lang';
import { useNow } from '../../lib/use-now';

const POLL_MS = 4_000;

function duration(ms: number): string {
  const total = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mmss = `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}

function useFormat() {
  const { i18n } = useTranslation();
  const lang: 'it' | 'en' = langOf(i18n);
  return useMemo(() => {
    const locale = lang === 'en' ? 'en-GB' : 'it-IT';
    const time = new Intl.DateTimeFormat(locale, { timeZone: ROME_TZ, hour: '2-digit', minute: '2-digit' });
    const timeSec = new Intl.DateTimeFormat(locale, {
      timeZone: ROME_TZ,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    const dayTime = new Intl.DateTimeFormat(locale, {
      timeZone: ROME_TZ,
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
    });
    const number = new Intl.NumberFormat(locale);
    // the day is Rome's, as the times are shown in Rome's time (not the browser's own zone)
    const today = (iso: string) => sameRomeDay(new Date(iso), new Date());
    return {
      lang,
      when: (iso: string) => (today(iso) ? time.format(new Date(iso)) : dayTime.format(new Date(iso))),
      clock: (ms: number) => timeSec.format(new Date(ms)),
      number: (n: number) => number.format(n),
    };
  }, [lang]);
}

type RowState = 'breached' | 'claimed' | 'waiting' | 'scheduled';

/** Breached wins over everything: a late request is late whoever holds it. */
function rowState(item: CallbackBoardItem, now: number): RowState {
  if (item.breached || Date.parse(item.dueBy) <= now) return 'breached';
  if (item.status === 'claimed') return 'claimed';
  return item.due || Date.parse(item.dueAt) <= now ? 'waiting' : 'scheduled';
}

const STATE_TONE: Record<RowState, 'danger' | 'info' | 'warning' | 'neutral'> = {
  breached: 'danger',
  claimed: 'info',
  waiting: 'warning',
  scheduled: 'neutral',
};
const STATE_ICON: Record<RowState, string> = { breached: '⚠', claimed: '☎', waiting: '●', scheduled: '○' };

/** SLA board of the Call Me Now / Call Me Back queue: due-by countdowns from the server's clock, breaches highlighted. */
export function QueueHome() {
  const { t } = useTranslation();
  const { t: tq } = useTranslation('queue');
  const trpc = useTRPC();
  const board = useQuery(trpc.callbacks.board.queryOptions({ limit: 200 }, { refetchInterval: POLL_MS }));
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { retry: false, staleTime: 5 * 60_000 }));
  // supervisors follow an item's history (operators work the queue)
  const timelines = me.data !== undefined && me.data !== null && me.data.role !== 'operator';
  const fmt = useFormat();
  const localNow = useNow();
  // Countdowns run on the server's clock: the offset is measured when the board arrives.
  const offset = board.data ? Date.parse(board.data.now) - board.dataUpdatedAt : 0;
  const now = localNow + offset;

  return (
    <div className="home queue" data-testid="home-queue">
      <div className="page-header">
        <div>
          <h1 className="page-header__title">{t('queue.title')}</h1>
          <p className="page-header__subtitle">{t('queue.subtitle')}</p>
        </div>
        {board.data && (
          <div className="page-header__tools">
            <span className="queue__updated" aria-live="off">
              {tq('board.updated', { time: fmt.clock(Date.parse(board.data.now)) })}
            </span>
          </div>
        )}
      </div>
      {board.isPending ? (
        <LoadingState label={t('app.loading')} />
      ) : board.isError && !board.data ? (
        <Alert tone="error">{tq('board.loadFailed')}</Alert>
      ) : (
        <>
          <Counts board={board.data} />
          <Panel title={tq('board.title')}>
            <BoardTable board={board.data} now={now} timelines={timelines} />
          </Panel>
        </>
      )}
    </div>
  );
}

function Counts({ board }: { board: CallbackBoard }) {
  const { t } = useTranslation('queue');
  const fmt = useFormat();
  const c = board.counts;
  const cells: { key: string; label: string; value: string; tone?: 'danger' }[] = [
    { key: 'waiting', label: t('counts.waiting'), value: fmt.number(c.waiting) },
    { key: 'scheduled', label: t('counts.scheduled'), value: fmt.number(c.scheduled) },
    { key: 'claimed', label: t('counts.claimed'), value: fmt.number(c.claimed) },
    {
      key: 'breached',
      label: t('counts.breached'),
      value: fmt.number(c.breached),
      ...(c.breached > 0 ? { tone: 'danger' as const } : {}),
    },
    {
      key: 'within',
      label: t('counts.withinTarget', { minutes: board.targetMinutes }),
      value: t('counts.withinTargetValue', {
        within: fmt.number(c.answeredWithinTargetToday),
        answered: fmt.number(c.answeredToday),
      }),
    },
  ];
  return (
    <dl className="queue__counts" aria-label={t('counts.label')} data-testid="queue-counts">
      {cells.map((cell) => (
        <div
          key={cell.key}
          className={cell.tone ? 'queue__count queue__count--danger' : 'queue__count'}
          data-count={cell.key}
        >
          <dt>
            {cell.tone && (
              <span aria-hidden="true" className="queue__icon">
                ⚠{' '}
              </span>
            )}
            {cell.label}
          </dt>
          <dd>{cell.value}</dd>
        </div>
      ))}
    </dl>
  );
}

function BoardTable({ board, now, timelines }: { board: CallbackBoard; now: number; timelines: boolean }) {
  const { t } = useTranslation('queue');
  const fmt = useFormat();
  const [open, setOpen] = useState<string | null>(null);
  if (board.items.length === 0) return <EmptyState>{t('board.empty')}</EmptyState>;
  return (
    <div className="queue__scroll">
      <table className="queue__table" data-testid="sla-board">
        <caption className="queue__caption">{t('board.caption', { minutes: board.targetMinutes })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('columns.state')}</th>
            <th scope="col">{t('columns.mode')}</th>
            <th scope="col">{t('columns.product')}</th>
            <th scope="col">{t('columns.phone')}</th>
            <th scope="col">{t('columns.received')}</th>
            <th scope="col">{t('columns.dueBy')}</th>
            <th scope="col">{t('columns.countdown')}</th>
            <th scope="col">{t('columns.attempts')}</th>
            <th scope="col">{t('columns.owner')}</th>
            <th scope="col">{t('columns.heldBy')}</th>
            {timelines && <th scope="col">{t('columns.timeline')}</th>}
          </tr>
        </thead>
        <tbody>
          {board.items.map((item) => {
            const state = rowState(item, now);
            const left = Date.parse(item.dueBy) - now;
            return [
              <tr
                key={item.id}
                className={`queue__row queue__row--${state}`}
                data-state={state}
                data-request-id={item.id}
                data-kind={item.kind}
              >
                <td>
                  <Badge tone={STATE_TONE[state]}>
                    <span aria-hidden="true">{`${STATE_ICON[state]}\u00a0`}</span>
                    {t(`state.${state}`)}
                  </Badge>
                </td>
                <td>
                  {item.origin === 'intake' ? t(`mode.${item.mode}`) : t(`origin.${item.origin}`)}{' '}
                  <span className="queue__muted">· {t(`channel.${item.channel}`)}</span>
                </td>
                <td>{item.productName ? item.productName[fmt.lang] : t('noProduct')}</td>
                <td className="queue__mono">{item.phoneMasked}</td>
                <td className="queue__num">{fmt.when(item.createdAt)}</td>
                <td className="queue__num">{fmt.when(item.dueBy)}</td>
                <td className={left < 0 ? 'queue__num queue__countdown is-late' : 'queue__num queue__countdown'}>
                  <span role="timer">
                    {left < 0
                      ? t('countdown.late', { time: duration(left) })
                      : t('countdown.left', { time: duration(left) })}
                  </span>
                </td>
                <td className="queue__num">{t('attempts', { attempts: item.attempts, max: item.maxAttempts })}</td>
                <td>{item.owner?.displayName ?? t('pool')}</td>
                <td>{item.heldBy?.displayName ?? t('nobody')}</td>
                {timelines && (
                  <td>
                    <Button
                      size="sm"
                      variant="ghost"
                      aria-expanded={open === item.id}
                      aria-controls={`timeline-${item.id}`}
                      onClick={() => setOpen(open === item.id ? null : item.id)}
                    >
                      {t('timeline.show')}
                    </Button>
                  </td>
                )}
              </tr>,
              open === item.id && (
                <tr key={`${item.id}-timeline`} id={`timeline-${item.id}`} className="queue__timeline-row">
                  <td colSpan={11}>
                    <WorkTimeline kind={item.kind} id={item.id} when={fmt.when} />
                  </td>
                </tr>
              ),
            ];
          })}
        </tbody>
      </table>
      {board.truncated && <p className="queue__muted">{t('board.truncated', { count: board.items.length })}</p>}
    </div>
  );
}
