import { INBOUND_FLOWS } from '@valore/shared/reference/enums';
import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/ui/button';
import { useFormat } from '../format';
import { useConsole } from '../hooks/console-store';
import type { useScreenPops } from '../hooks/use-screen-pops';

/** The call the switch just routed here: who calls, which number they dialled, which script it opened. */
export function ScreenPopNotice({ pops }: { pops: ReturnType<typeof useScreenPops> }) {
  const { t } = useTranslation('console');
  const fmt = useFormat();
  const { draft } = useConsole();
  const active = pops.active;
  if (!active) return null;
  const { pop, started } = active;
  const inProgress = started && draft?.work?.kind === 'inbound' && draft.work.sourceId === pop.callId;
  // The contact opened from the pop is over: nothing left to say.
  if (started && !inProgress) return null;
  const busy = !started && draft !== null;
  const who = pop.customerName ?? t('pop.unknownCaller');
  const flow = pop.flow ? t(`flows.${pop.flow}`) : t('pop.noFlow');

  return (
    <section
      className={busy ? 'screen-pop screen-pop--busy' : 'screen-pop'}
      aria-labelledby="screen-pop-title"
      data-testid="screen-pop"
      data-call-id={pop.callId}
      role={busy ? 'alert' : 'status'}
    >
      <p id="screen-pop-title" className="screen-pop__title">
        <span aria-hidden="true">☎ </span>
        {pop.type === 'answered' ? t('pop.answered', { who }) : t('pop.offered', { who })}
      </p>
      <p className="screen-pop__meta">
        {t('pop.details', { ani: pop.ani ?? t('pop.withheld'), dnis: pop.dnis, flow, time: fmt.time(pop.at) })}
      </p>
      {busy && <p className="screen-pop__busy">{t('pop.busy')}</p>}
      {!started && (
        <div className="screen-pop__actions">
          {INBOUND_FLOWS.map((f) => (
            <Button
              key={f}
              size="sm"
              variant={f === pop.flow ? 'primary' : 'secondary'}
              disabled={draft !== null}
              onClick={() => pops.startFrom(f)}
            >
              {t('pop.startAs', { flow: t(`flows.${f}`) })}
            </Button>
          ))}
          <Button size="sm" variant="ghost" onClick={pops.dismiss}>
            {t('pop.dismiss')}
          </Button>
        </div>
      )}
    </section>
  );
}
