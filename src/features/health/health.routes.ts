import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../deps.ts';
import { pingDatabase } from './health.repository.ts';

export function healthRoutes({ db }: Pick<AppDeps, 'db'>): FastifyPluginAsync {
  return async (app) => {
    // GET /healthz — the process is up
    app.get('/healthz', { config: { access: 'public' }, schema: { hide: true } }, async () => ({ status: 'ok' }));

    // GET /readyz — 200 when the database answers, 503 when it does not
    app.get('/readyz', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
      try {
        await pingDatabase(db);
        return { status: 'ready' };
      } catch (err) {
        request.log.warn({ err }, 'database not reachable');
        return reply
          .status(503)
          .send({ status: 'unavailable', error: 'unavailable', message: 'The database is not reachable.' });
      }
    });
  };
}
