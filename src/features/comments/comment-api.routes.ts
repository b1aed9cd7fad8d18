// JSON API for comments. The API is open to integrators: no CSRF token, but JSON only,
// which a cross-site form cannot send.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppDeps } from '../../deps.ts';
import { ArticleRef, errorResponses } from '../api.schemas.ts';
import { parseArticleRef } from '../articles/article-api.routes.ts';
import {
  CommentPageSchema,
  DEFAULT_THREADS_PER_PAGE,
  FormTokenHeaders,
  FormTokenSchema,
  MAX_THREADS_PER_PAGE,
  NewCommentSchema,
  PostedCommentSchema,
} from './comment.schemas.ts';

export function commentApi(
  deps: Pick<AppDeps, 'articles' | 'comments' | 'config' | 'postLimit' | 'readerPosts' | 'postFastPath'>,
): FastifyPluginAsyncTypebox {
  const { articles, comments } = deps;
  const post = deps.readerPosts.comment;
  return async (app) => {
    // GET /api/v1/articles/:id/comments?order=&limit=&page= — approved comments, a page of top-level threads with
    // their replies; next is the following page's URL or null
    app.get(
      '/articles/:id/comments',
      {
        config: { access: 'public' },
        schema: {
          tags: ['comments'],
          params: ArticleRef,
          querystring: Type.Object({
            order: Type.Union([Type.Literal('oldest'), Type.Literal('newest')], { default: 'oldest' }),
            limit: Type.Integer({
              minimum: 1,
              maximum: MAX_THREADS_PER_PAGE,
              default: DEFAULT_THREADS_PER_PAGE,
              description: 'Top-level comments per page; each comes with all its replies.',
            }),
            page: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 }),
          }),
          response: { 200: CommentPageSchema, ...errorResponses },
        },
      },
      async (request) => {
        const { order, limit, page } = request.query;
        const article = await articles.findPublishedRef(parseArticleRef(request.params.id));
        const result = await comments.threadPage(article.id, { order, page, perPage: limit });
        const next =
          page < result.pages
            ? `${deps.config.publicUrl}/api/v1/articles/${article.id}/comments?` +
              `${new URLSearchParams({ order, limit: String(limit), page: String(page + 1) })}`
            : null;
        return { items: result.items, next };
      },
    );

    // POST /api/v1/articles/:id/comments — 201 { id, status }; status says whether it is held
    app.post(
      '/articles/:id/comments',
      {
        config: { access: 'public' },
        onRequest: deps.postLimit,
        // Its answer's headers are the ones the fast path sends (edge/json-post-fast-path.ts).
        onSend: deps.postFastPath.learn(post),
        schema: {
          tags: ['comments'],
          params: ArticleRef,
          headers: FormTokenHeaders,
          body: NewCommentSchema,
          response: { 201: PostedCommentSchema, ...errorResponses },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await post.handle(request.body, parseArticleRef(request.params.id), request, reply)),
    );

    // GET /api/v1/articles/:id/form-token — a personal, single-use comment-form token timed from now (never cached)
    app.get(
      '/articles/:id/form-token',
      {
        config: { access: 'public' },
        schema: { tags: ['comments'], params: ArticleRef, response: { 200: FormTokenSchema, ...errorResponses } },
      },
      async (request, reply) => {
        const article = await articles.findPublishedRef(parseArticleRef(request.params.id));
        return reply.header('cache-control', 'no-store').send({ formToken: comments.formToken(article.id) });
      },
    );
  };
}
