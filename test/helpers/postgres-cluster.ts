// A throwaway PostgreSQL cluster for the tests on that engine: initdb in a temporary directory, its own port, its socket
// in that directory (no other cluster of the machine is touched), stopped and removed after. It uses Debian's packages
// (`apt-get install postgresql`, which .ci/run does); nothing is downloaded.
//
// One cluster serves a whole test run: vitest's global set-up (test/helpers/postgres-global-setup.ts) starts it in the
// main process and stops it at the end, whatever happened to the workers; the test files reach it through
// VALORE_TEST_PG (port and socket directory) and each makes databases of its own on it. Run outside vitest's set-up
// (a script), a file starts a cluster of its own and must stop it.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { findPostgresBin } from '../../scripts/ensure-postgres.mjs';

export interface PostgresCluster {
  /** postgres://… of the cluster's `postgres` database (TCP on 127.0.0.1) */
  url: string;
  port: number;
  /** the directory of its socket (and data) */
  dir: string;
  /**
   * A new database on this cluster, empty or a copy of `template` (a database nobody is connected to); its URL. The
   * name gets a random suffix: files and workers sharing the cluster never meet.
   */
  createDatabase(name: string, template?: string): string;
  /** Stops the cluster when this process started it; a no-op on the run's shared cluster. */
  stop(): void;
}

/** What a worker needs to reach the run's cluster, in VALORE_TEST_PG. */
interface Handle {
  port: number;
  dir: string;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Runs one of PostgreSQL's tools; as root, as Debian's `postgres` user (the server refuses to run as root). */
function tool(name: string, args: string[]): string {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed: apt-get install -y postgresql (or set PG_BIN)');
  const asRoot = process.getuid?.() === 0;
  const command = asRoot ? 'runuser' : path.join(bin, name);
  const argv = asRoot ? ['-u', 'postgres', '--', path.join(bin, name), ...args] : args;
  const r = spawnSync(command, argv, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${name} failed (${r.status}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

function clusterAt(handle: Handle, stop: () => void): PostgresCluster {
  const url = (database: string) => `postgres://postgres@127.0.0.1:${handle.port}/${database}`;
  return {
    url: url('postgres'),
    port: handle.port,
    dir: handle.dir,
    createDatabase(name, template) {
      for (const n of [name, template ?? name])
        if (!/^[a-z_][a-z0-9_]*$/.test(n)) throw new Error(`not a plain database name: ${n}`);
      const unique = `${name}_${randomBytes(4).toString('hex')}`;
      const create = template ? `CREATE DATABASE ${unique} TEMPLATE ${template}` : `CREATE DATABASE ${unique}`;
      tool('psql', ['-h', handle.dir, '-p', String(handle.port), '-U', 'postgres', '-qAt', '-c', create]);
      return url(unique);
    },
    stop,
  };
}

/** Starts a cluster of this process's own; `stop()` stops it and removes its directory. */
export async function startOwnPostgresCluster(): Promise<PostgresCluster> {
  // as root the server runs as Debian's `postgres` user, who must reach the directory: a TMPDIR of root's own (mktemp -d
  // makes it 0700) would refuse it, so then the system's /tmp
  const base = process.getuid?.() === 0 ? '/tmp' : os.tmpdir();
  const dir = mkdtempSync(path.join(base, 'valore-pg-'));
  chmodSync(dir, 0o777);
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres:postgres', dir]);
  const data = path.join(dir, 'data');
  const port = await freePort();
  tool('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  // a test cluster: fast to start, durable enough for a test (fsync off), no other listener than ours
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses='127.0.0.1'",
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=500',
  ].join(' ');
  tool('pg_ctl', ['-D', data, '-l', path.join(dir, 'log'), '-o', options, '-w', '-t', '60', 'start']);
  let stopped = false;
  return clusterAt({ port, dir }, () => {
    if (stopped) return;
    stopped = true;
    try {
      tool('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** The environment variable that hands the run's cluster to the workers. */
export const CLUSTER_ENV = 'VALORE_TEST_PG';

export function clusterHandle(cluster: PostgresCluster): string {
  return JSON.stringify({ port: cluster.port, dir: cluster.dir } satisfies Handle);
}

/**
 * The test run's cluster (started by the global set-up), or else a cluster of this process's own. A test file calls
 * `stop()` when done either way: on the shared cluster it does nothing.
 */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const shared = process.env[CLUSTER_ENV];
  if (shared) return clusterAt(JSON.parse(shared) as Handle, () => {});
  return startOwnPostgresCluster();
}
