// /admin/tools (admins only): upload a file to import it (progress on a page that refreshes itself
// while the import runs: no script needed), download an export, read the last imports' reports.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest, preValidationHookHandler } from 'fastify';
import { AppError } from '../../errors.ts';
import { EXPORT_FORMATS, exportSite, type ExportFormat } from '../exporter/export.service.ts';
import { adminFrame, sendAdminPage, type AdminFrameDeps } from '../staff/admin-frame.ts';
import type { ImportDeps } from '../importer/import.service.ts';
import { createImportRunService } from './import-run.service.ts';
import { ImportRunPage, ToolsPage } from './tools-admin.views.tsx';

/** The largest upload: the importers stream, so this only bounds the temporary file. */
export const MAX_UPLOAD_BYTES = 2 * 1024 * 1024 * 1024;

interface Upload {
  dir: string;
  path: string;
  name: string;
  /** Handed to an import run, which deletes it when done. */
  claimed: boolean;
}

const uploads = new WeakMap<FastifyRequest, Upload>();

/** Streams the form's file to a temporary folder and reads its fields, before the CSRF check sees `_csrf`. */
const readUpload: preValidationHookHandler = async (request) => {
  if (!request.isMultipart()) throw new AppError('bad_request', 'Send the form as multipart/form-data, with a file.');
  const fields: Record<string, string> = {};
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        fields[part.fieldname] ??= String(part.value);
        continue;
      }
      if (part.fieldname !== 'file' || uploads.has(request) || !part.filename) {
        part.file.resume();
        continue;
      }
      const dir = await mkdtemp(join(tmpdir(), 'broadsheet-upload-'));
      const upload: Upload = {
        dir,
        path: join(dir, 'upload'),
        name: part.filename.replace(/[\\/]/g, '_').slice(0, 200),
        claimed: false,
      };
      uploads.set(request, upload);
      await pipeline(part.file, createWriteStream(upload.path));
      if (part.file.truncated) throw new AppError('payload_too_large', 'The file is larger than 2 GB.');
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    const code = (error as { code?: string }).code ?? '';
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError('payload_too_large', 'The file is larger than 2 GB.');
    if (code.startsWith('FST_')) throw new AppError('bad_request', 'The form could not be read. Try sending it again.');
    throw error;
  }
  request.body = fields;
};

export function toolsAdminPages(deps: AdminFrameDeps & ImportDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(multipart, {
      limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 5, fieldSize: 1024, parts: 8 },
    });
    const runs = createImportRunService(deps, app.log);
    app.addHook('onClose', async () => runs.settled());
    // An upload no import took (refused form, bad token) is deleted once the answer is sent.
    app.addHook('onResponse', async (request) => {
      const upload = uploads.get(request);
      if (upload && !upload.claimed) await rm(upload.dir, { recursive: true, force: true });
    });

    // GET /admin/tools — the import form, the export links, the last imports
    app.get('/admin/tools', { config: { access: 'admin' }, schema: { hide: true } }, async (request, reply) =>
      sendAdminPage(reply, <ToolsPage frame={adminFrame(deps, request)} runs={await runs.recent()} />),
    );

    // POST /admin/tools/import — multipart (file, createArticles); 303 to the run's page, or the form again with why
    app.post(
      '/admin/tools/import',
      {
        config: { access: 'admin' },
        preValidation: readUpload,
        schema: {
          hide: true,
          body: Type.Object({
            _csrf: Type.Optional(Type.String()),
            createArticles: Type.Optional(Type.String({ maxLength: 5 })),
          }),
        },
      },
      async (request, reply) => {
        const upload = uploads.get(request);
        if (!upload) {
          return sendAdminPage(
            reply.status(400),
            <ToolsPage frame={adminFrame(deps, request)} runs={await runs.recent()} error="Choose a file to import." />,
          );
        }
        upload.claimed = true;
        const id = await runs.start({
          path: upload.path,
          fileName: upload.name,
          createArticles: request.body.createArticles === '1',
          userId: request.staff!.user.id,
        });
        // The run deletes the file; the folder goes with it once the run ends.
        void runs.settled().then(() => rm(upload.dir, { recursive: true, force: true }));
        return reply.redirect(`/admin/tools/imports/${id}`, 303);
      },
    );

    // GET /admin/tools/imports/:id — a run's progress (the page refreshes itself while it runs) or its report
    app.get(
      '/admin/tools/imports/:id',
      {
        config: { access: 'admin' },
        schema: { hide: true, params: Type.Object({ id: Type.Integer({ minimum: 1 }) }) },
      },
      async (request, reply) => {
        const run = await runs.get(request.params.id);
        if (!run) throw new AppError('not_found');
        if (run.status === 'running') reply.header('refresh', '2');
        return sendAdminPage(reply, <ImportRunPage frame={adminFrame(deps, request)} run={run} />);
      },
    );

    // GET /admin/tools/export?format=json|wxr — the whole site as a download, streamed
    app.get(
      '/admin/tools/export',
      {
        config: { access: 'admin' },
        schema: { hide: true, querystring: Type.Object({ format: Type.String({ maxLength: 10 }) }) },
      },
      async (request, reply) => {
        const format = request.query.format as ExportFormat;
        if (!EXPORT_FORMATS.includes(format)) throw new AppError('bad_request', 'The format is json or wxr.');
        const out = new PassThrough();
        const date = new Date().toISOString().slice(0, 10);
        reply
          .header('cache-control', 'no-store')
          .header(
            'content-type',
            format === 'json' ? 'application/json; charset=utf-8' : 'application/xml; charset=utf-8',
          )
          .header('content-disposition', `attachment; filename="site-${date}.${format === 'json' ? 'json' : 'xml'}"`);
        exportSite(deps, format, out).then(
          () => out.end(),
          (error: unknown) => {
            request.log.error({ err: error }, 'export failed');
            out.destroy(error as Error);
          },
        );
        return reply.send(out);
      },
    );
  };
}
