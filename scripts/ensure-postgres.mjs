// The PostgreSQL tests start a throwaway cluster with Debian's server binaries (initdb, pg_ctl). Find them; install
// Debian's package when we can; otherwise say how.
import fs from 'node:fs';
import path from 'node:path';
import { ensurePackage } from './apt.mjs';

export function findPostgresBin() {
  if (process.env.PG_BIN) return fs.existsSync(path.join(process.env.PG_BIN, 'initdb')) ? process.env.PG_BIN : null;
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const majors = fs
    .readdirSync(root)
    .filter((d) => fs.existsSync(path.join(root, d, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] ? path.join(root, majors[0], 'bin') : null;
}

export function ensurePostgres() {
  return ensurePackage({
    find: findPostgresBin,
    pkg: 'postgresql',
    need: "PostgreSQL's server binaries for the postgres tests",
    override: 'PG_BIN (the directory holding initdb and pg_ctl)',
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`PostgreSQL: ${ensurePostgres()}`);
}
