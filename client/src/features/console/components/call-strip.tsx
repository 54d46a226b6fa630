import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CtiAction, CtiCommandInput } from '@valore/shared/schemas/cti';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { errorMessageKey } from '../../../lib/errors';
import { useTRPC } from '../../../lib/trpc';
import { clock } from '../format';
import { useConsole } from '../hooks/console-store';
import type { StripCall } from '../hooks/use-screen-pops';

type Phase = 'ringing' | 'dialling' | 'talking' | 'held' | 'ended';

function phaseOf(c: StripCall['call']): Phase {
  if (c.state === 'ended') return 'ended';
  if (c.state === 'offered') return c.direction === 'outbound' ? 'dialling' : 'ringing';
  return c.heldSince ? 'held' : 'talking';
}

/**
 * Talk time (holds excluded), the current hold, all holds, and time ringing, at `now` (server time). Talk time stops
 * at the hold's start, not at `now`: it stands still on hold whatever this console's clock says.
 */
export function callTimes(c: StripCall['call'], now: number) {
  const talkUntil = Date.parse(c.endedAt ?? c.heldSince ?? '') || now;
  const holdNow = c.heldSince && !c.endedAt ? Math.max(0, now - Date.parse(c.heldSince)) : 0;
  const talk = c.answeredAt ? Math.max(0, talkUntil - Date.parse(c.answeredAt) - c.heldMs) : 0;
  const ringingUntil = Date.parse(c.answeredAt ?? c.endedAt ?? '') || now;
  const ringing = c.offeredAt ? Math.max(0, ringingUntil - Date.parse(c.offeredAt)) : 0;
  return { talk, holdNow, held: c.heldMs + holdNow, ringing };
}

/** A clock that ticks every second while `running`. */
function useTick(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1_000);
    return () => window.clearInterval(timer);
  }, [running]);
  return now;
}

/**
 * The call strip (docs/console.md): the operator's telephone, above everything else and never hidden by a contact.
 * It shows what the telephony platform reported — ringing, talking, on hold, ended — with the timers, and sends the
 * call commands (answer, hold, resume, transfer, hang up; dial the customer on the card) through `cti.command`. The
 * server decides whether a command is allowed and hands it to the platform; the strip moves only when the platform
 * reports the change, so it never shows a hope as a fact. Timers run on the server's clock.
 */
export function CallStrip({ live }: { live: StripCall | null }) {
  const { t } = useTranslation('console');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { draft } = useConsole();
  const current = useQuery({
    ...trpc.cti.current.queryOptions(),
    // while a command is on its way, ask how it went
    refetchInterval: (q) => (q.state.data?.lastCommand?.status === 'pending' ? 500 : false),
  });
  // every live change may also be the answer to a command: read the command's fate again
  useEffect(() => {
    if (live) void queryClient.invalidateQueries(trpc.cti.current.queryFilter());
  }, [live, queryClient, trpc]);

  const strip = live ?? current.data?.call ?? null;
  const offset = current.data ? Date.parse(current.data.serverTime) - current.dataUpdatedAt : 0;
  const phase = strip ? phaseOf(strip.call) : null;
  const now = useTick(phase !== null && phase !== 'ended') + offset;

  const command = useMutation(
    trpc.cti.command.mutationOptions({
      onSettled: () => void queryClient.invalidateQueries(trpc.cti.current.queryFilter()),
    }),
  );
  const send = (input: DistributiveOmit<CtiCommandInput, 'requestId'>) =>
    command.mutate({ ...input, requestId: crypto.randomUUID() });

  // a command's fate is news for two minutes (server time), then it is history
  const lastCommand = current.data?.lastCommand ?? null;
  const last =
    lastCommand && Date.parse(current.data?.serverTime ?? '') - Date.parse(lastCommand.createdAt) < 120_000
      ? lastCommand
      : null;
  const inCall = strip !== null && phase !== 'ended';
  // dial the customer on the card: a contact not opened from a call, with a known customer
  const dialable = !inCall && draft?.customerId != null && draft.work?.kind !== 'inbound' ? draft : null;

  return (
    <section className={`call-strip call-strip--${phase ?? 'idle'}`} aria-label={t('call.region')}>
      <div className="call-strip__state">
        <span className="call-strip__dot" aria-hidden="true" />
        <p className="call-strip__label" role="status">
          {phase ? t(`call.phase.${phase}`) : t('call.idle')}
          {strip && (
            <span className="call-strip__who">
              {' · '}
              {strip.customerName ?? strip.ani ?? t('pop.withheld')}
            </span>
          )}
        </p>
        {strip && phase && <Timers call={strip.call} phase={phase} now={now} />}
      </div>
      <div className="call-strip__actions">
        {strip && phase && inCall && (
          <CallActions callId={strip.callId} phase={phase} send={send} busy={command.isPending} />
        )}
        {dialable && (
          <Button
            size="sm"
            variant="primary"
            busy={command.isPending && command.variables?.action === 'dial'}
            onClick={() => send({ action: 'dial', customerId: dialable.customerId ?? 0 })}
          >
            {t('call.dial', { name: dialable.customerName ?? t('call.theCustomer') })}
          </Button>
        )}
      </div>
      <CommandFeedback
        pending={last?.status === 'pending' ? last.action : null}
        failed={last?.status === 'failed' ? { action: last.action, error: last.error } : null}
        refused={command.error ? t(errorMessageKey(command.error), { ns: 'translation' }) : null}
      />
    </section>
  );
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function Timers({ call, phase, now }: { call: StripCall['call']; phase: Phase; now: number }) {
  const { t } = useTranslation('console');
  const times = callTimes(call, now);
  return (
    <p className="call-strip__timers" data-testid="call-timers">
      {(phase === 'ringing' || phase === 'dialling') && (
        <span>{t('call.timers.ringing', { time: clock(times.ringing) })}</span>
      )}
      {(phase === 'talking' || phase === 'held' || phase === 'ended') && (
        <span data-testid="call-talk">{t('call.timers.talk', { time: clock(times.talk) })}</span>
      )}
      {phase === 'held' && (
        <span className="call-strip__hold" data-testid="call-hold">
          {t('call.timers.hold', { time: clock(times.holdNow) })}
        </span>
      )}
      {phase === 'ended' && times.held > 0 && <span>{t('call.timers.heldTotal', { time: clock(times.held) })}</span>}
    </p>
  );
}

function CallActions({
  callId,
  phase,
  send,
  busy,
}: {
  callId: string;
  phase: Phase;
  send: (input: DistributiveOmit<CtiCommandInput, 'requestId'>) => void;
  busy: boolean;
}) {
  const { t } = useTranslation('console');
  const [transferring, setTransferring] = useState(false);
  const on = (action: Exclude<CtiAction, 'dial' | 'transfer'>) => () => send({ action, callId });
  if (transferring) {
    return (
      <TransferForm
        onCancel={() => setTransferring(false)}
        onTransfer={(target) => {
          send({ action: 'transfer', callId, target });
          setTransferring(false);
        }}
      />
    );
  }
  return (
    <>
      {phase === 'ringing' && (
        <Button size="sm" variant="primary" disabled={busy} onClick={on('answer')}>
          {t('call.actions.answer')}
        </Button>
      )}
      {phase === 'talking' && (
        <Button size="sm" disabled={busy} onClick={on('hold')}>
          {t('call.actions.hold')}
        </Button>
      )}
      {phase === 'held' && (
        <Button size="sm" variant="primary" disabled={busy} onClick={on('resume')}>
          {t('call.actions.resume')}
        </Button>
      )}
      {(phase === 'talking' || phase === 'held') && (
        <Button size="sm" disabled={busy} onClick={() => setTransferring(true)}>
          {t('call.actions.transfer')}
        </Button>
      )}
      <Button size="sm" variant="danger" disabled={busy} onClick={on('hangup')}>
        {t('call.actions.hangup')}
      </Button>
    </>
  );
}

/** Where to transfer: an extension, a queue or a colleague's username; Enter transfers, Escape goes back. */
function TransferForm({ onTransfer, onCancel }: { onTransfer: (target: string) => void; onCancel: () => void }) {
  const { t } = useTranslation('console');
  const [target, setTarget] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const valid = /^[\w.+@-]{1,64}$/.test(target.trim());
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (valid) onTransfer(target.trim());
  };
  return (
    <form className="call-strip__transfer" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <label htmlFor="call-transfer-target">{t('call.transfer.label')}</label>
      <input
        id="call-transfer-target"
        ref={input}
        className="ui-input"
        value={target}
        maxLength={64}
        autoComplete="off"
        placeholder={t('call.transfer.placeholder')}
        onChange={(e) => setTarget(e.target.value)}
      />
      <Button size="sm" variant="primary" type="submit" disabled={!valid}>
        {t('call.actions.transfer')}
      </Button>
      <Button size="sm" variant="ghost" onClick={onCancel}>
        {t('call.transfer.cancel')}
      </Button>
    </form>
  );
}

function CommandFeedback({
  pending,
  failed,
  refused,
}: {
  pending: CtiAction | null;
  failed: { action: CtiAction; error: string | null } | null;
  refused: string | null;
}) {
  const { t } = useTranslation('console');
  if (refused) return <Alert tone="error">{refused}</Alert>;
  if (failed) {
    return (
      <Alert tone="error">
        {t('call.failed', { action: t(`call.commands.${failed.action}`), error: failed.error ?? '' })}
      </Alert>
    );
  }
  if (pending)
    return <p className="call-strip__pending">{t('call.pending', { action: t(`call.commands.${pending}`) })}</p>;
  return null;
}
