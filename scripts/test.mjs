// npm test: typecheck, lint, format check, unit + API tests, then the browser tests in real Chromium.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureChromium } from './ensure-chromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules/.bin', name);
const reports = fs.mkdtempSync(path.join(os.tmpdir(), 'valore-test-'));
const totals = { passed: 0, failed: 0, skipped: 0 };

function step(title, cmd, args, env = {}) {
  console.log(`\n▶ ${title}`);
  const started = Date.now();
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  console.log(
    `  ${title}: ${result.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return result.status === 0;
}

function count(report) {
  if (!fs.existsSync(report)) return;
  const json = JSON.parse(fs.readFileSync(report, 'utf8'));
  totals.passed += json.numPassedTests ?? 0;
  totals.failed += json.numFailedTests ?? 0;
  totals.skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
}

const only = process.argv[2];
let ok = true;
if (!only) {
  ok = step('typecheck', bin('tsc'), ['-b']) && ok;
  ok = step('lint', bin('eslint'), ['.', '--max-warnings=0']) && ok;
  // the house format: `npm run format` fixes what this finds
  ok = step('format', bin('prettier'), ['--check', '--log-level=warn', '.']) && ok;
}
if (!only || only === 'unit') {
  const report = path.join(reports, 'unit.json');
  ok =
    step('unit and API tests', bin('vitest'), [
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
    ]) && ok;
  count(report);
}
if (!only || only === 'e2e') {
  ensureChromium();
  ok = step('build the client', 'npm', ['-w', '@valore/client', 'run', 'build', '--silent']) && ok;
  const report = path.join(reports, 'e2e.json');
  ok =
    step('browser tests (Chromium)', bin('vitest'), [
      'run',
      '--config',
      'test/e2e/vitest.config.ts',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
    ]) && ok;
  count(report);
}
console.log(`\n${ok ? 'All checks passed.' : 'Some checks FAILED.'}`);
console.log(
  `Tests: ${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`,
);
process.exit(ok ? 0 : 1);
