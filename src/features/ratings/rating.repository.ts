import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { prepared } from '../../db/prepared.ts';
import type { RatingRow } from './rating.table.ts';

type Q = Kysely<Database>;

// Every rating runs these: prepared once (db/prepared.ts).
const readerRating = prepared((db, v: { articleId: number; readerId: string }) =>
  db.selectFrom('ratings').selectAll().where('article_id', '=', v.articleId).where('reader_id', '=', v.readerId),
);
// The reader's rating and the address's count, in one statement: a rating needs both, and on
// PostgreSQL each statement is a round trip to the server.
const raterState = prepared((db, v: { articleId: number; readerId: string; ipHash: string; since: string }) =>
  db.selectNoFrom((eb) => [
    eb
      .selectFrom('ratings')
      .select('id')
      .where('article_id', '=', v.articleId)
      .where('reader_id', '=', v.readerId)
      .as('id'),
    eb
      .selectFrom('ratings')
      .select('value')
      .where('article_id', '=', v.articleId)
      .where('reader_id', '=', v.readerId)
      .as('value'),
    eb
      .selectFrom('ratings')
      .select((c) => c.fn.countAll<number>().as('n'))
      .where('article_id', '=', v.articleId)
      .where('ip_hash', '=', v.ipHash)
      .where('created_at', '>=', v.since)
      .as('from_address'),
  ]),
);
type NewRating = { articleId: number; readerId: string; value: number; ipHash: string; now: string };
const newRating = prepared((db, v: NewRating) =>
  db.insertInto('ratings').values({
    article_id: v.articleId,
    reader_id: v.readerId,
    value: v.value,
    ip_hash: v.ipHash,
    created_at: v.now,
    updated_at: v.now,
  }),
);
const changedRating = prepared((db, v: { id: number; value: number; now: string }) =>
  db.updateTable('ratings').set({ value: v.value, updated_at: v.now }).where('id', '=', v.id),
);

export async function findReaderRating(db: Q, articleId: number, readerId: string): Promise<RatingRow | undefined> {
  return (await readerRating.execute(db, { articleId, readerId })).rows[0];
}

/**
 * What a new rating is checked against: the reader's earlier rating of the article, if any, and
 * how many ratings the address added to it since then. No more than the cap can exist (the cap
 * refuses the rest), so the count stays small without a LIMIT.
 */
export async function findRaterState(
  db: Q,
  by: { articleId: number; readerId: string; ipHash: string; since: string },
): Promise<{ existing: Pick<RatingRow, 'id' | 'value'> | undefined; fromAddress: number }> {
  const row = (await raterState.execute(db, by)).rows[0]!;
  return {
    existing: row.id === null ? undefined : { id: Number(row.id), value: Number(row.value) },
    fromAddress: Number(row.from_address),
  };
}

export async function insertRating(db: Q, row: NewRating): Promise<void> {
  await newRating.execute(db, row);
}

export async function updateRatingValue(db: Q, id: number, value: number, now: string): Promise<void> {
  await changedRating.execute(db, { id, value, now });
}

/** A rating for rateGroup: the reader's new value, when it is given, and since when the address cap counts. */
export interface GroupedRating {
  articleId: number;
  readerId: string;
  ipHash: string;
  value: number;
  now: string;
  since: string;
}

export type RatingOutcome = 'rated' | 'article_not_found' | 'rating_cap_reached';

/**
 * PostgreSQL: checks and writes a group of ratings in one call (the rate_group function, see
 * its migration), each as `rate` would alone: the article must be published, a reader's
 * earlier rating is replaced, the address cap is kept, and each rating's delta is written.
 */
export async function rateGroup(db: Q, ratings: GroupedRating[], cap: number): Promise<RatingOutcome[]> {
  const keys = ratings.map((r) => raterLockKeys(r.readerId, r.ipHash));
  const { rows } = await sql<{ outcome: RatingOutcome }>`select outcome from rate_group(
    ${ratings.map((r) => r.articleId)}::integer[], ${ratings.map((r) => r.readerId)}::text[],
    ${ratings.map((r) => r.ipHash)}::text[], ${ratings.map((r) => r.value)}::integer[],
    ${ratings.map((r) => r.now)}::text[], ${ratings.map((r) => r.since)}::text[], ${cap}::integer,
    ${keys.map(([reader]) => reader)}::integer[], ${keys.map(([, address]) => address)}::integer[])`.execute(db);
  return rows.map((r) => r.outcome);
}

/** A 32-bit hash of a key, for PostgreSQL's advisory locks. */
function lockKey(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h | 0;
}

/**
 * PostgreSQL: the keys of the two locks a rating holds on its article until its transaction
 * ends, one for this reader's rating and one for this address's ratings (rate_group takes
 * all of a group's in key order, so two groups cannot deadlock).
 */
export function raterLockKeys(readerId: string, ipHash: string): [number, number] {
  return [lockKey(`reader:${readerId}`), lockKey(`address:${ipHash}`)];
}
