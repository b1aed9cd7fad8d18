// SQL for the feeds: the latest public articles (optionally of one section) and an article's
// latest approved comments. Of comments, only the columns a feed shows are read (never an e-mail address).
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { findArticlesInOrder, newestPublicIds } from '../articles/article.repository.ts';
import { isPublicArticle } from '../articles/article-visibility.ts';

type Q = Kysely<Database>;

export interface FeedArticleRow {
  id: number;
  slug: string;
  title: string;
  standfirst: string;
  body_html: string;
  author_name: string;
  section: string;
  published_at: string | null;
  updated_at: string;
  featured_image: string | null;
}

export async function listFeedArticles(
  db: Q,
  { sectionSlug, limit, now }: { sectionSlug?: string; limit: number; now: string },
): Promise<FeedArticleRow[]> {
  return findArticlesInOrder(db, await newestPublicIds(db, { limit, sectionSlug }, now));
}

/** The section's name as written on its public articles; undefined when none is public. */
export async function findSectionName(db: Q, sectionSlug: string, now: string): Promise<string | undefined> {
  if (sectionSlug === '') return undefined;
  const row = await db
    .selectFrom('articles')
    .select('section')
    .where('section_slug', '=', sectionSlug)
    .where(isPublicArticle(now))
    .orderBy('published_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.section;
}

export interface FeedCommentRow {
  id: number;
  author_name: string;
  body_html: string;
  created_at: string;
  updated_at: string;
}

export function listLatestApprovedComments(db: Q, articleId: number, limit: number): Promise<FeedCommentRow[]> {
  return db
    .selectFrom('comments')
    .select(['id', 'author_name', 'body_html', 'created_at', 'updated_at'])
    .where('article_id', '=', articleId)
    .where('status', '=', 'approved')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
