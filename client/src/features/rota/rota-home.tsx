import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServiceCalendarSpec } from '@valore/shared/time/service-calendar';
import { Alert } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { Panel } from '../../components/ui/panel';
import { LoadingState } from '../../components/ui/spinner';
import { SitePicker } from '../../components/site-picker';
import { useTRPC } from '../../lib/trpc';
import { AdherencePanel } from './adherence-panel';
import { useDayFormat } from './format';
import { MyShifts } from './my-shifts';
import { SaturdayPlan } from './saturday-plan';
import { WeekPlan } from './week-plan';
import './rota.css';

/** A saved calendar, as the calendar form reports it. */
type Saved = { name: string; calendar: ServiceCalendarSpec | null };

/** The calendar form the app hands over (the admin's, features/admin/site-calendar), saving through `useSave`. */
export type CalendarFormProps = {
  site: { id: number; name: string; calendar: ServiceCalendarSpec | null };
  /** the district's calendar the site follows while it has none of its own */
  inherited?: { from: string; calendar: ServiceCalendarSpec } | null;
  onDone: (message: string | null) => void;
  useSave: (onSaved: (saved: Saved) => void) => {
    save: (siteId: number, calendar: ServiceCalendarSpec | null, requestId: (payload: unknown) => string) => void;
    isPending: boolean;
    isError: boolean;
    error: unknown;
  };
};

/** A team lead saves their site's calendar through rota.setCalendar; the rota then reads the new Saturdays. */
const useRotaCalendarSave: CalendarFormProps['useSave'] = (onSaved) => {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mutation = useMutation(
    trpc.rota.setCalendar.mutationOptions({
      onSuccess: (saved) => {
        void queryClient.invalidateQueries(trpc.rota.pathFilter());
        onSaved({ name: saved.siteName, calendar: saved.custom ? saved.calendar : null });
      },
    }),
  );
  return {
    save: (siteId, calendar, requestId) =>
      mutation.mutate({ siteId, calendar, requestId: requestId({ siteId, calendar }) }),
    isPending: mutation.isPending,
    isError: mutation.isError,
    error: mutation.error,
  };
};

/**
 * /rota — for a team lead (an admin chooses the site): the site's service hours, editable with their versions and
 * closures, the shifts of the week and the Saturday rota; for an operator or a tutor: their own published shifts.
 */
export function RotaHome({ CalendarForm }: { CalendarForm: ComponentType<CalendarFormProps> }) {
  const { t } = useTranslation('rota');
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { retry: false, staleTime: 5 * 60_000 }));
  const [site, setSite] = useState('');
  const role = me.data?.role;
  const planner = role === 'team_lead' || role === 'admin';
  const siteInput = role === 'admin' ? (site ? { siteId: Number(site) } : null) : {};
  return (
    <div className="home rota" data-testid="home-rota">
      <div className="page-header">
        <div>
          <h1 className="page-header__title">{planner ? t('title') : t('titleOwn')}</h1>
          <p className="page-header__subtitle">{planner ? t('subtitle') : t('subtitleOwn')}</p>
        </div>
        {role === 'admin' && (
          <SitePicker label={t('site')} value={site} onChange={setSite} allLabel={t('chooseSite')} />
        )}
      </div>
      {!role ? (
        <LoadingState label={t('loading')} />
      ) : !planner ? (
        <MyShifts />
      ) : siteInput === null ? (
        <p className="admin-muted">{t('chooseSite')}</p>
      ) : (
        <>
          <SiteHours siteInput={siteInput} CalendarForm={CalendarForm} />
          {/* another site's people: the week's unsaved edits do not carry over */}
          <WeekPlan key={siteInput.siteId ?? 'own'} siteInput={siteInput} />
          <SaturdayPlan siteInput={siteInput} />
          <AdherencePanel siteInput={siteInput} />
        </>
      )}
    </div>
  );
}

/** The site's hours in one line, and the form to change them. */
function SiteHours({
  siteInput,
  CalendarForm,
}: {
  siteInput: { siteId?: number };
  CalendarForm: ComponentType<CalendarFormProps>;
}) {
  const { t } = useTranslation('rota');
  const trpc = useTRPC();
  const day = useDayFormat();
  const calendar = useQuery(trpc.rota.calendar.queryOptions(siteInput));
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  if (calendar.isPending) return <LoadingState label={t('loading')} />;
  if (calendar.isError) return <Alert tone="error">{t('loadFailed')}</Alert>;
  const { calendar: c, custom, siteId, siteName, district } = calendar.data;
  if (editing) {
    return (
      <CalendarForm
        site={{ id: siteId, name: siteName, calendar: custom ? c : null }}
        inherited={!custom && district ? { from: district.name, calendar: c } : null}
        useSave={useRotaCalendarSave}
        onDone={(message) => {
          setEditing(false);
          setNotice(message);
        }}
      />
    );
  }
  const parts = [
    t('hours.weekdays', c.weekdays),
    c.saturday ? t('hours.saturday', c.saturday) : t('hours.saturdayClosed'),
    ...(c.versions ?? []).map((v) => t('hours.version', { name: v.name, from: day(v.effectiveFrom) })),
    ...(c.closures?.length ? [t('hours.closures', { count: c.closures.length })] : []),
    ...(!custom && district ? [t('hours.fromDistrict', { name: district.name })] : []),
  ];
  return (
    <Panel
      title={t('hours.title')}
      actions={
        <Button size="sm" onClick={() => setEditing(true)}>
          {t('hours.edit')}
        </Button>
      }
    >
      <div aria-live="polite">{notice && <Alert tone="success">{notice}</Alert>}</div>
      <p>
        <strong>{custom ? (c.name ?? t('hours.own')) : t('hours.centre')}</strong>: {parts.join(' · ')}
      </p>
    </Panel>
  );
}
