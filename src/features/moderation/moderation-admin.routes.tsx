// The moderation queue in the admin area: list and search, single and bulk status changes, and
// replies as staff. Every action is a form post answered with 303 back to the queue, so the
// queue works without JavaScript; each change is written to the audit log by the service.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { plural } from '../../views/html.ts';
import type { CommentStatus } from '../comments/comment.table.ts';
import { adminFrame, sendAdminPage, type AdminFrameDeps } from '../staff/admin-frame.ts';
import { BAN_KINDS, type BanDuration } from '../bans/ban.service.ts';
import type { BanKind } from '../bans/ban.table.ts';
import { actorOf } from '../staff/staff.service.ts';
import {
  ACTIONS,
  DONE_MESSAGES,
  QueuePage,
  STATUSES,
  type BanProblem,
  type EditProblem,
  type ModerationAction,
  type QueueQuery,
  type QueueTab,
  type ReplyProblem,
} from './moderation-admin.views.tsx';

const PER_PAGE = 25;
const Text = Type.Optional(Type.String({ maxLength: 2000 }));
const ActionField = Type.Union(ACTIONS.map((a) => Type.Literal(a.action)));
const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });

const QueueQuerystring = Type.Object({
  // Unknown values fall back to the defaults rather than failing the page.
  status: Type.Optional(Type.String({ maxLength: 20 })),
  q: Type.Optional(Type.String({ maxLength: 200 })),
  article: Type.Optional(Type.String({ maxLength: 200 })),
  author: Type.Optional(Type.String({ maxLength: 20 })),
  page: Type.Optional(Type.String({ maxLength: 10 })),
  done: Type.Optional(Type.String({ maxLength: 20 })),
  n: Type.Optional(Type.String({ maxLength: 10 })),
  reply: Type.Optional(Type.String({ maxLength: 20 })),
  banned: Type.Optional(Type.String({ maxLength: 20 })),
  edited: Type.Optional(Type.String({ maxLength: 20 })),
});

const statusOf = (action: ModerationAction): CommentStatus => ACTIONS.find((a) => a.action === action)!.status;

/** Only the queue itself is a destination after an action (no open redirect). */
function safeReturn(value: string | undefined): URL {
  const url = new URL(value && /^\/admin\/comments(\?|$)/.test(value) ? value : '/admin/comments', 'http://x');
  for (const key of ['done', 'n', 'reply', 'banned', 'edited']) url.searchParams.delete(key);
  return url;
}

function backTo(
  reply: FastifyReply,
  returnTo: string | undefined,
  notice: Record<string, string>,
  anchor?: number,
): FastifyReply {
  const url = safeReturn(returnTo);
  for (const [key, value] of Object.entries(notice)) url.searchParams.set(key, value);
  return reply.redirect(`${url.pathname}${url.search}${anchor ? `#c${anchor}` : ''}`, 303);
}

export function moderationAdminPages(
  deps: AdminFrameDeps & Pick<AppDeps, 'comments' | 'articles' | 'assets' | 'bans'>,
): FastifyPluginAsyncTypebox {
  const { comments, articles, assets } = deps;

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    raw: Record<string, string | undefined>,
    extra: { notice?: string; error?: string; reply?: ReplyProblem; ban?: BanProblem; edit?: EditProblem } = {},
  ) {
    const status: QueueTab =
      raw.status === 'all' || STATUSES.includes(raw.status as CommentStatus) ? (raw.status as QueueTab) : 'pending';
    const page = Math.min(Math.max(Number.parseInt(raw.page ?? '1', 10) || 1, 1), 100_000);
    const q = raw.q?.trim() ?? '';
    let article: QueueQuery['article'] = null;
    let error = extra.error;
    if (raw.article) {
      try {
        const found = await articles.getPublished(/^\d+$/.test(raw.article) ? Number(raw.article) : raw.article);
        article = { id: found.id, title: found.title, slug: found.slug };
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        error = 'There is no published article with that number or address; showing comments on every article.';
      }
    }
    const commenter =
      raw.author && /^\d{1,15}$/.test(raw.author) ? await comments.commenterOf(Number(raw.author)) : undefined;
    if (raw.author && !commenter) error ??= 'There is no comment with that number; showing comments by everyone.';
    const author = commenter ? { commentId: Number(raw.author), name: commenter.name } : null;
    const query: QueueQuery = { status, q, article, author, page };
    const queue = await comments.moderationQueue({
      status: status === 'all' ? undefined : status,
      q,
      articleId: article?.id,
      author: commenter && { email: commenter.email, readerId: commenter.readerId },
      page,
      perPage: PER_PAGE,
    });
    let notice = extra.notice;
    const done = STATUSES.find((s) => s === raw.done);
    if (!notice && done) notice = `${plural(Number(raw.n) || 0, 'comment', 'comments')} ${DONE_MESSAGES[done]}.`;
    if (!notice && raw.reply && /^\d+$/.test(raw.reply)) notice = `Your reply (#${raw.reply}) is published.`;
    if (!notice && raw.banned && /^\d+$/.test(raw.banned)) notice = `Banned (ban #${raw.banned}); see the ban list.`;
    if (!notice && raw.edited && /^\d+$/.test(raw.edited))
      notice = `The text of comment #${raw.edited} is saved; its earlier text is kept.`;
    return sendAdminPage(
      reply,
      <QueuePage
        frame={adminFrame(deps, request)}
        query={query}
        queue={queue}
        scriptPath={assets.moderationScript.path}
        notice={notice}
        error={error}
        reply={extra.reply}
        ban={extra.ban}
        edit={extra.edit}
      />,
    );
  }

  return async (app) => {
    // GET /admin/comments?status=pending&q=&article=&page= — the queue, newest first, 25 a page
    app.get(
      '/admin/comments',
      { config: { access: 'moderator' }, schema: { hide: true, querystring: QueueQuerystring } },
      async (request, reply) => render(request, reply, request.query),
    );

    // POST /admin/comments/bulk — one action on every selected comment; 303 back to the queue
    app.post(
      '/admin/comments/bulk',
      {
        config: { access: 'moderator' },
        schema: {
          hide: true,
          body: Type.Object({
            _csrf: Text,
            action: ActionField,
            return: Text,
            ids: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 500 })),
          }),
        },
      },
      async (request, reply) => {
        const { action, ids = [] } = request.body;
        if (ids.length === 0)
          return render(request, reply.status(400), Object.fromEntries(safeReturn(request.body.return).searchParams), {
            error: 'Select at least one comment first.',
          });
        const status = statusOf(action);
        const changed = await comments.setStatus([...new Set(ids)], status, actorOf(request.staff!.user));
        return backTo(reply, request.body.return, { done: status, n: String(changed) });
      },
    );

    // POST /admin/comments/:id/status — one comment's new status; 303 back to the queue at the next comment
    app.post(
      '/admin/comments/:id/status',
      {
        config: { access: 'moderator' },
        schema: {
          hide: true,
          params: Id,
          body: Type.Object({
            _csrf: Text,
            action: ActionField,
            return: Text,
            next: Type.Optional(Type.Integer({ minimum: 1 })),
          }),
        },
      },
      async (request, reply) => {
        const status = statusOf(request.body.action);
        const changed = await comments.setStatus([request.params.id], status, actorOf(request.staff!.user));
        return backTo(reply, request.body.return, { done: status, n: String(changed) }, request.body.next);
      },
    );

    // POST /admin/comments/:id/ban — bans the comment's author (by e-mail, address hash or reader cookie) with a
    // reason and a length; 303 back, or the queue with the problem
    app.post(
      '/admin/comments/:id/ban',
      {
        config: { access: 'moderator' },
        schema: {
          hide: true,
          params: Id,
          body: Type.Object({
            _csrf: Text,
            return: Text,
            kind: Type.Optional(Type.String({ maxLength: 20 })),
            reason: Text,
            duration: Type.Optional(Type.String({ maxLength: 20 })),
          }),
        },
      },
      async (request, reply) => {
        const { kind = '', reason = '', duration = '' } = request.body;
        const back = Object.fromEntries(safeReturn(request.body.return).searchParams);
        try {
          if (!BAN_KINDS.some((k) => k.kind === kind))
            throw new AppError('validation_failed', undefined, { kind: 'Choose what to ban by.' });
          const ban = await deps.bans.banFromComment(
            { commentId: request.params.id, kind: kind as BanKind, reason, duration: duration as BanDuration },
            actorOf(request.staff!.user),
          );
          return backTo(reply, request.body.return, { banned: String(ban.id) }, request.params.id);
        } catch (error) {
          if (!(error instanceof AppError) || error.code === 'comment_not_found') throw error;
          return render(request, reply.status(error.status), back, {
            error: error.fields ? undefined : error.message,
            ban: { commentId: request.params.id, errors: error.fields ?? { form: error.message } },
          });
        }
      },
    );

    // POST /admin/comments/:id/edit — a moderator's correction of the text (sanitised as a reader's, audited with the
    // earlier text); 303 back, or the queue with the error beside the text
    app.post(
      '/admin/comments/:id/edit',
      {
        config: { access: 'moderator' },
        schema: {
          hide: true,
          params: Id,
          body: Type.Object({ _csrf: Text, body: Type.Optional(Type.String({ maxLength: 20_000 })), return: Text }),
        },
      },
      async (request, reply) => {
        const body = request.body.body ?? '';
        try {
          await comments.editAsModerator(request.params.id, body, actorOf(request.staff!.user));
          return backTo(reply, request.body.return, { edited: String(request.params.id) }, request.params.id);
        } catch (error) {
          if (!(error instanceof AppError) || error.code === 'comment_not_found') throw error;
          return render(
            request,
            reply.status(error.status),
            Object.fromEntries(safeReturn(request.body.return).searchParams),
            {
              edit: { commentId: request.params.id, body, message: error.fields?.body ?? error.message },
            },
          );
        }
      },
    );

    // POST /admin/comments/:id/reply — publishes a reply by the staff member; 303 back, or the queue with the error
    // beside the reply
    app.post(
      '/admin/comments/:id/reply',
      {
        config: { access: 'moderator' },
        schema: { hide: true, params: Id, body: Type.Object({ _csrf: Text, body: Text, return: Text }) },
      },
      async (request, reply) => {
        const user = request.staff!.user;
        const body = request.body.body ?? '';
        try {
          const { id } = await comments.postAsStaff(
            { parentId: request.params.id, body },
            { name: user.displayName, email: user.email, role: user.role },
            actorOf(user),
          );
          return backTo(reply, request.body.return, { reply: String(id) }, request.params.id);
        } catch (error) {
          if (!(error instanceof AppError) || error.code === 'comment_not_found') throw error;
          const message = error.fields?.body ?? error.fields?.authorEmail ?? error.fields?.authorName ?? error.message;
          return render(
            request,
            reply.status(error.status),
            Object.fromEntries(safeReturn(request.body.return).searchParams),
            {
              reply: { commentId: request.params.id, body, message },
            },
          );
        }
      },
    );
  };
}
