import type { Logger } from './logger';

/**
 * Runs `task` every `intervalMs` after the previous run ended (never two at once), logging a failure instead of
 * stopping; the timer does not keep the process alive. `wake` runs it now instead of at the next tick (or right after
 * the run in progress), for work that has just arrived. `stop` waits for a run in progress. The background workers
 * that poll (stats catch-up, the offer dispatcher, the CTI command dispatcher) share this loop.
 */
export function repeatEvery(
  intervalMs: number,
  task: () => Promise<unknown>,
  onError: { logger: Logger; message: string },
): { stop: () => Promise<void>; wake: () => void } {
  let stopped = false;
  let busy = false;
  let again = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  const schedule = (ms: number) => {
    timer = setTimeout(tick, ms);
    timer.unref();
  };
  const tick = () => {
    timer = null;
    busy = true;
    again = false;
    running = task()
      .catch((err: unknown) => onError.logger.error({ err }, onError.message))
      .finally(() => {
        busy = false;
        if (!stopped) schedule(again ? 0 : intervalMs);
      });
  };
  schedule(intervalMs);
  return {
    wake: () => {
      if (stopped) return;
      if (busy) {
        again = true;
        return;
      }
      if (timer) clearTimeout(timer);
      tick();
    },
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}
