// What services return about an article, apart from the row it is stored in.
import { archiveSlug } from '../../lib/text.ts';
import type { ArticleKind, ArticleRow, ArticleStatus } from './article.table.ts';
import { parseImage, type FeaturedImage } from '../media/featured-image.ts';

export interface RatingSummary {
  /** Mean of all ratings including the imported baseline, rounded to a whole percent; null when unrated. */
  score: number | null;
  count: number;
}

export interface Article {
  id: number;
  slug: string;
  title: string;
  standfirst: string;
  bodyHtml: string;
  authorName: string;
  section: string;
  tags: string[];
  status: ArticleStatus;
  kind: ArticleKind;
  /** The page an external thread belongs to; null for articles and pages. */
  externalUrl: string | null;
  publishedAt: string | null;
  updatedAt: string;
  rating: RatingSummary;
  /** Ratings carried over from an import, included in rating.count but with no breakdown. */
  importedRatingCount: number;
  commentCount: number;
  commentsOpen: boolean;
  /** The public "Updated" note; empty when there is none. */
  updateNote: string;
  featuredImage: FeaturedImage | null;
  /** Set when an editor marked the article as a review of a thing (schema.org type and name). */
  review: ReviewedThing | null;
  /** The review's own rating of the thing, 0–100 (an imported WP Review editor score); shown only with `review`. */
  reviewRating: number | null;
}

/** An article marked as a review of a thing: the thing's schema.org type and its name. */
export interface ReviewedThing {
  type: ReviewType;
  name: string;
}

/**
 * The schema.org types Google accepts as the item of a review snippet, with what the editor
 * calls them. Readers' ratings of a news article itself get no stars, so only these are offered.
 */
export const REVIEW_TYPES = {
  Book: 'Book',
  Course: 'Course',
  CreativeWorkSeason: 'Season (of a TV series, podcast…)',
  CreativeWorkSeries: 'Series (TV, podcast, books…)',
  Episode: 'Episode',
  Event: 'Event',
  Game: 'Game',
  LocalBusiness: 'Local business (restaurant, shop…)',
  MediaObject: 'Media (audio, video, image)',
  Movie: 'Film',
  MusicPlaylist: 'Playlist',
  MusicRecording: 'Song or recording',
  Organization: 'Organisation',
  Product: 'Product',
  Recipe: 'Recipe',
  SoftwareApplication: 'Software',
} as const;
export type ReviewType = keyof typeof REVIEW_TYPES;

export function isReviewType(value: string): value is ReviewType {
  return Object.hasOwn(REVIEW_TYPES, value);
}

/** The stored pair as a reviewed thing; null when the article is no review (or the type is no longer offered). */
export function reviewOf(type: string, name: string): ReviewedThing | null {
  return isReviewType(type) && name ? { type, name } : null;
}

export function scoreOf(sum: number, count: number): number | null {
  return count === 0 ? null : Math.round(sum / count);
}

/** The user score and count of an article row (or just its totals). */
export function ratingSummaryOf(row: Pick<ArticleRow, 'rating_sum' | 'rating_count'>): RatingSummary {
  return { score: scoreOf(row.rating_sum, row.rating_count), count: row.rating_count };
}

export function toArticle(row: ArticleRow, tags: string[] = []): Article {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    standfirst: row.standfirst,
    bodyHtml: row.body_html,
    authorName: row.author_name,
    section: row.section,
    tags,
    status: row.status,
    kind: row.kind,
    externalUrl: row.external_url,
    publishedAt: row.published_at,
    updatedAt: row.updated_at,
    rating: ratingSummaryOf(row),
    importedRatingCount: row.rating_baseline_count,
    commentCount: row.comment_count,
    commentsOpen: row.comments_open === 1,
    updateNote: row.update_note,
    featuredImage: parseImage(row.featured_image, row.featured_image_alt),
    review: reviewOf(row.review_type, row.review_name),
    reviewRating: row.review_rating,
  };
}

export function articlePath(slug: string): string {
  return `/articles/${encodeURIComponent(slug)}`;
}

export type ArchiveKind = 'section' | 'tag' | 'author';

const ARCHIVE_PREFIX: Record<ArchiveKind, string> = { section: '/sections', tag: '/tags', author: '/authors' };

/** The address of an archive by its stored slug. */
/** A static page's address. */
export function pagePath(slug: string): string {
  return `/pages/${encodeURIComponent(slug)}`;
}

export function archivePath(kind: ArchiveKind, slug: string): string {
  return `${ARCHIVE_PREFIX[kind]}/${encodeURIComponent(slug)}`;
}

/** Archive addresses of a section, tag or author name (their slugs are stored beside the names). */
export const sectionPath = (section: string): string => archivePath('section', archiveSlug(section));

export const tagPath = (tag: string): string => archivePath('tag', archiveSlug(tag));

export const authorPath = (authorName: string): string => archivePath('author', archiveSlug(authorName));
