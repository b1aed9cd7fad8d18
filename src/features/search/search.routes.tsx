// The public search page.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { renderPage } from '../../views/html.ts';
import { MAX_QUERY_LENGTH } from './search-query.ts';
import { SearchPage } from './search.views.tsx';

const PER_PAGE = 10;

export function searchPages(deps: Pick<AppDeps, 'search' | 'layout'>): FastifyPluginAsyncTypebox {
  return async (app) => {
    // GET /search?q=…&page=N — published articles matching the words, best first; past the last page 404
    app.get(
      '/search',
      {
        config: { access: 'public' },
        schema: {
          hide: true,
          // Any text is taken (and cut to length), so no query can fail validation.
          querystring: Type.Object({
            q: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
            page: Type.Optional(Type.String()),
          }),
        },
      },
      async (request, reply) => {
        const raw = request.query.q;
        const query = (Array.isArray(raw) ? raw.join(' ') : (raw ?? '')).trim().slice(0, MAX_QUERY_LENGTH);
        const page =
          request.query.page !== undefined && /^\d{1,6}$/.test(request.query.page)
            ? Math.max(1, Number(request.query.page))
            : 1;
        const found = query
          ? await deps.search.search(query, { limit: PER_PAGE, offset: (page - 1) * PER_PAGE })
          : null;
        if (found && page > 1 && found.results.length === 0) throw new AppError('not_found');
        const html = renderPage(
          <SearchPage view={{ query, page, perPage: PER_PAGE, found }} context={deps.layout()} />,
        );
        return reply.type('text/html; charset=utf-8').send(html);
      },
    );
  };
}
