// Queries built once and run many times. Kysely builds every query afresh on each call (an
// immutable tree of frozen nodes) and compiles it to SQL: on a rating, which runs six small
// queries, that was a fifth of the request. `prepared` builds the query once per engine with
// named stand-ins for the values, keeps the SQL, and on each call only puts the values in place.
// The SQL text is then also the same on every call, so SQLite's statement cache always hits.
import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from 'kysely';
import type { Database } from './database.ts';

/** A named stand-in for a value; Kysely takes it for a plain value and makes it a parameter. */
class Slot {
  constructor(readonly name: string) {}
}

type Values = Record<string, unknown>;

interface Plan {
  sql: string;
  /** Each parameter: a stand-in to fill in, or a constant of the query itself. */
  parameters: readonly unknown[];
}

export interface Prepared<V extends Values, R> {
  /** Runs the query on `db` (or a transaction) with these values. */
  execute(db: Kysely<Database>, values: V): Promise<QueryResult<R>>;
  /** The query for `db`'s engine with these values in place, as `execute` would send it. */
  compile(db: Kysely<Database>, values: V): { sql: string; parameters: readonly unknown[] };
}

/** A prepared query with its values, to be asked together with others (anyRows). */
export interface Lookup {
  query: Prepared<any, unknown>;
  values: Values;
}

/**
 * Prepares `build`, which receives stand-ins for the values (`v.articleId`) and uses them where
 * the values go. Only values may vary: a query whose shape depends on them (an `in` list of any
 * length, an optional condition) cannot be prepared. Every stand-in must reach the SQL.
 */
export function prepared<V extends Values, R>(build: (db: Kysely<Database>, v: V) => Compilable<R>): Prepared<V, R> {
  // One plan per dialect: SQLite and PostgreSQL write parameters and quote names differently.
  const plans = new WeakMap<object, Plan>();
  const stand = new Proxy({} as V, { get: (_, name) => new Slot(String(name)) });

  function plan(db: Kysely<Database>): Plan {
    const dialect = db.getExecutor().adapter;
    let found = plans.get(dialect);
    if (!found) {
      const { sql, parameters } = build(db, stand).compile();
      found = { sql, parameters };
      plans.set(dialect, found);
    }
    return found;
  }

  const compile = (db: Kysely<Database>, values: V) => {
    const { sql, parameters } = plan(db);
    const filled = parameters.map((p) => {
      if (!(p instanceof Slot)) return p;
      if (!(p.name in values)) throw new Error(`prepared query: no value for "${p.name}"`);
      return values[p.name];
    });
    return { sql, parameters: filled };
  };
  return {
    compile,
    async execute(db, values) {
      const { sql, parameters } = compile(db, values);
      return db.executeQuery<R>(CompiledQuery.raw(sql, parameters));
    },
  };
}

/**
 * Whether each lookup finds any row, asked in one statement: on PostgreSQL each statement is a
 * round trip to the server, and checks that do not depend on each other need not wait for each
 * other. Each query keeps its own SQL (in its feature's repository); only its parameters are
 * renumbered ($1… on PostgreSQL; SQLite's `?` go in order as they are).
 */
export async function anyRows<K extends string>(
  db: Kysely<Database>,
  lookups: Record<K, Lookup>,
): Promise<Record<K, boolean>> {
  const keys = Object.keys(lookups) as K[];
  const parameters: unknown[] = [];
  const columns = keys.map((key, i) => {
    const { query, values } = lookups[key];
    const compiled = query.compile(db, values);
    const offset = parameters.length;
    parameters.push(...compiled.parameters);
    const text = compiled.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
    return `exists (${text}) as f${i}`;
  });
  const { rows } = await db.executeQuery<Record<string, unknown>>(
    CompiledQuery.raw(`select ${columns.join(', ')}`, parameters),
  );
  const row = rows[0] ?? {};
  return Object.fromEntries(keys.map((key, i) => [key, Boolean(row[`f${i}`])])) as Record<K, boolean>;
}
