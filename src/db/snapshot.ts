// Reading a whole site as of one moment (export), without holding up the site's own writes.
import type { Transaction } from 'kysely';
import type { DatabaseTarget } from '../config.ts';
import { connect, type Database, type Db } from './database.ts';
import { isPostgres } from './postgres.ts';

/**
 * Runs `read` inside one read-only snapshot: REPEATABLE READ on PostgreSQL; on SQLite a read
 * transaction on a connection of its own, because the site's one connection serves every request
 * in turn (db/sqlite-driver.ts) and a long export on it would stall them all. WAL lets that
 * reader see one moment while the site goes on writing.
 */
export async function withSnapshot<T>(
  db: Db,
  target: DatabaseTarget,
  read: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  if (isPostgres(db))
    return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(read);
  if (target.kind !== 'sqlite' || target.path === ':memory:') return db.transaction().execute(read);
  const own = connect(target);
  try {
    return await own.transaction().execute(read);
  } finally {
    await own.destroy();
  }
}
