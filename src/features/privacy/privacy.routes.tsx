// /privacy — privacy self-service without JavaScript: ask for a link, then download or erase.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { VNode } from 'preact';
import type { AppDeps } from '../../deps.ts';
import { renderPage } from '../../views/html.ts';
import { ErasedPage, PrivacyManagePage, PrivacyRequestPage } from './privacy.views.tsx';

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,}$/;
const Token = Type.Object({ token: Type.String({ maxLength: 100 }) });

function send(reply: FastifyReply, page: VNode) {
  return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(renderPage(page));
}

export function privacyPages(
  deps: Pick<AppDeps, 'privacy' | 'config' | 'layout' | 'postLimit'>,
): FastifyPluginAsyncTypebox {
  const { privacy } = deps;
  const mailEnabled = deps.config.smtp !== undefined;
  return async (app) => {
    // GET /privacy — what is stored, and the form that mails a link
    app.get('/privacy', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) =>
      send(reply, <PrivacyRequestPage context={deps.layout()} email="" sent={false} mailEnabled={mailEnabled} />),
    );

    // POST /privacy — mails a link if anything is stored; the same answer either way (the form again when the address
    // is not one)
    app.post(
      '/privacy',
      {
        config: { access: 'public', readerForm: true },
        onRequest: deps.postLimit,
        schema: {
          hide: true,
          body: Type.Object({
            _csrf: Type.Optional(Type.String()),
            email: Type.Optional(Type.String({ maxLength: 1000 })),
          }),
        },
      },
      async (request, reply) => {
        const email = (request.body.email ?? '').trim().toLowerCase();
        if (email.length > 254 || !EMAIL.test(email)) {
          reply.status(400);
          return send(
            reply,
            <PrivacyRequestPage
              context={deps.layout()}
              email={request.body.email ?? ''}
              error="Enter the e-mail address you comment with."
              sent={false}
              mailEnabled={mailEnabled}
            />,
          );
        }
        if (!mailEnabled)
          return send(reply, <PrivacyRequestPage context={deps.layout()} email="" sent={false} mailEnabled={false} />);
        await privacy.request(email);
        return send(
          reply,
          <PrivacyRequestPage context={deps.layout()} email="" sent={true} mailEnabled={mailEnabled} />,
        );
      },
    );

    // GET /privacy/:token — what is stored, with the download and erase buttons; changes nothing
    app.get(
      '/privacy/:token',
      { config: { access: 'public' }, schema: { hide: true, params: Token } },
      async (request, reply) => {
        const found = await privacy.open(request.params.token);
        return send(reply, <PrivacyManagePage context={deps.layout()} token={request.params.token} {...found} />);
      },
    );

    // POST /privacy/:token/export — everything stored about the address, as a JSON file (the link stays usable)
    app.post(
      '/privacy/:token/export',
      { config: { access: 'public' }, schema: { hide: true, params: Token } },
      async (request, reply) => {
        const data = await privacy.export(request.params.token);
        return reply
          .header('cache-control', 'no-store')
          .header('content-disposition', 'attachment; filename="my-data.json"')
          .type('application/json; charset=utf-8')
          .send(JSON.stringify(data, null, 2));
      },
    );

    // POST /privacy/:token/erase — deletes the address's comments (blanking those with replies) and subscriptions;
    // uses the link up
    app.post(
      '/privacy/:token/erase',
      { config: { access: 'public' }, schema: { hide: true, params: Token } },
      async (request, reply) => {
        const summary = await privacy.erase(request.params.token);
        return send(reply, <ErasedPage context={deps.layout()} summary={summary} />);
      },
    );
  };
}
