// SQL for the sitemaps: public article addresses page by page (keyset on id, never the bodies),
// the archive slugs in use, and the latest articles for the news sitemap.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { isPublicArticle } from '../articles/article-visibility.ts';

type Q = Kysely<Database>;

export async function countPublicArticles(db: Q, now: string): Promise<number> {
  const row = await db
    .selectFrom('articles')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(isPublicArticle(now))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The id of the public article at `position` in id order: where a sitemap part starts. */
export async function publicArticleIdAt(db: Q, position: number, now: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('articles')
    .select('id')
    .where(isPublicArticle(now))
    .orderBy('id')
    .limit(1)
    .offset(position)
    .executeTakeFirst();
  return row?.id;
}

/** Up to `limit` public articles from id `fromId` on, in id order. */
export function listPublicArticleUrls(
  db: Q,
  { fromId, limit, now }: { fromId: number; limit: number; now: string },
): Promise<{ id: number; slug: string; updated_at: string }[]> {
  return db
    .selectFrom('articles')
    .select(['id', 'slug', 'updated_at'])
    .where(isPublicArticle(now))
    .where('id', '>=', fromId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** The section, tag and author slugs that have at least one public article. */
export async function listArchiveSlugs(
  db: Q,
  now: string,
): Promise<{ sections: string[]; tags: string[]; authors: string[] }> {
  const distinct = async (column: 'section_slug' | 'author_slug') =>
    (
      await db
        .selectFrom('articles')
        .select(column)
        .distinct()
        .where(isPublicArticle(now))
        .where(column, '!=', '')
        .orderBy(column)
        .execute()
    ).map((row) => row[column]);
  const tags = await db
    .selectFrom('article_tags')
    .innerJoin('articles', 'articles.id', 'article_tags.article_id')
    .select('article_tags.slug')
    .distinct()
    .where(isPublicArticle(now))
    .where('article_tags.slug', '!=', '')
    .orderBy('article_tags.slug')
    .execute();
  return {
    sections: await distinct('section_slug'),
    tags: tags.map((row) => row.slug),
    authors: await distinct('author_slug'),
  };
}

export function listPublishedSince(
  db: Q,
  { since, now, limit }: { since: string; now: string; limit: number },
): Promise<{ slug: string; title: string; published_at: string | null }[]> {
  return db
    .selectFrom('articles')
    .select(['slug', 'title', 'published_at'])
    .where(isPublicArticle(now))
    .where('published_at', '>=', since)
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
