// JSON API for ratings.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../deps.ts';
import { ArticleRef, errorResponses } from '../api.schemas.ts';
import { parseArticleRef } from '../articles/article-api.routes.ts';
import { articlePath } from '../articles/article.model.ts';
import { NewRatingSchema, RateResultSchema } from './rating.schemas.ts';

export function ratingApi(
  deps: Pick<AppDeps, 'articles' | 'ratings' | 'readers' | 'postLimit' | 'ratingFastPath'>,
): FastifyPluginAsyncTypebox {
  const { articles, ratings, readers } = deps;
  return async (app) => {
    // POST /api/v1/articles/:id/ratings — one rating per reader, replaces the previous
    app.post(
      '/articles/:id/ratings',
      {
        config: { access: 'public' },
        onRequest: deps.postLimit,
        // Its answer's headers are the ones the fast path sends (rating-fast-path.ts).
        onSend: deps.ratingFastPath.learn,
        schema: {
          tags: ['ratings'],
          params: ArticleRef,
          body: NewRatingSchema,
          response: { 200: RateResultSchema, ...errorResponses },
        },
      },
      async (request, reply) => {
        const article = await articles.findPublishedRef(parseArticleRef(request.params.id));
        const readerId = readers.ensureReader(request, reply);
        const result = await ratings.rate({
          articleId: article.id,
          readerId,
          ipHash: readers.ipHash(request),
          value: request.body.value,
        });
        readers.markActed(reply, articlePath(article.slug), { rating: result.yourRating });
        return result;
      },
    );
  };
}
