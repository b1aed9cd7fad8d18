// Public HTML for static pages: /pages/<slug>.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppDeps } from '../../deps.ts';
import { renderPage } from '../../views/html.ts';
import { Layout, type LayoutContext } from '../../views/layout.tsx';
import { pagePath, type Article } from '../articles/article.model.ts';

export function StaticPage({ page, context }: { page: Article; context: LayoutContext }) {
  return (
    <Layout
      meta={{ title: page.title, description: page.standfirst || undefined, path: pagePath(page.slug) }}
      context={context}
    >
      <article class="article static-page">
        <header class="article-header">
          <h1>{page.title}</h1>
          {page.standfirst ? <p class="standfirst">{page.standfirst}</p> : null}
        </header>
        <div class="article-body" dangerouslySetInnerHTML={{ __html: page.bodyHtml }} />
      </article>
    </Layout>
  );
}

export function staticPagePages(deps: Pick<AppDeps, 'staticPages' | 'layout'>): FastifyPluginAsyncTypebox {
  return async (app) => {
    // GET /pages/:slug — a static page (About, Corrections…), the same for every reader
    app.get(
      '/pages/:slug',
      {
        config: { access: 'public' },
        schema: { hide: true, params: Type.Object({ slug: Type.String({ maxLength: 200 }) }) },
      },
      async (request, reply) => {
        const page = await deps.staticPages.get(request.params.slug);
        return reply
          .header('cache-control', 'public, max-age=60')
          .type('text/html; charset=utf-8')
          .send(renderPage(<StaticPage page={page} context={deps.layout()} />));
      },
    );
  };
}
