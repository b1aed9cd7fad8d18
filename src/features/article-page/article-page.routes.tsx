// Public HTML pages: the article page.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { CompressedBody, sendCompressed } from '../../lib/compressed-body.ts';
import { EDGE_KEYS, markShared } from '../edge/edge-cache.ts';
import { parsePage } from '../../views/pagination.tsx';
import type { CommentOrder, PageMode, ReaderView } from './article-page-renderer.tsx';
import { parseNotice } from '../comments/comment.views.tsx';

const HTML = 'text/html; charset=utf-8';

/** What sending an article page takes (the form routes that answer with it name it too). */
export type ArticlePageDeps = Pick<AppDeps, 'pages' | 'readers' | 'embedFrameHeaders' | 'sharedFastPath' | 'config'>;

/**
 * Sends the article page: the shared document (public, ETag, compressed once) to every reader
 * without anything of their own here, or the page rendered for this one. Only a reader whose
 * request carries this article's marker cookie is looked up; form handlers pass their errors
 * and values.
 */
export async function sendArticlePage(
  deps: ArticlePageDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  slug: string,
  extra: Omit<ReaderView, 'readerId'> & { order?: CommentOrder; commentPage?: number; mode?: PageMode } = {},
): Promise<FastifyReply> {
  const mode = extra.mode ?? 'page';
  const readerId = deps.readers.hasActed(request) ? request.readerId : null;
  // A reader whose marker says their rating is all they have here gets the copy kept for it.
  const ratingOnly = readerId === null ? null : deps.readers.ratingOnly(request);
  const view = { order: extra.order, page: extra.commentPage ?? 1 };
  // The outcome of a comment is told only to a reader who posted here: a shared link with
  // ?posted= shows others the shared page.
  const commentNotice = readerId === null ? undefined : extra.commentNotice;
  const reader = { ...extra, readerId, commentNotice, ...(ratingOnly !== null && { ratingOnly }) };
  const page = await deps.pages.render(slug, view, reader, mode);
  // The same page made again once it changes, for the fast path to send with this response's
  // headers: only a kept body (the shared page, a rater's copy) of the same article is sent from
  // there, whatever else comes back is the framework's to answer.
  const renderAgain = async () => {
    const again = await deps.pages.render(slug, view, reader, mode);
    const body = again.shared ?? (again.personal instanceof CompressedBody ? again.personal : undefined);
    const same = body !== undefined && again.current !== undefined && again.article.id === page.article.id;
    return same ? { body, current: again.current! } : undefined;
  };
  if (mode === 'embed') deps.embedFrameHeaders(reply);
  if (page.shared) {
    markShared(reply, {
      keys: [EDGE_KEYS.article(page.article.id), EDGE_KEYS.pages],
      purging: deps.config.edgePurgeUrls.length > 0,
    });
    if (mode === 'page' && page.current)
      deps.sharedFastPath.offer(request, { body: page.shared, current: page.current, refresh: renderAgain });
    return sendCompressed(request, reply.type(HTML), page.shared);
  }
  // Compressed here, synchronously, rather than streamed through zlib's thread pool per request.
  const personal = page.personal instanceof CompressedBody ? page.personal : new CompressedBody(page.personal!);
  if (mode === 'page' && page.current && ratingOnly !== null)
    deps.sharedFastPath.offer(
      request,
      { body: personal, current: page.current, refresh: renderAgain },
      { rating: ratingOnly },
    );
  return sendCompressed(request, reply.header('cache-control', 'private, no-cache').type(HTML), personal);
}

/** The reader's form state the page's address carries: a reply target (`?replyto=`) and the outcome of their comment (`?posted=`). */
export function readerFormQuery(query: {
  replyto?: string;
  posted?: string;
}): Pick<ReaderView, 'replyTo' | 'commentNotice'> {
  const { replyto, posted } = query;
  return {
    replyTo: replyto !== undefined && /^\d{1,15}$/.test(replyto) ? Number(replyto) : undefined,
    commentNotice: parseNotice(posted),
  };
}

/** The query string of a request's URL, with its `?`, or nothing. */
export function queryOf(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? '' : url.slice(at);
}

export function articlePages(deps: ArticlePageDeps & Pick<AppDeps, 'articles'>): FastifyPluginAsyncTypebox {
  return async (app) => {
    // GET /articles/:slug?order=&cpage=N — the article with its score, a page of comments and the forms; ?comment=ID
    // redirects to that comment's page;
    // ?posted=published|held (where the comment form's post leads) tells the reader who posted what became of it
    app.get(
      '/articles/:slug',
      {
        config: { access: 'public' },
        schema: {
          hide: true,
          params: Type.Object({ slug: Type.String({ maxLength: 200 }) }),
          // Unknown or malformed options fall back to defaults rather than failing the page.
          querystring: Type.Object({
            order: Type.Optional(Type.String()),
            replyto: Type.Optional(Type.String()),
            cpage: Type.Optional(Type.String()),
            comment: Type.Optional(Type.String()),
            posted: Type.Optional(Type.String()),
          }),
        },
      },
      async (request, reply) => {
        const { order, cpage, comment } = request.query;
        if (comment !== undefined) return redirectToComment(deps, reply, request.params.slug, comment);
        return sendArticlePage(deps, request, reply, request.params.slug, {
          order: order === 'newest' || order === 'oldest' ? order : undefined,
          commentPage: parsePage(cpage) ?? 1,
          ...readerFormQuery(request.query),
        });
      },
    );

    // GET /articles/:slug/comments/:id — 302 to the page holding the comment, at its fragment (links in mail and feeds)
    app.get(
      '/articles/:slug/comments/:id',
      {
        config: { access: 'public' },
        schema: {
          hide: true,
          params: Type.Object({ slug: Type.String({ maxLength: 200 }), id: Type.String({ maxLength: 20 }) }),
        },
      },
      async (request, reply) => redirectToComment(deps, reply, request.params.slug, request.params.id),
    );
  };
}

async function redirectToComment(
  deps: Pick<AppDeps, 'articles' | 'pages'>,
  reply: FastifyReply,
  slug: string,
  rawId: string,
): Promise<FastifyReply> {
  const article = await deps.articles.findPublishedRef(slug);
  const href = /^[1-9]\d{0,14}$/.test(rawId) ? await deps.pages.commentHref(article, Number(rawId)) : null;
  if (href === null)
    throw new AppError('comment_not_found', 'There is no such comment on this article, or it is not published.');
  return reply.redirect(href, 302);
}
