// Browser tests drive the system Chromium. Find it; install Debian's package when we can; otherwise say how.
import fs from 'node:fs';
import { ensurePackage } from './apt.mjs';

export function findChromium() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  return candidates.find((p) => fs.existsSync(p)) ?? null;
}

export function ensureChromium() {
  return ensurePackage({
    find: findChromium,
    pkg: 'chromium',
    need: 'Chromium for the browser tests',
    override: 'CHROMIUM_PATH (a Chromium binary)',
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`Chromium: ${ensureChromium()}`);
}
