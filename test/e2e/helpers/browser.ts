import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expectNoAxeViolations } from './a11y';

export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '../../../screenshots');

export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
    (p): p is string => Boolean(p),
  );
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error('Chromium not found: run `apt-get install -y chromium` or set CHROMIUM_PATH');
  return found;
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  close: () => Promise<void>;
}

/** A fresh headless Chromium profile (the system browser; nothing is downloaded). */
export async function openBrowser(
  opts: {
    locale?: string;
    /** default 1440×900 (a desktop console); e.g. 390×844 for a phone */
    viewport?: { width: number; height: number };
    /** a phone: mobile viewport meta honoured, touch events */
    mobile?: boolean;
  } = {},
): Promise<BrowserSession> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'valore-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath(),
    headless: true,
    locale: opts.locale ?? 'it-IT',
    viewport: opts.viewport ?? { width: 1440, height: 900 },
    ...(opts.mobile ? { isMobile: true, hasTouch: true } : {}),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Saves the page as screenshots/<name>.png, then checks that same page state with axe (WCAG 2.0/2.1 A and AA plus
 * best practices): every state worth a screenshot is also held to zero accessibility violations.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  await expectNoAxeViolations(page, name);
}
