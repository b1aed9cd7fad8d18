// Public HTML pages: the front page and the article page.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app.ts';
import { AppError } from '../../errors.ts';
import { renderPage } from '../../views/html.ts';
import { parsePage } from '../../views/pagination.tsx';
import type { CommentOrder, ReaderView } from './article-page.renderer.tsx';
import { HomePage } from './home.page.tsx';

const HTML = 'text/html; charset=utf-8';

/** Renders the article page for this reader; form handlers pass their errors and values. */
export async function sendArticlePage(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  slug: string,
  extra: Omit<ReaderView, 'readerId' | 'csrf' | 'known'> & { order?: CommentOrder } = {},
): Promise<FastifyReply> {
  const known = request.readerId !== null;
  const readerId = deps.readers.ensureReader(request, reply);
  const { body } = await deps.pages.render(slug, extra.order ?? 'oldest', { ...extra, readerId, known, csrf: deps.readers.csrfToken(readerId) });
  // The page carries a per-reader form token: shared caches must not keep it.
  return reply.header('cache-control', 'private, no-cache').type(HTML).send(body);
}

export function articlePages(deps: AppDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    // GET /?page=N — the front page: latest articles (20 a page; 404 past the last), top rated and most discussed;
    // GET /?p=ID (or ?page_id=ID) — an imported WordPress post's old address: 301 to it, or 404
    app.get(
      '/',
      {
        config: { access: 'public' },
        schema: { hide: true, querystring: Type.Object({ page: Type.Optional(Type.String()), p: Type.Optional(Type.String()), page_id: Type.Optional(Type.String()) }) },
      },
      async (request, reply) => {
        const { p, page_id: pageId } = request.query;
        if (p !== undefined || pageId !== undefined) {
          const moved = await deps.staticPages.redirectFor(p !== undefined ? `/?p=${p}` : `/?page_id=${pageId}`);
          if (!moved) throw new AppError('not_found', 'There is no such article.');
          return reply.redirect(moved, 301);
        }
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
