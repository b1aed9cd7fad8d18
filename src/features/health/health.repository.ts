// SQL for the readiness check.
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';

/** Resolves when the database answers a query; rejects when it does not. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
