// Staff sign-in and account pages, and staff management for admins.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { PASSWORD_PATH, STAFF_COOKIE } from '../../plugins/access.ts';
import { adminFrame, sendAdminPage, type AdminFrameDeps } from './admin-frame.ts';
import { actorOf } from './staff.service.ts';
import { LoginPage, PasswordPage, UsersPage } from './staff.views.tsx';

const Text = Type.Optional(Type.String({ maxLength: 2000 }));

// Only a path inside the admin area may be a post-login destination (no open redirect), written
// in visible ASCII: no line break to split the Location header, no backslash read as a slash.
function safeNext(next: string | undefined): string {
  return next && /^\/admin(?:[/?][\x21-\x7E]*)?$/.test(next) && !next.includes('\\') ? next : '/admin';
}

export function staffPages(
  deps: AdminFrameDeps & Pick<AppDeps, 'staff' | 'readers' | 'config'>,
): FastifyPluginAsyncTypebox {
  const { staff, readers, config } = deps;
  const setStaffCookie = (reply: FastifyReply, token: string) =>
    reply.setCookie(STAFF_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: config.secureCookies });

  const loginPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values: { email: string; next: string; error?: string; notice?: string },
  ) => {
    const readerId = readers.ensureReader(request, reply);
    const noStaff = !(await staff.hasStaff());
    return sendAdminPage(
      reply,
      <LoginPage
        context={deps.layout()}
        csrf={readers.csrfToken(readerId)}
        noStaff={noStaff}
        canReset={config.smtp !== undefined}
        {...values}
      />,
    );
  };

  return async (app) => {
    // GET /admin/login — the sign-in form (with how to create the first account while there is none)
    app.get(
      '/admin/login',
      { config: { access: 'public' }, schema: { hide: true, querystring: Type.Object({ next: Text, reset: Text }) } },
      async (request, reply) =>
        loginPage(request, reply, {
          email: '',
          next: safeNext(request.query.next),
          notice:
            request.query.reset === 'done'
              ? 'Your password is changed, and every session of your account has ended. Log in with the new password.'
              : undefined,
        }),
    );

    // POST /admin/login — 303 to the admin area with a fresh session, or the form with one vague error
    app.post(
      '/admin/login',
      {
        config: { access: 'public', rateLimit: config.rateLimit },
        schema: { hide: true, body: Type.Object({ _csrf: Text, email: Text, password: Text, next: Text }) },
      },
      async (request, reply) => {
        const { email = '', password = '', next } = request.body;
        try {
          readers.checkCsrf(request, request.body._csrf);
          // Rotation: whatever session the browser had is ended; login always starts a new one.
          const previous = request.cookies[STAFF_COOKIE];
          if (previous) await staff.logout(previous);
          const { token } = await staff.login({
            email,
            password,
            ipHash: readers.ipHash(request),
            userAgent: request.headers['user-agent'] ?? '',
          });
          setStaffCookie(reply, token);
          return reply.redirect(safeNext(next), 303);
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          reply.status(error.status);
          return loginPage(request, reply, { email, next: safeNext(next), error: error.message });
        }
      },
    );

    // POST /admin/logout — ends the session
    app.post('/admin/logout', { config: { access: 'staff' }, schema: { hide: true } }, async (request, reply) => {
      const token = request.cookies[STAFF_COOKIE];
      if (token) await staff.logout(token);
      reply.clearCookie(STAFF_COOKIE, { path: '/' });
      return reply.redirect('/admin/login', 303);
    });

    // GET /admin/account/password — the change-password form
    app.get(PASSWORD_PATH, { config: { access: 'staff' }, schema: { hide: true } }, async (request, reply) =>
      sendAdminPage(
        reply,
        <PasswordPage frame={adminFrame(deps, request)} errors={{}} forced={request.staff!.user.mustChangePassword} />,
      ),
    );

    // POST /admin/account/password — new password; other sessions end, this one is replaced
    app.post(
      PASSWORD_PATH,
      {
        config: { access: 'staff' },
        schema: { hide: true, body: Type.Object({ _csrf: Text, currentPassword: Text, newPassword: Text }) },
      },
      async (request, reply) => {
        try {
          const token = await staff.changePassword(
            request.staff!,
            request.body.currentPassword ?? '',
            request.body.newPassword ?? '',
            request.headers['user-agent'] ?? '',
          );
          setStaffCookie(reply, token);
          return reply.redirect('/admin?password=changed', 303);
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          reply.status(error.status);
          const frame = adminFrame(deps, request);
          return sendAdminPage(
            reply,
            <PasswordPage
              frame={frame}
              errors={error.fields ?? { newPassword: error.message }}
              forced={request.staff!.user.mustChangePassword}
            />,
          );
        }
      },
    );

    // GET /admin/users — staff accounts (admins only)
    app.get('/admin/users', { config: { access: 'admin' }, schema: { hide: true } }, async (request, reply) =>
      sendAdminPage(
        reply,
        <UsersPage frame={adminFrame(deps, request)} users={await staff.list()} errors={{}} values={{}} />,
      ),
    );

    // POST /admin/users — creates an account with a one-time password shown once
    app.post(
      '/admin/users',
      {
        config: { access: 'admin' },
        schema: { hide: true, body: Type.Object({ _csrf: Text, email: Text, displayName: Text, role: Text }) },
      },
      async (request, reply) => {
        const values = {
          email: request.body.email ?? '',
          displayName: request.body.displayName ?? '',
          role: request.body.role ?? '',
        };
        try {
          const { user, oneTimePassword } = await staff.createUser(values, actorOf(request.staff!.user));
          return sendAdminPage(
            reply,
            <UsersPage
              frame={adminFrame(deps, request)}
              users={await staff.list()}
              errors={{}}
              values={{}}
              created={{ email: user.email, password: oneTimePassword! }}
            />,
          );
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          reply.status(error.status);
          return sendAdminPage(
            reply,
            <UsersPage
              frame={adminFrame(deps, request)}
              users={await staff.list()}
              errors={error.fields ?? {}}
              values={values}
            />,
          );
        }
      },
    );

    // POST /admin/users/:id — change a role or disable an account
    app.post(
      '/admin/users/:id',
      {
        config: { access: 'admin' },
        schema: {
          hide: true,
          params: Type.Object({ id: Type.Integer() }),
          body: Type.Object({ _csrf: Text, role: Text, disabled: Text }),
        },
      },
      async (request, reply) => {
        if (request.params.id === request.staff!.user.id && (request.body.disabled || request.body.role !== 'admin')) {
          throw new AppError('forbidden', 'You cannot demote or disable your own account.');
        }
        await staff.update(
          request.params.id,
          { role: request.body.role, disabled: request.body.disabled === '1' },
          actorOf(request.staff!.user),
        );
        return reply.redirect('/admin/users', 303);
      },
    );
  };
}
