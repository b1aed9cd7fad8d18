// The search results page: the form with the query, the results with their snippets, the pages.
import { formatDate, plural } from '../../views/html.ts';
import { Layout, type LayoutContext } from '../../views/layout.tsx';
import { Pagination } from '../../views/pagination.tsx';
import { articlePath, sectionPath } from '../articles/article.model.ts';
import type { SearchResults } from './search.service.ts';

export interface SearchView {
  /** The query as it is searched (already cut to its maximum length); empty shows just the form. */
  query: string;
  page: number;
  perPage: number;
  found: SearchResults | null;
}

export function searchHref(query: string, page: number): string {
  const params = new URLSearchParams({ q: query });
  if (page > 1) params.set('page', String(page));
  return `/search?${params.toString()}`;
}

export function SearchPage({ view, context }: { view: SearchView; context: LayoutContext }) {
  const { query, found } = view;
  const title = query ? `Search: ${query}` : 'Search';
  return (
    // Result pages are not for search engines: one canonical /search, and noindex.
    <Layout meta={{ title, path: '/search', head: <meta name="robots" content="noindex" /> }} context={context}>
      <section class="search-page">
        <h1>Search</h1>
        <form class="search-form" role="search" aria-label="Articles" action="/search" method="get">
          <label for="search-page-q">Search articles</label>
          <div class="search-form-row">
            <input id="search-page-q" type="search" name="q" value={query} maxLength={200} />
            <button type="submit">Search</button>
          </div>
        </form>
        {found ? <Results view={view} found={found} /> : null}
      </section>
    </Layout>
  );
}

function Results({ view, found }: { view: SearchView; found: SearchResults }) {
  if (found.total === 0) {
    return (
      <div class="search-empty">
        <h2>No results for “{view.query}”</h2>
        <p>Suggestions:</p>
        <ul>
          <li>Check the spelling of the words.</li>
          <li>Try fewer or more general words.</li>
          <li>Search for a phrase by putting it in "double quotes".</li>
          <li>
            Or browse the <a href="/">latest articles</a>.
          </li>
        </ul>
      </div>
    );
  }
  const pages = Math.ceil(found.total / view.perPage);
  return (
    <>
      <p class="search-count" role="status">
        {plural(found.total, 'result', 'results')} for “{view.query}”
        {pages > 1 ? ` (page ${view.page} of ${pages})` : ''}
      </p>
      <ol class="article-list search-results" start={(view.page - 1) * view.perPage + 1}>
        {found.results.map(({ article, snippetHtml }) => (
          <li class="article-card search-result">
            <h2>
              <a href={articlePath(article.slug)}>{article.title}</a>
            </h2>
            <p class="card-meta">
              {article.publishedAt ? (
                <time dateTime={article.publishedAt}>{formatDate(article.publishedAt)}</time>
              ) : null}
              {article.section ? <a href={sectionPath(article.section)}>{article.section}</a> : null}
            </p>
            {/* Escaped when it was made: the article's text, with its matches in <mark>. */}
            {snippetHtml ? <p class="search-snippet" dangerouslySetInnerHTML={{ __html: snippetHtml }} /> : null}
          </li>
        ))}
      </ol>
      <Pagination
        page={view.page}
        pages={pages}
        href={(n) => searchHref(view.query, n)}
        label="Result pages"
        previous="Previous"
        next="Next"
      />
    </>
  );
}
