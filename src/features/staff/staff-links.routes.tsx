// The pages behind single-use staff links: /admin/setup/<token> (the first admin) and
// /admin/password-reset (ask for a link, then choose a new password). No session exists yet, so
// the forms are checked with the reader's CSRF token, as the login form is.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { STAFF_COOKIE } from '../../plugins/access.ts';
import { sendAdminPage } from './admin-frame.ts';
import { ResetPage, ResetRequestPage, SetupPage } from './staff-links.views.tsx';

const Text = Type.Optional(Type.String({ maxLength: 2000 }));
const Token = Type.Object({ token: Type.String({ maxLength: 100 }) });
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Reset requests from one address: enough for a typo or two, too few to mail-bomb anyone. */
const RESET_REQUESTS = { max: 10, timeWindow: 15 * 60_000 };

export function staffLinkPages(
  deps: Pick<AppDeps, 'staff' | 'staffLinks' | 'readers' | 'config' | 'layout'>,
): FastifyPluginAsyncTypebox {
  const { staff, staffLinks, readers, config } = deps;
  const mailEnabled = config.smtp !== undefined;
  const csrfFor = (request: FastifyRequest, reply: FastifyReply) =>
    readers.csrfToken(readers.ensureReader(request, reply));

  return async (app) => {
    // GET /admin/setup/:token — the form that creates the first admin (410 once used or once an admin exists)
    app.get(
      '/admin/setup/:token',
      { config: { access: 'public' }, schema: { hide: true, params: Token } },
      async (request, reply) => {
        await staffLinks.checkSetupLink(request.params.token);
        reply.header('referrer-policy', 'no-referrer');
        return sendAdminPage(
          reply,
          <SetupPage
            context={deps.layout()}
            csrf={csrfFor(request, reply)}
            token={request.params.token}
            values={{ email: '', displayName: '' }}
            errors={{}}
          />,
        );
      },
    );

    // POST /admin/setup/:token — creates the admin, logs them in and 303s to the dashboard; the form with its errors
    // otherwise
    app.post(
      '/admin/setup/:token',
      {
        config: { access: 'public', rateLimit: config.rateLimit },
        schema: {
          hide: true,
          params: Token,
          body: Type.Object({ _csrf: Text, email: Text, displayName: Text, password: Text }),
        },
      },
      async (request, reply) => {
        readers.checkCsrf(request, request.body._csrf);
        const { email = '', displayName = '', password = '' } = request.body;
        try {
          await staffLinks.completeSetup(request.params.token, { email, displayName, password });
        } catch (error) {
          if (!(error instanceof AppError) || !error.fields) throw error;
          reply.status(error.status);
          return sendAdminPage(
            reply,
            <SetupPage
              context={deps.layout()}
              csrf={csrfFor(request, reply)}
              token={request.params.token}
              values={{ email, displayName }}
              errors={error.fields}
            />,
          );
        }
        const { token } = await staff.login({
          email,
          password,
          ipHash: readers.ipHash(request),
          userAgent: request.headers['user-agent'] ?? '',
        });
        reply.setCookie(STAFF_COOKIE, token, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: config.secureCookies,
        });
        return reply.redirect('/admin', 303);
      },
    );

    // GET /admin/password-reset — the form that asks for a reset link
    app.get('/admin/password-reset', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) =>
      sendAdminPage(
        reply,
        <ResetRequestPage
          context={deps.layout()}
          csrf={csrfFor(request, reply)}
          email=""
          sent={false}
          mailEnabled={mailEnabled}
        />,
      ),
    );

    // POST /admin/password-reset — mails a link if the address is a staff account's; the same answer either way
    app.post(
      '/admin/password-reset',
      {
        config: { access: 'public', rateLimit: RESET_REQUESTS },
        schema: { hide: true, body: Type.Object({ _csrf: Text, email: Text }) },
      },
      async (request, reply) => {
        readers.checkCsrf(request, request.body._csrf);
        const email = (request.body.email ?? '').trim();
        if (email.length > 254 || !EMAIL.test(email)) {
          reply.status(400);
          const page = (
            <ResetRequestPage
              context={deps.layout()}
              csrf={csrfFor(request, reply)}
              email={email}
              sent={false}
              mailEnabled={mailEnabled}
              error="Enter your account’s e-mail address."
            />
          );
          return sendAdminPage(reply, page);
        }
        if (mailEnabled) await staffLinks.requestReset(email);
        return sendAdminPage(
          reply,
          <ResetRequestPage context={deps.layout()} csrf="" email="" sent={mailEnabled} mailEnabled={mailEnabled} />,
        );
      },
    );

    // GET /admin/password-reset/:token — the new-password form (410 once used or expired)
    app.get(
      '/admin/password-reset/:token',
      { config: { access: 'public' }, schema: { hide: true, params: Token } },
      async (request, reply) => {
        const user = await staffLinks.checkResetLink(request.params.token);
        reply.header('referrer-policy', 'no-referrer');
        return sendAdminPage(
          reply,
          <ResetPage
            context={deps.layout()}
            csrf={csrfFor(request, reply)}
            token={request.params.token}
            email={user.email}
            errors={{}}
          />,
        );
      },
    );

    // POST /admin/password-reset/:token — sets the password, ends the account's sessions, 303 to the login
    app.post(
      '/admin/password-reset/:token',
      {
        config: { access: 'public', rateLimit: config.rateLimit },
        schema: { hide: true, params: Token, body: Type.Object({ _csrf: Text, password: Text }) },
      },
      async (request, reply) => {
        readers.checkCsrf(request, request.body._csrf);
        try {
          await staffLinks.completeReset(request.params.token, request.body.password ?? '');
        } catch (error) {
          if (!(error instanceof AppError) || !error.fields) throw error;
          const user = await staffLinks.checkResetLink(request.params.token);
          reply.status(error.status);
          return sendAdminPage(
            reply,
            <ResetPage
              context={deps.layout()}
              csrf={csrfFor(request, reply)}
              token={request.params.token}
              email={user.email}
              errors={error.fields}
            />,
          );
        }
        return reply.redirect('/admin/login?reset=done', 303);
      },
    );
  };
}
