/**
 * Bridges push-style bus handlers to a subscription's async generator: events are buffered in order
 * until the consumer pulls them, and iteration ends when the request's AbortSignal fires.
 */
export function createAsyncQueue<T>(signal: AbortSignal | undefined) {
  const buffer: T[] = [];
  let wake: (() => void) | null = null;
  let closed = signal?.aborted ?? false;
  const onAbort = () => {
    closed = true;
    wake?.();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  return {
    push(item: T) {
      if (closed) return;
      buffer.push(item);
      wake?.();
    },
    close() {
      onAbort();
    },
    async *drain(): AsyncGenerator<T, void, unknown> {
      try {
        while (!closed || buffer.length > 0) {
          if (closed) return;
          const next = buffer.shift();
          if (next !== undefined) {
            yield next;
            continue;
          }
          await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
        }
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}
