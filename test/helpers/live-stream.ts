import { STREAMS, type StreamEvents, type StreamName } from '@valore/shared/streams';

/** One event as the wire carries it: its id (what a reconnect gives back) and its data. */
export interface LiveEvent<T> {
  id: string;
  data: T;
}

export interface LiveStream<T> {
  /** The HTTP status of the answer: 200 for an open stream, else the refusal (its JSON body in `refusal`). */
  status: number;
  refusal: { error: { code: string; domainCode?: string; message: string; fields?: Record<string, string[]> } } | null;
  headers: Headers;
  events: LiveEvent<T>[];
  /** Waits until `predicate` holds for the events received so far (in order), or fails after `timeoutMs`. */
  until(predicate: (events: T[]) => boolean, timeoutMs?: number): Promise<T[]>;
  /** The last id received (null before the first event). */
  lastId(): string | null;
  close(): void;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
}

/**
 * Opens one of the server's live streams (plain SSE) the way a browser's EventSource does: GET with the session
 * cookie and `Accept: text/event-stream`, `Last-Event-ID` when resuming. Parses `id:` / `data:` frames; comments
 * (heartbeats) and `retry:` are skipped.
 */
export async function openLiveStream<K extends StreamName>(
  baseUrl: string,
  name: K,
  options: {
    cookie?: string;
    lastEventId?: string;
    query?: Record<string, string>;
    /** Called as each event is parsed (benchmarks time deliveries with it). */
    onEvent?: (data: StreamEvents[K], id: string) => void;
  } = {},
): Promise<LiveStream<StreamEvents[K]>> {
  const controller = new AbortController();
  const search = new URLSearchParams(options.query ?? {}).toString();
  const response = await fetch(`${baseUrl}${STREAMS[name]}${search ? `?${search}` : ''}`, {
    headers: {
      accept: 'text/event-stream',
      ...(options.cookie ? { cookie: options.cookie } : {}),
      ...(options.lastEventId ? { 'last-event-id': options.lastEventId } : {}),
    },
    signal: controller.signal,
  });
  const events: LiveEvent<StreamEvents[K]>[] = [];
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());
  let finished = false;
  let refusal: LiveStream<StreamEvents[K]>['refusal'] = null;
  let ended: Promise<void> = Promise.resolve();
  if (response.status !== 200) {
    refusal = (await response.json()) as NonNullable<typeof refusal>;
    finished = true;
  } else {
    ended = read(response, (id, data) => {
      const event = { id, data: JSON.parse(data) as StreamEvents[K] };
      events.push(event);
      options.onEvent?.(event.data, id);
      notify();
    }).finally(() => {
      finished = true;
      notify();
    });
  }
  return {
    status: response.status,
    refusal,
    headers: response.headers,
    events,
    ended,
    lastId: () => events.at(-1)?.id ?? null,
    close: () => controller.abort(),
    async until(predicate, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      const data = () => events.map((e) => e.data);
      while (!predicate(data())) {
        const left = deadline - Date.now();
        if (finished) throw new Error(`the stream ended; got ${JSON.stringify(data())}`);
        if (left <= 0) throw new Error(`timed out; got ${JSON.stringify(data())}`);
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            waiters.delete(done);
            resolve();
          };
          const timer = setTimeout(done, left);
          waiters.add(done);
        });
      }
      return data();
    },
  };
}

async function read(response: Response, onEvent: (id: string, data: string) => void): Promise<void> {
  if (!response.body) return;
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let id = '';
        const data: string[] = [];
        for (const line of frame.split('\n')) {
          if (line.startsWith('id: ')) id = line.slice(4);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (data.length > 0) onEvent(id, data.join('\n'));
      }
    }
  } catch {
    // aborted by close(), or the server cut the connection
  }
}
