// A moderator's account page for mail: how often to receive the digest of held comments.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { AdminLayout, type AdminFrame } from '../../views/admin-layout.tsx';
import { adminFrame, sendAdminPage, type AdminFrameDeps } from '../staff/admin-frame.ts';
import { DIGEST_INTERVALS } from './digest.service.ts';

const PATH = '/admin/account/notifications';

function DigestPage({
  frame,
  interval,
  mailEnabled,
  saved,
}: {
  frame: AdminFrame;
  interval: number | null;
  mailEnabled: boolean;
  saved: boolean;
}) {
  return (
    <AdminLayout frame={frame} title="E-mail" active={PATH}>
      <h1>E-mail</h1>
      {saved ? (
        <p class="notice" role="status">
          Saved.
        </p>
      ) : null}
      {mailEnabled ? null : (
        <p class="notice">E-mail is off on this site (no SMTP_URL): your choice is kept and applies once it is on.</p>
      )}
      <form method="post" action={PATH}>
        <input type="hidden" name="_csrf" value={frame.csrf} />
        <fieldset>
          <legend>Digest of newly held comments</legend>
          <p class="hint">
            One mail listing the comments held for moderation since the last one, with a link to the queue; nothing when
            nothing new is held.
          </p>
          <p>
            <input type="radio" id="digest-off" name="interval" value="off" checked={interval === null} />{' '}
            <label for="digest-off">Never</label>
          </p>
          {DIGEST_INTERVALS.map((option) => (
            <p>
              <input
                type="radio"
                id={`digest-${option.minutes}`}
                name="interval"
                value={String(option.minutes)}
                checked={interval === option.minutes}
              />{' '}
              <label for={`digest-${option.minutes}`}>{option.label}</label>
            </p>
          ))}
        </fieldset>
        <p class="form-actions">
          <button type="submit">Save</button>
        </p>
      </form>
    </AdminLayout>
  );
}

export function digestPages(deps: AdminFrameDeps & Pick<AppDeps, 'digests' | 'config'>): FastifyPluginAsyncTypebox {
  const mailEnabled = deps.config.smtp !== undefined;
  return async (app) => {
    // GET /admin/account/notifications — the digest interval the moderator chose
    app.get(
      PATH,
      {
        config: { access: 'moderator' },
        schema: { hide: true, querystring: Type.Object({ saved: Type.Optional(Type.String({ maxLength: 5 })) }) },
      },
      async (request, reply) => {
        const interval = await deps.digests.intervalOf(request.staff!.user.id);
        return sendAdminPage(
          reply,
          <DigestPage
            frame={adminFrame(deps, request)}
            interval={interval}
            mailEnabled={mailEnabled}
            saved={request.query.saved !== undefined}
          />,
        );
      },
    );

    // POST /admin/account/notifications — interval=off|60|360|1440|10080; 303 back
    app.post(
      PATH,
      {
        config: { access: 'moderator' },
        schema: {
          hide: true,
          body: Type.Object({
            _csrf: Type.Optional(Type.String()),
            interval: Type.Optional(Type.String({ maxLength: 10 })),
          }),
        },
      },
      async (request, reply) => {
        const raw = request.body.interval ?? '';
        const minutes = raw === 'off' ? null : DIGEST_INTERVALS.find((o) => String(o.minutes) === raw)?.minutes;
        if (minutes === undefined) throw new AppError('validation_failed', 'Choose one of the intervals offered.');
        await deps.digests.choose(request.staff!.user.id, minutes);
        return reply.redirect(`${PATH}?saved=1`, 303);
      },
    );
  };
}
