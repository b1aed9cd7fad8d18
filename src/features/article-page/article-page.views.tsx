// The article page: headline, byline, body, then the Reviews widget and the comments, which
// are rendered (and cached) apart because they change far more often than the article.
import type { ComponentChildren } from 'preact';
import { formatDate } from '../../views/html.ts';
import { Layout, type LayoutContext } from '../../views/layout.tsx';
import type { PreviewImage } from '../../views/link-preview.tsx';
import { commentFeeds, sectionFeeds } from '../feeds/feed-links.ts';
import { articlePath, authorPath, sectionPath, tagPath, type Article } from '../articles/article.model.ts';
import { mediaPath, srcsetOf, type FeaturedImage } from '../media/featured-image.ts';

export interface ArticlePageProps {
  article: Article;
  /** Other articles on the same subjects, shown after this one. */
  related?: Article[];
  context: LayoutContext;
  scriptPath: string;
  /** The Reviews widget and the comments section (or slots standing for them). */
  children: ComponentChildren;
}

export function ArticlePage({ article, related = [], context, scriptPath, children }: ArticlePageProps) {
  return (
    <Layout
      meta={{
        title: article.title,
        description: article.standfirst || undefined,
        path: articlePath(article.slug),
        scripts: [scriptPath],
        image: previewImage(article.featuredImage),
        article: {
          publishedTime: article.publishedAt,
          modifiedTime: article.updatedAt,
          section: article.section,
          tags: article.tags,
        },
        feeds: [
          ...commentFeeds(article.slug, article.title),
          ...(article.section ? sectionFeeds(article.section, context.settings.siteTitle) : []),
        ],
      }}
      context={context}
    >
      <article class="article" data-article-id={article.id}>
        <header class="article-header">
          {article.section ? (
            <p class="article-section">
              <a href={sectionPath(article.section)}>{article.section}</a>
            </p>
          ) : null}
          <h1>{article.title}</h1>
          {article.standfirst ? <p class="standfirst">{article.standfirst}</p> : null}
          <p class="byline">
            {/* An article without an author (an imported one, say) is the publication's own. */}
            {article.authorName ? (
              <span class="author">
                By <a href={authorPath(article.authorName)}>{article.authorName}</a>
              </span>
            ) : (
              <span class="author">By {context.settings.siteTitle}</span>
            )}
            {article.publishedAt ? <time dateTime={article.publishedAt}>{formatDate(article.publishedAt)}</time> : null}
          </p>
          {article.updateNote ? (
            <p class="update-note">
              <strong>Updated</strong> <time dateTime={article.updatedAt}>{formatDate(article.updatedAt)}</time>:{' '}
              {article.updateNote}
            </p>
          ) : null}
          {article.review && article.reviewRating !== null ? (
            <p class="review-verdict">
              Our rating of <cite>{article.review.name}</cite>: <strong>{article.reviewRating}</strong>/100
            </p>
          ) : null}
        </header>
        {article.featuredImage ? <FeaturedImageFigure image={article.featuredImage} /> : null}
        {article.kind === 'external' && article.externalUrl ? (
          <p class="external-source">
            Ratings and comments on <a href={article.externalUrl}>{article.externalUrl}</a>
          </p>
        ) : (
          <div class="article-body" dangerouslySetInnerHTML={{ __html: article.bodyHtml }} />
        )}
        {article.tags.length > 0 ? (
          <ul class="tags" aria-label="Tags">
            {article.tags.map((tag) => (
              <li>
                <a href={tagPath(tag)}>{tag}</a>
              </li>
            ))}
          </ul>
        ) : null}
      </article>
      {related.length > 0 ? <RelatedArticles articles={related} /> : null}
      {children}
    </Layout>
  );
}

/** Link previews show the largest variant. */
function previewImage(image: FeaturedImage | null): PreviewImage | undefined {
  return image
    ? { path: mediaPath(image.key, image.width), width: image.width, height: image.height, alt: image.alt }
    : undefined;
}

function RelatedArticles({ articles }: { articles: Article[] }) {
  return (
    <aside class="related" aria-labelledby="related-heading">
      <h2 id="related-heading">Related articles</h2>
      <ul class="related-list">
        {articles.map((article) => (
          <li>
            {article.section ? <span class="article-section">{article.section}</span> : null}
            <a href={articlePath(article.slug)}>{article.title}</a>
            {article.publishedAt ? <time dateTime={article.publishedAt}>{formatDate(article.publishedAt)}</time> : null}
          </li>
        ))}
      </ul>
    </aside>
  );
}

/** The lead image: sized by the browser from its srcset, with its box reserved before it loads. */
function FeaturedImageFigure({ image }: { image: FeaturedImage }) {
  return (
    <figure class="featured-image">
      <img
        src={mediaPath(image.key, image.widths[Math.min(1, image.widths.length - 1)]!)}
        srcset={srcsetOf(image)}
        sizes="(min-width: 42rem) 39.5rem, calc(100vw - 2.5rem)"
        width={image.width}
        height={image.height}
        alt={image.alt}
        fetchpriority="high"
        decoding="async"
      />
    </figure>
  );
}
