import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export type ArticleStatus = 'draft' | 'scheduled' | 'published';

/** A news article, a static page (/pages/<slug>) or an external thread (an embed's page); see the migration. */
export type ArticleKind = 'article' | 'page' | 'external';

export interface ArticleTable {
  id: Generated<number>;
  slug: string;
  title: string;
  standfirst: Generated<string>;
  body_markdown: string;
  body_html: string;
  /** The body as plain text, for search (derived from body_html when it is written). */
  body_text: Generated<string>;
  author_name: Generated<string>;
  section: Generated<string>;
  status: ArticleStatus;
  kind: Generated<ArticleKind>;
  /** An external thread's page (normalised, unique); null for articles and pages. */
  external_url: string | null;
  import_key: string | null;
  rating_baseline_sum: Generated<number>;
  rating_baseline_count: Generated<number>;
  rating_sum: Generated<number>;
  rating_count: Generated<number>;
  /** Ratings in each fifth of the scale: 0–20, 21–40, 41–60, 61–80, 81–100 (one to five stars). */
  rating_band_1: Generated<number>;
  rating_band_2: Generated<number>;
  rating_band_3: Generated<number>;
  rating_band_4: Generated<number>;
  rating_band_5: Generated<number>;
  comment_count: Generated<number>;
  comments_open: Generated<number>;
  published_at: string | null;
  created_at: string;
  updated_at: string;
  /** The staff member who created it in the admin area (null for imports and demo content). */
  author_id: number | null;
  /** The public "Updated" note; empty when there is none. */
  update_note: Generated<string>;
  /** Key of the stored image variants (see featured-image.ts). */
  featured_image: string | null;
  featured_image_alt: Generated<string>;
  /** When an author submitted the draft for review. */
  submitted_at: string | null;
  /** archiveSlug(section) and archiveSlug(author_name), written with them (article.repository.ts). */
  section_slug: Generated<string>;
  author_slug: Generated<string>;
  /** The schema.org type of the thing this article reviews (Book, Movie…); empty when it is no review. */
  review_type: Generated<string>;
  /** The name of the thing reviewed. */
  review_name: Generated<string>;
  /** A static page's place in the footer menu (lowest first). */
  menu_order: Generated<number>;
  /** The review's own rating in percent (an imported editor's score); null when none. */
  review_rating: Generated<number | null>;
}

/** What one rating or approved comment moved, until folded into the article's row (article-counters.ts). */
export interface ArticleCounterDeltaTable {
  id: Generated<number>;
  article_id: number;
  rating_sum: Generated<number>;
  rating_count: Generated<number>;
  rating_band_1: Generated<number>;
  rating_band_2: Generated<number>;
  rating_band_3: Generated<number>;
  rating_band_4: Generated<number>;
  rating_band_5: Generated<number>;
  comment_count: Generated<number>;
}

/** An old address (a path, or `/?p=<id>`) that now answers 301 to an article or page. */
export interface LegacyPathTable {
  path: string;
  article_id: number;
}

export interface ArticleTagTable {
  article_id: number;
  tag: string;
  /** archiveSlug(tag). */
  slug: Generated<string>;
}

export interface ArticleRevisionTable {
  id: Generated<number>;
  article_id: number;
  title: string;
  standfirst: string;
  body_markdown: string;
  section: string;
  /** JSON array of strings. */
  tags: string;
  saved_by: number | null;
  saved_at: string;
  note: string;
  /** What the article reviewed at this revision (see ArticleTable); empty when no review. */
  review_type: Generated<string>;
  review_name: Generated<string>;
  /** The review's own rating at this revision (see ArticleTable); null when none, or when not recorded. */
  review_rating: Generated<number | null>;
  /** 1 when the revision recorded the rating (every revision saved since 2026-12-05T0600), else 0. */
  review_rating_recorded: Generated<number>;
}

export type ArticleRow = Selectable<ArticleTable>;
export type NewArticleRow = Insertable<ArticleTable>;
export type ArticleRowUpdate = Updateable<ArticleTable>;
export type ArticleRevisionRow = Selectable<ArticleRevisionTable>;
