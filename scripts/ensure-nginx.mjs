// The multi-node test (test/postgres/multi-node.test.ts) puts Debian's nginx in front of two app nodes, with the
// documented docs/deploy/nginx.conf. Find it; install Debian's package when we can; otherwise say how.
import fs from 'node:fs';
import { ensurePackage } from './apt.mjs';

export function findNginx() {
  if (process.env.NGINX_BIN) return fs.existsSync(process.env.NGINX_BIN) ? process.env.NGINX_BIN : null;
  return ['/usr/sbin/nginx', '/usr/bin/nginx'].find((candidate) => fs.existsSync(candidate)) ?? null;
}

export function ensureNginx() {
  return ensurePackage({
    find: findNginx,
    pkg: 'nginx-light',
    need: 'nginx for the multi-node test',
    override: 'NGINX_BIN (the nginx executable)',
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`nginx: ${ensureNginx()}`);
}
