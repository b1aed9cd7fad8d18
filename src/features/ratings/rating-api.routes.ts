// JSON API for ratings.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../deps.ts';
import { ArticleRef, errorResponses } from '../api.schemas.ts';
import { parseArticleRef } from '../articles/article-api.routes.ts';
import { NewRatingSchema, RateResultSchema } from './rating.schemas.ts';

export function ratingApi(
  deps: Pick<AppDeps, 'postLimit' | 'readerPosts' | 'postFastPath'>,
): FastifyPluginAsyncTypebox {
  const post = deps.readerPosts.rating;
  return async (app) => {
    // POST /api/v1/articles/:id/ratings — one rating per reader, replaces the previous
    app.post(
      '/articles/:id/ratings',
      {
        config: { access: 'public' },
        onRequest: deps.postLimit,
        // Its answer's headers are the ones the fast path sends (edge/json-post-fast-path.ts).
        onSend: deps.postFastPath.learn(post),
        schema: {
          tags: ['ratings'],
          params: ArticleRef,
          body: NewRatingSchema,
          response: { 200: RateResultSchema, ...errorResponses },
        },
      },
      (request, reply) => post.handle(request.body.value, parseArticleRef(request.params.id), request, reply),
    );
  };
}
