// SQL for archives (sections, tags, authors), the front page's lists and related articles.
// Archives are matched on the slugs stored beside the names (see withDerivedColumns).
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { ArchiveKind } from '../articles/article.model.ts';
import { findArticlesInOrder } from '../articles/article.repository.ts';
import type { ArticleRow } from '../articles/article.table.ts';
import { isPublicArticle, isPublicRow } from '../articles/article-visibility.ts';

type Q = Kysely<Database>;

function inArchive(db: Q, kind: ArchiveKind, slug: string, now: string) {
  const query = db.selectFrom('articles').where(isPublicArticle(now));
  if (kind === 'section') return query.where('articles.section_slug', '=', slug);
  if (kind === 'author') return query.where('articles.author_slug', '=', slug);
  return query.where(
    'articles.id',
    'in',
    db.selectFrom('article_tags').select('article_tags.article_id').where('article_tags.slug', '=', slug),
  );
}

/** The name as written on the newest published article filed under the slug; undefined when none is. */
export async function findArchiveName(
  db: Q,
  kind: ArchiveKind,
  slug: string,
  now: string,
): Promise<string | undefined> {
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
  const row = await inArchive(db, kind, slug, now)
    .select(`${column} as name`)
    .orderBy('articles.published_at', 'desc')
    .orderBy('articles.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.name;
}

export async function countArchive(db: Q, kind: ArchiveKind, slug: string, now: string): Promise<number> {
  const row = await inArchive(db, kind, slug, now)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function listArchive(
  db: Q,
  kind: ArchiveKind,
  slug: string,
  page: { limit: number; offset: number },
  now: string,
): Promise<ArticleRow[]> {
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

/**
 * Sections with at least one published article: each slug once, with the name its newest article
 * writes it with. A site has a few sections and perhaps 100,000 articles, so rather than group
 * them all, this steps from one section to the next along the (section_slug, published_at) index.
 */
export async function listSections(db: Q, now: string): Promise<{ slug: string; name: string }[]> {
  const { rows } = await sql<{ slug: string }>`
    with recursive sections(slug) as (
      select min(section_slug) from articles where section_slug > ''
      union all
      select (select min(a.section_slug) from articles a where a.section_slug > sections.slug)
        from sections where sections.slug is not null
    )
    select slug from sections where slug is not null`.execute(db);
  const named = await Promise.all(
    rows.map(({ slug }) =>
      db
        .selectFrom('articles')
        .select(['section_slug as slug', 'section as name'])
        .where('section_slug', '=', slug)
        .where(isPublicArticle(now))
        .orderBy('published_at', 'desc')
        .limit(1)
        .executeTakeFirst(),
    ),
  );
  return named.filter((section) => section !== undefined);
}

/** Best scored first (mean of the ratings), among articles with at least `minRatings`. */
export function listTopRated(
  db: Q,
  options: { minRatings: number; since: string | null; limit: number },
  now: string,
): Promise<ArticleRow[]> {
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
export function listMostDiscussed(
  db: Q,
  options: { since: string | null; limit: number },
  now: string,
): Promise<ArticleRow[]> {
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

// How many of the newest articles sharing each tag, and in the same section, are weighed as
// related: a bound on the work, whatever the size of the archive (the newest are the likeliest
// to be of interest anyway).
const RELATED_CANDIDATES = 100;

/**
 * The articles most related to this one: most tags in common, then the same section, then the
 * newest. Chosen among the newest RELATED_CANDIDATES per tag and in the section (index reads),
 * so a site with 100,000 articles answers as fast as one with a hundred.
 */
export async function listRelated(
  db: Q,
  of: { id: number; sectionSlug: string; tagSlugs: string[] },
  limit: number,
  now: string,
): Promise<ArticleRow[]> {
  const { id, sectionSlug, tagSlugs } = of;
  const newestTagged = (slug: string) =>
    db
      .selectFrom('article_tags')
      .select('article_id as id')
      .where('slug', '=', slug)
      .where('article_id', '!=', id)
      .orderBy('article_id', 'desc')
      .limit(RELATED_CANDIDATES)
      .execute();
  const newestInSection = () =>
    db
      .selectFrom('articles')
      .select('id')
      .where('section_slug', '=', sectionSlug)
      .where(isPublicArticle(now))
      .where('id', '!=', id)
      .orderBy('published_at', 'desc')
      .limit(RELATED_CANDIDATES)
      .execute();
  const found = await Promise.all([...tagSlugs.map(newestTagged), ...(sectionSlug !== '' ? [newestInSection()] : [])]);
  const ids = [...new Set(found.flat().map((row) => row.id))];
  if (ids.length === 0) return [];
  const [facts, shared] = await Promise.all([
    db.selectFrom('articles').select(['id', 'section_slug', 'status', 'published_at']).where('id', 'in', ids).execute(),
    tagSlugs.length === 0
      ? Promise.resolve([])
      : db
          .selectFrom('article_tags')
          .select((eb) => ['article_id', eb.fn.countAll<number>().as('n')])
          .where('article_id', 'in', ids)
          .where('slug', 'in', tagSlugs)
          .groupBy('article_id')
          .execute(),
  ]);
  const sharedBy = new Map(shared.map((row) => [row.article_id, Number(row.n)]));
  const score = (row: (typeof facts)[number]) =>
    [sharedBy.get(row.id) ?? 0, row.section_slug === sectionSlug && sectionSlug !== '' ? 1 : 0] as const;
  const chosen = facts
    .filter((row) => isPublicRow(row, now))
    .sort((a, b) => {
      const [sa, ta] = score(a);
      const [sb, tb] = score(b);
      return sb - sa || tb - ta || (b.published_at ?? '').localeCompare(a.published_at ?? '') || b.id - a.id;
    })
    .slice(0, limit)
    .map((row) => row.id);
  return findArticlesInOrder(db, chosen);
}

/**
 * Published static pages for the footer menu: by their menu order, then title (at most 30). The
 * kind is a literal, so that the pages' own index serves it (its migration, 2026-12-05T1300).
 */
export function listMenuPages(db: Q): Promise<{ slug: string; title: string }[]> {
  return db
    .selectFrom('articles')
    .select(['slug', 'title'])
    .where('kind', '=', sql.lit('page'))
    .where('status', '=', 'published')
    .orderBy('menu_order')
    .orderBy('title')
    .limit(30)
    .execute();
}
