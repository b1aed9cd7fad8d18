// Public HTML pages: the front page and the article page.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app.ts';
import { AppError } from '../../errors.ts';
import { CompressedBody, sendCompressed } from '../../lib/compressed-body.ts';
import { EDGE_KEYS, markShared } from '../edge/edge-cache.ts';
import { renderPage } from '../../views/html.ts';
import { parsePage } from '../../views/pagination.tsx';
import type { CommentOrder, ReaderView } from './article-page.renderer.tsx';
import { HomePage } from './home.page.tsx';

const HTML = 'text/html; charset=utf-8';

/**
 * Sends the article page: the shared document (public, ETag, compressed once) to every reader
 * without anything of their own here, or the page rendered for this one. Only a reader whose
 * request carries this article's marker cookie is looked up; form handlers pass their errors
 * and values.
 */
export async function sendArticlePage(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  slug: string,
  extra: Omit<ReaderView, 'readerId'> & { order?: CommentOrder } = {},
): Promise<FastifyReply> {
  const readerId = deps.readers.hasActed(request) ? request.readerId : null;
  const page = await deps.pages.render(slug, extra.order ?? 'oldest', { ...extra, readerId });
  if (page.shared) {
    markShared(reply, { keys: [EDGE_KEYS.article(page.article.id), EDGE_KEYS.pages], purging: deps.config.edgePurgeUrls.length > 0 });
    return sendCompressed(request, reply.type(HTML), page.shared);
  }
  // Compressed here, synchronously, rather than streamed through zlib's thread pool per request.
  return sendCompressed(request, reply.header('cache-control', 'private, no-cache').type(HTML), new CompressedBody(page.personal!));
}

export function articlePages(deps: AppDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    // GET /?page=N — the front page: latest articles (20 a page; 404 past the last), top rated and most discussed
    app.get(
      '/',
      { config: { access: 'public' }, schema: { hide: true, querystring: Type.Object({ page: Type.Optional(Type.String()) }) } },
      async (request, reply) => {
        const page = parsePage(request.query.page);
        if (page === null) throw new AppError('not_found', 'There is no such page.');
        const front = await deps.archives.frontPage(page);
        return reply.type(HTML).send(renderPage(<HomePage front={front} context={deps.layout()} />));
      },
    );

    // GET /articles/:slug — the article with its score, comments and forms
    app.get(
      '/articles/:slug',
      {
        config: { access: 'public' },
        schema: {
          hide: true,
          params: Type.Object({ slug: Type.String({ maxLength: 200 }) }),
          // Unknown or malformed options fall back to defaults rather than failing the page.
          querystring: Type.Object({ order: Type.Optional(Type.String()), replyto: Type.Optional(Type.String()) }),
        },
      },
      async (request, reply) => {
        const { order, replyto } = request.query;
        const replyTo = replyto !== undefined && /^\d{1,15}$/.test(replyto) ? Number(replyto) : undefined;
        return sendArticlePage(deps, request, reply, request.params.slug, { order: order === 'newest' ? 'newest' : 'oldest', replyTo });
      },
    );
  };
}
