// Installs a Debian package the tests need (Chromium, PostgreSQL) when it is missing and this is a root shell with
// apt-get (CI, a fresh container); otherwise the caller says how to install it.
import { execSync, spawnSync } from 'node:child_process';

function hasApt() {
  try {
    execSync('command -v apt-get', { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs apt-get install for `pkg` when it can; true when apt-get succeeded. */
function aptInstall(pkg, why) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !hasApt()) return false;
  console.log(`${why}: installing Debian's ${pkg} package with apt-get…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install = update.status === 0 && spawnSync('apt-get', ['install', '-y', '-qq', pkg], { stdio: 'inherit', env });
  return Boolean(install && install.status === 0);
}

/**
 * What `find` finds (a path), installing Debian's `pkg` first when it is missing and we can; otherwise says how and
 * exits 1. `need`: what the tests need it for; `override`: the variable that points at an installed copy instead.
 */
export function ensurePackage({ find, pkg, need, override }) {
  const found = find();
  if (found) return found;
  if (aptInstall(pkg, `${need}: not found (about 30 s)`) && find()) return find();
  console.error(
    `${need}: not installed.\n` +
      `Install it with:  sudo apt-get update && sudo apt-get install -y ${pkg}\n` +
      `or point ${override} at an installed copy.`,
  );
  process.exit(1);
}
