// The outbox for admins: what is queued, sent or failed, and why.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { nowIso } from '../../lib/text.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { adminFrame, sendAdminPage, type AdminFrameDeps } from '../staff/admin-frame.ts';
import * as repo from './outbox.repository.ts';
import type { OutboxStatus } from './outbox.table.ts';
import { OutboxPage } from './outbox-admin.views.tsx';

const PER_PAGE = 50;
const STATUSES = ['queued', 'sent', 'failed'] as const;

export function outboxAdminPages(
  deps: AdminFrameDeps & Pick<AppDeps, 'db' | 'outbox' | 'config'>,
): FastifyPluginAsyncTypebox {
  return async (app) => {
    // GET /admin/outbox?status=queued|sent|failed&page=N — messages newest first, with each one's last error
    app.get(
      '/admin/outbox',
      {
        config: { access: 'admin' },
        schema: {
          hide: true,
          querystring: Type.Object({
            status: Type.Optional(Type.String({ maxLength: 10 })),
            page: Type.Optional(Type.String({ maxLength: 10 })),
          }),
        },
      },
      async (request, reply) => {
        const status = (STATUSES as readonly string[]).includes(request.query.status ?? '')
          ? (request.query.status as OutboxStatus)
          : undefined;
        const page = Math.min(Math.max(Number.parseInt(request.query.page ?? '1', 10) || 1, 1), 100_000);
        const rows = await repo.listMessages(deps.db, { status, limit: PER_PAGE + 1, offset: (page - 1) * PER_PAGE });
        const counts = await repo.countByStatus(deps.db);
        return sendAdminPage(
          reply,
          <OutboxPage
            frame={adminFrame(deps, request)}
            mailEnabled={deps.config.smtp !== undefined}
            channels={deps.outbox.channels()}
            rows={rows.slice(0, PER_PAGE)}
            counts={counts}
            status={status}
            page={page}
            hasOlder={rows.length > PER_PAGE}
          />,
        );
      },
    );

    // POST /admin/outbox/:id/retry — a failed message goes back to the queue; 303 to the outbox
    app.post(
      '/admin/outbox/:id/retry',
      {
        config: { access: 'admin' },
        schema: { hide: true, params: Type.Object({ id: Type.String({ pattern: '^[0-9]{1,12}$' }) }) },
      },
      async (request, reply) => {
        const id = Number(request.params.id);
        const done = await deps.db.transaction().execute(async (trx) => {
          if (!(await repo.requeue(trx, id, nowIso()))) return false;
          await recordAudit(
            trx,
            { userId: request.staff!.user.id, name: request.staff!.user.email },
            'outbox.retry',
            `outbox:${id}`,
          );
          return true;
        });
        if (!done) throw new AppError('not_found', 'That message is not in the outbox as failed.');
        deps.outbox.wake();
        return reply.redirect('/admin/outbox?status=queued', 303);
      },
    );
  };
}
