// JSON API for articles.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppDeps } from '../../deps.ts';
import { ArticleRef, errorResponses } from '../api.schemas.ts';
import { articlePath, type Article } from './article.model.ts';
import { ArticleDetailSchema, ArticleSummarySchema, ListQuery } from './article.schemas.ts';

/** "42" names an article by id, anything else by slug. */
export function parseArticleRef(ref: string): number | string {
  return /^\d{1,15}$/.test(ref) ? Number(ref) : ref;
}

export function articleApi(deps: Pick<AppDeps, 'articles' | 'ratings' | 'config'>): FastifyPluginAsyncTypebox {
  const { articles, ratings, config } = deps;
  const summary = (a: Article) => ({
    id: a.id,
    slug: a.slug,
    title: a.title,
    url: config.publicUrl + articlePath(a.slug),
    publishedAt: a.publishedAt,
    rating: a.rating,
    commentCount: a.commentCount,
  });

  return async (app) => {
    // GET /api/v1/articles — published articles, newest first
    app.get(
      '/articles',
      {
        config: { access: 'public' },
        schema: {
          tags: ['articles'],
          querystring: ListQuery,
          response: { 200: Type.Object({ items: Type.Array(ArticleSummarySchema) }), ...errorResponses },
        },
      },
      async (request) => ({ items: (await articles.listPublished(request.query)).map(summary) }),
    );

    // GET /api/v1/articles/:id — one article with its body and rating distribution
    app.get(
      '/articles/:id',
      {
        config: { access: 'public' },
        schema: { tags: ['articles'], params: ArticleRef, response: { 200: ArticleDetailSchema, ...errorResponses } },
      },
      async (request) => {
        const article = await articles.getPublished(parseArticleRef(request.params.id));
        const rating = await ratings.details(article.id);
        return {
          ...summary(article),
          standfirst: article.standfirst,
          authorName: article.authorName,
          section: article.section,
          tags: article.tags,
          updatedAt: article.updatedAt,
          body: article.bodyHtml,
          commentsOpen: article.commentsOpen,
          rating,
        };
      },
    );
  };
}
