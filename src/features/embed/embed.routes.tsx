// The embed: the loader script, the frame it shows, and the link that stands in for it without JavaScript.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppDeps } from '../../deps.ts';
import { articlePath } from '../articles/article.model.ts';
import { readerFormQuery, sendArticlePage, type ArticlePageDeps } from '../article-page/article-page.routes.tsx';
import { MAX_THREAD_URL } from './embed-urls.ts';
import { sendAsset } from '../../views/assets.ts';

export function embedPages(
  deps: ArticlePageDeps & Pick<AppDeps, 'assets' | 'threads' | 'postLimit'>,
): FastifyPluginAsyncTypebox {
  const { assets, threads } = deps;
  return async (app) => {
    // GET /embed.js — the loader host pages include; a fixed address, so cached for minutes, not forever
    app.get('/embed.js', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return sendAsset(request, reply, assets.embedLoader);
    });

    // GET /embed/threads/:slug — the frame: Reviews widget, comments and forms; framed only by the allowed origins
    app.get(
      '/embed/threads/:slug',
      {
        config: { access: 'public' },
        schema: {
          hide: true,
          params: Type.Object({ slug: Type.String({ maxLength: 200 }) }),
          querystring: Type.Object({
            order: Type.Optional(Type.String()),
            replyto: Type.Optional(Type.String()),
            posted: Type.Optional(Type.String()),
          }),
        },
      },
      async (request, reply) => {
        return sendArticlePage(deps, request, reply, request.params.slug, {
          order: request.query.order === 'newest' ? 'newest' : 'oldest',
          ...readerFormQuery(request.query),
          mode: 'embed',
        });
      },
    );

    // GET /threads?url=… — the no-JavaScript fallback: 303 to the page's discussion on this site (made on first use)
    app.get(
      '/threads',
      {
        config: { access: 'public' },
        onRequest: deps.postLimit,
        schema: {
          hide: true,
          querystring: Type.Object({ url: Type.String({ minLength: 1, maxLength: MAX_THREAD_URL }) }),
        },
      },
      async (request, reply) => {
        const thread = await threads.resolve(request.query.url);
        return reply.redirect(`${articlePath(thread.slug)}#comments`, 303);
      },
    );
  };
}
