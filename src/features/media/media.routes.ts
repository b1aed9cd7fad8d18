// Serves stored featured-image variants from the media folder.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MEDIA_FILE } from './featured-image.ts';

export function mediaRoutes({ mediaDir }: { mediaDir: string }): FastifyPluginAsyncTypebox {
  return async (app) => {
    // GET /media/:file — an image variant; names are random and never reused, so cached for a year
    app.get(
      '/media/:file',
      {
        config: { access: 'public' },
        schema: { hide: true, params: Type.Object({ file: Type.String({ maxLength: 100 }) }) },
      },
      async (request, reply) => {
        // Only names the store makes: no separators, no dots but the extension, so no way out of the folder.
        if (!MEDIA_FILE.test(request.params.file)) return reply.callNotFound();
        let data: Buffer;
        try {
          data = await readFile(join(mediaDir, request.params.file));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return reply.callNotFound();
          throw error;
        }
        return reply.header('cache-control', 'public, max-age=31536000, immutable').type('image/webp').send(data);
      },
    );
  };
}
