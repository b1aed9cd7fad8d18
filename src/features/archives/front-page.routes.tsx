// Public HTML page: the front page, and the old addresses of an imported WordPress site's posts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { renderPage } from '../../views/html.ts';
import { parsePage } from '../../views/pagination.tsx';
import { EDGE_KEYS, sendSharedHtml } from '../edge/edge-cache.ts';
import { HomePage } from './front-page.views.tsx';

export function frontPageRoutes(
  deps: Pick<AppDeps, 'archives' | 'staticPages' | 'layout' | 'config'>,
): FastifyPluginAsyncTypebox {
  return async (app) => {
    // GET /?page=N — the front page: latest articles (20 a page; 404 past the last), top rated and most discussed;
    // GET /?p=ID (or ?page_id=ID) — an imported WordPress post's old address: 301 to it, or 404
    app.get(
      '/',
      {
        config: { access: 'public' },
        schema: {
          hide: true,
          querystring: Type.Object({
            page: Type.Optional(Type.String()),
            p: Type.Optional(Type.String()),
            page_id: Type.Optional(Type.String()),
          }),
        },
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
        // Shows the latest articles with their scores and counts: purged with the lists.
        return sendSharedHtml(request, reply, renderPage(<HomePage front={front} context={deps.layout()} />), {
          keys: [EDGE_KEYS.lists],
          purging: deps.config.edgePurgeUrls.length > 0,
        });
      },
    );
  };
}
