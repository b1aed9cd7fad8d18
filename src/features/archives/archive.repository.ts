// SQL for archives (sections, tags, authors), the front page's lists and related articles.
// Archives are matched on the slugs stored beside the names (see withDerivedColumns).
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { ArchiveKind } from '../articles/article.model.ts';
import type { ArticleRow } from '../articles/article.table.ts';
import { isPublicArticle } from '../articles/article.visibility.ts';

type Q = Kysely<Database>;


function inArchive(db: Q, kind: ArchiveKind, slug: string, now: string) {
  const query = db.selectFrom('articles').where(isPublicArticle(now));
  if (kind === 'section') return query.where('articles.section_slug', '=', slug);
  if (kind === 'author') return query.where('articles.author_slug', '=', slug);
  return query.where('articles.id', 'in', db.selectFrom('article_tags').select('article_tags.article_id').where('article_tags.slug', '=', slug));
}

/** The name as written on the newest published article filed under the slug; undefined when none is. */
export async function findArchiveName(db: Q, kind: ArchiveKind, slug: string, now: string): Promise<string | undefined> {
  if (kind === 'tag') {
    const row = await db
      .selectFrom('article_tags')
      .innerJoin('articles', 'articles.id', 'article_tags.article_id')
      .select('article_tags.tag as name')
      .where('article_tags.slug', '=', slug)
      .where(isPublicArticle(now))
      .orderBy('articles.published_at', 'desc')
      .orderBy('articles.id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.name;
  }
  const column = kind === 'section' ? 'articles.section' : 'articles.author_name';
  const row = await inArchive(db, kind, slug, now).select(`${column} as name`).orderBy('articles.published_at', 'desc').orderBy('articles.id', 'desc').limit(1).executeTakeFirst();
  return row?.name;
}

export async function countArchive(db: Q, kind: ArchiveKind, slug: string, now: string): Promise<number> {
  const row = await inArchive(db, kind, slug, now)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function listArchive(db: Q, kind: ArchiveKind, slug: string, page: { limit: number; offset: number }, now: string): Promise<ArticleRow[]> {
  return inArchive(db, kind, slug, now)
    .selectAll('articles')
    .orderBy('articles.published_at', 'desc')
    .orderBy('articles.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function countPublished(db: Q, now: string): Promise<number> {
  const row = await db
    .selectFrom('articles')
    .where(isPublicArticle(now))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Sections with at least one published article: each slug once, with a name it is written as. */
export function listSections(db: Q, now: string): Promise<{ slug: string; name: string }[]> {
  return db
    .selectFrom('articles')
    .where(isPublicArticle(now))
    .where('articles.section_slug', '!=', '')
    .select((eb) => ['articles.section_slug as slug', eb.fn.max('articles.section').as('name')])
    .groupBy('articles.section_slug')
    .execute();
}

/** Best scored first (mean of the ratings), among articles with at least `minRatings`. */
export function listTopRated(db: Q, options: { minRatings: number; since: string | null; limit: number }, now: string): Promise<ArticleRow[]> {
  return db
    .selectFrom('articles')
    .selectAll()
    .where(isPublicArticle(now))
    .where('rating_count', '>=', Math.max(1, options.minRatings))
    .$if(options.since !== null, (q) => q.where('published_at', '>=', options.since))
    .orderBy(sql`rating_sum * 1.0 / rating_count`, 'desc')
    .orderBy('rating_count', 'desc')
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit)
    .execute();
}

/** Most approved comments first, among articles with any. */
export function listMostDiscussed(db: Q, options: { since: string | null; limit: number }, now: string): Promise<ArticleRow[]> {
  return db
    .selectFrom('articles')
    .selectAll()
    .where(isPublicArticle(now))
    .where('comment_count', '>', 0)
    .$if(options.since !== null, (q) => q.where('published_at', '>=', options.since))
    .orderBy('comment_count', 'desc')
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit)
    .execute();
}

/**
 * Other published articles sharing the most tags with this one, then those in its section,
 * newest first among equals.
 */
export async function listRelated(db: Q, of: { id: number; sectionSlug: string; tagSlugs: string[] }, limit: number, now: string): Promise<ArticleRow[]> {
  const { id, sectionSlug, tagSlugs } = of;
  if (tagSlugs.length === 0 && sectionSlug === '') return [];
  const tagged = (eb: ExpressionBuilder<Database, 'articles'>) =>
    eb.selectFrom('article_tags').whereRef('article_tags.article_id', '=', 'articles.id').where('article_tags.slug', 'in', tagSlugs);
  return db
    .selectFrom('articles')
    .selectAll('articles')
    .select((eb) => [
      tagSlugs.length > 0 ? tagged(eb).select((t) => t.fn.countAll<number>().as('n')).$asScalar().as('shared') : sql<number>`0`.as('shared'),
      sectionSlug !== '' ? eb.case().when('articles.section_slug', '=', sectionSlug).then(sql<number>`1`).else(sql<number>`0`).end().as('same_section') : sql<number>`0`.as('same_section'),
    ])
    .where(isPublicArticle(now))
    .where('articles.id', '!=', id)
    .where((eb) => {
      const either = [];
      if (tagSlugs.length > 0) either.push(eb.exists(tagged(eb).select('article_tags.article_id')));
      if (sectionSlug !== '') either.push(eb('articles.section_slug', '=', sectionSlug));
      return eb.or(either);
    })
    .orderBy('shared', 'desc')
    .orderBy('same_section', 'desc')
    .orderBy('articles.published_at', 'desc')
    .orderBy('articles.id', 'desc')
    .limit(limit)
    .execute();
}
