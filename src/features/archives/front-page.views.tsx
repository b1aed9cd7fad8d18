import { plural } from '../../views/html.ts';
import { Layout, type LayoutContext } from '../../views/layout.tsx';
import { pagePath, Pagination } from '../../views/pagination.tsx';
import type { FrontPage } from './archive.service.ts';
import { formatScore } from '../ratings/rating-widget.views.tsx';
import { ArticleCard, ArticleList } from '../articles/article-card.views.tsx';
import { articlePath, type Article } from '../articles/article.model.ts';

export function HomePage({ front, context }: { front: FrontPage; context: LayoutContext }) {
  const { page, pages, articles, topRated, mostDiscussed } = front;
  const siteTitle = context.settings.siteTitle;
  // The first page opens with the newest article as its lead story; the lists beside it leave it out.
  const [lead, rest] = page === 1 && articles.length > 0 ? [articles[0]!, articles.slice(1)] : [undefined, articles];
  const highlights = topRated.length > 0 || mostDiscussed.length > 0;
  return (
    <Layout
      meta={{ title: page === 1 ? siteTitle : `Latest articles (page ${page})`, path: pagePath('/', page), wide: true }}
      context={context}
    >
      <h1 class="visually-hidden">{page === 1 ? siteTitle : `Latest articles, page ${page} of ${pages}`}</h1>
      {lead ? (
        <section class="front-lead" aria-labelledby="lead-heading">
          <h2 id="lead-heading" class="visually-hidden">
            Top story
          </h2>
          <LeadStory article={lead} />
        </section>
      ) : null}
      <div class={highlights ? 'front-page with-highlights' : 'front-page'}>
        <section class="front-latest" aria-labelledby="latest-heading">
          <h2 id="latest-heading" class="front-heading">
            {page === 1 ? 'Latest articles' : `Latest articles · page ${page} of ${pages}`}
          </h2>
          {articles.length === 0 ? <p>Nothing has been published yet.</p> : null}
          {rest.length > 0 ? <ArticleList articles={rest} level={3} /> : null}
          <Pagination page={page} pages={pages} href={(n) => pagePath('/', n)} />
        </section>
        {highlights ? (
          <div class="front-highlights">
            {topRated.length > 0 ? (
              <Highlights
                id="top-rated"
                title="Top rated"
                articles={topRated}
                figure={(a) => formatScore(a.rating.score)}
                note={(a) => plural(a.rating.count, 'rating', 'ratings')}
              />
            ) : null}
            {mostDiscussed.length > 0 ? (
              <Highlights
                id="most-discussed"
                title="Most discussed"
                articles={mostDiscussed}
                figure={(a) => a.commentCount.toLocaleString('en')}
                note={(a) => (a.commentCount === 1 ? 'comment' : 'comments')}
              />
            ) : null}
          </div>
        ) : null}
      </div>
    </Layout>
  );
}

/** The newest story, large: its picture (loaded first), headline and standfirst. */
function LeadStory({ article }: { article: Article }) {
  return (
    <ol class="article-list lead-list">
      <ArticleCard article={article} level={3} lead />
    </ol>
  );
}

/** A short ranked list: headline, and the figure it is ranked by set apart (a score, a number of comments). */
function Highlights(props: {
  id: string;
  title: string;
  articles: Article[];
  figure: (article: Article) => string;
  note: (article: Article) => string;
}) {
  const { id, title, articles, figure, note } = props;
  return (
    <section class="highlights" id={id} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} class="front-heading">
        {title}
      </h2>
      <ol class="highlight-list">
        {articles.map((article) => (
          <li>
            <a href={articlePath(article.slug)}>{article.title}</a>
            <span class="highlight-note">
              <strong>{figure(article)}</strong> {note(article)}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
