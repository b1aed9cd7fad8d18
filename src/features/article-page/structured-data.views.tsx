// The article page's JSON-LD: a NewsArticle, and for an article marked as a review of a thing
// (a book, a film…) a Review with the review's own rating (reviewRating) when it has one, whose
// item carries the readers' AggregateRating. Google shows no
// stars for ratings of a news article itself, so the NewsArticle never has one. The block holds
// the comment count and the score, so the page renderer caches it apart from the article text.
import { articlePath, authorPath, type Article } from '../articles/article.model.ts';
import { mediaPath, type FeaturedImage } from '../media/featured-image.ts';

/** Google shows at most 110 characters of a headline. */
export const HEADLINE_LIMIT = 110;

export interface StructuredDataSite {
  title: string;
  /** Absolute, without a trailing slash. */
  publicUrl: string;
  /** The publisher's logo (settings). */
  logo?: FeaturedImage | null;
  /** The picture of an article without a featured image (settings). */
  shareImage?: FeaturedImage | null;
}

/** The title cut at a word to fit `limit` characters, with an ellipsis when cut. */
export function headlineOf(title: string, limit = HEADLINE_LIMIT): string {
  if (title.length <= limit) return title;
  const cut = title.slice(0, limit - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > limit / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.–—-]+$/, '')}…`;
}

/** `article` must be read fresh: its comment count and rating are what the page shows now. */
export function articleStructuredData(article: Article, site: StructuredDataSite): Record<string, unknown> {
  const url = site.publicUrl + articlePath(article.slug);
  const headline = headlineOf(article.title);
  const author = article.authorName
    ? { '@type': 'Person', name: article.authorName, url: site.publicUrl + authorPath(article.authorName) }
    : undefined;
  const logo = site.logo
    ? {
        '@type': 'ImageObject',
        url: site.publicUrl + mediaPath(site.logo.key, site.logo.width),
        width: site.logo.width,
        height: site.logo.height,
      }
    : undefined;
  const publisher = { '@type': 'Organization', name: site.title, url: `${site.publicUrl}/`, logo };
  const image = article.featuredImage ?? site.shareImage ?? null;
  const newsArticle = {
    '@type': 'NewsArticle',
    '@id': `${url}#article`,
    headline,
    description: article.standfirst || undefined,
    datePublished: article.publishedAt ?? undefined,
    dateModified: article.updatedAt,
    // Without a byline, the publication wrote it (as the page's byline says).
    author: author ?? publisher,
    publisher,
    image: image ? image.widths.map((w) => site.publicUrl + mediaPath(image.key, w)) : undefined,
    articleSection: article.section || undefined,
    keywords: article.tags.length > 0 ? article.tags : undefined,
    mainEntityOfPage: { '@type': 'WebPage', '@id': url },
    url,
    commentCount: article.commentCount,
    interactionStatistic: {
      '@type': 'InteractionCounter',
      interactionType: 'https://schema.org/CommentAction',
      userInteractionCount: article.commentCount,
    },
  };
  const { review, rating, reviewRating } = article;
  // An AggregateRating needs at least one rating; without one there is nothing to describe.
  const readers = rating.score !== null && rating.count > 0;
  const reviewNode =
    review && (readers || reviewRating !== null)
      ? {
          '@type': 'Review',
          '@id': `${url}#review`,
          name: headline,
          headline,
          url,
          datePublished: article.publishedAt ?? undefined,
          author: author ?? publisher,
          publisher,
          reviewRating:
            reviewRating !== null
              ? { '@type': 'Rating', ratingValue: reviewRating, bestRating: 100, worstRating: 0 }
              : undefined,
          itemReviewed: {
            '@type': review.type,
            name: review.name,
            // The score exactly as the Reviews widget shows it: the rounded percent.
            aggregateRating: readers
              ? {
                  '@type': 'AggregateRating',
                  ratingValue: rating.score,
                  bestRating: 100,
                  worstRating: 0,
                  ratingCount: rating.count,
                }
              : undefined,
          },
        }
      : undefined;
  return { '@context': 'https://schema.org', '@graph': reviewNode ? [newsArticle, reviewNode] : [newsArticle] };
}

/**
 * JSON for inside a <script> element: `<`, `>` and `&` as \u escapes (the same string to a
 * JSON parser), so no text in it can close the element or open a comment.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export function StructuredData({ data }: { data: unknown }) {
  return <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: scriptSafeJson(data) }} />;
}
