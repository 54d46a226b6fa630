// npm run test:soak: the long reliability run — 1,000 SIGKILL rounds, 100,000 fuzz cases per procedure/endpoint and
// 5,000 random sequences of the value-loop model (test/reliability/value-loop.model.test.ts).
// The crash rounds and the fuzz shards run as separate vitest processes side by side, so every core is used
// (the fuzz file alone is ~2.6 hours on one core). Each process writes its own log and JSON report under
// $TMPDIR/valore-soak-<time>/; the summary at the end gives the figures for docs/reliability.md.
//   VALORE_CRASH_ROUNDS (1000), VALORE_FUZZ_RUNS (100000), VALORE_MODEL_RUNS (5000),
//   VALORE_SOAK_SHARDS (number of cores, at least 2)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const vitest = path.join(root, 'node_modules/.bin/vitest');
const rounds = process.env.VALORE_CRASH_ROUNDS ?? '1000';
const runs = process.env.VALORE_FUZZ_RUNS ?? '100000';
const modelRuns = process.env.VALORE_MODEL_RUNS ?? '5000';
const shards = Math.max(2, Number(process.env.VALORE_SOAK_SHARDS ?? os.availableParallelism()));
const dir = fs.mkdtempSync(
  path.join(os.tmpdir(), `valore-soak-${new Date().toISOString().slice(0, 16).replace(/\D/g, '')}-`),
);

function run(name, file, env) {
  const log = path.join(dir, `${name}.log`);
  const report = path.join(dir, `${name}.json`);
  const out = fs.openSync(log, 'w');
  const started = Date.now();
  const child = spawn(
    vitest,
    ['run', '--project', 'reliability', file, '--reporter=verbose', '--reporter=json', `--outputFile.json=${report}`],
    { cwd: root, stdio: ['ignore', out, out], env: { ...process.env, NO_COLOR: '1', ...env } },
  );
  console.log(`▶ ${name} (pid ${child.pid}) → ${log}`);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      const seconds = (Date.now() - started) / 1000;
      let passed = 0;
      let failed = 0;
      if (fs.existsSync(report)) {
        const json = JSON.parse(fs.readFileSync(report, 'utf8'));
        passed = json.numPassedTests ?? 0;
        failed = json.numFailedTests ?? 0;
      }
      console.log(
        `  ${name}: ${code === 0 ? 'ok' : 'FAILED'} in ${(seconds / 60).toFixed(1)} min — ${passed} passed, ${failed} failed`,
      );
      resolve({ name, code, seconds, passed, failed, log });
    }),
  );
}

console.log(
  `Soak: ${rounds} crash rounds, ${runs} fuzz cases per property in ${shards} shards, ${modelRuns} model sequences; logs in ${dir}`,
);
const results = await Promise.all([
  run('crash-safety', 'reliability/crash-safety.test.ts', { VALORE_CRASH_ROUNDS: rounds }),
  run('value-loop-model', 'reliability/value-loop.model.test.ts', { VALORE_MODEL_RUNS: modelRuns }),
  ...Array.from({ length: shards }, (_, i) =>
    run(`fuzz-${i + 1}-of-${shards}`, 'reliability/fuzz-procedures.test.ts', {
      VALORE_FUZZ_RUNS: runs,
      VALORE_FUZZ_SHARD: `${i + 1}/${shards}`,
    }),
  ),
]);

const lines = results.flatMap((r) =>
  fs
    .readFileSync(r.log, 'utf8')
    .replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(fuzz |crash safety:|model value loop:)/.test(l)),
);
console.log(`\n${lines.join('\n')}`);
const ok = results.every((r) => r.code === 0);
const passed = results.reduce((s, r) => s + r.passed, 0);
const failed = results.reduce((s, r) => s + r.failed, 0);
console.log(`\n${ok ? 'Soak passed.' : 'Soak FAILED.'} Tests: ${passed} passed, ${failed} failed; logs in ${dir}`);
process.exit(ok ? 0 : 1);
