// Heap per open live stream: the server (stream-heap-server.ts, its own process, --expose-gc) collects garbage and
// reports its heap before and after N streams of one kind are open (each its own signed-in operator, the first event
// received), then again once they are closed. Clients are plain http.get requests in this process, so nothing of
// theirs is counted. Target: ≤ 10 KB per stream (issue 15; tRPC's SSE pipeline cost ~90 KB).
import { fork } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { STREAMS, type StreamName } from '@valore/shared/streams';
import {
  addOperators,
  freshDatabase,
  markReady,
  mintSessions,
  num,
  openRaw,
  ROOT,
  type BenchOptions,
  type Figure,
} from './lib';

const STREAMS_OPEN = 2_000;

interface HeapServer {
  url: string;
  heap: () => Promise<number>;
  stop: () => Promise<void>;
}

function startHeapServer(dbFile: string): Promise<HeapServer> {
  const child = fork(path.join(ROOT, 'test/bench/stream-heap-server.ts'), [dbFile], {
    cwd: ROOT,
    execArgv: ['--expose-gc', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let waiting: { resolve: (m: Record<string, unknown>) => void; reject: (e: Error) => void } | null = null;
  child.on('message', (m) => waiting?.resolve(m as Record<string, unknown>));
  child.once('exit', (code) => waiting?.reject(new Error(`the heap server exited (${code})`)));
  const next = () => new Promise<Record<string, unknown>>((resolve, reject) => (waiting = { resolve, reject }));
  return next().then(({ url }) => ({
    url: String(url),
    heap: async () => {
      const answer = next();
      child.send('measure');
      return Number((await answer).heapUsed);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send('stop');
      }),
  }));
}

/** Opens one stream and resolves once it has begun (its first line; screen pops send nothing until a call). */
function openStream(url: string, name: StreamName, cookie: string): Promise<http.ClientRequest> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${url}${STREAMS[name]}`, { headers: { cookie, accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`${name}: HTTP ${res.statusCode}`));
      res.setEncoding('utf8');
      res.once('data', () => resolve(req));
    });
    req.on('error', reject);
  });
}

async function measureKind(server: HeapServer, name: StreamName, cookies: string[]) {
  const before = await server.heap();
  const open: http.ClientRequest[] = [];
  for (let i = 0; i < cookies.length; i += 200) {
    open.push(...(await Promise.all(cookies.slice(i, i + 200).map((c) => openStream(server.url, name, c)))));
  }
  await new Promise((r) => setTimeout(r, 500)); // the coaching snapshots follow the first line
  const during = await server.heap();
  open.forEach((req) => req.destroy());
  await new Promise((r) => setTimeout(r, 1_000));
  const after = await server.heap();
  return { before, during, after, perStream: (during - before) / cookies.length };
}

export async function benchStreams(opts: BenchOptions): Promise<Figure[]> {
  const file = await freshDatabase(opts.workDir, 'streams');
  const raw = openRaw(file);
  const operators = addOperators(raw, 'streamop', STREAMS_OPEN);
  markReady(raw, operators);
  const cookies = mintSessions(raw, operators);
  raw.close();
  const server = await startHeapServer(file);
  try {
    // one stream of each kind first, so what every stream shares (code, caches, the site's board) is not counted
    await measureKind(server, 'coaching', cookies.slice(0, 20));
    await measureKind(server, 'screenPops', cookies.slice(0, 20));
    const figures: Figure[] = [];
    for (const name of ['coaching', 'screenPops'] as const) {
      const m = await measureKind(server, name, cookies);
      const kb = m.perStream / 1024;
      opts.log(
        `  ${name}: heap ${(m.before / 1e6).toFixed(1)} → ${(m.during / 1e6).toFixed(1)} MB with ${num(cookies.length)} open → ${(m.after / 1e6).toFixed(1)} MB closed: ${kb.toFixed(1)} KB per stream`,
      );
      figures.push({
        section: 'streams',
        name: `heap per open live stream (${name}, ${num(cookies.length)} open)`,
        value: kb,
        unit: 'KB',
        target: '≤ 10 KB',
        met: kb <= 10,
        detail: `heap after GC ${(m.before / 1e6).toFixed(1)} MB → ${(m.during / 1e6).toFixed(1)} MB open → ${(m.after / 1e6).toFixed(1)} MB closed`,
        extra: { ...m, streams: cookies.length },
      });
    }
    return figures;
  } finally {
    await server.stop();
  }
}
