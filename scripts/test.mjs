// npm test: typecheck, lint, format check, unit + API tests, then the browser tests in real Chromium — all on the
// embedded SQLite default. `npm run test:postgres` (`node scripts/test.mjs postgres`): PostgreSQL's own tests (the
// migrations, claims across nodes, the multi-node drain of 10,000 contacts behind nginx), the API and reliability
// suites again on PostgreSQL, then a subset of the browser tests on it (test/e2e/vitest.postgres.config.ts); CI runs
// both.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { ensureChromium } from './ensure-chromium.mjs';
import { ensureNginx } from './ensure-nginx.mjs';
import { ensurePostgres } from './ensure-postgres.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules/.bin', name);
const reports = fs.mkdtempSync(path.join(os.tmpdir(), 'valore-test-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
/** Every failed test and failed file of the run, named again at the end (a CI log is often read from its tail). */
const failures = [];

/** A step in the foreground. Not spawnSync: the checks run beside it need the event loop to go on. */
async function step(title, cmd, args, env = {}) {
  console.log(`\n▶ ${title}`);
  const started = Date.now();
  const status = await new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('close', (code) => resolve(code));
  });
  console.log(`  ${title}: ${status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return status === 0;
}

/**
 * A step run beside the tests (its output held back and printed once it ends, so the two do not interleave), at the
 * lowest CPU priority: the tests keep the cores they use (the unit and API tests ~1.7 of this machine's 2), the checks
 * take what is left — most of it during the browser tests, which wait on Chromium and timers more than they compute.
 * Beside the unit tests at the same priority they had slowed them by ~200 s (721 s against 518 s alone, Dec 5).
 */
function stepBeside(title, cmd, args) {
  const started = Date.now();
  const nice = process.platform === 'linux' && fs.existsSync('/usr/bin/nice');
  return new Promise((resolve) => {
    const child = spawn(nice ? '/usr/bin/nice' : cmd, nice ? ['-n', '19', cmd, ...args] : args, {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('close', (status) =>
      resolve({ title, ok: status === 0, seconds: (Date.now() - started) / 1000, output: Buffer.concat(output) }),
    );
  });
}

async function staticChecks() {
  const results = [];
  results.push(await stepBeside('typecheck', bin('tsc'), ['-b']));
  results.push(await stepBeside('lint', bin('eslint'), ['.', '--max-warnings=0']));
  // the house format: `npm run format` fixes what this finds
  results.push(await stepBeside('format', bin('prettier'), ['--check', '--log-level=warn', '.']));
  return results;
}

function reportChecks(results) {
  let ok = true;
  for (const r of results) {
    console.log(`\n▶ ${r.title} (run beside the tests)`);
    if (r.output.length) process.stdout.write(r.output);
    console.log(`  ${r.title}: ${r.ok ? 'ok' : 'FAILED'} in ${r.seconds.toFixed(1)} s`);
    ok = r.ok && ok;
  }
  return ok;
}

function count(report) {
  if (!fs.existsSync(report)) return;
  const json = JSON.parse(fs.readFileSync(report, 'utf8'));
  totals.passed += json.numPassedTests ?? 0;
  totals.failed += json.numFailedTests ?? 0;
  totals.skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
  for (const file of json.testResults ?? []) {
    const name = path.relative(root, file.name ?? '');
    const failed = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const t of failed) failures.push({ where: `${name} > ${t.fullName}`, message: t.failureMessages?.[0] ?? '' });
    // a file that failed outside its tests (it did not load, a hook threw, an error after the tests)
    if (!failed.length && file.status === 'failed') failures.push({ where: name, message: file.message ?? '' });
  }
  if (json.success === false && !json.numFailedTests && !json.numFailedTestSuites)
    failures.push({
      where: path.basename(report),
      message: 'the run failed though no test did (see its "Errors" above)',
    });
}

/** The first lines of a failure's message, without colour codes. */
function firstLines(message, lines = 6) {
  return stripVTControlCharacters(message)
    .split('\n')
    .slice(0, lines)
    .map((line) => `      ${line}`)
    .join('\n');
}

const only = process.argv[2];
if (only && !['unit', 'e2e', 'postgres'].includes(only)) {
  console.error(`unknown part: ${only} (unit, e2e or postgres)`);
  process.exit(2);
}
let ok = true;
/** A vitest run as a step, its JSON report counted into the totals. */
async function vitestStep(title, reportName, args) {
  const report = path.join(reports, `${reportName}.json`);
  const passed = await step(title, bin('vitest'), [
    'run',
    ...args,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
  ]);
  count(report);
  return passed;
}
/** Chromium installed when missing, and the client built, before a browser run. */
async function browserReady() {
  ensureChromium();
  return step('build the client', 'npm', ['-w', '@valore/client', 'run', 'build', '--silent']);
}
// typecheck, lint and format: beside the tests in a full run, at the lowest priority, reported after them
const checks = only ? null : staticChecks();
if (!only || only === 'unit') {
  // every project but PostgreSQL's (npm run test:postgres)
  ok = (await vitestStep('unit and API tests', 'unit', ['--project', '!postgres*'])) && ok;
}
if (only === 'postgres') {
  // a throwaway cluster with Debian's server binaries, and nginx before two nodes
  ensurePostgres();
  ensureNginx();
  ok =
    (await vitestStep('the API and reliability suites on PostgreSQL, several nodes', 'postgres', [
      '--project',
      'postgres*',
      '--passWithNoTests',
    ])) && ok;
  ok = (await browserReady()) && ok;
  ok =
    (await vitestStep('browser tests on PostgreSQL (Chromium)', 'e2e-postgres', [
      '--config',
      'test/e2e/vitest.postgres.config.ts',
    ])) && ok;
}
if (!only || only === 'e2e') {
  ok = (await browserReady()) && ok;
  ok = (await vitestStep('browser tests (Chromium)', 'e2e', ['--config', 'test/e2e/vitest.config.ts'])) && ok;
}
if (checks) ok = reportChecks(await checks) && ok;
console.log(`\n${ok ? 'All checks passed.' : 'Some checks FAILED.'}`);
if (failures.length) {
  console.log('Failed:');
  for (const f of failures) console.log(`  ✗ ${f.where}${f.message ? `\n${firstLines(f.message)}` : ''}`);
}
console.log(
  `Tests: ${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`,
);
process.exit(ok ? 0 : 1);
