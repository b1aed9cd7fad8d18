// An article in a list (front page, archives): picture, section, headline, standfirst, date, score, comments.
import { formatDate, plural } from '../../views/html.ts';
import { formatScore } from '../ratings/rating-widget.views.tsx';
import { articlePath, sectionPath, type Article } from './article.model.ts';
import { mediaPath, srcsetOf, type FeaturedImage } from '../media/featured-image.ts';

/** How wide a card's picture is shown at each layout (site.css: the card grid and the phone's rows). */
export const CARD_IMAGE_SIZES = '(min-width: 68rem) 15rem, (min-width: 40rem) calc(50vw - 2.5rem), 7rem';
/** The lead's picture fills the width on a phone, and two thirds of it beside the text from 48rem (site.css). */
const LEAD_IMAGE_SIZES = '(min-width: 75rem) 46rem, (min-width: 48rem) 62vw, calc(100vw - 2.5rem)';
/** Cards in the first row are on screen at once; the rest load as the reader scrolls. */
const EAGER_CARDS = 3;

export interface CardOptions {
  /** `level` is the headline's heading level, one below the list's own heading. */
  level?: 2 | 3;
  /** Off on a section's own page, where every card would repeat its name. */
  showSection?: boolean;
  /** The front page's lead story: large, its picture loaded first. */
  lead?: boolean;
}

export function ArticleCard({
  article,
  level = 2,
  showSection = true,
  lead = false,
  index = 0,
}: CardOptions & { article: Article; index?: number }) {
  const Heading = level === 2 ? 'h2' : 'h3';
  const image = article.featuredImage;
  return (
    <li class={`article-card${lead ? ' lead-story' : ''}${image ? ' with-image' : ''}`}>
      {image ? (
        <CardImage
          image={image}
          sizes={lead ? LEAD_IMAGE_SIZES : CARD_IMAGE_SIZES}
          priority={lead}
          lazy={!lead && index >= EAGER_CARDS}
        />
      ) : null}
      <div class="card-text">
        {showSection && article.section ? (
          <p class="article-section">
            <a href={sectionPath(article.section)}>{article.section}</a>
          </p>
        ) : null}
        <Heading>
          <a href={articlePath(article.slug)}>{article.title}</a>
        </Heading>
        {article.standfirst ? <p class="standfirst">{article.standfirst}</p> : null}
        <CardMeta article={article} />
      </div>
    </li>
  );
}

/** The date, then the figures a reader weighs a story by: its score (once rated) and its comments. */
export function CardMeta({ article }: { article: Article }) {
  return (
    <p class="card-meta">
      {article.publishedAt ? <time dateTime={article.publishedAt}>{formatDate(article.publishedAt)}</time> : null}
      <span class="card-figures">
        {article.rating.count > 0 ? <span>User Score {formatScore(article.rating.score)}</span> : null}
        <a href={`${articlePath(article.slug)}#comments`}>{plural(article.commentCount, 'comment', 'comments')}</a>
      </span>
    </p>
  );
}

/** A featured image in a list: the browser picks the width from the srcset; its box is reserved by width and height. */
export function CardImage({
  image,
  sizes,
  lazy,
  priority,
}: {
  image: FeaturedImage;
  sizes: string;
  lazy?: boolean;
  priority?: boolean;
}) {
  return (
    <img
      class="card-image"
      src={mediaPath(image.key, image.widths[0]!)}
      srcset={srcsetOf(image)}
      sizes={sizes}
      width={image.width}
      height={image.height}
      alt={image.alt}
      loading={lazy ? 'lazy' : undefined}
      fetchpriority={priority ? 'high' : undefined}
      decoding="async"
    />
  );
}

export function ArticleList({ articles, level = 2, showSection = true }: CardOptions & { articles: Article[] }) {
  return (
    <ol class="article-list card-grid">
      {articles.map((article, index) => (
        <ArticleCard article={article} level={level} showSection={showSection} index={index} />
      ))}
    </ol>
  );
}
