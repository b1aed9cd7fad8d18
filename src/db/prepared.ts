// Queries built once and run many times. Kysely builds every query afresh on each call (an
// immutable tree of frozen nodes) and compiles it to SQL: on a rating, which runs six small
// queries, that was a fifth of the request. `prepared` builds the query once per engine with
// named stand-ins for the values, keeps the SQL, and on each call only puts the values in place.
// The SQL text is then also the same on every call, so SQLite's statement cache always hits.
import { CompiledQuery, type Compilable, type Kysely, type KyselyPlugin, type QueryResult } from 'kysely';
import type { Database } from './database.ts';
import { isPostgres } from './postgres.ts';
import { executeAtOnce } from './sqlite-now.ts';

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
      return run<R>(db, sql, parameters);
    },
  };
}

/**
 * Runs a statement: queued when `db` is a `together` view, at once when it is a SQLite
 * transaction (db/sqlite-now.ts), else through Kysely.
 */
function run<R>(db: Kysely<Database>, sql: string, parameters: readonly unknown[]): Promise<QueryResult<R>> {
  const gathering = gatherings.get(db);
  if (gathering) return gathering.add(sql, parameters) as Promise<QueryResult<R>>;
  try {
    const done = executeAtOnce<R>(db, sql, parameters);
    if (done) return Promise.resolve(done);
  } catch (error) {
    return Promise.reject(error);
  }
  return db.executeQuery<R>(CompiledQuery.raw(sql, [...parameters]));
}

interface Queued {
  sql: string;
  parameters: readonly unknown[];
  resolve(result: QueryResult<unknown>): void;
  reject(error: unknown): void;
}

interface Gathering {
  add(sql: string, parameters: readonly unknown[]): Promise<QueryResult<unknown>>;
}

const gatherings = new WeakMap<object, Gathering>();
/** Changes nothing: `withPlugin` only gives `together` a Kysely of its own on the same connection. */
const SAME: KyselyPlugin = { transformQuery: (args) => args.node, transformResult: async (args) => args.result };

/**
 * `db` (or a transaction) for queries that do not depend on each other: on PostgreSQL, the
 * prepared queries (and `anyRows`) run on it in the same turn of the event loop, before any of
 * them is awaited, go to the server as one statement, a round trip instead of one each. Start
 * them all, then await them (Promise.all, so a failure of the shared statement reaches each).
 * Any other query runs at once, as on `db`. All of them see the same snapshot, and none sees
 * another's writes, so only independent queries may go together; writes go in data-modifying
 * CTEs, and a write without RETURNING reports only how many rows it changed. On SQLite, which
 * has no round trips to save, this is `db` itself.
 */
export function together(db: Kysely<Database>): Kysely<Database> {
  if (!isPostgres(db) || gatherings.has(db)) return db;
  const view = db.withPlugin(SAME);
  const queue: Queued[] = [];
  gatherings.set(view, {
    add(sql, parameters) {
      return new Promise((resolve, reject) => {
        if (queue.length === 0) queueMicrotask(() => send(db, queue.splice(0)));
        queue.push({ sql, parameters, resolve, reject });
      });
    },
  });
  return view;
}

const WRITE = /^\s*(insert|update|delete)\b/i;
const RETURNING = /\breturning\b/i;

async function send(db: Kysely<Database>, arrived: Queued[]): Promise<void> {
  // In the order of their text, so that the statement's text (and its name, db/postgres.ts)
  // depends on which queries came and how many, not in which order.
  const queued = arrived.sort((a, b) => (a.sql < b.sql ? -1 : a.sql > b.sql ? 1 : 0));
  if (queued.length === 1) {
    const [only] = queued as [Queued];
    await db.executeQuery(CompiledQuery.raw(only.sql, [...only.parameters])).then(only.resolve, only.reject);
    return;
  }
  // A read asked more than once with the same values (a group of comments on one article asks
  // for its state once per comment) is sent once; each asker gets its own copy of the rows.
  const columnOf = new Map<string, number>();
  const parameters: unknown[] = [];
  const ctes: string[] = [];
  const columns: string[] = [];
  const column = queued.map((q) => {
    const write = WRITE.test(q.sql);
    const key = write ? undefined : `${q.sql}\u0000${JSON.stringify(q.parameters)}`;
    const asked = key === undefined ? undefined : columnOf.get(key);
    if (asked !== undefined) return asked;
    const c = columns.length;
    if (key !== undefined) columnOf.set(key, c);
    const offset = parameters.length;
    parameters.push(...q.parameters);
    const text = q.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
    if (!write) columns.push(`(select coalesce(json_agg(r), '[]') from (${text}) r) as c${c}`);
    else if (RETURNING.test(text)) {
      ctes.push(`w${c} as (${text})`);
      columns.push(`(select coalesce(json_agg(w${c}), '[]') from w${c}) as c${c}`);
    } else {
      ctes.push(`w${c} as (${text} returning 1)`);
      columns.push(`(select count(*) from w${c}) as c${c}`);
    }
    return c;
  });
  const statement = `${ctes.length > 0 ? `with ${ctes.join(', ')} ` : ''}select ${columns.join(', ')}`;
  try {
    const { rows } = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(statement, parameters));
    const row = rows[0]!;
    const handed = new Set<number>();
    for (const [i, q] of queued.entries()) {
      const c = column[i]!;
      const value = row[`c${c}`];
      if (!Array.isArray(value)) q.resolve({ rows: [], numAffectedRows: BigInt(Number(value)) });
      else if (WRITE.test(q.sql)) q.resolve({ rows: value, numAffectedRows: BigInt(value.length) });
      else if (!handed.has(c)) {
        handed.add(c);
        q.resolve({ rows: value });
      } else q.resolve({ rows: value.map((r: object) => ({ ...r })) });
    }
  } catch (error) {
    for (const q of queued) q.reject(error);
  }
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
  const { rows } = await run<Record<string, unknown>>(db, `select ${columns.join(', ')}`, parameters);
  const row = rows[0] ?? {};
  return Object.fromEntries(keys.map((key, i) => [key, Boolean(row[`f${i}`])])) as Record<K, boolean>;
}
