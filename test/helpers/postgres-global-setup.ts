// vitest's global set-up of the PostgreSQL projects: one throwaway cluster for the whole run, started before the first
// worker and stopped after the last, in the main process — a worker that dies or is ended cannot leave it running.
import { CLUSTER_ENV, clusterHandle, startOwnPostgresCluster } from './postgres-cluster';

export default async function setup(): Promise<() => void> {
  const cluster = await startOwnPostgresCluster();
  // the workers are started after this and inherit the environment
  process.env[CLUSTER_ENV] = clusterHandle(cluster);
  return () => cluster.stop();
}
