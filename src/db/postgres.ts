// What only PostgreSQL needs: the connection pool, how its values come back, the one-line
// message when it cannot be reached, and which of its errors mean "the database is away".
import pg from 'pg';
import {
  PostgresAdapter,
  PostgresDialect,
  sql,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type Kysely,
  type PostgresPool,
  type SchemaMetadata,
  type SelectQueryBuilder,
  type TableMetadata,
} from 'kysely';

const { types } = pg;

/**
 * `count(*)` and other bigint results arrive as text by default (a 64-bit integer may not fit a
 * JavaScript number). Ours are counts and sums far below 2^53, so they become numbers here and
 * repositories need not coerce; a value that would not fit stays text rather than lose digits.
 * numeric (from avg() or `x * 1.0 / y`) becomes a number too: we use it for scores and ordering.
 */
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === types.builtins.INT8) return parseInt8;
    if (oid === types.builtins.NUMERIC) return parseFloat;
    return types.getTypeParser(oid, format as 'text');
  },
};

function parseInt8(text: string): number | string {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

/** Every pool this process opened, for the metrics (`/metrics`: pool use), which drop ended ones. */
export const openPools = new Map<pg.Pool, { database: string }>();

export function createPostgresDialect(url: string, { poolSize }: { poolSize: number }): PostgresDialect {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    types: typeParsers as pg.CustomTypesConfig,
    // A request waits at most this long for a connection; then it fails (503) instead of hanging.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // A connection the server closes (a restart, pg_terminate_backend) emits 'error': the pool
  // reports idle ones here, and a connection checked out between two queries of a transaction
  // emits it on its own. Without listeners either would crash the process. Nothing is lost by
  // ignoring them: the query in flight fails (503), the connection is marked unusable, and the
  // pool discards it when it is released and opens a new one when needed.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  openPools.set(pool, { database: describePostgresUrl(url) });
  return new CurrentSchemaPostgresDialect({ pool: namingStatements(pool) });
}

/** How many distinct statements get a name (and so are parsed once per connection); the rest are not. */
const NAMED_STATEMENTS = 1_000;
const statementNames = new Map<string, string>();
const NAMEABLE = /^\s*(select|insert|update|delete|with)\b/i;

/** Per connection: whether a transaction is open, and the generation of its statements' names. */
interface Naming {
  inTransaction: boolean;
  generation: number;
}
const naming = Symbol('naming statements');

/**
 * Kysely sends every statement unnamed, so PostgreSQL parses and plans it on every call: on a
 * comment, which runs a dozen small statements, that was most of the database's CPU. Named, a
 * statement is parsed once per connection and, after a few runs, planned once too (PostgreSQL
 * keeps a generic plan when it is no worse than a fresh one). Names are given by SQL text to the
 * first NAMED_STATEMENTS texts seen (the app's statements are far fewer; an `in` list of every
 * length is not), so the server's memory per connection stays bounded. Only data statements are
 * named.
 *
 * A migration run by another instance (a rolling deploy) may add a column to a table that a named
 * `select *` reads; PostgreSQL then refuses that statement ("cached plan must not change result
 * type"). The connection then names its statements afresh (a new generation, parsed again), and
 * the statement is run again at once when no transaction was open; inside one, the request fails
 * as unavailable (503, try again) and the next one on that connection succeeds.
 */
function namingStatements(pool: pg.Pool): PostgresPool {
  return {
    async connect() {
      const client = (await pool.connect()) as pg.PoolClient & { [naming]?: Naming };
      if (!client[naming]) {
        const state: Naming = { inTransaction: false, generation: 0 };
        client[naming] = state;
        const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
        const named = (text: string, values: unknown[]) => {
          const name = statementName(text);
          return name === undefined
            ? query(text, values)
            : query({ name: `${name}_${state.generation}`, text, values });
        };
        (client as { query: unknown }).query = (text: unknown, values?: unknown) => {
          if (typeof text !== 'string' || !Array.isArray(values)) return query(text, values);
          if (/^(begin|start)\b/i.test(text)) state.inTransaction = true;
          else if (/^(commit|rollback)$/i.test(text)) state.inTransaction = false;
          const inTransaction = state.inTransaction;
          return named(text, values).catch((error: unknown) => {
            if (!isStalePlan(error)) throw error;
            state.generation++;
            if (inTransaction) throw error;
            return named(text, values);
          });
        };
      }
      return client;
    },
    end: () => pool.end(),
  };
}

/** PostgreSQL refused a named statement whose result columns changed since it was parsed. */
function isStalePlan(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error as { code?: unknown }).code === '0A000' &&
    error.message.includes('cached plan must not change result type')
  );
}

/**
 * Statements longer than this are most often queries sent together (db/prepared.ts `together`: a
 * group of comments), whose text changes with how many came and which; only the first
 * NAMED_LONG_STATEMENTS of them are named, so their plans kept on each connection stay few.
 */
const LONG_STATEMENT = 2_000;
const NAMED_LONG_STATEMENTS = 100;
let namedLong = 0;

function statementName(text: string): string | undefined {
  const known = statementNames.get(text);
  if (known !== undefined || statementNames.size >= NAMED_STATEMENTS || !NAMEABLE.test(text)) return known;
  if (text.length > LONG_STATEMENT && namedLong++ >= NAMED_LONG_STATEMENTS) return undefined;
  const name = `s${statementNames.size + 1}`;
  statementNames.set(text, name);
  return name;
}

/**
 * Kysely's own PostgreSQL introspector reads the tables of every schema in the database and looks
 * each schema up by name, so it fails ("schema … does not exist") when another schema is dropped
 * while it runs: several sites, or test runs, sharing one database. Ours reads only the schema
 * the connection works in (its search_path), which is all the migrator and migrate-data need.
 */
class CurrentSchemaPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}

interface ColumnRow {
  table: string;
  kind: string;
  schema: string;
  column: string;
  type: string;
  type_schema: string;
  not_null: boolean;
  has_default: boolean;
  auto_incrementing: boolean;
}

class CurrentSchemaIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<any>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`select current_schema() as name`.execute(this.db);
    return rows;
  }

  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<ColumnRow>`
      select c.relname as table, c.relkind as kind, ns.nspname as schema, a.attname as column,
             typ.typname as type, tns.nspname as type_schema, a.attnotnull as not_null,
             a.atthasdef as has_default,
             (a.attidentity <> '' or pg_get_serial_sequence(quote_ident(ns.nspname) || '.' || quote_ident(c.relname),
                a.attname)
                is not null) as auto_incrementing
        from pg_catalog.pg_class c
        join pg_catalog.pg_namespace ns on ns.oid = c.relnamespace
        join pg_catalog.pg_attribute a on a.attrelid = c.oid
        join pg_catalog.pg_type typ on typ.oid = a.atttypid
        join pg_catalog.pg_namespace tns on tns.oid = typ.typnamespace
       where ns.nspname = current_schema() and c.relkind in ('r', 'v', 'p')
         and a.attnum > 0 and not a.attisdropped
       order by c.relname, a.attnum`.execute(this.db);
    const tables = new Map<string, TableMetadata & { columns: TableMetadata['columns'][number][] }>();
    for (const row of rows) {
      let table = tables.get(row.table);
      if (!table)
        tables.set(row.table, (table = { name: row.table, schema: row.schema, isView: row.kind === 'v', columns: [] }));
      table.columns.push({
        name: row.column,
        dataType: row.type,
        dataTypeSchema: row.type_schema,
        isNullable: !row.not_null,
        hasDefaultValue: row.has_default,
        isAutoIncrementing: row.auto_incrementing,
      });
    }
    return [...tables.values()];
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}

export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * Locks the selected rows until the transaction ends, on PostgreSQL, where concurrent
 * transactions really run side by side; SQLite runs one writing transaction at a time (and has
 * no such clause), so there the query is left as it is. `for no key update` is the lock an
 * UPDATE takes itself: it waits for other writers of the row but not for inserts that merely
 * reference it (a new comment's foreign key), so it cannot deadlock with them.
 */
export function forUpdate<QB extends SelectQueryBuilder<any, any, any>>(db: Kysely<any>, query: QB): QB {
  return isPostgres(db) ? (query.forNoKeyUpdate() as QB) : query;
}

/** "host:port/database" of a PostgreSQL URL, without user or password, for messages. */
export function describePostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'the configured server';
  }
}

/** Why a connection attempt failed, in one line: pg's message, or the socket error's code. */
export function connectionProblem(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return connectionProblem(error.errors[0]);
  const { message, code } = error as { message?: string; code?: string };
  return (message || code || String(error)).split('\n')[0]!;
}

/** SQLSTATE classes and socket errors that mean the server went away or cannot take us now. */
const UNAVAILABLE_CODES = new Set([
  '57P01', // admin_shutdown: pg_terminate_backend, or a fast shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
  '53300', // too_many_connections
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'is not queryable',
  'connection has been discarded',
  'Client was closed',
];

/**
 * True when a query failed because the database could not be reached or dropped the connection:
 * a moment's unavailability (503, try again), not a bug (500). Nothing was acknowledged.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof AggregateError) return error.errors.some(isDatabaseUnavailable);
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  return UNAVAILABLE_MESSAGES.some((text) => error.message.includes(text)) || isStalePlan(error);
}
