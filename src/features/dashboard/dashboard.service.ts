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

export interface ArticleEntry extends ArticleFigure {
  /** draft, review (a submitted draft), scheduled or published. */
  status: 'draft' | 'review' | 'scheduled' | 'published';
  publishedAt: string | null;
  updatedAt: string;
}

export interface Dashboard {
  /** Comments awaiting moderation: all, and those written today (UTC). */
  pending: { total: number; today: number };
  comments: DailySeries;
  ratings: DailySeries;
  topRated: ArticleFigure[];
  /** Most published comments written in the charts' days; `recentComments` is that number. */
  mostDiscussed: (ArticleFigure & { recentComments: number })[];
  recent: ArticleEntry[];
  /** Present for those who write: drafts (submitted first) and scheduled articles, an author's own only. */
  drafts?: { items: ArticleEntry[]; total: number };
  scheduled?: { items: ArticleEntry[]; total: number };
}

/** Whose drafts and scheduled articles a staff member sees: none, everyone's, or their own. */
export type DeskView = { kind: 'none' } | { kind: 'all' } | { kind: 'own'; userId: number };

export const DASHBOARD_DAYS = 30;
export const TOP_RATED_MIN_RATINGS = 3;

export interface DashboardService {
  load(desk: DeskView, now?: Date): Promise<Dashboard>;
}

const LIST_LENGTH = 5;

/** The `count` UTC days ending with `now`'s, as YYYY-MM-DD, oldest first. */
export function lastDays(now: Date, count: number): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: count }, (_, i) =>
    new Date(today - (count - 1 - i) * 86_400_000).toISOString().slice(0, 10),
  );
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

const entry = (row: repo.ArticleItem): ArticleEntry => ({
  ...figure(row),
  status:
    row.status === 'draft'
      ? row.submitted_at
        ? 'review'
        : 'draft'
      : row.status === 'scheduled'
        ? 'scheduled'
        : 'published',
  publishedAt: row.published_at,
  updatedAt: row.updated_at,
});

const entries = (list: { items: repo.ArticleItem[]; total: number }) => ({
  items: list.items.map(entry),
  total: list.total,
});

export function createDashboardService({ db }: { db: Db }): DashboardService {
  return {
    async load(desk, now = new Date()) {
      const days = lastDays(now, DASHBOARD_DAYS);
      const since = `${days[0]}T00:00:00.000Z`;
      const today = `${days[days.length - 1]}T00:00:00.000Z`;
      const nowIso = now.toISOString();
      const authorId = desk.kind === 'own' ? desk.userId : undefined;
      const [pending, pendingToday, comments, ratings, topRated, mostDiscussed, recent, drafts, scheduled] =
        await Promise.all([
          repo.countPendingComments(db),
          repo.countPendingComments(db, today),
          repo.commentsPerDay(db, since),
          repo.ratingsPerDay(db, since),
          repo.topRatedArticles(db, { minRatings: TOP_RATED_MIN_RATINGS, limit: LIST_LENGTH }),
          repo.mostDiscussedArticles(db, { now: nowIso, since, limit: LIST_LENGTH }),
          repo.recentArticles(db, { now: nowIso, limit: LIST_LENGTH }),
          desk.kind === 'none' ? undefined : repo.draftArticles(db, { authorId, limit: LIST_LENGTH }),
          desk.kind === 'none' ? undefined : repo.scheduledArticles(db, { now: nowIso, authorId, limit: LIST_LENGTH }),
        ]);
      return {
        pending: { total: pending, today: pendingToday },
        comments: series(days, comments),
        ratings: series(days, ratings),
        topRated: topRated.map(figure),
        mostDiscussed: mostDiscussed.map((row) => ({ ...figure(row), recentComments: row.recent })),
        recent: recent.map(entry),
        drafts: drafts && entries(drafts),
        scheduled: scheduled && entries(scheduled),
      };
    },
  };
}
