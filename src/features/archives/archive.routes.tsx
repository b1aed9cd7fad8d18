// Public HTML pages: the archives of a section, a tag and an author.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { archiveSlug } from '../../lib/text.ts';
import { renderPage } from '../../views/html.ts';
import { archivePath, type ArchiveKind } from '../articles/article.model.ts';
import { EDGE_KEYS, sendSharedHtml } from '../edge/edge-cache.ts';
import { ArchivePageView } from './archive.views.tsx';
import { parsePage } from '../../views/pagination.tsx';

const ARCHIVE_ROUTE = {
  config: { access: 'public' as const },
  schema: {
    hide: true,
    params: Type.Object({ slug: Type.String() }),
    // Anything but 1..last is a 404 (checked below), not a validation error.
    querystring: Type.Object({ page: Type.Optional(Type.String()) }),
  },
};

export function archivePages(deps: Pick<AppDeps, 'archives' | 'layout' | 'config'>): FastifyPluginAsyncTypebox {
  async function send(
    request: FastifyRequest,
    reply: FastifyReply,
    kind: ArchiveKind,
    slug: string,
    rawPage: string | undefined,
  ) {
    // A name typed or linked as written ("/sections/World", "/tags/Climate change") goes to its
    // one address, so that links from elsewhere work and search engines see one page.
    const canonical = archiveSlug(slug);
    if (canonical !== '' && canonical !== slug) {
      return reply.redirect(
        `${archivePath(kind, canonical)}${rawPage === undefined ? '' : `?page=${encodeURIComponent(rawPage)}`}`,
        301,
      );
    }
    const page = parsePage(rawPage);
    if (page === null) throw new AppError('not_found', 'There is no such page.');
    const archive = await deps.archives.archive(kind, slug, page);
    const path = archivePath(kind, archive.slug);
    return sendSharedHtml(
      request,
      reply,
      renderPage(<ArchivePageView archive={archive} path={path} context={deps.layout()} />),
      { keys: [EDGE_KEYS.lists], purging: deps.config.edgePurgeUrls.length > 0 },
    );
  }

  return async (app) => {
    // GET /sections/:slug?page=N — a section's published articles, newest first, 20 a page; 404 for no such section or
    // page
    app.get('/sections/:slug', ARCHIVE_ROUTE, async (request, reply) =>
      send(request, reply, 'section', request.params.slug, request.query.page),
    );

    // GET /tags/:slug?page=N — the published articles with a tag, newest first, 20 a page; 404 for no such tag or page
    app.get('/tags/:slug', ARCHIVE_ROUTE, async (request, reply) =>
      send(request, reply, 'tag', request.params.slug, request.query.page),
    );

    // GET /authors/:slug?page=N — an author's published articles, newest first, 20 a page; 404 for no such author or
    // page
    app.get('/authors/:slug', ARCHIVE_ROUTE, async (request, reply) =>
      send(request, reply, 'author', request.params.slug, request.query.page),
    );
  };
}
