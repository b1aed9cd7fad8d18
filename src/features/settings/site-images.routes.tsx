// The site's logo, favicon and default share image: uploaded by an admin on the settings page,
// and the favicon served to browsers.
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { MULTIPART_LIMITS, readMultipartForm, uploadOf } from '../media/image-upload.ts';
import { IMAGE_FIELD, imageTooLarge } from '../media/media-store.ts';
import { adminFrame, sendAdminPage, type AdminFrameDeps } from '../staff/admin-frame.ts';
import { actorOf } from '../staff/staff.service.ts';
import { toFormValues } from './settings-admin-form.ts';
import { SettingsPage } from './settings-admin.views.tsx';
import { SITE_IMAGE_SLOTS, type SiteImageSlot } from './site-images.ts';

/** Browsers ask for the icon on every site; links in pages carry a version, so a day is enough. */
const ICON_CACHE = 'public, max-age=86400';

export function siteImagePages(
  deps: AdminFrameDeps & Pick<AppDeps, 'siteImages' | 'settings'>,
): FastifyPluginAsyncTypebox {
  const { siteImages, settings } = deps;
  return async (app) => {
    await app.register(multipart, { limits: MULTIPART_LIMITS });

    // GET /favicon.ico — the site's icon (16, 32 and 48 px): the favicon setting, else the logo, else the built-in icon
    app.get('/favicon.ico', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) =>
      reply
        .header('cache-control', ICON_CACHE)
        .type('image/x-icon')
        .send((await siteImages.icons()).ico),
    );

    // GET /apple-touch-icon.png — the same icon at 180 px, for home screens
    app.get(
      '/apple-touch-icon.png',
      { config: { access: 'public' }, schema: { hide: true } },
      async (_request, reply) =>
        reply
          .header('cache-control', ICON_CACHE)
          .type('image/png')
          .send((await siteImages.icons()).touch),
    );

    // POST /admin/settings/images/:slot — multipart `image` replaces the slot's image, or `remove=1` clears it; 303 to
    // the settings, else 400/413/415 with the form
    app.post(
      '/admin/settings/images/:slot',
      {
        config: { access: 'admin' },
        bodyLimit: MULTIPART_LIMITS.fileSize + 64 * 1024,
        preValidation: readMultipartForm,
        schema: {
          hide: true,
          params: Type.Object({ slot: Type.Union(SITE_IMAGE_SLOTS.map((slot) => Type.Literal(slot))) }),
          body: Type.Object({
            _csrf: Type.Optional(Type.String()),
            remove: Type.Optional(Type.String({ maxLength: 5 })),
          }),
        },
      },
      async (request, reply) => {
        const slot = request.params.slot as SiteImageSlot;
        const actor = actorOf(request.staff!.user);
        if (request.body.remove === '1') {
          await siteImages.remove(slot, actor);
          return reply.redirect(`/admin/settings?saved=1#${slot}`, 303);
        }
        const upload = uploadOf(request);
        try {
          if (upload === 'too_large') throw imageTooLarge();
          if (!upload)
            throw new AppError('bad_request', 'Choose an image to upload.', {
              [IMAGE_FIELD]: 'Choose an image to upload.',
            });
          await siteImages.upload(slot, upload, actor);
        } catch (error) {
          if (!(error instanceof AppError) || !error.fields) throw error;
          const page = (
            <SettingsPage
              frame={adminFrame(deps, request)}
              values={toFormValues(settings.get())}
              errors={{}}
              imageError={{ slot, message: error.fields[IMAGE_FIELD] ?? error.message }}
            />
          );
          return sendAdminPage(reply.status(error.status), page);
        }
        return reply.redirect(`/admin/settings?saved=1#${slot}`, 303);
      },
    );
  };
}
