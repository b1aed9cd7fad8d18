// Static pages and old addresses: the two reads their public routes need.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { ArticleRow } from '../articles/article.table.ts';

type Q = Kysely<Database>;

export function findPageBySlug(db: Q, slug: string): Promise<ArticleRow | undefined> {
  return db.selectFrom('articles').selectAll().where('slug', '=', slug).where('kind', '=', 'page').executeTakeFirst();
}

/** Where an old address now lives: the kind and slug of its article or page. */
export function findLegacyTarget(db: Q, path: string): Promise<{ kind: string; slug: string } | undefined> {
  return db
    .selectFrom('legacy_paths')
    .innerJoin('articles', 'articles.id', 'legacy_paths.article_id')
    .select(['articles.kind', 'articles.slug'])
    .where('legacy_paths.path', '=', path)
    .executeTakeFirst();
}
