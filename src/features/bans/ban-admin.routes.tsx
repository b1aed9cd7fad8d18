// The ban list and the block lists, where moderators work (bans themselves are made from the
// queue: moderation-admin.routes.tsx). Plain forms answered with 303.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppDeps } from '../../deps.ts';
import { parsePage } from '../../views/pagination.tsx';
import { AppError } from '../../errors.ts';
import { parseSettingsForm, toFormValues } from '../settings/settings-admin-form.ts';
import { adminFrame, sendAdminPage, type AdminFrameDeps } from '../staff/admin-frame.ts';
import { actorOf } from '../staff/staff.service.ts';
import { BanListPage, BLOCK_LIST_KEYS, BlockListsPage } from './ban-admin.views.tsx';

const Text = Type.Optional(Type.String({ maxLength: 200_000 }));

export function banAdminPages(deps: AdminFrameDeps & Pick<AppDeps, 'bans' | 'settings'>): FastifyPluginAsyncTypebox {
  const { bans, settings } = deps;
  return async (app) => {
    // GET /admin/bans?page=N — every ban, newest first: whom, by whom, why, since and until when
    app.get(
      '/admin/bans',
      {
        config: { access: 'moderator' },
        schema: {
          hide: true,
          querystring: Type.Object({
            page: Type.Optional(Type.String({ maxLength: 10 })),
            lifted: Type.Optional(Type.String({ maxLength: 20 })),
          }),
        },
      },
      async (request, reply) => {
        const page = parsePage(request.query.page);
        if (page === null) throw new AppError('not_found', 'There is no such page.');
        const list = await bans.list(page);
        const notice =
          request.query.lifted && /^\d+$/.test(request.query.lifted)
            ? `The ban #${request.query.lifted} is lifted.`
            : undefined;
        return sendAdminPage(reply, <BanListPage frame={adminFrame(deps, request)} list={list} notice={notice} />);
      },
    );

    // POST /admin/bans/:id/lift — ends a ban now; audited; 303 to the list
    app.post(
      '/admin/bans/:id/lift',
      {
        config: { access: 'moderator' },
        schema: {
          hide: true,
          params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
          body: Type.Object({ _csrf: Type.Optional(Type.String()) }),
        },
      },
      async (request, reply) => {
        await bans.lift(request.params.id, actorOf(request.staff!.user));
        return reply.redirect(`/admin/bans?lifted=${request.params.id}`, 303);
      },
    );

    // GET /admin/blocking — the block lists of e-mail addresses and words
    app.get(
      '/admin/blocking',
      {
        config: { access: 'moderator' },
        schema: { hide: true, querystring: Type.Object({ saved: Type.Optional(Type.String({ maxLength: 5 })) }) },
      },
      async (request, reply) =>
        sendAdminPage(
          reply,
          <BlockListsPage
            frame={adminFrame(deps, request)}
            values={toFormValues(settings.get())}
            errors={{}}
            notice={request.query.saved === '1' ? 'Block lists saved.' : undefined}
          />,
        ),
    );

    // POST /admin/blocking — saves both lists (audited, like every settings change), or 400 with the form and its
    // messages
    app.post(
      '/admin/blocking',
      {
        config: { access: 'moderator' },
        bodyLimit: 1024 * 1024,
        schema: {
          hide: true,
          body: Type.Object({ _csrf: Type.Optional(Type.String()), blockedEmails: Text, blockedWords: Text }),
        },
      },
      async (request, reply) => {
        // Only the block lists: any other setting posted here is not even read.
        const posted = {
          blockedEmails: request.body.blockedEmails ?? '',
          blockedWords: request.body.blockedWords ?? '',
        };
        const { values, errors, changes } = parseSettingsForm(posted, settings.get());
        const relevant = BLOCK_LIST_KEYS.filter((key) => errors[key]);
        if (relevant.length > 0) {
          return sendAdminPage(
            reply.status(400),
            <BlockListsPage frame={adminFrame(deps, request)} values={values} errors={errors} />,
          );
        }
        const listChanges = Object.fromEntries(
          BLOCK_LIST_KEYS.filter((key) => key in changes).map((key) => [key, changes[key]]),
        );
        if (Object.keys(listChanges).length > 0) await settings.update(listChanges, actorOf(request.staff!.user));
        return reply.redirect('/admin/blocking?saved=1', 303);
      },
    );
  };
}
