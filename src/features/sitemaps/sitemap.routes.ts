// Public addresses for crawlers: the sitemap (or its index and parts), the news sitemap and robots.txt.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { sendDocument } from '../../lib/document-cache.ts';
import { createSitemapService } from './sitemap.service.ts';

/** Everything public may be crawled; staff pages, the API and search result pages not. */
export function robotsTxt(publicUrl: string): string {
  return [
    'User-agent: *',
    'Allow: /',
    'Disallow: /admin',
    'Disallow: /api/',
    'Disallow: /search',
    '',
    `Sitemap: ${publicUrl}/sitemap.xml`,
    `Sitemap: ${publicUrl}/sitemap-news.xml`,
    '',
  ].join('\n');
}

export function sitemapRoutes(deps: Pick<AppDeps, 'db' | 'events' | 'settings' | 'config'>): FastifyPluginAsyncTypebox {
  return async (app) => {
    const { publicUrl, sitemapUrlLimit } = deps.config;
    // Cached until the next change, so read from the primary (see feed.routes.ts).
    const sitemaps = createSitemapService({
      db: deps.db,
      events: deps.events,
      settings: deps.settings,
      publicUrl,
      urlLimit: sitemapUrlLimit,
    });
    const robots = robotsTxt(publicUrl);

    // GET /sitemap.xml — every public address, or the index of /sitemaps/<n>.xml past the limit
    app.get('/sitemap.xml', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) =>
      sendDocument(request, reply, await sitemaps.sitemap()),
    );

    // GET /sitemaps/:n.xml — one part of an indexed sitemap; 404 past the last
    app.get(
      '/sitemaps/:n.xml',
      {
        config: { access: 'public' },
        schema: { hide: true, params: Type.Object({ n: Type.String({ maxLength: 20 }) }) },
      },
      async (request, reply) => {
        if (!/^[1-9]\d{0,5}$/.test(request.params.n)) throw new AppError('not_found');
        return sendDocument(request, reply, await sitemaps.part(Number(request.params.n)));
      },
    );

    // GET /sitemap-news.xml — Google News sitemap: articles of the last two days
    app.get('/sitemap-news.xml', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) =>
      sendDocument(request, reply, await sitemaps.news()),
    );

    // GET /robots.txt — what crawlers may visit, and where the sitemaps are
    app.get('/robots.txt', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) =>
      reply.header('cache-control', 'public, max-age=3600').type('text/plain; charset=utf-8').send(robots),
    );
  };
}
