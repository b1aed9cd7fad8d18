// Addresses that opted in to reply notifications, and the comments they follow.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { prepared, type Lookup } from '../../db/prepared.ts';

type Db = Kysely<Database>;

export interface AddressRow {
  id: number;
  email: string;
  confirmed_at: string | null;
}

/** The address's row, made on first use (a unique key settles two first uses at once). */
export async function ensureAddress(db: Db, email: string, now: string): Promise<AddressRow & { created: boolean }> {
  const inserted = await db
    .insertInto('mail_addresses')
    .values({ email, created_at: now })
    .onConflict((oc) => oc.column('email').doNothing())
    .executeTakeFirst();
  const row = await db
    .selectFrom('mail_addresses')
    .select(['id', 'email', 'confirmed_at'])
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  return { ...row, created: Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0 };
}

export function findAddressById(db: Db, id: number): Promise<AddressRow | undefined> {
  return db
    .selectFrom('mail_addresses')
    .select(['id', 'email', 'confirmed_at'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export function findAddress(db: Db, email: string): Promise<AddressRow | undefined> {
  return db
    .selectFrom('mail_addresses')
    .select(['id', 'email', 'confirmed_at'])
    .where('email', '=', email)
    .executeTakeFirst();
}

/** True when it was not confirmed before. */
export async function confirmAddress(db: Db, id: number, now: string): Promise<boolean> {
  const result = await db
    .updateTable('mail_addresses')
    .set({ confirmed_at: now })
    .where('id', '=', id)
    .where('confirmed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function addSubscription(db: Db, commentId: number, addressId: number, now: string): Promise<void> {
  await db
    .insertInto('reply_subscriptions')
    .values({ comment_id: commentId, address_id: addressId, created_at: now })
    .onConflict((oc) => oc.column('comment_id').doNothing())
    .execute();
}

export async function countSubscriptions(db: Db, addressId: number): Promise<number> {
  const row = await db
    .selectFrom('reply_subscriptions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('address_id', '=', addressId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function deleteSubscriptions(db: Db, addressId: number): Promise<number> {
  const result = await db.deleteFrom('reply_subscriptions').where('address_id', '=', addressId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Who follows replies to these comments (confirmed or not). */
export function subscribersOf(
  db: Db,
  commentIds: number[],
): Promise<{ comment_id: number; address_id: number; email: string; confirmed_at: string | null }[]> {
  if (commentIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('reply_subscriptions as s')
    .innerJoin('mail_addresses as a', 'a.id', 's.address_id')
    .select(['s.comment_id', 's.address_id', 'a.email', 'a.confirmed_at'])
    .where('s.comment_id', 'in', commentIds)
    .execute();
}

/** The comments an address follows, with their articles (for the privacy export). */
export function subscriptionsOf(db: Db, email: string) {
  return db
    .selectFrom('reply_subscriptions as s')
    .innerJoin('mail_addresses as a', 'a.id', 's.address_id')
    .innerJoin('comments as c', 'c.id', 's.comment_id')
    .innerJoin('articles as r', 'r.id', 'c.article_id')
    .select(['s.comment_id', 's.created_at', 'a.confirmed_at', 'r.slug as article_slug'])
    .where('a.email', '=', email)
    .orderBy('s.comment_id')
    .execute();
}

export async function deleteAddress(db: Db, email: string): Promise<number> {
  const result = await db.deleteFrom('mail_addresses').where('email', '=', email).executeTakeFirst();
  return Number(result.numDeletedRows);
}

// Every comment from a reader runs the second: prepared once (db/prepared.ts).
const confirmedAtQuery = prepared((db, v: { address: string }) =>
  db.selectFrom('mail_addresses').select('confirmed_at').where('email', '=', v.address),
);
const confirmedForReaderQuery = prepared((db, v: { address: string; readerId: string }) =>
  db
    .selectFrom('mail_addresses as a')
    .innerJoin('reply_subscriptions as s', 's.address_id', 'a.id')
    .innerJoin('comments as c', 'c.id', 's.comment_id')
    .select('c.id')
    .where('a.email', '=', v.address)
    .where('a.confirmed_at', 'is not', null)
    .where('c.reader_id', '=', v.readerId)
    .limit(1),
);

/** When the address (as stored, in lower case) was confirmed; null or undefined when never. */
export async function confirmedAt(db: Db, address: string): Promise<string | null | undefined> {
  return (await confirmedAtQuery.execute(db, { address })).rows[0]?.confirmed_at;
}

/** Whether the address is confirmed and follows a comment written under this reader cookie. */
export async function confirmedForReader(db: Db, address: string, readerId: string): Promise<boolean> {
  return (await confirmedForReaderQuery.execute(db, { address, readerId })).rows.length > 0;
}

/** confirmedForReader's lookup, to ask with others (db/prepared.ts anyRows). */
export const confirmedForReaderLookup = (address: string, readerId: string): Lookup => ({
  query: confirmedForReaderQuery,
  values: { address, readerId },
});

/** The slugs and titles of these articles, for the links in reply mails. */
export function articleLinks(db: Db, articleIds: number[]) {
  return db.selectFrom('articles').select(['id', 'slug', 'title']).where('id', 'in', articleIds).execute();
}
