// What is stored about one e-mail address, and its erasure; single-use privacy links.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { forUpdate } from '../../db/postgres.ts';

type Db = Kysely<Database>;

export async function insertLink(
  db: Db,
  row: { token_hash: string; email: string; expires_at: string },
): Promise<void> {
  await db
    .insertInto('privacy_links')
    .values({ ...row, used_at: null })
    .execute();
}

export function findLink(db: Db, tokenHash: string) {
  return db.selectFrom('privacy_links').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** The link's row, locked (PostgreSQL) so that two erasures with one link take turns. */
export function lockLink(db: Db, tokenHash: string) {
  return forUpdate(
    db,
    db.selectFrom('privacy_links').selectAll().where('token_hash', '=', tokenHash),
  ).executeTakeFirst();
}

export async function deleteLinks(db: Db, email: string): Promise<void> {
  await db.deleteFrom('privacy_links').where('email', '=', email).execute();
}

export async function deleteExpiredLinks(db: Db, now: string): Promise<void> {
  await db.deleteFrom('privacy_links').where('expires_at', '<', now).execute();
}

/** Whether anything is stored under the address (comments, or an opt-in). */
export async function isKnown(db: Db, email: string): Promise<boolean> {
  const comment = await db
    .selectFrom('comments')
    .select('id')
    .where('author_email', '=', email)
    .limit(1)
    .executeTakeFirst();
  if (comment) return true;
  return (
    (await db.selectFrom('mail_addresses').select('id').where('email', '=', email).executeTakeFirst()) !== undefined
  );
}

export function commentsOf(db: Db, email: string) {
  return db
    .selectFrom('comments as c')
    .innerJoin('articles as a', 'a.id', 'c.article_id')
    .select([
      'c.id',
      'c.article_id',
      'c.parent_id',
      'c.author_name',
      'c.author_url',
      'c.body_markdown',
      'c.status',
      'c.created_at',
      'c.updated_at',
      'c.edited_at',
      'a.slug as article_slug',
      'a.title as article_title',
      'a.kind as article_kind',
      'a.external_url as article_external_url',
    ])
    .where('c.author_email', '=', email)
    .orderBy('c.id')
    .execute();
}

export function earlierTextsOf(db: Db, commentIds: number[]) {
  if (commentIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('comment_edits')
    .select(['comment_id', 'body_markdown', 'created_at'])
    .where('comment_id', 'in', commentIds)
    .orderBy('id')
    .execute();
}

/** The address's comments, locked, deepest first (replies before the comments they answer). */
export function lockCommentsOf(db: Db, email: string) {
  return forUpdate(
    db,
    db
      .selectFrom('comments')
      .select(['id', 'article_id', 'depth', 'status'])
      .where('author_email', '=', email)
      .orderBy('depth', 'desc')
      .orderBy('id', 'desc'),
  ).execute();
}

export async function hasReplies(db: Db, commentId: number): Promise<boolean> {
  return (
    (await db.selectFrom('comments').select('id').where('parent_id', '=', commentId).limit(1).executeTakeFirst()) !==
    undefined
  );
}

export async function deleteComment(db: Db, id: number): Promise<void> {
  await db.deleteFrom('comments').where('id', '=', id).execute();
}

/** Keeps the comment's place in its thread and nothing of its author or text. */
export async function blankComment(db: Db, id: number, now: string): Promise<void> {
  await db
    .updateTable('comments')
    .set({
      author_name: '[removed]',
      author_email: '',
      author_url: null,
      body_markdown: '[removed]',
      body_html: '<p>[removed]</p>',
      reader_id: null,
      body_hash: null,
      ip_hash: '',
      user_agent: '',
      held_reason: null,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
  await db.deleteFrom('comment_edits').where('comment_id', '=', id).execute();
}

export async function deleteMailTo(db: Db, email: string): Promise<number> {
  const result = await db.deleteFrom('outbox').where('recipient', '=', email).executeTakeFirst();
  return Number(result.numDeletedRows);
}
