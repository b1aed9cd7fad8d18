// The embed's JSON API, and CORS for the whole API: browsers may call it from the origins in
// EMBED_ORIGINS (and the settings) and from no other; the embed's own routes refuse the rest.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { errorResponses } from '../api.schemas.ts';
import { articlePath } from '../articles/article.model.ts';
import { embedPath } from './embed-frame.views.tsx';
import { MAX_THREAD_URL } from './embed-urls.ts';

const ThreadSchema = Type.Object({
  id: Type.Integer(),
  slug: Type.String(),
  url: Type.String({
    description: 'The page the thread belongs to, normalised (no fragment, no tracking parameters).',
  }),
  title: Type.String(),
  embedPath: Type.String({ description: 'The frame to show, relative to the site.' }),
  threadUrl: Type.String({ description: 'The discussion on the site itself.' }),
});

const CountsSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      url: Type.String({ description: 'As asked for.' }),
      commentCount: Type.Integer(),
      score: Type.Union([Type.Integer(), Type.Null()]),
      count: Type.Integer(),
    }),
  ),
});

/** The request's Origin, when a browser sent one. */
const originOf = (request: FastifyRequest) =>
  typeof request.headers.origin === 'string' ? request.headers.origin : undefined;

/** CORS over the whole API: an allowed origin is named back; any other gets no CORS headers (the browser then refuses). */
export function apiCors(deps: Pick<AppDeps, 'threads'>): FastifyPluginAsync {
  const { threads } = deps;
  return fp(async (api) => {
    api.addHook('onRequest', async (request, reply) => {
      reply.header('vary', 'origin');
      const origin = originOf(request);
      if (origin && threads.allowedOrigins().has(origin)) reply.header('access-control-allow-origin', origin);
    });
    // OPTIONS /api/v1/* — CORS preflight: 204 for an allowed origin, 403 otherwise
    api.options('/*', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
      const origin = originOf(request);
      if (!origin || !threads.allowedOrigins().has(origin)) throw new AppError('origin_not_allowed');
      return reply
        .header('access-control-allow-methods', 'GET, POST')
        .header('access-control-allow-headers', 'content-type')
        .header('access-control-max-age', '600')
        .code(204)
        .send();
    });
  });
}

export function embedApi(deps: Pick<AppDeps, 'threads' | 'config' | 'postLimit'>): FastifyPluginAsyncTypebox {
  const { threads, config } = deps;
  const ownOrigin = new URL(config.publicUrl).origin;
  return async (app) => {
    // Pages of other sites are refused here, before any work (the browser would refuse the answer anyway).
    app.addHook('onRequest', async (request) => {
      const origin = originOf(request);
      if (origin && origin !== ownOrigin && !threads.allowedOrigins().has(origin))
        throw new AppError('origin_not_allowed');
    });

    // POST /api/v1/embed/threads — the thread of a page on an allowed origin, made on first use
    app.post(
      '/embed/threads',
      {
        config: { access: 'public' },
        onRequest: deps.postLimit,
        schema: {
          tags: ['embed'],
          body: Type.Object(
            {
              url: Type.String({ minLength: 1, maxLength: MAX_THREAD_URL }),
              title: Type.Optional(Type.String({ maxLength: 1000 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: ThreadSchema, ...errorResponses },
        },
      },
      async (request) => {
        const thread = await threads.resolve(request.body.url, request.body.title);
        return { ...thread, embedPath: embedPath(thread.slug), threadUrl: config.publicUrl + articlePath(thread.slug) };
      },
    );

    // GET /api/v1/embed/counts?url=…&url=… — comment count and score of each page (one request for every counter)
    app.get(
      '/embed/counts',
      {
        config: { access: 'public' },
        schema: {
          tags: ['embed'],
          querystring: Type.Object({
            url: Type.Array(Type.String({ minLength: 1, maxLength: MAX_THREAD_URL }), { minItems: 1, maxItems: 50 }),
          }),
          response: { 200: CountsSchema, ...errorResponses },
        },
      },
      async (request, reply) => {
        const counts = await threads.counts(request.query.url);
        reply.header('cache-control', 'public, max-age=30');
        return { items: [...counts].map(([url, figures]) => ({ url, ...figures })) };
      },
    );
  };
}
