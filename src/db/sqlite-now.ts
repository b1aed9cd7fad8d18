// SQLite: prepared queries (db/prepared.ts) run at once, each a plain call into SQLite, on the
// connection a transaction holds. Through Kysely every statement is a chain of promises (the
// executor, the connection provider, the driver's queue); on a rating or a comment that chain
// cost more than SQLite's own work. Every prepared query in a SQLite transaction comes here
// (executeAtOnce), and a write whose statements wait on nothing but each other's results runs
// them in one synchronous step (sqliteNow), inside its transaction (the driver's savepoint and
// group commit).
import type { Kysely, QueryResult } from 'kysely';
import type { Statement } from 'better-sqlite3';
import type { Database } from './database.ts';
import type { Prepared } from './prepared.ts';

/** Where a SQLite database's statements come from (its statement cache, db/database.ts). */
export interface StatementSource {
  prepare(sql: string): Statement;
}

// By the database's adapter, which its transactions share.
const sources = new WeakMap<object, StatementSource>();

/** Called once by connect() for each SQLite database it opens. */
export function attachStatements(db: Kysely<Database>, source: StatementSource): void {
  sources.set(db.getExecutor().adapter, source);
}

export interface SqliteNow {
  /** The query's first row, or undefined. */
  first<V extends Record<string, unknown>, R>(query: Prepared<V, R>, values: V): R | undefined;
  /** Runs a write. */
  run<V extends Record<string, unknown>>(query: Prepared<V, unknown>, values: V): void;
}

/**
 * Runs a statement at once when `db` is a transaction on SQLite, with the result Kysely's
 * SQLite driver would give; undefined for any other database (the caller then goes through
 * Kysely). Every prepared query (db/prepared.ts) in a SQLite transaction comes this way.
 */
export function executeAtOnce<R>(
  db: Kysely<Database>,
  sql: string,
  parameters: readonly unknown[],
): QueryResult<R> | undefined {
  if (!db.isTransaction) return undefined;
  const statement = sources.get(db.getExecutor().adapter)?.prepare(sql);
  if (statement === undefined) return undefined;
  if (statement.reader) return { rows: statement.all(parameters) as R[] };
  const { changes, lastInsertRowid } = statement.run(parameters);
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}

/**
 * The statements of `trx`, a transaction on SQLite. Only a transaction may use them: it holds
 * the one connection (db/sqlite-driver.ts queues everyone else), so nothing else runs between
 * or during them, and they belong to its savepoint like its other statements.
 */
export function sqliteNow(trx: Kysely<Database>): SqliteNow {
  const source = sources.get(trx.getExecutor().adapter);
  if (!source) throw new Error('sqliteNow: not a SQLite database opened by connect()');
  if (!trx.isTransaction) throw new Error('sqliteNow: only a transaction holds the connection');
  return {
    first<V extends Record<string, unknown>, R>(query: Prepared<V, R>, values: V) {
      const { sql, parameters } = query.compile(trx, values);
      return source.prepare(sql).get(parameters) as R | undefined;
    },
    run(query, values) {
      const { sql, parameters } = query.compile(trx, values);
      source.prepare(sql).run(parameters);
    },
  };
}
