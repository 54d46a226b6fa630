// npm start: build the client if it is missing, bundle the server, then run it in production mode with demo data.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServer } from './build-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env };
env.NODE_ENV ??= 'production';
env.VALORE_SEED ??= 'demo';

if (!fs.existsSync(path.join(root, 'client/dist/index.html'))) {
  console.log('Building the console (first start only)…');
  const build = spawnSync('npm', ['-w', '@valore/client', 'run', 'build', '--silent'], {
    cwd: root,
    stdio: 'inherit',
    env,
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// The server runs from its bundle (scripts/build-server.mjs, about a second), rebuilt at every start so it always
// matches the sources.
const bundle = await buildServer();
const child = spawn(process.execPath, ['--enable-source-maps', bundle], { cwd: root, stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
