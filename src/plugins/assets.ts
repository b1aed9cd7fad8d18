// Serves the built stylesheet and script: immutable, precompressed.
import type { FastifyPluginAsync } from 'fastify';
import { sendAsset, type Assets } from '../views/assets.ts';

export function assetRoutes(assets: Assets): FastifyPluginAsync {
  return async (app) => {
    // GET /assets/:file — content-hashed, cached for a year
    app.get<{ Params: { file: string } }>(
      '/assets/:file',
      { config: { access: 'public' }, schema: { hide: true } },
      async (request, reply) => {
        const asset = assets.byPath.get(`/assets/${request.params.file}`);
        if (!asset) return reply.callNotFound();
        reply.header('cache-control', 'public, max-age=31536000, immutable');
        return sendAsset(request, reply, asset);
      },
    );
  };
}
