import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type FormEvent } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { serviceCalendarSpec } from '@valore/shared/schemas/service-calendar';
import {
  DEFAULT_SERVICE_CALENDAR,
  specOfCalendar,
  type ServiceCalendarSpec,
} from '@valore/shared/time/service-calendar';
import { Alert } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { Panel } from '../../components/ui/panel';
import { TextField } from '../../components/ui/text-field';
import { errorMessageKey } from '../../lib/errors';
import { serverFieldErrors, useRequestId } from '../../lib/forms';
import { useTRPC } from '../../lib/trpc';
import { HoursPair, RemoveRow, RowsFieldset, patchRow, useLaterHours, type RowsEditor } from './calendar-versions';

const CENTRE_DEFAULT = specOfCalendar(DEFAULT_SERVICE_CALENDAR);

/** "Lun–Ven 07:30–19:30 · Sab chiuso · 1 festa locale": a site's calendar in the sites table. */
export function useCalendarSummary(): (
  calendar: ServiceCalendarSpec | null,
  district?: { name: string; calendar: ServiceCalendarSpec } | null,
) => string {
  const { t } = useTranslation('admin');
  return (calendar, district) => {
    const c = calendar ?? district?.calendar ?? CENTRE_DEFAULT;
    const parts = [
      t('sites.calendar.weekdaysShort', { opens: c.weekdays.opens, closes: c.weekdays.closes }),
      c.saturday
        ? t('sites.calendar.saturdayShort', { opens: c.saturday.opens, closes: c.saturday.closes })
        : t('sites.calendar.saturdayClosed'),
    ];
    if (c.localHolidays.length) parts.push(t('sites.calendar.holidays', { count: c.localHolidays.length }));
    for (const v of c.versions ?? [])
      parts.push(t('sites.calendar.versionShort', { name: v.name, from: dayOf(v.effectiveFrom) }));
    if (c.closures?.length) parts.push(t('sites.calendar.closures', { count: c.closures.length }));
    const source = calendar
      ? ''
      : district
        ? ` (${t('sites.calendar.fromDistrict', { name: district.name })})`
        : ` (${t('sites.calendar.default')})`;
    return parts.join(' · ') + source;
  };
}

/** What the calendar governs, and whose hours apply while the subject has none of its own. */
function CalendarLead({ kind, inheritedFrom }: { kind: 'site' | 'district'; inheritedFrom: string | null }) {
  const { t } = useTranslation('admin');
  return (
    <>
      <p className="admin-muted">{t(kind === 'district' ? 'sites.calendar.districtLead' : 'sites.calendar.lead')}</p>
      {inheritedFrom && <p className="admin-muted">{t('sites.calendar.inherited', { from: inheritedFrom })}</p>}
    </>
  );
}

/** "2027-03-29" → "29/03/2027". */
const dayOf = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

type HolidayRow = { id: number; day: string; name: string };
/** "06-29" ↔ "29/06", the way the date is written in Italy and the UK. */
const toDayMonth = (md: string) => `${md.slice(3, 5)}/${md.slice(0, 2)}`;
const toMonthDay = (dm: string) => {
  const m = /^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*$/.exec(dm);
  return m ? `${(m[2] ?? '').padStart(2, '0')}-${(m[1] ?? '').padStart(2, '0')}` : dm.trim();
};

/** A calendar saved: the site's name and its calendar (null: the centre's default). */
export interface SavedCalendar {
  name: string;
  calendar: ServiceCalendarSpec | null;
}

/**
 * How the form saves a calendar: a site's by an admin through admin.sites.setCalendar or a team lead through
 * rota.setCalendar (`Id`: the site's id), a district's through admin.districts.setCalendar (`Id`: its code).
 */
export type UseCalendarSave<Id extends number | string = number> = (onSaved: (saved: SavedCalendar) => void) => {
  save: (id: Id, calendar: ServiceCalendarSpec | null, requestId: (payload: unknown) => string) => void;
  isPending: boolean;
  isError: boolean;
  error: unknown;
};

/** The admin's way: admin.sites.setCalendar, then the sites table reads again. */
export const useAdminCalendarSave: UseCalendarSave = (onSaved) => {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mutation = useMutation(
    trpc.admin.sites.setCalendar.mutationOptions({
      onSuccess: (saved) => {
        void queryClient.invalidateQueries(trpc.admin.sites.pathFilter());
        onSaved(saved);
      },
    }),
  );
  return {
    save: (id, calendar, requestId) => mutation.mutate({ id, calendar, requestId: requestId({ id, calendar }) }),
    isPending: mutation.isPending,
    isError: mutation.isError,
    error: mutation.error,
  };
};

/**
 * A site's service calendar: the centre's default, or its own Monday–Friday and Saturday hours, local holidays, later
 * versions and closures. The agreed times of its operators, its customers' callback moves and its reschedules follow
 * it from the next request. An admin edits it from the sites table, a team lead from the rota page (`useSave`).
 */
export function SiteCalendarForm<Id extends number | string>({
  site,
  onDone,
  useSave,
  inherited,
  kind = 'site',
}: {
  site: { id: Id; name: string; calendar: ServiceCalendarSpec | null };
  onDone: (message: string | null) => void;
  useSave: UseCalendarSave<Id>;
  /** the calendar the subject follows while it has none of its own (a site: its district's), shown and offered */
  inherited?: { from: string; calendar: ServiceCalendarSpec } | null;
  /** whose calendar: a site's (the default) or a district's, which its sites without their own follow */
  kind?: 'site' | 'district';
}) {
  const { t } = useTranslation('admin');
  const { t: tShell } = useTranslation();
  const ids = useId();
  const requestId = useRequestId();
  const start = site.calendar ?? inherited?.calendar ?? CENTRE_DEFAULT;
  const [own, setOwn] = useState(site.calendar !== null);
  const [weekdays, setWeekdays] = useState(start.weekdays);
  const [saturdayOpen, setSaturdayOpen] = useState(start.saturday !== null);
  const [saturday, setSaturday] = useState(start.saturday ?? { opens: '08:00', closes: '13:00' });
  const nextId = useRef(start.localHolidays.length);
  const [holidays, setHolidays] = useState<HolidayRow[]>(
    start.localHolidays.map((h, i) => ({ id: i, day: toDayMonth(h.date), name: h.name })),
  );
  const [name, setName] = useState(start.name ?? '');
  const later = useLaterHours(start, !own);
  const [problems, setProblems] = useState<string[]>([]);
  // a row just added gets the focus, so the keyboard goes on typing it
  const [added, setAdded] = useState<number | null>(null);
  const save = useSave((saved) => {
    requestId.done();
    const cleared = kind === 'district' ? 'sites.calendar.districtCleared' : 'sites.calendar.savedDefault';
    onDone(t(saved.calendar ? 'sites.calendar.saved' : cleared, { name: saved.name }));
  });
  const serverProblems = serverFieldErrors(save.error).calendar ?? [];

  function submit(event: FormEvent) {
    event.preventDefault();
    const candidate = own
      ? {
          ...(name.trim() ? { name: name.trim() } : {}),
          weekdays,
          saturday: saturdayOpen ? saturday : null,
          localHolidays: holidays.map((h) => ({ date: toMonthDay(h.day), name: h.name })),
          ...later.spec(),
        }
      : null;
    if (candidate) {
      const parsed = serviceCalendarSpec.safeParse(candidate);
      if (!parsed.success) {
        setProblems(
          parsed.error.issues.map((i) =>
            t('sites.calendar.problem', { field: fieldName(t, i.path), message: i.message }),
          ),
        );
        return;
      }
    }
    setProblems([]);
    save.save(site.id, candidate, requestId.idFor);
  }

  const allProblems = [...problems, ...serverProblems];
  const title = t('sites.calendar.title', { name: site.name });
  return (
    <Panel title={title}>
      <form className="admin-form admin-form--wide" onSubmit={submit} noValidate aria-label={title}>
        {save.isError && !serverProblems.length && (
          <Alert tone="error" title={t('sites.calendar.failed')}>
            <p>{tShell(errorMessageKey(save.error))}</p>
          </Alert>
        )}
        {allProblems.length > 0 && (
          <Alert tone="error" title={t('sites.calendar.failed')}>
            <ul className="admin-list" role="list">
              {allProblems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </Alert>
        )}
        <CalendarLead kind={kind} inheritedFrom={site.calendar ? null : (inherited?.from ?? null)} />
        <div className="admin-check">
          <input id={`${ids}-own`} type="checkbox" checked={own} autoFocus onChange={(e) => setOwn(e.target.checked)} />
          <label htmlFor={`${ids}-own`}>
            {t(kind === 'district' ? 'sites.calendar.districtOwn' : 'sites.calendar.own')}
          </label>
        </div>
        <TextField
          className="admin-field--narrow"
          label={t('sites.calendar.name')}
          hint={t('sites.calendar.nameHint')}
          value={name}
          disabled={!own}
          onChange={(e) => setName(e.target.value)}
        />
        <fieldset className="admin-fieldset" disabled={!own}>
          <legend className="ui-field__label">{t('sites.calendar.weekdays')}</legend>
          <HoursPair
            value={weekdays}
            onChange={setWeekdays}
            labels={[t('sites.calendar.opens'), t('sites.calendar.closes')]}
          />
        </fieldset>
        <fieldset className="admin-fieldset" disabled={!own}>
          <legend className="ui-field__label">{t('sites.calendar.saturday')}</legend>
          <div className="admin-check">
            <input
              id={`${ids}-sat`}
              type="checkbox"
              checked={saturdayOpen}
              onChange={(e) => setSaturdayOpen(e.target.checked)}
            />
            <label htmlFor={`${ids}-sat`}>{t('sites.calendar.saturdayOpen')}</label>
          </div>
          {saturdayOpen && (
            <HoursPair
              value={saturday}
              onChange={setSaturday}
              labels={[t('sites.calendar.saturdayOpens'), t('sites.calendar.saturdayCloses')]}
            />
          )}
        </fieldset>
        <HolidaysFieldset
          disabled={!own}
          rows={holidays}
          onChange={setHolidays}
          focusId={added}
          onAdd={() => {
            const id = nextId.current++;
            setAdded(id);
            setHolidays((hs) => [...hs, { id, day: '', name: '' }]);
          }}
        />
        {later.fieldsets}
        <div className="admin-form__actions">
          <Button type="submit" variant="primary" busy={save.isPending}>
            {t('sites.calendar.save')}
          </Button>
          <Button onClick={() => onDone(null)}>{t('sites.calendar.cancel')}</Button>
        </div>
      </form>
    </Panel>
  );
}

/** The local holidays: a day (DD/MM) and a name per row, added and removed from the keyboard. */
function HolidaysFieldset({ disabled, rows, focusId, onChange, onAdd }: RowsEditor<HolidayRow>) {
  const { t } = useTranslation('admin');
  const set = patchRow(rows, onChange);
  return (
    <RowsFieldset
      disabled={disabled}
      legend={t('sites.calendar.holidaysTitle')}
      hint={t('sites.calendar.holidaysHint')}
      rows={rows}
      max={20}
      addLabel={t('sites.calendar.addHoliday')}
      onAdd={onAdd}
    >
      {(r, i) => (
        <fieldset key={r.id} className="admin-inline-form" aria-label={t('sites.calendar.holidayRow', { n: i + 1 })}>
          <TextField
            label={t('sites.calendar.holidayDay')}
            value={r.day}
            placeholder="29/06"
            inputMode="numeric"
            autoFocus={r.id === focusId}
            onChange={(e) => set(r.id, { day: e.target.value })}
          />
          <TextField
            label={t('sites.calendar.holidayName')}
            value={r.name}
            className="admin-inline-form__wide"
            onChange={(e) => set(r.id, { name: e.target.value })}
          />
          <RemoveRow
            label={t('sites.calendar.removeHoliday', { n: i + 1 })}
            onRemove={() => onChange(rows.filter((x) => x.id !== r.id))}
          />
        </fieldset>
      )}
    </RowsFieldset>
  );
}

/** Where in the form a schema issue points, in the admin's words. */
function fieldName(t: TFunction<'admin'>, path: PropertyKey[]): string {
  const [first, index, leaf] = path;
  if (first === 'name') return t('sites.calendar.name');
  if (first === 'versions' && typeof index === 'number') return t('sites.calendar.versionRow', { n: index + 1 });
  if (first === 'versions') return t('sites.calendar.versionsTitle');
  if (first === 'closures' && typeof index === 'number') return t('sites.calendar.closureRow', { n: index + 1 });
  if (first === 'closures') return t('sites.calendar.closuresTitle');
  if (first === 'weekdays') return t('sites.calendar.weekdays');
  if (first === 'saturday') return t('sites.calendar.saturday');
  if (first === 'localHolidays' && typeof index === 'number') {
    return (
      t('sites.calendar.holidayRow', { n: index + 1 }) +
      (leaf === 'name' ? ` (${t('sites.calendar.holidayName')})` : '')
    );
  }
  return t('sites.calendar.holidaysTitle');
}
