// GET /admin — the newsroom's front page.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppDeps } from '../../deps.ts';
import { ADMITS } from '../../plugins/access.ts';
import { adminFrame, sendAdminPage, type AdminFrameDeps } from '../staff/admin-frame.ts';
import { createDashboardService, type DeskView } from './dashboard.service.ts';
import { DashboardPage } from './dashboard.views.tsx';

export function dashboardPages(deps: AdminFrameDeps & Pick<AppDeps, 'db'>): FastifyPluginAsyncTypebox {
  const dashboard = createDashboardService({ db: deps.db });
  return async (app) => {
    // GET /admin — dashboard: the queue, activity per day, drafts and scheduled articles, recent, top-rated and
    // most-discussed articles (every staff role)
    app.get(
      '/admin',
      {
        config: { access: 'staff' },
        schema: { hide: true, querystring: Type.Object({ password: Type.Optional(Type.String({ maxLength: 20 })) }) },
      },
      async (request, reply) => {
        const frame = adminFrame(deps, request);
        const user = frame.session.user;
        const canModerate = ADMITS.moderator.includes(user.role);
        const canWrite = ADMITS.author.includes(user.role);
        // As the articles list: editors and admins see every draft, an author their own.
        const desk: DeskView = !canWrite
          ? { kind: 'none' }
          : ADMITS.editor.includes(user.role)
            ? { kind: 'all' }
            : { kind: 'own', userId: user.id };
        const notice = request.query.password === 'changed' ? 'Your password is changed.' : undefined;
        return sendAdminPage(
          reply,
          <DashboardPage
            frame={frame}
            dashboard={await dashboard.load(desk)}
            canModerate={canModerate}
            canWrite={canWrite}
            notice={notice}
          />,
        );
      },
    );
  };
}
