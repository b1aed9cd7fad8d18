// The admin area's articles: list, editor, revisions and the live preview. Every route admits
// authors, editors and admins (access 'author'); what each may do to a given article is decided
// by the editor service (article-editor-policy.ts), so no page can get it wrong.
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../deps.ts';
import { AppError, type FieldErrors } from '../../errors.ts';
import { nowIso } from '../../lib/text.ts';
import { formatDateTime } from '../../views/html.ts';
import { adminFrame, sendAdminPage, type AdminFrameDeps } from '../staff/admin-frame.ts';
import {
  EDITOR_ACTIONS,
  EDITORIAL_STATUSES,
  type EditableArticle,
  type EditorAction,
  type EditorialStatus,
} from './article-editor.model.ts';
import { editProblem, isEditor, viewProblem } from './article-editor-policy.ts';
import { ADMIN_LIST_SORTS } from './article-editor.repository.ts';
import { MULTIPART_LIMITS, readMultipartForm, uploadOf } from '../media/image-upload.ts';
import { emptyForm, toZonedInput, type ArticleForm } from './article-editor-validation.ts';
import { EditorPage } from './article-editor.views.tsx';
import { ArticleListPage, RevisionsPage } from './article-admin.views.tsx';
import { IMAGE_FIELD } from '../media/media-store.ts';

const PAGE_SIZE = 50;
const Text = Type.Optional(Type.String({ maxLength: 1_100_000 }));
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const EditorBody = Type.Object({
  _csrf: Text,
  updatedAt: Text,
  action: Text,
  title: Text,
  slug: Text,
  standfirst: Text,
  body: Text,
  section: Text,
  tags: Text,
  authorName: Text,
  updateNote: Text,
  imageAlt: Text,
  removeImage: Text,
  publishAt: Text,
  reviewType: Text,
  reviewName: Text,
  reviewRating: Text,
  kind: Text,
  menuOrder: Text,
});
type EditorBody = Static<typeof EditorBody>;
// Malformed filters fall back to "any" rather than failing the page.
const ListQuery = Type.Object({ q: Text, status: Text, section: Text, author: Text, sort: Text, page: Text });
const SAVED: Record<EditorAction, string> = {
  save: 'Saved.',
  submit: 'Submitted for review: an editor will take it from here.',
  publish: 'Published.',
  schedule: 'Scheduled.',
  unpublish: 'Unpublished: it is a draft again and no longer on the site.',
};
/** Long articles are sent without JavaScript too: allow more than the site's 64 KB default. */
const EDITOR_BODY_LIMIT = 2 * 1024 * 1024;

function formOf(body: EditorBody): ArticleForm {
  const {
    title = '',
    slug = '',
    standfirst = '',
    section = '',
    tags = '',
    authorName = '',
    updateNote = '',
    imageAlt = '',
    publishAt = '',
    reviewType = '',
    reviewName = '',
    reviewRating = '',
    kind = 'article',
    menuOrder = '0',
  } = body;
  return {
    title,
    slug,
    standfirst,
    body: body.body ?? '',
    section,
    tags,
    authorName,
    updateNote,
    imageAlt,
    publishAt,
    removeImage: body.removeImage === '1',
    reviewType,
    reviewName,
    reviewRating,
    kind,
    menuOrder,
  };
}

function formFromArticle(a: EditableArticle, timeZone: string): ArticleForm {
  return {
    title: a.title,
    slug: a.slug,
    standfirst: a.standfirst,
    body: a.bodyMarkdown,
    section: a.section,
    tags: a.tags.join(', '),
    authorName: a.authorName,
    updateNote: a.updateNote,
    imageAlt: a.featuredImage?.alt ?? '',
    removeImage: false,
    publishAt: a.status === 'scheduled' ? toZonedInput(a.publishedAt, timeZone) : '',
    reviewType: a.review?.type ?? '',
    reviewName: a.review?.name ?? '',
    reviewRating: a.reviewRating === null ? '' : String(a.reviewRating),
    kind: a.kind,
    menuOrder: String(a.menuOrder),
  };
}

function actionOf(value: string | undefined): EditorAction | 'preview' {
  if (value === undefined || value === '') return 'save';
  if (value === 'preview' || (EDITOR_ACTIONS as readonly string[]).includes(value))
    return value as EditorAction | 'preview';
  throw new AppError('bad_request', 'Choose one of the form’s buttons.');
}

export function articleAdminPages(
  deps: AdminFrameDeps & Pick<AppDeps, 'articleEditor' | 'staff' | 'assets'>,
): FastifyPluginAsyncTypebox {
  const { articleEditor: editor, staff } = deps;

  async function renderEditor(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    props: {
      article: EditableArticle | null;
      form: ArticleForm;
      updatedAt: string;
      previewHtml: string;
      errors?: FieldErrors;
      message?: { ok: boolean; text: string };
    },
  ) {
    const user = request.staff!.user;
    const errors = { ...props.errors };
    // A browser cannot be handed a file back: say so beside the field rather than lose it quietly.
    if (uploadOf(request) instanceof Buffer && status !== 303)
      errors[IMAGE_FIELD] ??= 'Choose the image again: it was not saved with this form.';
    return sendAdminPage(
      reply.status(status),
      <EditorPage
        {...props}
        errors={errors}
        frame={adminFrame(deps, request)}
        scriptPath={deps.assets.editorScript.path}
        sections={await editor.sections()}
        canEdit={!editProblem(user, props.article)}
        canPublish={isEditor(user)}
        now={nowIso()}
      />,
    );
  }

  return async (app) => {
    // Multipart bodies are accepted only by the routes of this plugin.
    await app.register(multipart, { limits: MULTIPART_LIMITS });

    // GET /admin/articles — every article, newest save first (or ?sort=published|score|comments), filtered by a GET
    // form
    app.get(
      '/admin/articles',
      { config: { access: 'author' }, schema: { hide: true, querystring: ListQuery } },
      async (request, reply) => {
        const user = request.staff!.user;
        const { q = '', section = '', author = '' } = request.query;
        const status = (EDITORIAL_STATUSES as readonly string[]).includes(request.query.status ?? '')
          ? (request.query.status as EditorialStatus)
          : '';
        const authorId = /^\d{1,15}$/.test(author) ? Number(author) : undefined;
        const page = /^\d{1,6}$/.test(request.query.page ?? '') ? Math.max(1, Number(request.query.page)) : 1;
        const sort = ADMIN_LIST_SORTS.find((s) => s === request.query.sort) ?? 'saved';
        const filters = {
          q: q.trim().slice(0, 200),
          status: status || undefined,
          section: section || undefined,
          authorId,
          sort,
          limit: PAGE_SIZE,
          offset: (page - 1) * PAGE_SIZE,
        };
        const [{ items, total }, sections, users] = await Promise.all([
          editor.list(filters, user),
          editor.sections(),
          staff.list(),
        ]);
        return sendAdminPage(
          reply,
          <ArticleListPage
            frame={adminFrame(deps, request)}
            items={items}
            total={total}
            pageSize={PAGE_SIZE}
            query={{
              q: filters.q,
              status,
              section,
              author: authorId === undefined ? '' : String(authorId),
              sort,
              page,
            }}
            sections={sections}
            writers={users.filter((u) => u.role !== 'moderator')}
            mayOpen={(article) => !viewProblem(user, article)}
            now={nowIso()}
          />,
        );
      },
    );

    // GET /admin/articles/new[?kind=page] — an empty editor, the byline set to the writer's name (a static page with
    // ?kind=page)
    app.get(
      '/admin/articles/new',
      { config: { access: 'author' }, schema: { hide: true, querystring: Type.Object({ kind: Text }) } },
      async (request, reply) =>
        renderEditor(request, reply, 200, {
          article: null,
          form: {
            ...emptyForm(request.staff!.user.displayName),
            kind: request.query.kind === 'page' ? 'page' : 'article',
          },
          updatedAt: '',
          previewHtml: '',
        }),
    );

    // POST /admin/articles — 303 to the new article's editor, or the form again with its errors
    app.post(
      '/admin/articles',
      {
        config: { access: 'author' },
        bodyLimit: EDITOR_BODY_LIMIT,
        preValidation: readMultipartForm,
        schema: { hide: true, body: EditorBody },
      },
      async (request, reply) => {
        const form = formOf(request.body);
        const action = actionOf(request.body.action);
        const shown = { article: null, form, updatedAt: '', previewHtml: editor.preview(form.body) };
        if (action === 'preview') return renderEditor(request, reply, 200, shown);
        try {
          const article = await editor.create({ form, action, image: uploadOf(request) }, request.staff!.user);
          return reply.redirect(`/admin/articles/${article.id}/edit?saved=${action}`, 303);
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          return renderEditor(request, reply, error.status, {
            ...shown,
            errors: error.fields,
            message: error.fields ? undefined : { ok: false, text: error.message },
          });
        }
      },
    );

    // GET /admin/articles/:id/edit — the editor (read-only for an author once it is scheduled or published)
    app.get(
      '/admin/articles/:id/edit',
      {
        config: { access: 'author' },
        schema: { hide: true, params: IdParams, querystring: Type.Object({ saved: Text, restored: Text }) },
      },
      async (request, reply) => {
        const article = await editor.get(request.params.id, request.staff!.user);
        const { saved, restored } = request.query;
        const text =
          saved && saved in SAVED
            ? SAVED[saved as EditorAction]
            : restored && /^\d+$/.test(restored)
              ? `Revision #${restored} restored.`
              : undefined;
        return renderEditor(request, reply, 200, {
          article,
          form: formFromArticle(article, deps.layout().settings.timeZone),
          updatedAt: article.updatedAt,
          previewHtml: article.bodyHtml,
          message: text ? { ok: true, text } : undefined,
        });
      },
    );

    // POST /admin/articles/:id — save with the action its button names; 409 when someone saved in between
    app.post(
      '/admin/articles/:id',
      {
        config: { access: 'author' },
        bodyLimit: EDITOR_BODY_LIMIT,
        preValidation: readMultipartForm,
        schema: { hide: true, params: IdParams, body: EditorBody },
      },
      async (request, reply) => {
        const user = request.staff!.user;
        const form = formOf(request.body);
        const action = actionOf(request.body.action);
        const loadedAt = request.body.updatedAt ?? '';
        const shown = { form, updatedAt: loadedAt, previewHtml: editor.preview(form.body) };
        if (action === 'preview')
          return renderEditor(request, reply, 200, { ...shown, article: await editor.get(request.params.id, user) });
        try {
          const result = await editor.update(
            request.params.id,
            loadedAt,
            { form, action, image: uploadOf(request) },
            user,
          );
          if (result.article) return reply.redirect(`/admin/articles/${result.article.id}/edit?saved=${action}`, 303);
          const article = await editor.get(request.params.id, user);
          const who = result.conflict.savedBy ?? 'Someone';
          return renderEditor(request, reply, 409, {
            ...shown,
            article,
            // The form now carries the newer version: saving again replaces it, knowingly.
            updatedAt: article.updatedAt,
            message: {
              ok: false,
              text:
                `${who} saved this article at ` +
                `${formatDateTime(result.conflict.savedAt, deps.layout().settings.timeZone)}, after you opened ` +
                `it. Your version below has not been saved. Compare it with the latest revision; saving again ` +
                `will replace theirs.`,
            },
          });
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          // Someone who may not even see the article gets the plain error page, not the form.
          const article = await editor.get(request.params.id, user);
          return renderEditor(request, reply, error.status, {
            ...shown,
            article,
            errors: error.fields,
            message: error.fields ? undefined : { ok: false, text: error.message },
          });
        }
      },
    );

    // GET /admin/articles/:id/revisions — every saved version, newest first
    app.get(
      '/admin/articles/:id/revisions',
      { config: { access: 'author' }, schema: { hide: true, params: IdParams } },
      async (request, reply) => {
        const user = request.staff!.user;
        const { article, revisions } = await editor.revisions(request.params.id, user);
        return sendAdminPage(
          reply,
          <RevisionsPage
            frame={adminFrame(deps, request)}
            article={article}
            revisions={revisions}
            canRestore={!editProblem(user, article)}
          />,
        );
      },
    );

    // POST /admin/articles/:id/revisions/:rev/restore — saves that revision's text as a new version
    app.post(
      '/admin/articles/:id/revisions/:rev/restore',
      {
        config: { access: 'author' },
        schema: {
          hide: true,
          params: Type.Object({ id: Type.Integer({ minimum: 1 }), rev: Type.Integer({ minimum: 1 }) }),
          body: Type.Object({ _csrf: Text }),
        },
      },
      async (request, reply) => {
        await editor.restore(request.params.id, request.params.rev, request.staff!.user);
        return reply.redirect(`/admin/articles/${request.params.id}/edit?restored=${request.params.rev}`, 303);
      },
    );

    // POST /admin/preview — { markdown } → { html }, rendered exactly as the article page renders it
    app.post(
      '/admin/preview',
      {
        config: { access: 'author' },
        bodyLimit: EDITOR_BODY_LIMIT,
        schema: {
          hide: true,
          body: Type.Object({ markdown: Type.String({ maxLength: 200_000 }), _csrf: Text }),
          response: { 200: Type.Object({ html: Type.String() }) },
        },
      },
      async (request, reply) =>
        reply.header('cache-control', 'no-store').send({ html: editor.preview(request.body.markdown) }),
    );
  };
}
