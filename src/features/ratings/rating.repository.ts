import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { RatingRow } from './rating.table.ts';

type Q = Kysely<Database>;

export function findReaderRating(db: Q, articleId: number, readerId: string): Promise<RatingRow | undefined> {
  return db.selectFrom('ratings').selectAll().where('article_id', '=', articleId).where('reader_id', '=', readerId).executeTakeFirst();
}

/**
 * How many ratings this address added to the article since then. No more than the cap can exist
 * (the cap refuses the rest), so the count stays small without a LIMIT.
 */
export async function countRatingsFromAddressSince(db: Q, articleId: number, ipHash: string, since: string): Promise<number> {
  const row = await db
    .selectFrom('ratings')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('article_id', '=', articleId)
    .where('ip_hash', '=', ipHash)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertRating(
  db: Q,
  row: { articleId: number; readerId: string; value: number; ipHash: string; now: string },
): Promise<void> {
  await db
    .insertInto('ratings')
    .values({ article_id: row.articleId, reader_id: row.readerId, value: row.value, ip_hash: row.ipHash, created_at: row.now, updated_at: row.now })
    .execute();
}

export async function updateRatingValue(db: Q, id: number, value: number, now: string): Promise<void> {
  await db.updateTable('ratings').set({ value, updated_at: now }).where('id', '=', id).execute();
}
