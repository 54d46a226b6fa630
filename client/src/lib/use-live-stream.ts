import { useEffect, useEffectEvent, useState } from 'react';
import { STREAMS, type StreamEvents, type StreamName } from '@valore/shared/streams';

/** As tRPC's subscriptions named them: connecting, open and waiting for events ('pending'), or failed. */
export type LiveStatus = 'connecting' | 'pending' | 'error';

/** A browser (or a test's DOM) without server-sent events gets 'error', never an exception. */
const supported = () => typeof EventSource !== 'undefined';

/** After the server refused or dropped a stream for good, a new one is tried this long after. */
const REOPEN_MS = 5_000;

/**
 * One live stream of the server (shared/src/streams.ts) as a hook: `onEvent` gets each event, in order; the hook
 * resumes after drops. The browser's EventSource reconnects by itself with `Last-Event-ID`; when it gives up (the
 * server answered with an error, e.g. during a restart), a new one is opened after a pause with the last id as
 * `?lastEventId=`, so the stream still resumes where it was. `onEvent` may change between renders. `query` null:
 * no stream (yet), e.g. until an admin has chosen the site to watch.
 */
export function useLiveStream<K extends StreamName>(
  name: K,
  onEvent: (event: StreamEvents[K], id: string) => void,
  query: Record<string, string> | null = {},
): { status: LiveStatus } {
  const [status, setStatus] = useState<LiveStatus>(() => (supported() ? 'connecting' : 'error'));
  // the latest render's handler, called from the stream's callbacks without reopening the stream
  const handle = useEffectEvent(onEvent);
  const queryKey = query === null ? null : new URLSearchParams(query).toString();

  useEffect(() => {
    if (!supported() || queryKey === null) return;
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let lastId: string | null = null;
    let stopped = false;
    const open = () => {
      const params = new URLSearchParams(queryKey);
      if (lastId !== null) params.set('lastEventId', lastId);
      const search = params.toString();
      const current = new EventSource(`${STREAMS[name]}${search ? `?${search}` : ''}`, { withCredentials: true });
      source = current;
      setStatus('connecting');
      current.onopen = () => setStatus('pending');
      current.onmessage = (message: MessageEvent<string>) => {
        lastId = message.lastEventId || lastId;
        setStatus('pending');
        handle(JSON.parse(message.data) as StreamEvents[K], message.lastEventId);
      };
      current.onerror = () => {
        if (current.readyState !== EventSource.CLOSED) {
          setStatus('connecting'); // the browser is reconnecting, Last-Event-ID included
          return;
        }
        setStatus('error');
        current.close();
        if (!stopped) timer = setTimeout(open, REOPEN_MS);
      };
    };
    open();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      source?.close();
    };
  }, [name, queryKey]);

  return { status };
}
