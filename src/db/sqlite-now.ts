// SQLite: prepared queries (db/prepared.ts) run at once inside a transaction, each a plain call
// into SQLite on the connection the transaction holds. Through Kysely every statement is a chain
// of promises (the executor, the connection provider, the driver's queue); on a rating or a
// comment that chain cost more than SQLite's own work.
import type { Kysely, QueryResult } from 'kysely';
import type { Statement } from 'better-sqlite3';
import type { Database } from './database.ts';

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

/**
 * Runs a statement at once when `db` is a transaction on SQLite, with the result Kysely's SQLite
 * driver would give; undefined for any other database (the caller then goes through Kysely). Only
 * a transaction may: it holds the one connection (db/sqlite-driver.ts queues everyone else), so
 * nothing else runs between its statements, which belong to its savepoint like its others.
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
