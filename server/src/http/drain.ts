/**
 * The way out of a server that is asked to stop (SIGTERM, SIGINT; docs/operations.md, "Stopping a node"). While it
 * drains, `/healthz` answers 503 `draining` (a proxy or orchestrator stops routing to it), every answer carries
 * `Connection: close` (a keep-alive client's next request opens a new connection, which the proxy sends elsewhere),
 * and the live streams end (the browser's EventSource reconnects on its own and resumes with Last-Event-ID). Requests
 * already being served are finished, so nothing a client was told is lost and nothing it sent is cut in half.
 */
export interface Drain {
  readonly draining: boolean;
  /** Starts draining: runs the listeners once (the live streams close what they hold open). */
  start(): void;
  /** `fn` runs when draining starts (at once if it already has). */
  onStart(fn: () => void): void;
}

export function createDrain(): Drain {
  let draining = false;
  const listeners: (() => void)[] = [];
  return {
    get draining() {
      return draining;
    },
    start() {
      if (draining) return;
      draining = true;
      for (const fn of listeners.splice(0)) fn();
    },
    onStart(fn) {
      if (draining) fn();
      else listeners.push(fn);
    },
  };
}
