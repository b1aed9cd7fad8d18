// Which articles the public may see: one condition for every public query (lists, archives, feeds, sitemaps).
import type { ExpressionBuilder } from 'kysely';
import type { Database } from '../../db/database.ts';

/**
 * A news article (not a static page or an external thread), published, or scheduled with its
 * time come (no timer: every instance agrees). Columns are qualified so the condition also works
 * in joins. (Search, in raw SQL, repeats it.)
 */
export function isPublicArticle(now: string) {
  return (eb: ExpressionBuilder<Database, 'articles'>) =>
    eb.and([
      eb('articles.kind', '=', 'article'),
      eb.or([
        eb('articles.status', '=', 'published'),
        eb.and([eb('articles.status', '=', 'scheduled'), eb('articles.published_at', '<=', now)]),
      ]),
    ]);
}

/**
 * isPublicArticle for a row already read: an article looked up by id or slug, or a few rows
 * fetched by id, where the condition in SQL would tempt SQLite to scan every published article
 * by status instead of looking the ids up.
 */
export function isPublicRow(row: { status: string; published_at: string | null }, now: string): boolean {
  return (
    row.status === 'published' || (row.status === 'scheduled' && row.published_at !== null && row.published_at <= now)
  );
}
