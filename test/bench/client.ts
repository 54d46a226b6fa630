// The operator console in real Chromium: the JavaScript it loads from login to an interactive console (gzip -9 of each
// file as served from client/dist), and the time from submitting the login form to the console being interactive
// (status selector on 'ready'), 5 sign-ins, the first with a cold browser cache.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { openBrowser } from '../e2e/helpers/browser';
import { startTestServer } from '../helpers/server';
import { ms, quantile, ROOT, type BenchOptions, type Figure } from './lib';

const DIST = path.join(ROOT, 'client/dist');

export async function benchClient(opts: BenchOptions): Promise<Figure[]> {
  if (!fs.existsSync(path.join(DIST, 'index.html'))) {
    opts.log('  building the client (npm -w @valore/client run build)');
    const built = spawnSync('npm', ['-w', '@valore/client', 'run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('client build failed');
  }
  const server = await startTestServer();
  const browser = await openBrowser();
  try {
    const { page, context } = browser;
    const scripts = new Set<string>();
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.add(new URL(r.url()).pathname);
    });
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      await context.clearCookies();
      await page.goto(`${server.url}/login`);
      await page.getByLabel(/Nome utente|Username/).fill(`operatore${1 + i}`);
      await page.getByLabel('Password').fill('demo');
      const t = performance.now();
      await page.keyboard.press('Enter');
      await page.getByTestId('home-operator').waitFor();
      await page.waitForFunction(() => {
        const select = document.querySelector<HTMLSelectElement>('[data-testid="operator-status"] select');
        return select !== null && select.value === 'ready' && !select.disabled;
      });
      times.push(performance.now() - t);
    }
    let gzip = 0;
    let plain = 0;
    for (const p of scripts) {
      const file = path.join(DIST, p);
      if (!fs.existsSync(file)) continue;
      const content = fs.readFileSync(file);
      plain += content.length;
      gzip += gzipSync(content, { level: 9 }).length;
    }
    const median = quantile(times, 0.5);
    opts.log(
      `  ${scripts.size} JS files, ${(plain / 1024).toFixed(0)} KB → ${(gzip / 1024).toFixed(1)} KB gzip; login → interactive ${times.map((x) => x.toFixed(0)).join(', ')} ms`,
    );
    return [
      {
        section: 'client',
        name: 'operator console: JS loaded from login to console (gzip)',
        value: gzip / 1024,
        unit: 'KB',
        target: '≤ 170 KB',
        met: gzip / 1024 <= 170,
        detail: `${scripts.size} files, ${(plain / 1024).toFixed(0)} KB uncompressed`,
      },
      {
        section: 'client',
        name: 'login → console interactive in Chromium (median of 5)',
        value: median,
        unit: 'ms',
        target: '< 1 s',
        met: median < 1000,
        detail: `first (cold cache) ${ms(times[0] ?? Number.NaN)}, worst ${ms(Math.max(...times))}`,
        extra: { times },
      },
    ];
  } finally {
    await browser.close();
    await server.close();
  }
}
