// Which articles the public may see: one condition for every public query (lists, archives, feeds, sitemaps).
import type { ExpressionBuilder } from 'kysely';
import type { Database } from '../../db/database.ts';

/**
 * Published, or scheduled with its time come (no timer: every instance agrees). Columns are
 * qualified so the condition also works in joins. (Search, in raw SQL, repeats it.)
 */
export function isPublicArticle(now: string) {
  return (eb: ExpressionBuilder<Database, 'articles'>) =>
    eb.or([eb('articles.status', '=', 'published'), eb.and([eb('articles.status', '=', 'scheduled'), eb('articles.published_at', '<=', now)])]);
}
