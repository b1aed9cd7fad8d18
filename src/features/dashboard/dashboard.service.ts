// The newsroom's figures: the moderation queue, activity over the last days, and which articles
// readers rate highest and discuss most.
import type { Db } from '../../db/database.ts';
import { scoreOf } from '../articles/article.model.ts';
import * as repo from './dashboard.repository.ts';

export interface DailySeries {
  /** One entry per UTC day, oldest first, days without activity included as 0. */
  days: { day: string; n: number }[];
  total: number;
}

export interface ArticleFigure {
  id: number;
  slug: string;
  title: string;
  score: number | null;
  ratingCount: number;
  commentCount: number;
}

export interface Dashboard {
  pending: number;
  comments: DailySeries;
  ratings: DailySeries;
  topRated: ArticleFigure[];
  mostDiscussed: ArticleFigure[];
}

export const DASHBOARD_DAYS = 30;
export const TOP_RATED_MIN_RATINGS = 3;

export interface DashboardService {
  load(now?: Date): Promise<Dashboard>;
}

/** The `count` UTC days ending with `now`'s, as YYYY-MM-DD, oldest first. */
export function lastDays(now: Date, count: number): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: count }, (_, i) => new Date(today - (count - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}

function series(days: string[], counts: repo.DayCount[]): DailySeries {
  const byDay = new Map(counts.map((c) => [c.day, c.n]));
  const filled = days.map((day) => ({ day, n: byDay.get(day) ?? 0 }));
  return { days: filled, total: filled.reduce((sum, d) => sum + d.n, 0) };
}

const figure = (row: repo.ArticleStat): ArticleFigure => ({
  id: row.id,
  slug: row.slug,
  title: row.title,
  score: scoreOf(row.rating_sum, row.rating_count),
  ratingCount: row.rating_count,
  commentCount: row.comment_count,
});

export function createDashboardService({ db }: { db: Db }): DashboardService {
  return {
    async load(now = new Date()) {
      const days = lastDays(now, DASHBOARD_DAYS);
      const since = `${days[0]}T00:00:00.000Z`;
      const [pending, comments, ratings, topRated, mostDiscussed] = await Promise.all([
        repo.countPendingComments(db),
        repo.commentsPerDay(db, since),
        repo.ratingsPerDay(db, since),
        repo.topRatedArticles(db, { minRatings: TOP_RATED_MIN_RATINGS, limit: 5 }),
        repo.mostDiscussedArticles(db, { limit: 5 }),
      ]);
      return {
        pending,
        comments: series(days, comments),
        ratings: series(days, ratings),
        topRated: topRated.map(figure),
        mostDiscussed: mostDiscussed.map(figure),
      };
    },
  };
}
