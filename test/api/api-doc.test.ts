import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '@valore/server/env';
import { appRouter } from '@valore/server/trpc/root';
import { STREAMS } from '@valore/shared/streams';

/**
 * docs/api.md is the repo's API contract; this keeps it true. Its procedure table must name exactly the procedures of
 * the router, each with its kind, and its configuration table exactly the variables the environment schema reads —
 * so a procedure or a variable added without documentation fails here, and so does a row left behind by a removal.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const doc = fs.readFileSync(path.join(root, 'docs/api.md'), 'utf8');

type Kind = 'query' | 'mutation';
const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: Kind } }>;

/** Rows of the procedure table: "| `auth.login` | mutation | …". */
function documentedProcedures(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of doc.split('\n')) {
    const match = /^\|\s*`([A-Za-z][\w.]*)`\s*\|\s*([a-z]+)\s*\|/.exec(line);
    if (!match?.[1] || !match[2] || !match[1].includes('.')) continue;
    if (rows.has(match[1])) throw new Error(`docs/api.md lists ${match[1]} twice`);
    rows.set(match[1], match[2]);
  }
  return rows;
}

/** The body of a "## <title>" section, up to the next second-level heading. */
function section(title: string): string {
  const start = doc.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`docs/api.md has no "## ${title}" section`);
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

/** Rows of the configuration table: "| `VALORE_DB` | …". */
function documentedVariables(): string[] {
  return section('Configuration')
    .split('\n')
    .map((line) => /^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
}

/**
 * Every variable the environment schema reads, from the schema itself: parseEnv is given a source that records each
 * key it is asked for (all of them have defaults or are optional, so an empty source parses).
 */
function schemaVariables(): string[] {
  const read = new Set<string>();
  const record = (key: string | symbol) => {
    if (typeof key === 'string' && /^[A-Z][A-Z0-9_]*$/.test(key)) read.add(key);
  };
  const source = new Proxy<NodeJS.ProcessEnv>(
    {},
    {
      get: (_target, key) => (record(key), undefined),
      has: (_target, key) => (record(key), false),
    },
  );
  parseEnv(source);
  // a VALORE_ name written in env.ts but read another way (not through the schema) must be documented too
  const text = fs.readFileSync(path.join(root, 'server/src/env.ts'), 'utf8');
  for (const name of text.match(/\bVALORE_[A-Z0-9_]+\b/g) ?? []) read.add(name);
  return [...read];
}

function difference(a: Iterable<string>, b: Iterable<string>): string[] {
  const other = new Set(b);
  return [...new Set(a)].filter((x) => !other.has(x)).sort();
}

describe('docs/api.md', () => {
  it('documents every tRPC procedure of the router, and no other', () => {
    const documented = documentedProcedures();
    const actual = Object.keys(procedures);
    // guard against a parser that finds nothing (then both lists below would say everything is missing)
    expect(
      documented.size,
      'no procedure rows found in docs/api.md ("| `router.procedure` | kind | …")',
    ).toBeGreaterThan(0);
    const undocumented = difference(actual, documented.keys());
    const stale = difference(documented.keys(), actual);
    expect(
      undocumented,
      `procedures in appRouter without a row in docs/api.md's procedure table: ${undocumented.join(', ')}`,
    ).toEqual([]);
    expect(stale, `rows in docs/api.md for procedures the router does not have: ${stale.join(', ')}`).toEqual([]);
  });

  it('gives each procedure its kind (query or mutation)', () => {
    const documented = documentedProcedures();
    const wrong = Object.entries(procedures)
      .filter(([name, p]) => documented.has(name) && documented.get(name) !== p._def.type)
      .map(([name, p]) => `${name} is a ${p._def.type}, documented as "${documented.get(name)}"`);
    expect(wrong, wrong.join('; ')).toEqual([]);
  });

  it('documents every live stream with its path, and no other', () => {
    const rows = section('Live streams')
      .split('\n')
      .map((line) => /^\|\s*`(\w+)`\s*\|\s*`([^`]+)`\s*\|/.exec(line))
      .filter((match) => match !== null)
      .map((match) => `${match[1]} ${match[2]}`);
    expect(rows.sort()).toEqual(
      Object.entries(STREAMS)
        .map(([name, url]) => `${name} ${url}`)
        .sort(),
    );
  });

  it('documents every environment variable the server reads, and no other', () => {
    const documented = documentedVariables();
    const actual = schemaVariables();
    expect(actual.length, 'read no variable names from the environment schema').toBeGreaterThan(10);
    const undocumented = difference(actual, documented);
    const stale = difference(documented, actual);
    expect(
      undocumented,
      `variables of server/src/env.ts missing from docs/api.md's Configuration table: ${undocumented.join(', ')}`,
    ).toEqual([]);
    expect(
      stale,
      `variables in docs/api.md's Configuration table the server does not read: ${stale.join(', ')}`,
    ).toEqual([]);
    expect(new Set(documented).size, 'a variable is listed twice in the Configuration table').toBe(documented.length);
  });

  it('is what the README points to, and nothing points outside the repo for the contract', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme).toContain('docs/api.md');
    const outside = /\.\.\/shared\/|shared\/brief\/|CONTRACT\.md/;
    const self = fileURLToPath(import.meta.url);
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (entry.name === 'node_modules' || entry.name === 'build' || entry.name === 'dist') continue;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/\.(ts|tsx|md)$/.test(entry.name) && full !== self && outside.test(fs.readFileSync(full, 'utf8'))) {
          offenders.push(path.relative(root, full));
        }
      }
    };
    for (const dir of ['server/src', 'shared/src', 'client/src', 'test', 'docs', 'scripts']) walk(path.join(root, dir));
    if (outside.test(readme)) offenders.push('README.md');
    expect(offenders, `files referring to a contract outside the repo: ${offenders.join(', ')}`).toEqual([]);
  });
});
