import type { Compilable, CompiledQuery } from 'kysely';
import type { Executor } from './database';

/**
 * A Kysely query built and compiled once, then run many times with new values.
 *
 * Why: Kysely builds an operation tree, freezes it and compiles it to SQL on every run. For the statements of the
 * hottest write paths (a completion runs about ten of them) that costs more than SQLite's own work: a one-row
 * SELECT by key takes ~8 µs in SQLite and ~25 µs through the query builder. A precompiled query keeps the builder's
 * types and SQL text but skips the build and the compile: a run only puts its values in the parameter list (and the
 * connection reuses the prepared statement by its text, db/client.ts).
 *
 * How: `build` is called once, with placeholders in place of the values, and must hand each value it reads to Kysely
 * as a plain value (a `where` operand, an `in` list item, an insert or update value), never inspect it. The first
 * run compiles the query and finds where each placeholder landed among the parameters; a value that did not land
 * there as-is (inspected, transformed, inlined) fails that first run, so a misuse shows in any test of the caller.
 * Constants written in the builder stay constant parameters.
 */
export interface Precompiled<A, O> {
  /** Runs the query with these values in `db` (a transaction runs it on its own connection). */
  execute(db: Executor, args: A): Promise<O[]>;
  /** The first row, if any. */
  first(db: Executor, args: A): Promise<O | undefined>;
}

class Placeholder {
  constructor(readonly name: string) {}
}

interface Compiled<O> {
  query: CompiledQuery<O>;
  /** parameter index → the name of the value that goes there */
  slots: [number, string][];
}

function compile<A, O>(db: Executor, build: (db: Executor, args: A) => Compilable<O>): Compiled<O> {
  const read = new Map<string, Placeholder>();
  const placeholders = new Proxy(
    {},
    {
      get(_target, name) {
        if (typeof name !== 'string') return undefined;
        let placeholder = read.get(name);
        if (!placeholder) read.set(name, (placeholder = new Placeholder(name)));
        return placeholder;
      },
    },
  ) as A;
  const query = build(db, placeholders).compile();
  const slots: [number, string][] = [];
  query.parameters.forEach((value, i) => {
    if (value instanceof Placeholder) slots.push([i, value.name]);
  });
  for (const name of read.keys()) {
    if (!slots.some(([, n]) => n === name)) {
      throw new Error(`precompiled query: "${name}" is read but is not a parameter as-is of: ${query.sql}`);
    }
  }
  return { query, slots };
}

export function precompiled<A extends object, O>(build: (db: Executor, args: A) => Compilable<O>): Precompiled<A, O> {
  // compiled once per engine (its adapter's class): SQLite and PostgreSQL differ in placeholders and quoting, and a
  // process (a test run, a copy tool) may hold both
  const compiledBy = new Map<unknown, Compiled<O>>();
  const execute = async (db: Executor, args: A): Promise<O[]> => {
    const engine = db.getExecutor().adapter.constructor;
    let compiled = compiledBy.get(engine);
    if (!compiled) compiledBy.set(engine, (compiled = compile(db, build)));
    const parameters = compiled.query.parameters.slice();
    for (const [i, name] of compiled.slots) parameters[i] = (args as Record<string, unknown>)[name];
    const result = await db.executeQuery<O>({ ...compiled.query, parameters });
    return result.rows;
  };
  return { execute, first: async (db, args) => (await execute(db, args))[0] };
}
