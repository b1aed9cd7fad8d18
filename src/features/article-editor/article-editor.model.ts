// What the admin area sees of an article (everything, including drafts), apart from its row.
import { parseImage, type FeaturedImage } from '../media/featured-image.ts';
import { reviewOf, scoreOf, type ReviewedThing } from '../articles/article.model.ts';
import type { ArticleKind, ArticleRevisionRow, ArticleRow, ArticleStatus } from '../articles/article.table.ts';

/** What a save does besides storing the text; the form's submit buttons name it. */
export const EDITOR_ACTIONS = ['save', 'submit', 'publish', 'schedule', 'unpublish'] as const;
export type EditorAction = (typeof EDITOR_ACTIONS)[number];

/**
 * The status shown in the newsroom: a submitted draft is "review"; a scheduled article whose time has come is
 * "published".
 */
export type EditorialStatus = 'draft' | 'review' | 'scheduled' | 'published';
export const EDITORIAL_STATUSES: readonly EditorialStatus[] = ['draft', 'review', 'scheduled', 'published'];

export interface EditableArticle {
  id: number;
  slug: string;
  title: string;
  standfirst: string;
  bodyMarkdown: string;
  bodyHtml: string;
  section: string;
  tags: string[];
  /** The byline shown to readers. */
  authorName: string;
  /** The staff member who owns it; null for imported articles. */
  authorId: number | null;
  status: ArticleStatus;
  submittedAt: string | null;
  /** When it was (or, if scheduled, will be) published. */
  publishedAt: string | null;
  createdAt: string;
  updatedAt: string;
  updateNote: string;
  featuredImage: FeaturedImage | null;
  review: ReviewedThing | null;
  /** The review's own rating, 0–100; null when none. */
  reviewRating: number | null;
  /** 'page' for a static page; news articles (and external threads) otherwise. */
  kind: ArticleKind;
  menuOrder: number;
  /**
   * Readers' figures, shown in the admin list: the user score (null before any rating), ratings, published comments.
   */
  score: number | null;
  ratingCount: number;
  commentCount: number;
}

export interface ArticleRevision {
  id: number;
  articleId: number;
  title: string;
  standfirst: string;
  bodyMarkdown: string;
  section: string;
  tags: string[];
  review: ReviewedThing | null;
  /**
   * The review's own rating at this revision, 0–100, or null for none; undefined when the revision
   * recorded no rating (saved before revisions kept it), which restoring leaves as it is.
   */
  reviewRating: number | null | undefined;
  savedBy: string | null;
  savedAt: string;
  note: string;
}

export function toEditableArticle(row: ArticleRow, tags: string[]): EditableArticle {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    standfirst: row.standfirst,
    bodyMarkdown: row.body_markdown,
    bodyHtml: row.body_html,
    section: row.section,
    tags,
    authorName: row.author_name,
    authorId: row.author_id,
    status: row.status,
    submittedAt: row.submitted_at,
    publishedAt: row.published_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    updateNote: row.update_note,
    featuredImage: parseImage(row.featured_image, row.featured_image_alt),
    review: reviewOf(row.review_type, row.review_name),
    reviewRating: row.review_rating,
    kind: row.kind,
    menuOrder: row.menu_order,
    score: scoreOf(row.rating_sum, row.rating_count),
    ratingCount: row.rating_count,
    commentCount: row.comment_count,
  };
}

export function toArticleRevision(row: ArticleRevisionRow & { saved_by_name: string | null }): ArticleRevision {
  return {
    id: row.id,
    articleId: row.article_id,
    title: row.title,
    standfirst: row.standfirst,
    bodyMarkdown: row.body_markdown,
    section: row.section,
    tags: parseTags(row.tags),
    review: reviewOf(row.review_type, row.review_name),
    reviewRating: row.review_rating_recorded ? row.review_rating : undefined,
    savedBy: row.saved_by_name,
    savedAt: row.saved_at,
    note: row.note,
  };
}

export function parseTags(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}

export function editorialStatus(
  article: Pick<EditableArticle, 'status' | 'submittedAt' | 'publishedAt'>,
  now: string,
): EditorialStatus {
  if (article.status === 'scheduled')
    return article.publishedAt !== null && article.publishedAt <= now ? 'published' : 'scheduled';
  if (article.status === 'draft') return article.submittedAt ? 'review' : 'draft';
  return 'published';
}
