// The Rate This form, for browsers without JavaScript: POST, then back to the widget.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { threadPath, type PageMode } from '../article-page/article-page-renderer.tsx';
import { queryOf, sendArticlePage, type ArticlePageDeps } from '../article-page/article-page.routes.tsx';
import { validateRatingValue } from './rating.service.ts';

export function ratingPages(
  deps: ArticlePageDeps & Pick<AppDeps, 'articles' | 'ratings' | 'postLimit'>,
): FastifyPluginAsyncTypebox {
  const { articles, ratings, readers } = deps;
  return async (app) => {
    for (const [prefix, mode] of [
      ['/articles', 'page'],
      ['/embed/threads', 'embed'],
    ] as [string, PageMode][]) {
      // GET /articles/:slug/rating (and the embed's) — 303 to the page: the address a refused rating leaves in the bar
      app.get(
        `${prefix}/:slug/rating`,
        {
          config: { access: 'public' },
          schema: { hide: true, params: Type.Object({ slug: Type.String({ maxLength: 200 }) }) },
        },
        async (request, reply) =>
          reply.redirect(`${threadPath(mode, request.params.slug)}${queryOf(request.url)}`, 303),
      );

      // POST /articles/:slug/rating (and /embed/threads/:slug/rating in the embed's frame) — form post; 303 to
      // #rating, or the page again with the error
      app.post(
        `${prefix}/:slug/rating`,
        {
          // _csrf is what older pages sent; the cross-origin check (config.readerForm) replaces it.
          config: { access: 'public', readerForm: true },
          onRequest: deps.postLimit,
          schema: {
            hide: true,
            params: Type.Object({ slug: Type.String({ maxLength: 200 }) }),
            body: Type.Object({ _csrf: Type.Optional(Type.String()), value: Type.Optional(Type.String()) }),
          },
          // A refused rating (another site's post, a bad value, the cap) shows the page again with the reason.
          errorHandler: async (error, request, reply) => {
            if (!(error instanceof AppError) || error.code === 'article_not_found') throw error;
            reply.status(error.status);
            return sendArticlePage(deps, request, reply, request.params.slug, {
              rateError: error.fields?.value ?? error.message,
              mode,
            });
          },
        },
        async (request, reply) => {
          const article = await articles.findPublishedRef(request.params.slug);
          const value = validateRatingValue(request.body.value);
          const readerId = readers.ensureReader(request, reply, { embedded: mode === 'embed' });
          const { yourRating } = await ratings.rate({
            articleId: article.id,
            readerId,
            ipHash: readers.ipHash(request),
            value,
          });
          readers.markActed(reply, threadPath(mode, article.slug), { embedded: mode === 'embed', rating: yourRating });
          return reply.redirect(`${threadPath(mode, article.slug)}#rating`, 303);
        },
      );
    }
  };
}
