// Bundles the server (server/src/main.ts and the shared core it imports) into server/dist/main.mjs with esbuild;
// packages from node_modules stay external (native modules, pino). What npm start runs: no TypeScript compiler in
// the running process, ~60 MB less resident memory than running the sources through tsx, and a faster start.
// Exported for scripts/start.mjs and the benchmarks; `node scripts/build-server.mjs` builds once.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SERVER_BUNDLE = path.join(root, 'server/dist/main.mjs');

/**
 * The node flags the bundle runs with, wherever it runs: npm start (scripts/start.mjs) and the benchmarks and tests
 * that run it as npm start does (test/helpers/child-server.ts). docs/operations.md, "Running the bundle yourself".
 *
 * `--max-semi-space-size=64`: V8's young generation may grow to 64 MB a half-space (16 MB by default on this kind of
 * machine). A request's objects (its parsed body, the tRPC and Kysely objects, the answer) die young; with a small
 * young generation a busy node's scavenges come so often that many are still alive and move to the old generation,
 * whose marking then runs in steps of 10 ms and more on the event loop — with 10,000 open streams the old generation
 * is large. Measured (docs/performance.md, "5 Dec 2026, the young generation"): the mixed load at 10,000 operators failed its p99 in 2 of 7
 * runs with the default and in none of 7 with 64 MB; resident memory ~40 MB higher.
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=64'];

const dependencies = (pkg) => Object.keys(JSON.parse(fs.readFileSync(path.join(root, pkg), 'utf8')).dependencies ?? {});

/** Builds to `outfile` (default server/dist/main.mjs; it must stay inside the repository so node_modules resolve). */
export async function buildServer(outfile = SERVER_BUNDLE) {
  const external = [...dependencies('server/package.json'), ...dependencies('shared/package.json')]
    .filter((name) => !name.startsWith('@valore/'))
    .flatMap((name) => [name, `${name}/*`]);
  await build({
    entryPoints: [path.join(root, 'server/src/main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external,
    sourcemap: true,
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  await buildServer();
  console.log(`server bundle → ${path.relative(root, SERVER_BUNDLE)} in ${Date.now() - started} ms`);
}
