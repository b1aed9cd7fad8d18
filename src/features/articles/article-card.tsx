// An article in a list (front page, archives): section, headline, standfirst, date, score, comments.
import { formatDate, plural } from '../../views/html.ts';
import { formatScore } from '../ratings/rating.widget.tsx';
import { articlePath, sectionPath, type Article } from './article.model.ts';

/** `level` is the headline's heading level, one below the list's own heading. */
export function ArticleCard({ article, level = 2 }: { article: Article; level?: 2 | 3 }) {
  const Heading = level === 2 ? 'h2' : 'h3';
  return (
    <li class="article-card">
      {article.section ? (
        <p class="article-section">
          <a href={sectionPath(article.section)}>{article.section}</a>
        </p>
      ) : null}
      <Heading>
        <a href={articlePath(article.slug)}>{article.title}</a>
      </Heading>
      {article.standfirst ? <p class="standfirst">{article.standfirst}</p> : null}
      <p class="card-meta">
        {article.publishedAt ? <time dateTime={article.publishedAt}>{formatDate(article.publishedAt)}</time> : null}
        <span>
          User Score {formatScore(article.rating.score)} ({plural(article.rating.count, 'rating', 'ratings')})
        </span>
        <a href={`${articlePath(article.slug)}#comments`}>{plural(article.commentCount, 'comment', 'comments')}</a>
      </p>
    </li>
  );
}

export function ArticleList({ articles, level = 2 }: { articles: Article[]; level?: 2 | 3 }) {
  return (
    <ol class="article-list">
      {articles.map((article) => (
        <ArticleCard article={article} level={level} />
      ))}
    </ol>
  );
}
