import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { TEST_INTAKE_KEY, TEST_SESSION_SECRET } from './server';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ChildServer {
  url: string;
  port: number;
  process: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs the real server (server/src/main.ts) in its own process, so a test can SIGKILL it mid-write. */
export async function spawnServer(opts: {
  dbFile: string;
  port?: number;
  env?: Record<string, string>;
  /** Extra node flags, e.g. ['--cpu-prof'] to profile the server under a benchmark's load. */
  nodeArgs?: string[];
  /** Run this bundle (scripts/build-server.mjs, what npm start runs) instead of the sources through tsx. */
  bundle?: string;
}): Promise<ChildServer> {
  const entry = opts.bundle ? [opts.bundle] : ['--import', 'tsx', 'server/src/main.ts'];
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...entry], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(opts.port ?? 0),
      HOST: '127.0.0.1',
      VALORE_DB: opts.dbFile,
      VALORE_SEED: 'none',
      VALORE_INTAKE_KEYS: TEST_INTAKE_KEY,
      VALORE_SESSION_SECRET: TEST_SESSION_SECRET,
      LOG_LEVEL: 'error',
      // as startTestServer: the suites written for pull stay deterministic (pushed work has its own tests)
      VALORE_OFFER_DISPATCH: 'off',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on http:\/\/localhost:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
  return {
    url: `http://localhost:${port}`,
    port,
    process: child,
    exited,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
