// npm run bench: the performance benchmarks (test/bench). Until they exist, say so plainly.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'test/bench/run.ts');
if (!fs.existsSync(entry)) {
  console.log('no benchmarks yet');
  process.exit(0);
}
const result = spawnSync(path.join(root, 'node_modules/.bin/tsx'), [entry, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
