import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { LoadingState } from '../../components/ui/spinner';
import { errorMessageKey } from '../../lib/errors';
import { useTRPC } from '../../lib/trpc';
import { SiteCalendarForm, useCalendarSummary, type UseCalendarSave } from './site-calendar';

/** An admin saves a district's calendar through admin.districts.setCalendar; the districts and sites read again. */
const useDistrictCalendarSave: UseCalendarSave<string> = (onSaved) => {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mutation = useMutation(
    trpc.admin.districts.setCalendar.mutationOptions({
      onSuccess: (saved) => {
        void queryClient.invalidateQueries(trpc.admin.districts.pathFilter());
        void queryClient.invalidateQueries(trpc.admin.sites.pathFilter());
        onSaved({ name: saved.name, calendar: saved.calendar });
      },
    }),
  );
  return {
    save: (code, calendar, requestId) => mutation.mutate({ code, calendar, requestId: requestId({ code, calendar }) }),
    isPending: mutation.isPending,
    isError: mutation.isError,
    error: mutation.error,
  };
};

/**
 * The districts' calendars (docs/admin.md, "Calendars per district"): each district with its provinces and sites and
 * the hours its sites without their own follow; "Orari" opens the same form as a site's.
 */
export function DistrictCalendars({ onBack }: { onBack: () => void }) {
  const trpc = useTRPC();
  const { t } = useTranslation('admin');
  const { t: tShell } = useTranslation();
  const districts = useQuery(trpc.admin.districts.list.queryOptions());
  const summary = useCalendarSummary();
  const [editing, setEditing] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  if (districts.isPending) return <LoadingState label={t('loading')} />;
  if (districts.isError) return <Alert tone="error">{tShell(errorMessageKey(districts.error))}</Alert>;
  const chosen = districts.data.find((d) => d.code === editing);
  if (chosen) {
    return (
      <SiteCalendarForm
        kind="district"
        site={{ id: chosen.code, name: chosen.name, calendar: chosen.calendar }}
        useSave={useDistrictCalendarSave}
        onDone={(message) => {
          setNotice(message);
          setEditing(null);
        }}
      />
    );
  }
  return (
    <div className="admin-sites">
      {notice && (
        <Alert tone="success">
          <span role="status">{notice}</span>
        </Alert>
      )}
      <div className="admin-toolbar">
        <p className="admin-muted">{t('districts.lead')}</p>
        <div className="admin-toolbar__actions">
          <Button onClick={onBack}>{t('districts.back')}</Button>
        </div>
      </div>
      <div className="admin-table__scroll" tabIndex={0} role="region" aria-label={t('districts.caption')}>
        <table className="admin-table">
          <caption className="visually-hidden">{t('districts.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('districts.col.name')}</th>
              <th scope="col">{t('districts.col.macro')}</th>
              <th scope="col">{t('districts.col.provinces')}</th>
              <th scope="col">{t('districts.col.sites')}</th>
              <th scope="col">{t('districts.col.hours')}</th>
              <th scope="col">{t('districts.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {districts.data.map((d) => (
              <tr key={d.code}>
                <th scope="row">{d.name}</th>
                <td>{d.macroArea}</td>
                <td>{d.provinces.join(' ')}</td>
                <td>
                  {d.sites.length === 0
                    ? '—'
                    : d.sites
                        .map((s) => (s.ownCalendar ? t('districts.siteOwn', { name: s.name }) : s.name))
                        .join(', ')}
                </td>
                <td>{d.calendar ? summary(d.calendar) : t('districts.none')}</td>
                <td className="admin-table__actions">
                  <Button
                    size="sm"
                    onClick={() => {
                      setNotice(null);
                      setEditing(d.code);
                    }}
                    aria-label={t('sites.calendar.editFor', { name: d.name })}
                  >
                    {t('sites.calendar.edit')}
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
