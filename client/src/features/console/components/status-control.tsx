import { PAUSE_REASONS, SYSTEM_PAUSE_REASONS } from '@valore/shared/reference/enums';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Select } from '../../../components/ui/select';
import { cx } from '../../../components/ui/class-names';
import { clock } from '../format';
import { useConsole } from '../hooks/console-store';

type PauseReason = (typeof PAUSE_REASONS)[number];

/** The operator's state in the page header: ready or paused with a reason; contact states follow the script. */
export function StatusControl() {
  const { t } = useTranslation('console');
  const { status, draft, setStatus } = useConsole();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);

  const state = draft ? (draft.outcome ? 'after_call_work' : 'on_contact') : (status?.state ?? 'signed_out');
  const value = state === 'paused' ? `paused:${status?.reason ?? 'break'}` : state;
  const inContact = state === 'on_contact' || state === 'after_call_work';
  const locked = draft !== null;
  const options = [
    { value: 'ready', label: t('status.ready') },
    // a plain break is "In pausa", not "In pausa: pausa"
    ...PAUSE_REASONS.map((r) => ({
      value: `paused:${r}`,
      label: r === 'break' ? t('status.paused') : t('status.pausedFor', { reason: t(`pause.${r}`) }),
    })),
    // a pause the server set (an offer let go): shown, not offered
    ...SYSTEM_PAUSE_REASONS.filter((r) => value === `paused:${r}`).map((r) => ({
      value: `paused:${r}`,
      label: t('status.pausedFor', { reason: t(`pause.${r}`) }),
      disabled: true,
    })),
    ...(inContact || state === 'signed_out' ? [{ value: state, label: t(`status.${state}`), disabled: true }] : []),
  ];

  // Arrow keys (and type-ahead) on the closed select only move the choice: Enter or leaving the field commits it,
  // so stepping from "Pronto" past three pause reasons does not send three states
  const [pending, setPending] = useState<string | null>(null);
  const moving = useRef(false);
  function commit(next: string) {
    setPending(null);
    if (next !== value) change(next);
  }

  function change(next: string) {
    if (next === 'ready') setStatus({ state: 'ready' });
    const reason = PAUSE_REASONS.find((r) => `paused:${r}` === next);
    if (reason) setStatus({ state: 'paused', reason: reason satisfies PauseReason });
  }

  const since = status && !draft ? now - Date.parse(status.since) : null;
  return (
    <div className={cx('status-control', `status-control--${state}`)} data-testid="operator-status">
      <span className="status-control__dot" aria-hidden="true" />
      <Select
        inline
        label={t('status.label')}
        options={options}
        value={pending ?? value}
        disabled={locked}
        title={locked ? t('status.lockedHint') : pending ? t('status.confirmHint') : undefined}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && pending !== null) {
            e.preventDefault();
            commit(pending);
          } else if (e.key === 'Escape' && pending !== null) {
            setPending(null);
          } else {
            moving.current = !e.altKey && (/^(Arrow|Page|Home|End)/.test(e.key) || e.key.length === 1) && e.key !== ' ';
          }
        }}
        onChange={(e) => {
          if (moving.current) setPending(e.target.value);
          else commit(e.target.value);
          moving.current = false;
        }}
        onBlur={() => {
          if (pending !== null) commit(pending);
        }}
      />
      {pending !== null && (
        <span className="status-control__confirm" role="status">
          {t('status.confirmHint')}
        </span>
      )}
      {since !== null && since >= 0 && (
        <span className="status-control__since" aria-label={t('status.sinceLabel')}>
          {clock(since)}
        </span>
      )}
    </div>
  );
}
