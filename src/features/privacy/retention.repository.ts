// SQL for the retention sweep: each statement forgets one kind of personal data older than a cutoff.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';

type Db = Kysely<Database>;

/** Blanks the address hash and user agent of comments written before `cutoff`; how many. */
export async function forgetCommentTraces(db: Db, cutoff: string): Promise<number> {
  const result = await db
    .updateTable('comments')
    .set({ ip_hash: '', user_agent: '' })
    .where('created_at', '<', cutoff)
    .where((eb) => eb.or([eb('ip_hash', '<>', ''), eb('user_agent', '<>', '')]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Blanks the address hash of ratings given before `cutoff`; how many. */
export async function forgetRatingHashes(db: Db, cutoff: string): Promise<number> {
  const result = await db
    .updateTable('ratings')
    .set({ ip_hash: '' })
    .where('created_at', '<', cutoff)
    .where('ip_hash', '<>', '')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Deletes mail sent from the outbox before `cutoff`; how many. */
export async function deleteSentMail(db: Db, cutoff: string): Promise<number> {
  const result = await db
    .deleteFrom('outbox')
    .where('status', '=', 'sent')
    .where('channel', '=', 'mail')
    .where('created_at', '<', cutoff)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
