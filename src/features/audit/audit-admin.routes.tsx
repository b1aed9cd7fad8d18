// GET /admin/audit — the audit log of staff actions, newest first (admins only).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppDeps } from '../../deps.ts';
import { listAudit } from './audit.service.ts';
import { loadAuditSubjects } from './audit-subjects.ts';
import { adminFrame, sendAdminPage, type AdminFrameDeps } from '../staff/admin-frame.ts';
import { AuditPage } from './audit-admin.views.tsx';

const PER_PAGE = 50;

export function auditAdminPages(deps: AdminFrameDeps & Pick<AppDeps, 'db'>): FastifyPluginAsyncTypebox {
  return async (app) => {
    // GET /admin/audit?page=N — 50 entries a page, newest first
    app.get(
      '/admin/audit',
      {
        config: { access: 'admin' },
        schema: { hide: true, querystring: Type.Object({ page: Type.Optional(Type.String({ maxLength: 10 })) }) },
      },
      async (request, reply) => {
        const page = Math.min(Math.max(Number.parseInt(request.query.page ?? '1', 10) || 1, 1), 100_000);
        // One more than a page tells whether there is an older page.
        const entries = await listAudit(deps.db, { limit: PER_PAGE + 1, offset: (page - 1) * PER_PAGE });
        const shown = entries.slice(0, PER_PAGE);
        const subjects = await loadAuditSubjects(deps.db, shown);
        return sendAdminPage(
          reply,
          <AuditPage
            frame={adminFrame(deps, request)}
            entries={shown}
            subjects={subjects}
            page={page}
            hasOlder={entries.length > PER_PAGE}
          />,
        );
      },
    );
  };
}
