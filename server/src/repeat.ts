import type { Logger } from './logger';

/**
 * Runs `task` every `intervalMs` after the previous run ended (never two at once), logging a failure instead of
 * stopping; the timer does not keep the process alive. `stop` waits for a run in progress. The background workers
 * that poll (stats catch-up, the offer dispatcher) share this loop.
 */
export function repeatEvery(
  intervalMs: number,
  task: () => Promise<unknown>,
  onError: { logger: Logger; message: string },
): { stop: () => Promise<void> } {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  const schedule = () => {
    timer = setTimeout(tick, intervalMs);
    timer.unref();
  };
  const tick = () => {
    running = task()
      .catch((err: unknown) => onError.logger.error({ err }, onError.message))
      .finally(() => {
        if (!stopped) schedule();
      });
  };
  schedule();
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}
