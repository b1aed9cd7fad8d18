// SQL for articles. Repositories take the database (or a transaction) first.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { forUpdate } from '../../db/postgres.ts';
import { prepared } from '../../db/prepared.ts';
import { archiveSlug } from '../../lib/text.ts';
import { withDerivedColumns } from './article-derived-columns.ts';
import { bandChanges } from '../ratings/rating-bands.ts';
import type { ArticleRow, ArticleRowUpdate, NewArticleRow } from './article.table.ts';

type Q = Kysely<Database>;

export function findArticleById(db: Q, id: number): Promise<ArticleRow | undefined> {
  return db.selectFrom('articles').selectAll().where('id', '=', id).executeTakeFirst();
}

// An article's state without its text: all that ratings, comments and visibility checks need.
// The row holds the body three times (Markdown, HTML, plain text); reading it on every rating
// or comment decoded kilobytes of strings for nothing, and their garbage slowed every request.
const STATE_COLUMNS = [
  'id',
  'slug',
  'status',
  'published_at',
  'comments_open',
  'rating_sum',
  'rating_count',
  'rating_band_1',
  'rating_band_2',
  'rating_band_3',
  'rating_band_4',
  'rating_band_5',
  'comment_count',
] as const;
export type ArticleState = Pick<ArticleRow, (typeof STATE_COLUMNS)[number]>;

const stateById = prepared((db, v: { id: number }) =>
  db.selectFrom('articles').select(STATE_COLUMNS).where('id', '=', v.id),
);
const stateBySlug = prepared((db, v: { slug: string }) =>
  db.selectFrom('articles').select(STATE_COLUMNS).where('slug', '=', v.slug),
);

export async function findArticleState(
  db: Q,
  by: { id: number } | { slug: string },
): Promise<ArticleState | undefined> {
  return ('id' in by ? await stateById.execute(db, by) : await stateBySlug.execute(db, by)).rows[0];
}

/**
 * Reads the article and, on PostgreSQL, locks its row until the transaction ends, so concurrent
 * ratings and comment-count changes of one article take turns (SQLite runs one writer at a time).
 */
export function lockArticle(db: Q, id: number): Promise<ArticleRow | undefined> {
  return forUpdate(db, db.selectFrom('articles').selectAll().where('id', '=', id)).executeTakeFirst();
}

export function findArticleBySlug(db: Q, slug: string): Promise<ArticleRow | undefined> {
  return db.selectFrom('articles').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export function findArticleByImportKey(db: Q, importKey: string): Promise<ArticleRow | undefined> {
  return db.selectFrom('articles').selectAll().where('import_key', '=', importKey).executeTakeFirst();
}

/**
 * Ids of the newest public articles (of one section, if given), newest first. Published articles
 * and scheduled ones whose time has come are read as two walks down the (status, published_at)
 * index and merged: as one condition with OR, SQLite read and sorted every published article
 * (84 ms on a site of 100,000). A deep page reads `offset` index entries, not rows.
 */
export async function newestPublicIds(
  db: Q,
  { limit, offset = 0, sectionSlug }: { limit: number; offset?: number; sectionSlug?: string },
  now: string,
): Promise<number[]> {
  const walk = (status: 'published' | 'scheduled') => {
    // Only news articles (isPublicArticle): static pages and external threads are never listed.
    let query = db
      .selectFrom('articles')
      .select(['id', 'published_at'])
      .where('status', '=', status)
      .where('kind', '=', 'article');
    if (status === 'scheduled') query = query.where('published_at', '<=', now);
    if (sectionSlug !== undefined) query = query.where('section_slug', '=', sectionSlug);
    return query
      .orderBy('published_at', 'desc')
      .orderBy('id', 'desc')
      .limit(offset + limit)
      .execute();
  };
  const rows = (await Promise.all([walk('published'), walk('scheduled')])).flat();
  rows.sort((a, b) => (b.published_at ?? '').localeCompare(a.published_at ?? '') || b.id - a.id);
  return rows.slice(offset, offset + limit).map((row) => row.id);
}

const dueScheduled = prepared((db, v: { now: string }) =>
  db.selectFrom('articles').select('id').where('status', '=', 'scheduled').where('published_at', '<=', v.now).limit(1),
);

/** Whether a scheduled article's time has come (it is public, though still marked scheduled). */
export async function hasDueScheduled(db: Q, now: string): Promise<boolean> {
  return (await dueScheduled.execute(db, { now })).rows.length > 0;
}

/** Rows by id, in the order of `ids`. */
export async function findArticlesInOrder(db: Q, ids: number[]): Promise<ArticleRow[]> {
  if (ids.length === 0) return [];
  const rows = new Map(
    (await db.selectFrom('articles').selectAll().where('id', 'in', ids).execute()).map((row) => [row.id, row]),
  );
  return ids.flatMap((id) => rows.get(id) ?? []);
}

export async function listPublishedArticles(
  db: Q,
  { limit, offset }: { limit: number; offset: number },
): Promise<ArticleRow[]> {
  // A scheduled article is published once its time has come (no timer: every instance agrees).
  return findArticlesInOrder(db, await newestPublicIds(db, { limit, offset }, new Date().toISOString()));
}

/** Records that a scheduled article's time has come, so every feature sees it as published. */
export async function publishIfDue(db: Q, id: number, now: string): Promise<void> {
  await db
    .updateTable('articles')
    .set({ status: 'published' })
    .where('id', '=', id)
    .where('status', '=', 'scheduled')
    .where('published_at', '<=', now)
    .execute();
}

export async function countArticles(db: Q): Promise<number> {
  const row = await db
    .selectFrom('articles')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertArticle(db: Q, row: NewArticleRow): Promise<number> {
  const inserted = await db
    .insertInto('articles')
    .values(withDerivedColumns(row))
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

export async function updateArticle(db: Q, id: number, changes: ArticleRowUpdate): Promise<void> {
  await db.updateTable('articles').set(withDerivedColumns(changes)).where('id', '=', id).execute();
}

export async function slugExists(db: Q, slug: string, exceptId?: number): Promise<boolean> {
  let query = db.selectFrom('articles').select('id').where('slug', '=', slug);
  if (exceptId !== undefined) query = query.where('id', '!=', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

export async function findTags(db: Q, articleIds: number[]): Promise<Map<number, string[]>> {
  const tags = new Map<number, string[]>();
  if (articleIds.length === 0) return tags;
  const rows = await db
    .selectFrom('article_tags')
    .select(['article_id', 'tag'])
    .where('article_id', 'in', articleIds)
    .orderBy('tag')
    .execute();
  for (const row of rows) {
    const list = tags.get(row.article_id) ?? [];
    list.push(row.tag);
    tags.set(row.article_id, list);
  }
  return tags;
}

/** replaceTags for many articles at once (an import's batch): one delete, and inserts of many rows. */
export async function replaceTagsOf(db: Q, tagsByArticle: Map<number, string[]>): Promise<void> {
  const ids = [...tagsByArticle.keys()];
  for (let i = 0; i < ids.length; i += 500)
    await db
      .deleteFrom('article_tags')
      .where('article_id', 'in', ids.slice(i, i + 500))
      .execute();
  const rows = [...tagsByArticle].flatMap(([article_id, tags]) =>
    tags.map((tag) => ({ article_id, tag, slug: archiveSlug(tag) })),
  );
  for (let i = 0; i < rows.length; i += 300)
    await db
      .insertInto('article_tags')
      .values(rows.slice(i, i + 300))
      .execute();
}

export async function replaceTags(db: Q, articleId: number, tags: string[]): Promise<void> {
  await db.deleteFrom('article_tags').where('article_id', '=', articleId).execute();
  if (tags.length > 0) {
    await db
      .insertInto('article_tags')
      .values(tags.map((tag) => ({ article_id: articleId, tag, slug: archiveSlug(tag) })))
      .execute();
  }
}

const adjustTotals = prepared(
  (db, v: { id: number; sum: number; count: number; b1: number; b2: number; b3: number; b4: number; b5: number }) =>
    db
      .updateTable('articles')
      .set((eb) => ({
        rating_sum: eb('rating_sum', '+', v.sum),
        rating_count: eb('rating_count', '+', v.count),
        rating_band_1: eb('rating_band_1', '+', v.b1),
        rating_band_2: eb('rating_band_2', '+', v.b2),
        rating_band_3: eb('rating_band_3', '+', v.b3),
        rating_band_4: eb('rating_band_4', '+', v.b4),
        rating_band_5: eb('rating_band_5', '+', v.b5),
      }))
      .where('id', '=', v.id),
);

/**
 * Counts a rating in the article's totals, replacing `previous` when the reader rated before; runs inside the rating's
 * transaction.
 */
export async function adjustRatingTotals(db: Q, articleId: number, value: number, previous?: number): Promise<void> {
  await adjustTotals.execute(db, {
    id: articleId,
    sum: value - (previous ?? 0),
    count: previous === undefined ? 1 : 0,
    ...bandChanges(value, previous),
  });
}

/** Editors set images through the editor service, imports and demo content through upsert; tests set one directly. */
export async function setFeaturedImage(db: Q, articleId: number, key: string, alt: string): Promise<void> {
  await db
    .updateTable('articles')
    .set({ featured_image: key, featured_image_alt: alt })
    .where('id', '=', articleId)
    .execute();
}

const oneMoreComment = prepared((db, v: { id: number }) =>
  db
    .updateTable('articles')
    .set((eb) => ({ comment_count: eb('comment_count', '+', 1) }))
    .where('id', '=', v.id),
);

/** One more approved comment, counted in the database (not from a value read earlier). */
export async function incrementCommentCount(db: Q, articleId: number): Promise<void> {
  await oneMoreComment.execute(db, { id: articleId });
}

/** Locks these articles' rows (PostgreSQL), in id order so two transactions cannot deadlock. */
export async function lockArticles(db: Q, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await forUpdate(db, db.selectFrom('articles').select('id').where('id', 'in', ids).orderBy('id')).execute();
}
