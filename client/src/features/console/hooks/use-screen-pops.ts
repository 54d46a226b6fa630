import type { InboundFlow, ScreenPop } from '@valore/shared/schemas/cti';
import { useCallback, useState } from 'react';
import { useLiveStream } from '../../../lib/use-live-stream';
import { useConsole } from './console-store';

export interface ActivePop {
  pop: ScreenPop;
  /** The contact was opened from this pop (the operator was free). */
  started: boolean;
}

/** A call as the strip shows it. */
export interface StripCall {
  callId: string;
  customerId: number | null;
  customerName: string | null;
  ani: string | null;
  call: ScreenPop['call'];
}

/** The strip follows the newest call: the late end of an older call does not take the place of one in progress. */
export function nextStripCall(current: StripCall | null, pop: StripCall): StripCall {
  if (current && current.callId !== pop.callId && current.call.state !== 'ended' && pop.call.state === 'ended') {
    return current;
  }
  return {
    callId: pop.callId,
    customerId: pop.customerId,
    customerName: pop.customerName,
    ani: pop.ani,
    call: pop.call,
  };
}

/** interactions.complete takes a source id of at most 64 characters; longer switch ids are not kept. */
const sourceOf = (callId: string) => (callId.length <= 64 ? callId : null);

/**
 * Live screen pops from the switch (SSE): a call offered to or answered by this operator opens the caller's card
 * with the flow the dialled number preselects — at once when the operator is free; otherwise it stays as a notice.
 */
export function useScreenPops() {
  const { draft, startContact } = useConsole();
  const [active, setActive] = useState<ActivePop | null>(null);

  const start = useCallback(
    (pop: ScreenPop, flow: InboundFlow) =>
      startContact({
        flow,
        customerId: pop.customerId,
        customerName: pop.customerName,
        work: { kind: 'inbound', sourceId: sourceOf(pop.callId), presetProductCode: null },
      }),
    [startContact],
  );

  // the call strip's call: the newest event of the newest call (the stream carries every change of every call)
  const [call, setCall] = useState<StripCall | null>(null);

  // useLiveStream always calls the handler of the latest render, so this sees the current draft.
  const onPop = (pop: ScreenPop) => {
    setCall((current) => nextStripCall(current, pop));
    // a hold, its end, the end of the call, or any event of a call the operator placed: the strip only
    if ((pop.type !== 'offered' && pop.type !== 'answered') || pop.call.direction === 'outbound') return;
    // "answered" after "offered" for the same call: the contact is already open.
    if (draft?.work?.kind === 'inbound' && draft.work.sourceId === sourceOf(pop.callId)) {
      setActive((a) => (a && a.pop.callId === pop.callId ? { ...a, pop } : a));
      return;
    }
    if (active && active.pop.callId === pop.callId && active.started) return;
    const started = pop.flow !== null && !draft && start(pop, pop.flow);
    setActive({ pop, started });
  };

  useLiveStream('screenPops', onPop);

  return {
    active,
    /** The call the strip shows, as the last live event left it (null: none since the console opened). */
    call,
    /** Opens the contact from a pop shown as a notice (the operator was busy, or the number was not mapped). */
    startFrom: (flow: InboundFlow) => {
      if (!active || draft) return;
      if (start(active.pop, flow)) setActive({ ...active, started: true });
    },
    dismiss: () => setActive(null),
  };
}
