import { romeParts } from '@valore/shared/time/rome-time';
import { purgeExpiredData, type PurgeDeps, type PurgeResult } from './purge';

const HOUR = 3_600_000;

/**
 * The next instant at the top of `hour` (Rome time) after `now`. Rome is a whole number of hours from UTC, so
 * walking whole UTC hours finds it; on the spring-forward night 02:00 does not exist and the run is the next day's.
 */
export function nextRunAt(now: Date, hour: number): Date {
  let t = Math.floor(now.getTime() / HOUR) * HOUR + HOUR;
  for (let i = 0; i < 48; i++, t += HOUR) {
    if (romeParts(new Date(t)).hour === hour) return new Date(t);
  }
  return new Date(now.getTime() + 24 * HOUR);
}

export interface RetentionWorker {
  /** Runs a purge now (unless one is running: then waits for that one). */
  runNow: () => Promise<PurgeResult | null>;
  stop: () => Promise<void>;
}

/**
 * Runs the purge once a day at the configured quiet hour (Rome time; default 03:00), like the stats worker: a
 * timer that is not keeping the process alive, stopped by stopBackgroundJobs. A day the server is down at that hour
 * is simply skipped: the periods are relative to each run, so the next run purges what the skipped one would have.
 */
export function startRetentionWorker(deps: PurgeDeps, opts: { hour: number | null }): RetentionWorker {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<PurgeResult | null> | null = null;

  const run = (): Promise<PurgeResult | null> => {
    running ??= purgeExpiredData(deps, { shouldStop: () => stopped })
      .catch((err: unknown) => {
        deps.logger.error({ err }, 'retention: the purge failed; it runs again at the next quiet hour');
        return null;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };

  const schedule = () => {
    if (stopped || opts.hour === null) return;
    const now = deps.clock.now();
    // a test clock may stand anywhere: never a timer shorter than a second or longer than a day and an hour
    const delay = Math.min(Math.max(nextRunAt(now, opts.hour).getTime() - now.getTime(), 1_000), 25 * HOUR);
    timer = setTimeout(() => void run().finally(schedule), delay);
    timer.unref();
  };
  schedule();

  return {
    runNow: () => (stopped ? Promise.resolve(null) : run()),
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}
