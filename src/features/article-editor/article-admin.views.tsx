// The admin article list (filters as a GET form) and an article's revisions.
import { AdminLayout, type AdminFrame } from '../../views/admin-layout.tsx';
import { formatDateTime, plural } from '../../views/html.ts';
import type { AdminListSort } from './article-editor.repository.ts';
import type { StaffUser } from '../staff/staff.service.ts';
import {
  EDITORIAL_STATUSES,
  editorialStatus,
  type ArticleRevision,
  type EditableArticle,
  type EditorialStatus,
} from './article-editor.model.ts';
import { STATUS_LABELS } from './article-editor.views.tsx';
import { articlePath, pagePath, REVIEW_TYPES } from '../articles/article.model.ts';

export interface ListQueryValues {
  q: string;
  status: EditorialStatus | '';
  section: string;
  author: string;
  sort: AdminListSort;
  page: number;
}

export interface ListPageProps {
  frame: AdminFrame;
  items: EditableArticle[];
  total: number;
  pageSize: number;
  query: ListQueryValues;
  sections: string[];
  writers: StaffUser[];
  /** Which rows this person may open in the editor. */
  mayOpen: (article: EditableArticle) => boolean;
  now: string;
}

function pageLink(query: ListQueryValues, page: number): string {
  const params = new URLSearchParams();
  const values = { ...query, sort: query.sort === 'saved' ? '' : query.sort, page: page > 1 ? String(page) : '' };
  for (const [key, value] of Object.entries(values)) if (value) params.set(key, String(value));
  const search = params.toString();
  return search ? `/admin/articles?${search}` : '/admin/articles';
}

/** A column heading that orders the list by it (highest or newest first), from the first page. */
function SortHeading({ query, sort, label }: { query: ListQueryValues; sort: AdminListSort; label: string }) {
  const current = query.sort === sort;
  return (
    <th scope="col" aria-sort={current ? 'descending' : undefined}>
      {current ? (
        label
      ) : (
        <a href={pageLink({ ...query, sort }, 1)}>
          {label}
          <span class="visually-hidden"> (sort by it)</span>
        </a>
      )}
    </th>
  );
}

export function ArticleListPage({
  frame,
  items,
  total,
  pageSize,
  query,
  sections,
  writers,
  mayOpen,
  now,
}: ListPageProps) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const filtered = Boolean(query.q || query.status || query.section || query.author);
  return (
    <AdminLayout frame={frame} title="Articles" active="/admin/articles">
      <div class="articles-head">
        <h1>Articles</h1>
        <a class="new-article" href="/admin/articles/new">
          New article
        </a>
        <a class="new-article" href="/admin/articles/new?kind=page">
          New static page
        </a>
      </div>
      <form method="get" action="/admin/articles" class="article-filters" role="search" aria-label="Filter articles">
        {query.sort !== 'saved' ? <input type="hidden" name="sort" value={query.sort} /> : null}
        <p class="field">
          <label for="filter-q">Headline contains</label>
          <input id="filter-q" name="q" type="search" value={query.q} />
        </p>
        <p class="field">
          <label for="filter-status">Status</label>
          <select id="filter-status" name="status">
            <option value="">Any</option>
            {EDITORIAL_STATUSES.map((s) => (
              <option value={s} selected={s === query.status}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </p>
        <p class="field">
          <label for="filter-section">Section</label>
          <select id="filter-section" name="section">
            <option value="">Any</option>
            {sections.map((s) => (
              <option value={s} selected={s === query.section}>
                {s}
              </option>
            ))}
          </select>
        </p>
        <p class="field">
          <label for="filter-author">Author</label>
          <select id="filter-author" name="author">
            <option value="">Anyone</option>
            {writers.map((w) => (
              <option value={String(w.id)} selected={String(w.id) === query.author}>
                {w.id === frame.session.user.id ? `${w.displayName} (you)` : w.displayName}
              </option>
            ))}
          </select>
        </p>
        <p class="filter-buttons">
          <button type="submit">Filter</button> {filtered ? <a href="/admin/articles">Clear</a> : null}
        </p>
      </form>
      <p role="status">{total === 1 ? '1 article' : `${total.toLocaleString('en')} articles`}</p>
      {items.length > 0 ? (
        <div class="table-scroll" role="region" aria-label="Articles" tabIndex={0}>
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Headline</th>
                <th scope="col">Status</th>
                <th scope="col">Section</th>
                <th scope="col">Byline</th>
                <SortHeading query={query} sort="published" label="Published" />
                <SortHeading query={query} sort="score" label="Score" />
                <SortHeading query={query} sort="comments" label="Comments" />
                <SortHeading query={query} sort="saved" label="Last saved" />
              </tr>
            </thead>
            <tbody>
              {items.map((article) => {
                const status = editorialStatus(article, now);
                return (
                  <tr>
                    <td>
                      {mayOpen(article) ? (
                        <a href={`/admin/articles/${article.id}/edit`}>{article.title}</a>
                      ) : (
                        article.title
                      )}
                      {status === 'published' ? (
                        <>
                          {' '}
                          <a
                            class="quiet"
                            href={article.kind === 'page' ? pagePath(article.slug) : articlePath(article.slug)}
                            aria-label={`View “${article.title}” on the site`}
                          >
                            view
                          </a>
                        </>
                      ) : null}
                    </td>
                    <td>
                      {STATUS_LABELS[status]}
                      {status === 'scheduled' && article.publishedAt ? (
                        <> for {formatDateTime(article.publishedAt)}</>
                      ) : null}
                    </td>
                    <td>{article.section}</td>
                    <td>{article.authorName}</td>
                    <td class="nowrap">
                      {status === 'published' && article.publishedAt ? formatDateTime(article.publishedAt) : '—'}
                    </td>
                    <td class="nowrap">
                      {article.score === null ? '—' : `${article.score} %`}
                      {article.ratingCount > 0 ? (
                        <span class="hint"> ({plural(article.ratingCount, 'rating', 'ratings')})</span>
                      ) : null}
                    </td>
                    <td>{article.commentCount}</td>
                    <td class="nowrap">{formatDateTime(article.updatedAt)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : (
        <p>{filtered ? 'No article matches these filters.' : 'No articles yet.'}</p>
      )}
      {pages > 1 ? (
        <nav class="articles-pages" aria-label="Pages">
          {query.page > 1 ? <a href={pageLink(query, query.page - 1)}>Newer</a> : null}{' '}
          <span>
            Page {query.page} of {pages}
          </span>{' '}
          {query.page < pages ? <a href={pageLink(query, query.page + 1)}>Older</a> : null}
        </nav>
      ) : null}
    </AdminLayout>
  );
}

/** Whether a revision holds exactly the article's current text (restoring it would change nothing). */
function sameText(rev: ArticleRevision, article: EditableArticle): boolean {
  return (
    rev.title === article.title &&
    rev.standfirst === article.standfirst &&
    rev.bodyMarkdown === article.bodyMarkdown &&
    rev.section === article.section &&
    rev.tags.join('\n') === article.tags.join('\n') &&
    rev.review?.type === article.review?.type &&
    rev.review?.name === article.review?.name &&
    // A revision that recorded no rating would leave the current one when restored.
    (rev.reviewRating === undefined || rev.reviewRating === article.reviewRating)
  );
}

const ratingText = (rating: number | null) => (rating === null ? 'none' : `${rating}/100`);

/**
 * The review's own rating as a revision recorded it, and the current one when they differ (what
 * restoring would change). Said only of reviews, or when either revision or article has a rating.
 */
function revisionRating(rev: ArticleRevision, article: EditableArticle): string {
  const current = article.reviewRating;
  if (!rev.review && rev.reviewRating == null && current === null) return '';
  if (rev.reviewRating === undefined) return ' · Our rating: not recorded (restoring keeps the current one)';
  const now = rev.reviewRating === current ? '' : ` (now ${ratingText(current)})`;
  return ` · Our rating: ${ratingText(rev.reviewRating)}${now}`;
}

export function RevisionsPage({
  frame,
  article,
  revisions,
  canRestore,
}: {
  frame: AdminFrame;
  article: EditableArticle;
  revisions: ArticleRevision[];
  canRestore: boolean;
}) {
  return (
    <AdminLayout frame={frame} title={`Revisions: ${article.title}`} active="/admin/articles">
      <p class="breadcrumbs">
        <a href="/admin/articles">Articles</a> › <a href={`/admin/articles/${article.id}/edit`}>{article.title}</a>
      </p>
      <h1>Revisions</h1>
      <p>Every save is kept. Restoring a revision saves its text as a new version; nothing is lost.</p>
      {revisions.length === 0 ? <p>No revisions yet.</p> : null}
      <ol class="revisions">
        {revisions.map((rev, i) => (
          <li id={`revision-${rev.id}`}>
            <h2>
              #{rev.id} · {rev.note || 'Saved'} · {formatDateTime(rev.savedAt)}
              {rev.savedBy ? ` by ${rev.savedBy}` : ''}
              {i === 0 ? ' (latest)' : ''}
            </h2>
            <details>
              <summary>
                {rev.title} <span class="visually-hidden">(revision #{rev.id})</span>
              </summary>
              {rev.standfirst ? <p class="standfirst">{rev.standfirst}</p> : null}
              <p class="hint">
                Section: {rev.section || '—'} · Tags: {rev.tags.join(', ') || '—'}
                {rev.review ? ` · Reviews: ${REVIEW_TYPES[rev.review.type]} “${rev.review.name}”` : ''}
                {revisionRating(rev, article)}
              </p>
              <pre class="revision-text">{rev.bodyMarkdown}</pre>
            </details>
            {canRestore && !(i === 0 && sameText(rev, article)) ? (
              <form
                method="post"
                action={`/admin/articles/${article.id}/revisions/${rev.id}/restore`}
                class="inline-form"
              >
                <input type="hidden" name="_csrf" value={frame.csrf} />
                <button type="submit" class="secondary">
                  Restore revision #{rev.id}
                </button>
              </form>
            ) : null}
          </li>
        ))}
      </ol>
    </AdminLayout>
  );
}
