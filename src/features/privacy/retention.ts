// Personal data kept only as long as it is useful: address hashes and user agents of comments
// and ratings (spam checks and the per-address rating cap look back a day), sent mail (it holds
// addresses and comment text), and expired privacy links. Ratings keep counting: only the hash goes.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';

export interface SweepResult {
  comments: number;
  ratings: number;
  mails: number;
}

export async function sweepPersonalData(
  db: Kysely<Database>,
  { days, now }: { days: number; now: Date },
): Promise<SweepResult> {
  const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
  const comments = await db
    .updateTable('comments')
    .set({ ip_hash: '', user_agent: '' })
    .where('created_at', '<', cutoff)
    .where((eb) => eb.or([eb('ip_hash', '<>', ''), eb('user_agent', '<>', '')]))
    .executeTakeFirst();
  const ratings = await db
    .updateTable('ratings')
    .set({ ip_hash: '' })
    .where('created_at', '<', cutoff)
    .where('ip_hash', '<>', '')
    .executeTakeFirst();
  const mails = await db
    .deleteFrom('outbox')
    .where('status', '=', 'sent')
    .where('channel', '=', 'mail')
    .where('created_at', '<', cutoff)
    .executeTakeFirst();
  await db.deleteFrom('privacy_links').where('expires_at', '<', now.toISOString()).execute();
  return {
    comments: Number(comments.numUpdatedRows),
    ratings: Number(ratings.numUpdatedRows),
    mails: Number(mails.numDeletedRows),
  };
}
