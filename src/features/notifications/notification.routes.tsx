// The confirmation and unsubscribe links of reply notifications. Both answer a GET with a page
// and a button; the POST acts. The unsubscribe POST is RFC 8058's one-click: a mail program posts
// `List-Unsubscribe=One-Click` with no cookie and no CSRF token, so the signed link is the only
// credential, and it unsubscribes at once (posting again is harmless).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { VNode } from 'preact';
import type { AppDeps } from '../../deps.ts';
import { renderPage } from '../../views/html.ts';
import { LinkActionPage } from './notification.views.tsx';

const Token = Type.Object({ token: Type.String({ maxLength: 100 }) });

function send(reply: FastifyReply, page: VNode) {
  return reply
    .header('cache-control', 'no-store')
    .header('x-robots-tag', 'noindex')
    .type('text/html; charset=utf-8')
    .send(renderPage(page));
}

export function notificationPages(
  deps: Pick<AppDeps, 'notifications' | 'layout' | 'postLimit'>,
): FastifyPluginAsyncTypebox {
  const { notifications } = deps;
  return async (app) => {
    // Mail programs may post one-click unsubscribes as multipart/form-data; the body is not needed.
    if (!app.hasContentTypeParser('multipart/form-data')) {
      app.addContentTypeParser('multipart/form-data', { parseAs: 'string', bodyLimit: 4096 }, (_request, _body, done) =>
        done(null, {}),
      );
    }
    const common = { config: { access: 'public' as const }, schema: { hide: true, params: Token } };

    // GET /mail/confirm/:token — what confirming means, and the button; changes nothing
    app.get('/mail/confirm/:token', common, async (request, reply) => {
      const state = await notifications.inspect('confirm', request.params.token);
      return send(
        reply,
        <LinkActionPage
          context={deps.layout()}
          title="Confirm reply notifications"
          message={
            state.confirmed
              ? 'This address is already confirmed: you will be told of replies to the comments you asked about.'
              : 'Press the button to receive an e-mail when someone replies to your comments.'
          }
          action={state.confirmed ? undefined : { href: `/mail/confirm/${request.params.token}`, label: 'Confirm' }}
        />,
      );
    });

    // POST /mail/confirm/:token — confirms the address (the signed link is the credential); a page says so
    app.post('/mail/confirm/:token', common, async (request, reply) => {
      await notifications.confirm(request.params.token);
      return send(
        reply,
        <LinkActionPage
          context={deps.layout()}
          title="Confirmed"
          message="Thank you. You will receive an e-mail when someone replies to your comments."
        />,
      );
    });

    // GET /mail/unsubscribe/:token — what will stop, and the button; changes nothing
    app.get('/mail/unsubscribe/:token', common, async (request, reply) => {
      const { following } = await notifications.inspect('unsubscribe', request.params.token);
      return send(
        reply,
        <LinkActionPage
          context={deps.layout()}
          title="Stop reply notifications"
          message={
            following > 0
              ? 'Press the button and no more reply notifications will be sent to this address.'
              : 'This address receives no reply notifications: there is nothing to stop.'
          }
          action={
            following > 0 ? { href: `/mail/unsubscribe/${request.params.token}`, label: 'Unsubscribe' } : undefined
          }
        />,
      );
    });

    // POST /mail/unsubscribe/:token — one-click unsubscribe (RFC 8058): no cookie, no CSRF token; 200 and a page
    app.post('/mail/unsubscribe/:token', { ...common, onRequest: deps.postLimit }, async (request, reply) => {
      const stopped = await notifications.unsubscribe(request.params.token);
      return send(
        reply,
        <LinkActionPage
          context={deps.layout()}
          title="Unsubscribed"
          message={
            stopped > 0
              ? 'Done: no more reply notifications will be sent to this address.'
              : 'This address receives no reply notifications: there was nothing to stop.'
          }
        />,
      );
    });
  };
}
