import { plural } from '../../views/html.ts';
import { Layout, type LayoutContext } from '../../views/layout.tsx';
import { pagePath, Pagination } from '../../views/pagination.tsx';
import type { FrontPage } from '../archives/archive.service.ts';
import { formatScore } from '../ratings/rating.widget.tsx';
import { ArticleList } from './article-card.tsx';
import { articlePath, type Article } from './article.model.ts';

export function HomePage({ front, context }: { front: FrontPage; context: LayoutContext }) {
  const { page, pages, articles, topRated, mostDiscussed } = front;
  const siteTitle = context.settings.siteTitle;
  return (
    <Layout meta={{ title: page === 1 ? siteTitle : `Latest articles (page ${page})`, path: pagePath('/', page) }} context={context}>
      <h1 class="visually-hidden">{page === 1 ? siteTitle : `Latest articles, page ${page} of ${pages}`}</h1>
      <div class="front-page">
        <section class="front-latest" aria-labelledby="latest-heading">
          <h2 id="latest-heading">{page === 1 ? 'Latest articles' : `Latest articles · page ${page} of ${pages}`}</h2>
          {articles.length === 0 ? <p>Nothing has been published yet.</p> : null}
          <ArticleList articles={articles} level={3} />
          <Pagination page={page} pages={pages} href={(n) => pagePath('/', n)} />
        </section>
        {topRated.length > 0 || mostDiscussed.length > 0 ? (
          <div class="front-highlights">
            {topRated.length > 0 ? (
              <Highlights id="top-rated" title="Top rated" articles={topRated} note={(a) => `User Score ${formatScore(a.rating.score)} (${plural(a.rating.count, 'rating', 'ratings')})`} />
            ) : null}
            {mostDiscussed.length > 0 ? (
              <Highlights id="most-discussed" title="Most discussed" articles={mostDiscussed} note={(a) => plural(a.commentCount, 'comment', 'comments')} />
            ) : null}
          </div>
        ) : null}
      </div>
    </Layout>
  );
}

/** A short ranked list: headline and the figure it is ranked by. */
function Highlights({ id, title, articles, note }: { id: string; title: string; articles: Article[]; note: (article: Article) => string }) {
  return (
    <section class="highlights" id={id} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{title}</h2>
      <ol class="highlight-list">
        {articles.map((article) => (
          <li>
            <a href={articlePath(article.slug)}>{article.title}</a>
            <span class="highlight-note">{note(article)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
