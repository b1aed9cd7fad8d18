// SQL for the dashboard: the queue's size, activity per day, and the articles readers care about.
// Days are the first ten characters of the ISO timestamps (UTC), which every engine can group by.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { isPublicArticle } from '../articles/article-visibility.ts';

type Q = Kysely<Database>;

export interface DayCount {
  day: string;
  n: number;
}

export async function countPendingComments(db: Q, since?: string): Promise<number> {
  let query = db
    .selectFrom('comments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'pending');
  // Only those written since then (today's), when given.
  if (since !== undefined) query = query.where('created_at', '>=', since);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Comments written per day since `since` (every status: this is what readers sent). */
export async function commentsPerDay(db: Q, since: string): Promise<DayCount[]> {
  const day = sql<string>`substr(created_at, 1, 10)`;
  const rows = await db
    .selectFrom('comments')
    .select([day.as('day'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('created_at', '>=', since)
    .groupBy(day)
    .execute();
  return rows.map((r) => ({ day: r.day, n: Number(r.n) }));
}

/** Ratings first given per day since `since` (rating again changes a row, not the count). */
export async function ratingsPerDay(db: Q, since: string): Promise<DayCount[]> {
  const day = sql<string>`substr(created_at, 1, 10)`;
  const rows = await db
    .selectFrom('ratings')
    .select([day.as('day'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('created_at', '>=', since)
    .groupBy(day)
    .execute();
  return rows.map((r) => ({ day: r.day, n: Number(r.n) }));
}

export interface ArticleStat {
  id: number;
  slug: string;
  title: string;
  rating_sum: number;
  rating_count: number;
  comment_count: number;
}

const articleStat = ['id', 'slug', 'title', 'rating_sum', 'rating_count', 'comment_count'] as const;

/** Published articles with the highest user score among those with at least `minRatings` ratings. */
export function topRatedArticles(
  db: Q,
  { minRatings, limit }: { minRatings: number; limit: number },
): Promise<ArticleStat[]> {
  return (
    db
      .selectFrom('articles')
      .select(articleStat)
      .where('status', '=', 'published')
      .where('rating_count', '>=', minRatings)
      // `* 1.0` divides without truncating on both engines (PostgreSQL's `real` would be 4-byte floats).
      .orderBy(sql`rating_sum * 1.0 / rating_count`, 'desc')
      .orderBy('rating_count', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute()
  );
}

/** Public articles with the most approved comments written since `since`, with that number as `recent`. */
export async function mostDiscussedArticles(
  db: Q,
  { now, since, limit }: { now: string; since: string; limit: number },
): Promise<(ArticleStat & { recent: number })[]> {
  const columns = [
    'articles.id',
    'articles.slug',
    'articles.title',
    'articles.rating_sum',
    'articles.rating_count',
    'articles.comment_count',
  ] as const;
  const rows = await db
    .selectFrom('comments')
    .innerJoin('articles', 'articles.id', 'comments.article_id')
    .select([...columns, (eb) => eb.fn.countAll<number>().as('recent')])
    .where(isPublicArticle(now))
    .where('comments.status', '=', 'approved')
    .where('comments.created_at', '>=', since)
    .groupBy([...columns])
    .orderBy(sql`count(*)`, 'desc')
    .orderBy('articles.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, recent: Number(r.recent) }));
}

export interface ArticleItem {
  id: number;
  slug: string;
  title: string;
  status: string;
  submitted_at: string | null;
  published_at: string | null;
  updated_at: string;
  rating_sum: number;
  rating_count: number;
  comment_count: number;
}

const articleItem = [
  'id',
  'slug',
  'title',
  'status',
  'submitted_at',
  'published_at',
  'updated_at',
  'rating_sum',
  'rating_count',
  'comment_count',
] as const;

/** Drafts (submitted ones first), latest save first; only `authorId`'s when given; with their number. */
export async function draftArticles(
  db: Q,
  { authorId, limit }: { authorId?: number; limit: number },
): Promise<{ items: ArticleItem[]; total: number }> {
  let query = db.selectFrom('articles').where('status', '=', 'draft').where('kind', '!=', 'external');
  if (authorId !== undefined) query = query.where('author_id', '=', authorId);
  const [items, count] = await Promise.all([
    query
      .select(articleItem)
      .orderBy(sql`submitted_at is null`)
      .orderBy('updated_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.n) };
}

/** Articles scheduled for later than `now`, the soonest first; only `authorId`'s when given. */
export async function scheduledArticles(
  db: Q,
  { now, authorId, limit }: { now: string; authorId?: number; limit: number },
): Promise<{ items: ArticleItem[]; total: number }> {
  let query = db.selectFrom('articles').where('status', '=', 'scheduled').where('published_at', '>', now);
  if (authorId !== undefined) query = query.where('author_id', '=', authorId);
  const [items, count] = await Promise.all([
    query.select(articleItem).orderBy('published_at', 'asc').orderBy('id').limit(limit).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.n) };
}

/** The latest published articles (a scheduled one whose time has come counts), newest first. */
export function recentArticles(db: Q, { now, limit }: { now: string; limit: number }): Promise<ArticleItem[]> {
  return db
    .selectFrom('articles')
    .select(articleItem)
    .where(isPublicArticle(now))
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
