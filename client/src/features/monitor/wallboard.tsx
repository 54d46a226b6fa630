import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { OPERATOR_STATES, type BoardOperator, type WallboardFigures } from '@valore/shared/schemas/monitor';
import { SitePicker } from '../../components/site-picker';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { EmptyState } from '../../components/ui/panel';
import { LoadingState } from '../../components/ui/spinner';
import { useSearchState } from '../../lib/url-state';
import { useTRPC } from '../../lib/trpc';
import { QueueTiles } from './components/queue-tiles';
import { useBoard } from './use-board';
import { useNow } from '../../lib/use-now';
import './monitor.css';
import './wallboard.css';

/** The figures not pushed on the board are read again this often (and whenever the board's figures change). */
const REFRESH_MS = 15_000;

type WallboardSearch = { tv: boolean; site: string };
/** The address keeps TV mode and an admin's site: a TV is set up once with its URL. */
const parseSearch = (s: Readonly<Record<string, string | undefined>>): WallboardSearch => ({
  tv: s.tv === '1',
  site: /^\d+$/.test(s.site ?? '') ? (s.site ?? '') : '',
});
const serializeSearch = (v: WallboardSearch): Record<string, string> => ({
  ...(v.tv ? { tv: '1' } : {}),
  ...(v.site ? { site: v.site } : {}),
});

/**
 * /wallboard — the team lead's wallboard (tutors and admins may open it): the queues with their oldest waiting and the
 * Call Me Now service level, operators by state, adherence now against the rota, and today's value outcomes beside
 * yesterday's. The queues and states come pushed over the board stream; `?tv=1` shows it full screen in large type
 * with no controls, for a TV on the wall (Esc leaves).
 */
export function Wallboard() {
  const { t } = useTranslation('monitor');
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { retry: false, staleTime: 5 * 60_000 }));
  const [search, setSearch] = useSearchState(parseSearch, serializeSearch);
  const tv = search.tv;
  const isAdmin = me.data?.role === 'admin';
  const siteId = isAdmin && search.site ? Number(search.site) : undefined;
  const choosing = !me.data || (isAdmin && siteId === undefined);
  const board = useBoard(choosing ? null : siteId === undefined ? 'own' : { siteId });
  const now = useNow() + board.clockOffsetMs;
  const figures = useQuery({
    ...trpc.monitor.wallboard.queryOptions(siteId === undefined ? {} : { siteId }, {
      enabled: !choosing,
      refetchInterval: REFRESH_MS,
    }),
  });
  const { refetch } = figures;
  // the board's figures moved (a contact logged, a request in the queue): today's counts may have too
  useEffect(() => {
    if (board.loaded) void refetch();
  }, [board.stats, board.loaded, refetch]);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!tv) return;
    const leave = (e: KeyboardEvent) => e.key === 'Escape' && setSearch({ ...search, tv: false });
    window.addEventListener('keydown', leave);
    // the app's bar is under the full-screen board: out of reach of Tab and of screen readers while it is
    const behind = [...document.querySelectorAll<HTMLElement>('.skip-link, .topbar')];
    behind.forEach((el) => (el.inert = true));
    return () => {
      window.removeEventListener('keydown', leave);
      behind.forEach((el) => (el.inert = false));
    };
  }, [tv, search, setSearch]);

  const live = board.status === 'pending';
  const title = t('wallboard.title', { site: figures.data?.siteName ?? '' });
  return (
    <div ref={root} className={tv ? 'wallboard wallboard--tv' : 'home wallboard'} data-testid="home-wallboard">
      <div className="page-header">
        <div>
          <h1 className="page-header__title">{title}</h1>
          {!tv && <p className="page-header__subtitle">{t('wallboard.subtitle')}</p>}
        </div>
        {!tv && isAdmin && (
          <SitePicker
            label={t('site.label')}
            allLabel={t('site.choose')}
            value={search.site}
            onChange={(site) => setSearch({ ...search, site })}
          />
        )}
        <div className="page-header__tools">
          <span role="status" data-testid="wallboard-connection" data-live={live}>
            <Badge tone={live ? 'success' : board.status === 'error' ? 'danger' : 'warning'}>
              {live ? t('connection.live') : t('connection.connecting')}
            </Badge>
          </span>
          <time className="wallboard__clock" dateTime={new Date(now).toISOString()}>
            {new Date(now).toLocaleTimeString(undefined, {
              hour: '2-digit',
              minute: '2-digit',
              timeZone: 'Europe/Rome',
            })}
          </time>
          {!tv && (
            <Button
              onClick={() => {
                setSearch({ ...search, tv: true });
                // a TV shows it without the browser's bars; refused (no user gesture, a kiosk policy): still TV mode
                void root.current?.requestFullscreen?.().catch(() => undefined);
              }}
            >
              {t('wallboard.tvMode')}
            </Button>
          )}
        </div>
      </div>
      {choosing ? (
        me.data && <EmptyState>{t('site.prompt')}</EmptyState>
      ) : !board.loaded ? (
        <LoadingState label={t('connection.connecting')} />
      ) : (
        <div className="wallboard__grid">
          <section className="wallboard__queues" aria-label={t('queues.title')}>
            <QueueTiles queues={board.stats.queues} now={now} />
          </section>
          <StatesTile operators={board.operators} />
          <FiguresTiles figures={figures.data} />
        </div>
      )}
    </div>
  );
}

/** Operators by state, in the board's order of states. */
function StatesTile({ operators }: { operators: readonly BoardOperator[] }) {
  const { t } = useTranslation('monitor');
  return (
    <figure className="wallboard__tile" aria-labelledby="wallboard-states">
      <figcaption id="wallboard-states" className="wallboard__caption">
        {t('wallboard.states')}
      </figcaption>
      <dl className="wallboard__list">
        {OPERATOR_STATES.map((state) => (
          <div key={state} data-testid={`wallboard-state-${state}`}>
            <dt>{t(`states.${state}`)}</dt>
            <dd>{operators.filter((o) => o.state === state).length}</dd>
          </div>
        ))}
      </dl>
    </figure>
  );
}

/** Adherence now and today's value against yesterday's, from monitor.wallboard. */
function FiguresTiles({ figures }: { figures: WallboardFigures | undefined }) {
  const { t } = useTranslation('monitor');
  if (!figures) return null;
  const { adherence, today, yesterday } = figures;
  const delta = today.value - yesterday.value;
  return (
    <>
      <figure className="wallboard__tile" aria-labelledby="wallboard-adherence">
        <figcaption id="wallboard-adherence" className="wallboard__caption">
          {t('wallboard.adherence')}
        </figcaption>
        <p className="wallboard__big" data-testid="wallboard-adherence">
          {adherence.working}
          <span className="wallboard__of"> / {adherence.onShift}</span>
        </p>
        <p className="wallboard__small">
          {adherence.onShift === 0
            ? t('wallboard.nobodyOnShift')
            : t('wallboard.working', { working: adherence.working, onShift: adherence.onShift })}
        </p>
        <p className="wallboard__small">
          {t('wallboard.pausedAbsent', { paused: adherence.paused, absent: adherence.absent })}
        </p>
      </figure>
      <figure className="wallboard__tile" aria-labelledby="wallboard-value">
        <figcaption id="wallboard-value" className="wallboard__caption">
          {t('wallboard.value')}
        </figcaption>
        <p className="wallboard__big" data-testid="wallboard-value">
          {today.value}
        </p>
        <p className="wallboard__small">
          {t('wallboard.yesterday', { value: yesterday.value })}{' '}
          <span className={delta >= 0 ? 'wallboard__up' : 'wallboard__down'}>
            {delta === 0
              ? t('wallboard.same')
              : t(delta > 0 ? 'wallboard.more' : 'wallboard.fewer', { count: Math.abs(delta) })}
          </span>
        </p>
        <p className="wallboard__small">
          {t('wallboard.contacts', { today: today.contacts, yesterday: yesterday.contacts })}
        </p>
      </figure>
    </>
  );
}
