// SQL for the dashboard: the queue's size, activity per day, and the articles readers care about.
// Days are the first ten characters of the ISO timestamps (UTC), which every engine can group by.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';

type Q = Kysely<Database>;

export interface DayCount {
  day: string;
  n: number;
}

export async function countPendingComments(db: Q): Promise<number> {
  const row = await db
    .selectFrom('comments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
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
export function topRatedArticles(db: Q, { minRatings, limit }: { minRatings: number; limit: number }): Promise<ArticleStat[]> {
  return db
    .selectFrom('articles')
    .select(articleStat)
    .where('status', '=', 'published')
    .where('rating_count', '>=', minRatings)
    // `* 1.0` divides without truncating on both engines (PostgreSQL's `real` would be 4-byte floats).
    .orderBy(sql`rating_sum * 1.0 / rating_count`, 'desc')
    .orderBy('rating_count', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Published articles with the most approved comments. */
export function mostDiscussedArticles(db: Q, { limit }: { limit: number }): Promise<ArticleStat[]> {
  return db
    .selectFrom('articles')
    .select(articleStat)
    .where('status', '=', 'published')
    .where('comment_count', '>', 0)
    .orderBy('comment_count', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
