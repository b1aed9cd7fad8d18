// Site settings in the admin area (admins only).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppDeps } from '../../deps.ts';
import { adminFrame, sendAdminPage, type AdminFrameDeps } from '../staff/admin-frame.ts';
import { actorOf } from '../staff/staff.service.ts';
import { parseSettingsForm, SETTINGS_FIELDS, toFormValues } from './settings-admin-form.ts';
import { SettingsPage } from './settings-admin.views.tsx';

// Every settings field is an optional string here; parseSettingsForm says what is wrong with each.
const SettingsBody = Type.Object({
  _csrf: Type.Optional(Type.String()),
  ...Object.fromEntries(
    Object.keys(SETTINGS_FIELDS).map((key) => [key, Type.Optional(Type.String({ maxLength: 200_000 }))]),
  ),
});

export function settingsAdminPages(deps: AdminFrameDeps & Pick<AppDeps, 'settings'>): FastifyPluginAsyncTypebox {
  const { settings } = deps;
  return async (app) => {
    // GET /admin/settings — the settings form with the current values
    app.get(
      '/admin/settings',
      {
        config: { access: 'admin' },
        schema: { hide: true, querystring: Type.Object({ saved: Type.Optional(Type.String({ maxLength: 5 })) }) },
      },
      async (request, reply) =>
        sendAdminPage(
          reply,
          <SettingsPage
            frame={adminFrame(deps, request)}
            values={toFormValues(settings.get())}
            errors={{}}
            notice={
              request.query.saved === '1'
                ? 'Settings saved.'
                : request.query.saved === '0'
                  ? 'Nothing had changed.'
                  : undefined
            }
          />,
        ),
    );

    // POST /admin/settings — all fields valid: saved, audited, pages re-rendered, 303; else 400 with the form and its
    // messages
    app.post(
      '/admin/settings',
      { config: { access: 'admin' }, bodyLimit: 1024 * 1024, schema: { hide: true, body: SettingsBody } },
      async (request, reply) => {
        const { values, errors, changes } = parseSettingsForm(request.body, settings.get());
        if (Object.keys(errors).length > 0) {
          return sendAdminPage(
            reply.status(400),
            <SettingsPage frame={adminFrame(deps, request)} values={values} errors={errors} />,
          );
        }
        if (Object.keys(changes).length === 0) return reply.redirect('/admin/settings?saved=0', 303);
        // The service announces the change: other instances reload, and page caches render again.
        await settings.update(changes, actorOf(request.staff!.user));
        return reply.redirect('/admin/settings?saved=1', 303);
      },
    );
  };
}
