// Webhooks for admins: add endpoints (the secret shown once), rotate secrets, resume paused
// endpoints, remove them, and see the latest deliveries.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { adminFrame, sendAdminPage, type AdminFrameDeps } from '../staff/admin-frame.ts';
import { WebhooksPage, type WebhooksPageProps } from './webhook-admin.views.tsx';

const IdParams = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,12}$' }) });
const Csrf = Type.Object({ _csrf: Type.Optional(Type.String()) });

export function webhookAdminPages(deps: AdminFrameDeps & Pick<AppDeps, 'webhooks' | 'db'>): FastifyPluginAsyncTypebox {
  const { webhooks, db } = deps;
  const actor = (request: FastifyRequest) => ({ userId: request.staff!.user.id, name: request.staff!.user.email });
  const audit = (request: FastifyRequest, action: string, id: number, details?: Record<string, unknown>) =>
    db.transaction().execute((trx) => recordAudit(trx, actor(request), action, `webhook:${id}`, details));

  async function page(request: FastifyRequest, reply: FastifyReply, extra: Partial<WebhooksPageProps> = {}) {
    const [endpoints, deliveries] = await Promise.all([
      webhooks.endpoints(),
      webhooks.deliveries({ endpointId: extra.endpointId, limit: 50 }),
    ]);
    return sendAdminPage(
      reply,
      <WebhooksPage frame={adminFrame(deps, request)} endpoints={endpoints} deliveries={deliveries} {...extra} />,
    );
  }

  return async (app) => {
    // GET /admin/webhooks?endpoint=ID — endpoints, the add form, and the latest deliveries (of one endpoint)
    app.get(
      '/admin/webhooks',
      {
        config: { access: 'admin' },
        schema: { hide: true, querystring: Type.Object({ endpoint: Type.Optional(Type.String({ maxLength: 12 })) }) },
      },
      async (request, reply) => {
        const endpoint = request.query.endpoint;
        return page(request, reply, {
          endpointId: endpoint && /^\d{1,12}$/.test(endpoint) ? Number(endpoint) : undefined,
        });
      },
    );

    // POST /admin/webhooks — adds an endpoint; the page again with its secret (once), or with the errors beside the
    // fields
    app.post(
      '/admin/webhooks',
      {
        config: { access: 'admin' },
        schema: {
          hide: true,
          body: Type.Object({
            _csrf: Type.Optional(Type.String()),
            url: Type.Optional(Type.String({ maxLength: 10_000 })),
            events: Type.Optional(
              Type.Union([
                Type.String({ maxLength: 100 }),
                Type.Array(Type.String({ maxLength: 100 }), { maxItems: 20 }),
              ]),
            ),
          }),
        },
      },
      async (request, reply) => {
        const url = request.body.url ?? '';
        const events = request.body.events === undefined ? [] : ([] as string[]).concat(request.body.events);
        try {
          const { endpoint, secret } = await webhooks.addEndpoint({ url, events });
          await audit(request, 'webhook.add', endpoint.id, { url: endpoint.url, events: endpoint.events });
          return page(request, reply, { secret: { endpoint, value: secret } });
        } catch (error) {
          if (!(error instanceof AppError) || !error.fields) throw error;
          reply.status(error.status);
          return page(request, reply, { form: { values: { url: url.slice(0, 2000), events }, errors: error.fields } });
        }
      },
    );

    // POST /admin/webhooks/:id/rotate — a new secret, shown once; the old one signs too for a day
    app.post(
      '/admin/webhooks/:id/rotate',
      { config: { access: 'admin' }, schema: { hide: true, params: IdParams, body: Csrf } },
      async (request, reply) => {
        const id = Number(request.params.id);
        const secret = await webhooks.rotateSecret(id);
        await audit(request, 'webhook.rotate', id);
        const endpoint = (await webhooks.endpoints()).find((e) => e.id === id)!;
        return page(request, reply, { secret: { endpoint, value: secret } });
      },
    );

    // POST /admin/webhooks/:id/resume — a paused endpoint receives events again; 303 to the list
    app.post(
      '/admin/webhooks/:id/resume',
      { config: { access: 'admin' }, schema: { hide: true, params: IdParams, body: Csrf } },
      async (request, reply) => {
        const id = Number(request.params.id);
        await webhooks.resume(id);
        await audit(request, 'webhook.resume', id);
        return reply.redirect(`/admin/webhooks#endpoint-${id}`, 303);
      },
    );

    // POST /admin/webhooks/:id/delete — removes the endpoint and its deliveries; 303 to the list
    app.post(
      '/admin/webhooks/:id/delete',
      { config: { access: 'admin' }, schema: { hide: true, params: IdParams, body: Csrf } },
      async (request, reply) => {
        const id = Number(request.params.id);
        await webhooks.remove(id);
        await audit(request, 'webhook.remove', id);
        return reply.redirect('/admin/webhooks', 303);
      },
    );
  };
}
