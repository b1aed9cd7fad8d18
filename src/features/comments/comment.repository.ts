import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Database } from '../../db/database.ts';
import { forUpdate } from '../../db/postgres.ts';
import { prepared, type Lookup } from '../../db/prepared.ts';
import type { CommentEditRow, CommentRow, CommentStatus, NewCommentRow } from './comment.table.ts';

type Q = Kysely<Database>;

// Every comment posted runs these: prepared once (db/prepared.ts).
type CommentValues = Required<Omit<NewCommentRow, 'id' | 'edited_at' | 'import_key'>>;
const newComment = prepared((db, v: CommentValues) =>
  db
    .insertInto('comments')
    .values({
      article_id: v.article_id,
      parent_id: v.parent_id,
      depth: v.depth,
      reader_id: v.reader_id,
      author_name: v.author_name,
      author_email: v.author_email,
      author_url: v.author_url,
      body_markdown: v.body_markdown,
      body_html: v.body_html,
      status: v.status,
      held_reason: v.held_reason,
      spam_score: v.spam_score,
      trained_as: v.trained_as,
      body_hash: v.body_hash,
      staff_role: v.staff_role,
      ip_hash: v.ip_hash,
      user_agent: v.user_agent,
      created_at: v.created_at,
      updated_at: v.updated_at,
    })
    .returning('id'),
);
const commentById = prepared((db, v: { id: number }) => db.selectFrom('comments').selectAll().where('id', '=', v.id));
const approvedFromEmail = prepared((db, v: { email: string }) =>
  db.selectFrom('comments').select('id').where('author_email', '=', v.email).where('status', '=', 'approved').limit(1),
);
const approvedFromReader = prepared((db, v: { email: string; readerId: string }) =>
  db
    .selectFrom('comments')
    .select('id')
    .where('author_email', '=', v.email)
    .where('status', '=', 'approved')
    .where('reader_id', '=', v.readerId)
    .limit(1),
);

export async function insertComment(db: Q, row: Omit<NewCommentRow, 'id' | 'import_key'>): Promise<number> {
  const defaults = {
    parent_id: null,
    depth: 0,
    reader_id: null,
    author_url: null,
    held_reason: null,
    spam_score: null,
    trained_as: null,
    body_hash: null,
    staff_role: null,
    user_agent: '',
  };
  return (await newComment.execute(db, { ...defaults, ...row })).rows[0]!.id;
}

export async function findCommentById(db: Q, id: number): Promise<CommentRow | undefined> {
  return (await commentById.execute(db, { id })).rows[0];
}

/** Reads these comments and, on PostgreSQL, locks them (in id order) until the transaction ends. */
export function lockComments(db: Q, ids: number[]): Promise<CommentRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return forUpdate(db, db.selectFrom('comments').selectAll().where('id', 'in', ids).orderBy('id')).execute();
}

export function listCommentsByStatus(db: Q, articleId: number, status: CommentStatus): Promise<CommentRow[]> {
  return db
    .selectFrom('comments')
    .selectAll()
    .where('article_id', '=', articleId)
    .where('status', '=', status)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Ids and parents of an article's approved comments, in the order they were written: the paging index. */
export function listThreadIndex(db: Q, articleId: number): Promise<{ id: number; parent_id: number | null }[]> {
  return db
    .selectFrom('comments')
    .select(['id', 'parent_id'])
    .where('article_id', '=', articleId)
    .where('status', '=', 'approved')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** These comments, in no particular order (read in slices, within every engine's parameter limit). */
export async function listCommentsByIds(db: Q, ids: readonly number[]): Promise<CommentRow[]> {
  const rows: CommentRow[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    rows.push(
      ...(await db
        .selectFrom('comments')
        .selectAll()
        .where('id', 'in', ids.slice(i, i + 500))
        .execute()),
    );
  }
  return rows;
}

/** The reader's comments on this article that are held, or recent enough (created after `since`) to be edited. */
export function listReaderOwnComments(
  db: Q,
  articleId: number,
  readerId: string,
  since: string,
): Promise<CommentRow[]> {
  return db
    .selectFrom('comments')
    .selectAll()
    .where('reader_id', '=', readerId)
    .where('article_id', '=', articleId)
    .where((eb) =>
      eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'approved'), eb('created_at', '>', since)])]),
    )
    .orderBy('id')
    .execute();
}

/** Replaces a comment's text, keeping the earlier one in comment_edits. */
export async function recordCommentEdit(
  db: Q,
  previous: CommentRow,
  next: {
    body_markdown: string;
    body_html: string;
    body_hash: string;
    status: CommentStatus;
    held_reason: string | null;
    spam_score: number | null;
    now: string;
  },
): Promise<void> {
  await db
    .insertInto('comment_edits')
    .values({
      comment_id: previous.id,
      body_markdown: previous.body_markdown,
      body_html: previous.body_html,
      created_at: next.now,
    })
    .execute();
  await db
    .updateTable('comments')
    .set({
      body_markdown: next.body_markdown,
      body_html: next.body_html,
      body_hash: next.body_hash,
      status: next.status,
      held_reason: next.held_reason,
      spam_score: next.spam_score,
      edited_at: next.now,
      updated_at: next.now,
    })
    .where('id', '=', previous.id)
    .execute();
}

/** The earlier texts of these comments, oldest first. */
export function listCommentEdits(db: Q, commentIds: readonly number[]): Promise<CommentEditRow[]> {
  if (commentIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('comment_edits')
    .selectAll()
    .where('comment_id', 'in', commentIds)
    .orderBy('comment_id')
    .orderBy('id')
    .execute();
}

export function listReaderPendingComments(db: Q, articleId: number, readerId: string): Promise<CommentRow[]> {
  return db
    .selectFrom('comments')
    .selectAll()
    .where('reader_id', '=', readerId)
    .where('article_id', '=', articleId)
    .where('status', '=', 'pending')
    .orderBy('id')
    .execute();
}

/**
 * Lookups (db/prepared.ts anyRows) of whether the address has an approved comment, and whether
 * this reader (their cookie's id) has had one approved under it.
 */
export const approvedCommentFrom = (email: string): Lookup => ({ query: approvedFromEmail, values: { email } });
export const approvedCommentFromReader = (email: string, readerId: string): Lookup => ({
  query: approvedFromReader,
  values: { email, readerId },
});

export async function setCommentStatus(db: Q, ids: number[], status: CommentStatus, now: string): Promise<void> {
  await db.updateTable('comments').set({ status, updated_at: now }).where('id', 'in', ids).execute();
}

export function listComments(
  db: Q,
  filter: { status?: CommentStatus; limit: number },
): Promise<(CommentRow & { article_slug: string })[]> {
  let query = db
    .selectFrom('comments')
    .innerJoin('articles', 'articles.id', 'comments.article_id')
    .selectAll('comments')
    .select('articles.slug as article_slug')
    .orderBy('comments.created_at', 'desc')
    .orderBy('comments.id', 'desc')
    .limit(filter.limit);
  if (filter.status) query = query.where('comments.status', '=', filter.status);
  return query.execute();
}

// --- The moderation queue: one status at a time, narrowed by a search and an article ---

export interface QueueFilter {
  /**
   * Matched, case-insensitively, against the body, the author's name and e-mail; "#12" or "12" also finds comment 12.
   */
  q?: string;
  articleId?: number;
  /** Comments by one commenter: the same e-mail address, or the same reader cookie. */
  author?: CommenterKey;
}

export interface CommenterKey {
  email: string;
  readerId: string | null;
}

function byCommenter<QB extends SelectQueryBuilder<Database, 'comments', any>>(query: QB, who: CommenterKey): QB {
  return query.where((eb) =>
    eb.or([
      eb('comments.author_email', '=', who.email),
      ...(who.readerId ? [eb('comments.reader_id', '=', who.readerId)] : []),
    ]),
  ) as QB;
}

export type QueueRow = CommentRow & { article_slug: string; article_title: string };

function whereQueue<QB extends SelectQueryBuilder<Database, 'comments', any>>(query: QB, filter: QueueFilter): QB {
  let q = query;
  if (filter.articleId !== undefined) q = q.where('comments.article_id', '=', filter.articleId) as QB;
  if (filter.author) q = byCommenter(q, filter.author);
  const text = filter.q?.trim().toLowerCase();
  if (text) {
    const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const id = /^#?(\d{1,15})$/.exec(text)?.[1];
    q = q.where((eb) =>
      eb.or([
        eb(sql`lower(comments.body_markdown)`, 'like', sql`${pattern} escape '\\'`),
        eb(sql`lower(comments.author_name)`, 'like', sql`${pattern} escape '\\'`),
        eb(sql`lower(comments.author_email)`, 'like', sql`${pattern} escape '\\'`),
        ...(id ? [eb('comments.id', '=', Number(id))] : []),
      ]),
    ) as QB;
  }
  return q;
}

export function listQueue(
  db: Q,
  filter: QueueFilter & { status?: CommentStatus; limit: number; offset: number },
): Promise<QueueRow[]> {
  let query = db
    .selectFrom('comments')
    .innerJoin('articles', 'articles.id', 'comments.article_id')
    .selectAll('comments')
    .select(['articles.slug as article_slug', 'articles.title as article_title'])
    .orderBy('comments.created_at', 'desc')
    .orderBy('comments.id', 'desc')
    .limit(filter.limit)
    .offset(filter.offset);
  if (filter.status) query = query.where('comments.status', '=', filter.status);
  return whereQueue(query, filter).execute() as Promise<QueueRow[]>;
}

/** How many comments match the filter in each status (the queue's tabs). */
export async function countQueue(db: Q, filter: QueueFilter): Promise<Record<CommentStatus, number>> {
  const query = db
    .selectFrom('comments')
    .select(['comments.status as status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('comments.status');
  const counts: Record<CommentStatus, number> = { pending: 0, approved: 0, spam: 0, trash: 0 };
  for (const row of await whereQueue(query, filter).execute()) counts[row.status as CommentStatus] = Number(row.n);
  return counts;
}

/** A commenter's other comments by status (the moderation queue's history line). */
export async function countCommenterComments(
  db: Q,
  who: CommenterKey,
  exceptId: number,
): Promise<Record<CommentStatus, number>> {
  const query = db
    .selectFrom('comments')
    .select(['comments.status as status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('comments.id', '<>', exceptId)
    .groupBy('comments.status');
  const counts: Record<CommentStatus, number> = { pending: 0, approved: 0, spam: 0, trash: 0 };
  for (const row of await byCommenter(query, who).execute()) counts[row.status as CommentStatus] = Number(row.n);
  return counts;
}
