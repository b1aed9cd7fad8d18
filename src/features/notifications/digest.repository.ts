// Moderators' digest choices, and the held comments a digest reports.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';

type Db = Kysely<Database>;

export async function findInterval(db: Db, userId: number): Promise<number | null> {
  const row = await db
    .selectFrom('held_digests')
    .select('interval_minutes')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.interval_minutes ?? null;
}

export async function deleteDigest(db: Db, userId: number): Promise<void> {
  await db.deleteFrom('held_digests').where('user_id', '=', userId).execute();
}

/** Sets the interval; a new digest counts from `now`, a changed one keeps its last sending. */
export async function upsertDigest(db: Db, userId: number, minutes: number, now: string): Promise<void> {
  await db
    .insertInto('held_digests')
    .values({ user_id: userId, interval_minutes: minutes, last_sent_at: now })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ interval_minutes: minutes }))
    .execute();
}

/** Every digest of an active account, with the account's address and role. */
export function listDigests(db: Db) {
  return db
    .selectFrom('held_digests as d')
    .innerJoin('users as u', 'u.id', 'd.user_id')
    .select(['d.user_id', 'd.interval_minutes', 'd.last_sent_at', 'u.email', 'u.role'])
    .where('u.disabled', '=', 0)
    .execute();
}

/** The newest comments held since `since` (at most `limit`), with their articles' titles. */
export function heldSince(db: Db, since: string, limit: number) {
  return db
    .selectFrom('comments as c')
    .innerJoin('articles as a', 'a.id', 'c.article_id')
    .select(['c.author_name', 'c.body_markdown', 'a.title'])
    .where('c.status', '=', 'pending')
    .where('c.created_at', '>', since)
    .orderBy('c.created_at', 'desc')
    .limit(limit)
    .execute();
}

export async function countHeldSince(db: Db, since: string): Promise<number> {
  const { n } = await db
    .selectFrom('comments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'pending')
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** Moves the digest's last sending from `from` to `to`; false when another instance moved it first. */
export async function claimDigest(db: Db, userId: number, from: string, to: string): Promise<boolean> {
  const claimed = await db
    .updateTable('held_digests')
    .set({ last_sent_at: to })
    .where('user_id', '=', userId)
    .where('last_sent_at', '=', from)
    .executeTakeFirst();
  return Number(claimed.numUpdatedRows) > 0;
}
