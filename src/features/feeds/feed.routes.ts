// Public feeds: the site's, each section's and each article's comments, as RSS, Atom and JSON Feed.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../deps.ts';
import { sendDocument, type CachedDocument } from '../../lib/document-cache.ts';
import { EDGE_KEYS, markShared } from '../edge/edge-cache.ts';
import { FEED_FILES, type FeedFormat } from './feed-links.ts';
import { createFeedService } from './feed.service.ts';

const FEED_MAX_AGE = 300;
const slugParams = Type.Object({ slug: Type.String({ maxLength: 200 }) });

export function feedRoutes(
  deps: Pick<AppDeps, 'db' | 'primaryReads' | 'settings' | 'events' | 'config'>,
): FastifyPluginAsyncTypebox {
  return async (app) => {
    // Built once per change and then cached, like the article page: read from the primary, since a
    // feed built from a replica that had not caught up would be kept after the change.
    // Shared at the edge under the lists' key, or a comment feed under its article's; feed readers keep one 5 minutes.
    const purging = deps.config.edgePurgeUrls.length > 0;
    const send = (request: FastifyRequest, reply: FastifyReply, document: CachedDocument) =>
      sendDocument(
        request,
        markShared(reply, {
          keys: [typeof document.scope === 'number' ? EDGE_KEYS.article(document.scope) : EDGE_KEYS.lists],
          purging,
          maxAge: FEED_MAX_AGE,
        }),
        document,
      );
    const feeds = createFeedService({
      db: deps.db,
      articles: deps.primaryReads.articles,
      settings: deps.settings,
      events: deps.events,
      publicUrl: deps.config.publicUrl,
    });
    for (const [format, { file }] of Object.entries(FEED_FILES) as [FeedFormat, (typeof FEED_FILES)[FeedFormat]][]) {
      // GET /feed.xml, /atom.xml, /feed.json — the 20 latest articles
      app.get(`/${file}`, { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) =>
        send(request, reply, await feeds.site(format)),
      );

      // GET /sections/:slug/feed.xml (atom.xml, feed.json) — the section's latest articles; 404 for an unknown section
      app.get(
        `/sections/:slug/${file}`,
        { config: { access: 'public' }, schema: { hide: true, params: slugParams } },
        async (request, reply) => send(request, reply, await feeds.section(request.params.slug, format)),
      );

      // GET /articles/:slug/comments/feed.xml (atom.xml, feed.json) — the latest 50 approved comments, newest first
      app.get(
        `/articles/:slug/comments/${file}`,
        { config: { access: 'public' }, schema: { hide: true, params: slugParams } },
        async (request, reply) => send(request, reply, await feeds.comments(request.params.slug, format)),
      );
    }
  };
}
