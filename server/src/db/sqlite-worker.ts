import { createRequire } from 'node:module';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread with a SQLite connection of its own (the writer, db/writer.ts; the checkpointer, db/checkpointer.ts).
 * `source` is a plain CommonJS script passed as source (`eval`), not a file: the same code then runs from the sources
 * (vitest, tsx) and from the esbuild bundle npm start runs, with no second entry point to build or find. It gets
 * `workerData.file` (the database) and `workerData.sqlitePath` (better-sqlite3 as the main thread resolved it), beside
 * its own `data`; none of the parent's loaders (tsx, vitest) are passed on, nor worth their start-up.
 */
export function sqliteWorker(
  source: string,
  file: string,
  data: Record<string, unknown>,
  options: Pick<WorkerOptions, 'resourceLimits' | 'transferList'> = {},
): Worker {
  return new Worker(source, {
    ...options,
    eval: true,
    execArgv: [],
    workerData: { file, sqlitePath: createRequire(import.meta.url).resolve('better-sqlite3'), ...data },
  });
}
