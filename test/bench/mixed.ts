// Mixed load, open loop: the server in one process, the driver (mixed-driver.ts) in another, N simulated operators
// raised step by step until p99 > 100 ms or errors; reports the largest N held with the server's CPU and RSS.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { spawnServer } from '../helpers/child-server';
import type { ClaimsDatabase } from './claims';
import { proposableCustomers } from './http';
import { addOperators, markReady, mintSessions, ms, num, openRaw, ROOT, type BenchOptions, type Figure } from './lib';

interface Step {
  operators: number;
  rate: number;
  requests: number;
  p50: number;
  p99: number;
  errors: number;
  firstError: string;
  serverCpu: number;
  serverRssMb: number;
  streams: number;
  /** the server's event-loop delay p99 during the step (prom-client's monitor, 1 ms resolution, included) */
  loopDelayP99: number;
  /** the longest single event-loop delay in the step */
  loopDelayMax: number;
  /** diagnostics: the requests over 100 ms as the driver saw them and as the server timed them, the driver's own loop */
  slow?: {
    requests: number;
    byAction: number[];
    firstAtS: number;
    lastAtS: number;
    /** the step's start, wall clock (ms since the epoch): to line the slow requests up with the server's logs */
    startedAtMs: number;
    serverOver100: number;
    driverLoopDelayP99: number;
    driverLoopDelayMax: number;
  };
}

const ACTION_NAMES = ['work.next', 'card', 'slots', 'status', 'status', 'complete', 'status', 'release'];
function slowText(step: Step): string {
  const s = step.slow;
  if (!s) return '';
  const by = s.byAction
    .map((n, i) => (n ? `${ACTION_NAMES[i] ?? i} ${n}` : ''))
    .filter(Boolean)
    .join(', ');
  const clock = (at: number) => new Date(s.startedAtMs + at * 1000).toISOString().slice(11, 23);
  const when = s.requests
    ? ` sent ${s.firstAtS.toFixed(1)}–${s.lastAtS.toFixed(1)} s into the step, ${clock(s.firstAtS)}–${clock(s.lastAtS)} (${by})`
    : '';
  return ` · > 100 ms: ${s.requests} at the driver${when}, ${s.serverOver100} timed so by the server; driver loop delay p99 ${ms(s.driverLoopDelayP99)} max ${ms(s.driverLoopDelayMax)}`;
}

export async function benchMixed(opts: BenchOptions, db: ClaimsDatabase): Promise<Figure[]> {
  const steps = opts.full
    ? [250, 500, 1_000, 2_500, 5_000, 7_500, 10_000, 12_500, 15_000]
    : [250, 1_000, 2_500, 5_000, 10_000, 15_000];
  const max = steps.at(-1) ?? 0;
  const raw = openRaw(db.file);
  const operators = addOperators(raw, 'mixedop', max);
  markReady(raw, operators);
  const cookies = mintSessions(raw, operators);
  const postOffices = (raw.prepare('SELECT id FROM post_offices ORDER BY id LIMIT 200').all() as { id: number }[]).map(
    (r) => r.id,
  );
  const proposable = proposableCustomers(raw, 2_000);
  raw.close();
  const cookiesFile = path.join(opts.workDir, 'mixed-cookies.txt');
  fs.writeFileSync(cookiesFile, cookies.join('\n'));
  const server = await spawnServer({ dbFile: db.file, bundle: opts.serverBundle, nodeArgs: opts.serverArgs });
  try {
    const configFile = path.join(opts.workDir, 'mixed-config.json');
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        url: server.url,
        cookiesFile,
        serverPid: server.process.pid,
        steps,
        stepSeconds: 10,
        cycleSeconds: 180,
        customers: 2_000,
        proposable,
        postOffices,
      }),
    );
    const results: Step[] = [];
    await new Promise<void>((resolve, reject) => {
      const driver = spawn(
        path.join(ROOT, 'node_modules/.bin/tsx'),
        [path.join(ROOT, 'test/bench/mixed-driver.ts'), configFile],
        {
          cwd: ROOT,
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const timer = setTimeout(() => driver.kill('SIGKILL'), 240_000); // bounded in time whatever happens
      let buffer = '';
      driver.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (!line.startsWith('{')) continue;
          const step = JSON.parse(line) as Step;
          results.push(step);
          opts.log(
            `  N=${num(step.operators)} (${step.rate.toFixed(0)} req/s, ${num(step.streams)} SSE): p50 ${ms(step.p50)} p99 ${ms(step.p99)}, ${step.errors} errors, server CPU ${(step.serverCpu * 100).toFixed(0)}%, RSS ${step.serverRssMb.toFixed(0)} MB, event-loop delay p99 ${ms(step.loopDelayP99)} max ${ms(step.loopDelayMax)}${slowText(step)}${step.firstError ? ` · ${step.firstError}` : ''}`,
          );
        }
      });
      driver.on('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      driver.on('error', reject);
    });
    const held = results.filter((s) => s.p99 <= 100 && s.errors <= s.requests * 0.001);
    const best = held.at(-1);
    const allHeld = held.length === steps.length;
    return [
      {
        section: 'mixed',
        name: `mixed load, open loop: largest N simulated operators held${allHeld ? ' (every step held: the ceiling is higher)' : ''}`,
        value: best?.operators ?? 0,
        unit: 'operators',
        target: '≥ 10,000',
        met: (best?.operators ?? 0) >= 10_000,
        detail: best
          ? `${best.rate.toFixed(0)} req/s, p99 ${ms(best.p99)}, server CPU ${(best.serverCpu * 100).toFixed(0)}% (of one core), RSS ${best.serverRssMb.toFixed(0)} MB`
          : 'no step held',
        extra: { steps: results },
      },
      {
        section: 'mixed',
        name: `event-loop delay p99 during the mixed load (at N = ${num(best?.operators ?? 0)})`,
        value: best?.loopDelayP99 ?? Number.NaN,
        unit: 'ms',
        target: '< 20 ms',
        met: best !== undefined && best.loopDelayP99 < 20,
        detail: results
          .map((s) => `N=${num(s.operators)}: ${ms(s.loopDelayP99)} (max ${ms(s.loopDelayMax)})`)
          .join(' · '),
      },
    ];
  } finally {
    await server.kill('SIGTERM');
  }
}
