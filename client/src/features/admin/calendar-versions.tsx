import { useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CalendarVersionSpec, Closure, ServiceCalendarSpec } from '@valore/shared/time/service-calendar';
import { Button } from '../../components/ui/button';
import { DateField } from '../../components/ui/date-field';
import { TextField } from '../../components/ui/text-field';

type Hours = { opens: string; closes: string };

/** Opening and closing time, "HH:MM" each. */
export function HoursPair({
  value,
  onChange,
  labels,
}: {
  value: Hours;
  onChange: (hours: Hours) => void;
  labels: [string, string];
}) {
  return (
    <div className="admin-inline-form">
      <TextField
        label={labels[0]}
        value={value.opens}
        inputMode="numeric"
        placeholder="07:30"
        onChange={(e) => onChange({ ...value, opens: e.target.value })}
      />
      <TextField
        label={labels[1]}
        value={value.closes}
        inputMode="numeric"
        placeholder="19:30"
        onChange={(e) => onChange({ ...value, closes: e.target.value })}
      />
    </div>
  );
}

/** What a list of rows being edited takes: its rows, the row to focus (just added), and what changes them. */
export interface RowsEditor<Row> {
  disabled: boolean;
  rows: Row[];
  focusId: number | null;
  onChange: (rows: Row[]) => void;
  onAdd: () => void;
}

/** Changes some fields of one row, by id. */
export const patchRow =
  <Row extends { id: number }>(rows: Row[], onChange: (rows: Row[]) => void) =>
  (id: number, patch: Partial<Row>) =>
    onChange(rows.map((r) => (r.id === id ? { ...r, ...patch } : r)));

/** A list of rows of fields (holidays, versions, closures): its legend and hint, each row, and a button adding one. */
export function RowsFieldset<Row extends { id: number }>({
  disabled,
  legend,
  hint,
  rows,
  max,
  addLabel,
  onAdd,
  children,
}: {
  disabled: boolean;
  legend: string;
  hint: string;
  rows: Row[];
  max: number;
  addLabel: string;
  onAdd: () => void;
  children: (row: Row, index: number) => ReactNode;
}) {
  return (
    <fieldset className="admin-fieldset" disabled={disabled}>
      <legend className="ui-field__label">{legend}</legend>
      <p className="ui-field__hint">{hint}</p>
      {rows.map(children)}
      <div>
        <Button disabled={rows.length >= max} onClick={onAdd}>
          {addLabel}
        </Button>
      </div>
    </fieldset>
  );
}

/** The button removing row n of a list. */
export function RemoveRow({ label, onRemove }: { label: string; onRemove: () => void }) {
  const { t } = useTranslation('admin');
  return (
    <Button size="sm" onClick={onRemove} aria-label={label}>
      {t('sites.calendar.remove')}
    </Button>
  );
}

/** A later version of the hours being edited (a row id keeps React's keys and the focus stable). */
export type VersionRow = CalendarVersionSpec & { id: number };
export type ClosureRow = Closure & { id: number };

/** The source's to-be hours, what a new version starts from (Mon–Fri 07:30–19:30, Sat 07:30–15:12). */
export const TO_BE_HOURS = {
  weekdays: { opens: '07:30', closes: '19:30' },
  saturday: { opens: '07:30', closes: '15:12' },
} as const;

/**
 * Later versions of the hours, each named and from its effective date (e.g. "To-be" from the day it starts): until
 * then the hours above apply, from then on these. Added and removed from the keyboard.
 */
export function VersionsFieldset({ disabled, rows, focusId, onChange, onAdd }: RowsEditor<VersionRow>) {
  const { t } = useTranslation('admin');
  const set = patchRow(rows, onChange);
  return (
    <RowsFieldset
      disabled={disabled}
      legend={t('sites.calendar.versionsTitle')}
      hint={t('sites.calendar.versionsHint')}
      rows={rows}
      max={10}
      addLabel={t('sites.calendar.addVersion')}
      onAdd={onAdd}
    >
      {(r, i) => {
        const n = i + 1;
        return (
          <fieldset
            key={r.id}
            className="admin-fieldset admin-fieldset--item"
            aria-label={t('sites.calendar.versionRow', { n })}
          >
            <div className="admin-inline-form">
              <TextField
                label={t('sites.calendar.versionName')}
                value={r.name}
                autoFocus={r.id === focusId}
                onChange={(e) => set(r.id, { name: e.target.value })}
              />
              <DateField
                label={t('sites.calendar.effectiveFrom')}
                value={r.effectiveFrom}
                onChange={(effectiveFrom) => set(r.id, { effectiveFrom })}
              />
              <RemoveRow
                label={t('sites.calendar.removeVersion', { n })}
                onRemove={() => onChange(rows.filter((x) => x.id !== r.id))}
              />
            </div>
            <HoursPair
              value={r.weekdays}
              onChange={(weekdays) => set(r.id, { weekdays })}
              labels={[t('sites.calendar.versionOpens', { n }), t('sites.calendar.versionCloses', { n })]}
            />
            <div className="admin-check">
              <input
                id={`version-${r.id}-sat`}
                type="checkbox"
                checked={r.saturday !== null}
                onChange={(e) => set(r.id, { saturday: e.target.checked ? { ...TO_BE_HOURS.saturday } : null })}
              />
              <label htmlFor={`version-${r.id}-sat`}>{t('sites.calendar.versionSaturdayOpen', { n })}</label>
            </div>
            {r.saturday && (
              <HoursPair
                value={r.saturday}
                onChange={(saturday) => set(r.id, { saturday })}
                labels={[
                  t('sites.calendar.versionSaturdayOpens', { n }),
                  t('sites.calendar.versionSaturdayCloses', { n }),
                ]}
              />
            )}
          </fieldset>
        );
      }}
    </RowsFieldset>
  );
}

/** One-off closures: first and last day (both closed) and the reason. */
export function ClosuresFieldset({ disabled, rows, focusId, onChange, onAdd }: RowsEditor<ClosureRow>) {
  const { t } = useTranslation('admin');
  const set = patchRow(rows, onChange);
  return (
    <RowsFieldset
      disabled={disabled}
      legend={t('sites.calendar.closuresTitle')}
      hint={t('sites.calendar.closuresHint')}
      rows={rows}
      max={50}
      addLabel={t('sites.calendar.addClosure')}
      onAdd={onAdd}
    >
      {(r, i) => (
        <fieldset key={r.id} className="admin-inline-form" aria-label={t('sites.calendar.closureRow', { n: i + 1 })}>
          <TextField
            label={t('sites.calendar.closureReason')}
            value={r.reason}
            className="admin-inline-form__wide"
            autoFocus={r.id === focusId}
            onChange={(e) => set(r.id, { reason: e.target.value })}
          />
          <DateField label={t('sites.calendar.closureFrom')} value={r.from} onChange={(from) => set(r.id, { from })} />
          <DateField label={t('sites.calendar.closureTo')} value={r.to} onChange={(to) => set(r.id, { to })} />
          <RemoveRow
            label={t('sites.calendar.removeClosure', { n: i + 1 })}
            onRemove={() => onChange(rows.filter((x) => x.id !== r.id))}
          />
        </fieldset>
      )}
    </RowsFieldset>
  );
}

/**
 * The later versions and the closures of a calendar being edited: their rows, the part of the calendar they make
 * (`spec()`), and their fieldsets. A row just added gets the focus, so the keyboard goes on typing it.
 */
export function useLaterHours(start: ServiceCalendarSpec, disabled: boolean) {
  // rows loaded get ids by position (a calendar holds at most 10 versions); rows added count on from 1,000
  const nextId = useRef(1_000);
  const [added, setAdded] = useState<number | null>(null);
  const [versions, setVersions] = useState<VersionRow[]>(() => (start.versions ?? []).map((v, i) => ({ ...v, id: i })));
  const [closures, setClosures] = useState<ClosureRow[]>(() =>
    (start.closures ?? []).map((c, i) => ({ ...c, id: 100 + i })),
  );
  const spec = (): Pick<ServiceCalendarSpec, 'versions' | 'closures'> => ({
    ...(versions.length ? { versions: versions.map(({ id: _, ...v }) => v) } : {}),
    ...(closures.length ? { closures: closures.map(({ id: _, ...c }) => c) } : {}),
  });
  const fieldsets = (
    <>
      <VersionsFieldset
        disabled={disabled}
        rows={versions}
        onChange={setVersions}
        focusId={added}
        onAdd={() => {
          const id = nextId.current++;
          setAdded(id);
          setVersions((vs) => [...vs, { id, name: '', effectiveFrom: '', ...structuredClone(TO_BE_HOURS) }]);
        }}
      />
      <ClosuresFieldset
        disabled={disabled}
        rows={closures}
        onChange={setClosures}
        focusId={added}
        onAdd={() => {
          const id = nextId.current++;
          setAdded(id);
          setClosures((cs) => [...cs, { id, from: '', to: '', reason: '' }]);
        }}
      />
    </>
  );
  return { spec, fieldsets };
}
