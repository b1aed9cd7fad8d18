// The comment form, for browsers without JavaScript: POST, then back to the form, which says
// what became of the comment (published, or awaiting moderation).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppDeps } from '../../deps.ts';
import { unmapIPv4 } from '../../lib/client-address.ts';
import { AppError } from '../../errors.ts';
import { threadPath, type PageMode } from '../article-page/article-page-renderer.tsx';
import type { CommentNotice } from './comment.views.tsx';
import { articlePath } from '../articles/article.model.ts';
import { queryOf, sendArticlePage, type ArticlePageDeps } from '../article-page/article-page.routes.tsx';
import { renderPage } from '../../views/html.ts';
import { CommentEditPage, type CommentEditPageProps } from './comment-edit.views.tsx';
import type { FastifyReply } from 'fastify';

const FormField = Type.Optional(Type.String());
const EditParams = Type.Object({ slug: Type.String({ maxLength: 200 }), id: Type.Integer({ minimum: 1 }) });

export function commentPages(
  deps: ArticlePageDeps & Pick<AppDeps, 'articles' | 'comments' | 'layout' | 'postLimit'>,
): FastifyPluginAsyncTypebox {
  const { articles, comments, readers } = deps;
  const sendEditPage = (reply: FastifyReply, props: Omit<CommentEditPageProps, 'context'>) =>
    // The form carries the reader's CSRF token: no shared cache may keep it.
    reply
      .header('cache-control', 'private, no-store')
      .type('text/html; charset=utf-8')
      .send(renderPage(<CommentEditPage context={deps.layout()} {...props} />));
  return async (app) => {
    // GET /articles/:slug/comments/:id/edit — the author's edit form (same reader cookie, within the window); 403 page
    // otherwise
    app.get(
      '/articles/:slug/comments/:id/edit',
      { config: { access: 'public' }, schema: { hide: true, params: EditParams } },
      async (request, reply) => {
        const article = await articles.getPublished(request.params.slug);
        const comment = await comments.editable(article.id, request.params.id, request.readerId);
        return sendEditPage(reply, {
          article,
          comment,
          body: comment.bodyMarkdown,
          csrf: readers.csrfToken(request.readerId!),
          errors: {},
        });
      },
    );

    // POST /articles/:slug/comments/:id/edit — saves the author's edit; 303 to the comment, or the form again with the
    // problem
    app.post(
      '/articles/:slug/comments/:id/edit',
      {
        config: { access: 'public' },
        onRequest: deps.postLimit,
        schema: { hide: true, params: EditParams, body: Type.Object({ _csrf: FormField, body: FormField }) },
      },
      async (request, reply) => {
        const article = await articles.getPublished(request.params.slug);
        // Who may edit is checked first: someone else's comment gets the refusal, not a form.
        const comment = await comments.editable(article.id, request.params.id, request.readerId);
        try {
          readers.checkCsrf(request, request.body._csrf);
          const { id } = await comments.edit(
            article.id,
            comment.id,
            { body: request.body.body },
            { readerId: request.readerId, ipHash: readers.ipHash(request) },
          );
          const landing = await landingOf(
            deps,
            article,
            id,
            comment.parentId === null ? undefined : String(comment.parentId),
          );
          return reply.redirect(`${landing}#comment-${id}`, 303);
        } catch (error) {
          if (
            !(error instanceof AppError) ||
            error.code === 'edit_window_closed' ||
            error.code === 'edit_not_allowed' ||
            error.code === 'comment_not_found'
          )
            throw error;
          reply.status(error.status);
          return sendEditPage(reply, {
            article,
            comment,
            body: request.body.body ?? '',
            csrf: readers.csrfToken(request.readerId!),
            errors: error.fields ?? { form: error.message },
          });
        }
      },
    );

    for (const [prefix, mode] of [
      ['/articles', 'page'],
      ['/embed/threads', 'embed'],
    ] as [string, PageMode][]) {
      // GET /articles/:slug/comments (and the embed's) — 303 to the page: the address a form sent back with errors
      // leaves in the bar
      app.get(
        `${prefix}/:slug/comments`,
        {
          config: { access: 'public' },
          schema: { hide: true, params: Type.Object({ slug: Type.String({ maxLength: 200 }) }) },
        },
        async (request, reply) =>
          reply.redirect(`${threadPath(mode, request.params.slug)}${queryOf(request.url)}`, 303),
      );

      // POST /articles/:slug/comments (and /embed/threads/:slug/comments in the embed's frame) — form post; 303 to the
      // form saying
      // what became of the comment (?posted=published|held#respond), or the form again with errors beside fields
      app.post(
        `${prefix}/:slug/comments`,
        {
          // _csrf is what older pages sent; the cross-origin check (config.readerForm) replaces it.
          config: { access: 'public', readerForm: true },
          onRequest: deps.postLimit,
          schema: {
            hide: true,
            params: Type.Object({ slug: Type.String({ maxLength: 200 }) }),
            // formToken and homepage (the honeypot) are the spam defence's; see comment.views.tsx.
            body: Type.Object({
              _csrf: FormField,
              formToken: FormField,
              homepage: FormField,
              authorName: FormField,
              authorEmail: FormField,
              authorUrl: FormField,
              body: FormField,
              parentId: FormField,
              notifyReplies: FormField,
            }),
          },
          // A refused comment (another site's post, a problem with a field) shows the form again with the text kept.
          errorHandler: async (error, request, reply) => {
            if (!(error instanceof AppError) || error.code === 'article_not_found') throw error;
            // Refused before the body was read (an unreadable request): the error page, as for any other.
            if (request.body === undefined) throw error;
            const { _csrf, formToken, homepage, ...input } = request.body;
            reply.status(error.status);
            const parentId = input.parentId && /^\d+$/.test(input.parentId) ? Number(input.parentId) : undefined;
            return sendArticlePage(deps, request, reply, request.params.slug, {
              replyTo: parentId,
              commentForm: { values: input, errors: error.fields ?? { form: error.message }, formToken },
              mode,
            });
          },
        },
        async (request, reply) => {
          const { _csrf, formToken, homepage, ...input } = request.body;
          const article = await articles.findPublishedRef(request.params.slug);
          const { id, status } = await comments.post(input, {
            articleId: article.id,
            readerId: readers.ensureReader(request, reply, { embedded: mode === 'embed' }),
            ipHash: readers.ipHash(request),
            userAgent: request.headers['user-agent'] ?? '',
            submission: { ip: unmapIPv4(request.ip), formToken: formToken ?? null, honeypot: homepage ?? '' },
          });
          readers.markActed(reply, threadPath(mode, article.slug), { embedded: mode === 'embed' });
          // A comment held as possible spam is told "awaiting moderation" like any held one: the
          // reader learns nothing of the rules. The form (#respond) is on every page, unlike a
          // held comment's anchor.
          const landing =
            mode === 'embed' ? threadPath(mode, article.slug) : await landingOf(deps, article, id, input.parentId);
          const outcome: CommentNotice = status === 'approved' ? 'published' : 'held';
          return reply.redirect(`${landing}${landing.includes('?') ? '&' : '?'}posted=${outcome}#respond`, 303);
        },
      );
    }
  };
}

/**
 * Which page of comments the reader lands on after posting (without the fragment): the page
 * holding the comment, or for one held, the page holding what it answers (the reader's own held
 * comments are shown there), else the first.
 */
async function landingOf(
  deps: Pick<AppDeps, 'pages'>,
  article: { id: number; slug: string },
  id: number,
  parentId: string | undefined,
): Promise<string> {
  const own = await deps.pages.commentHref(article, id);
  const parent =
    own ??
    (parentId && /^[1-9]\d{0,14}$/.test(parentId) ? await deps.pages.commentHref(article, Number(parentId)) : null);
  return (parent ?? articlePath(article.slug)).replace(/#.*$/, '');
}
