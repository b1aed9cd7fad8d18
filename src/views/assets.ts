// The stylesheet and the browser script, built once at start into memory, named by content
// hash (so they can be cached forever) and precompressed.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { build } from 'esbuild';
import type { FastifyReply, FastifyRequest } from 'fastify';

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

export interface Asset {
  path: string;
  type: string;
  body: Buffer;
  /**
   * Compressed at their best in libuv's thread pool, from the start on: brotli's quality 11
   * takes some 50 ms an asset, which held the server's start back by a tenth when done in line.
   */
  gzip: Promise<Buffer>;
  br: Promise<Buffer>;
}

export interface Assets {
  stylesheet: Asset;
  articleScript: Asset;
  /** Keyboard shortcuts for the admin moderation queue. */
  moderationScript: Asset;
  /** The article editor's live preview (admin only). */
  editorScript: Asset;
  /** The embed's frame: the article script plus resizing by postMessage. */
  embedFrameScript: Asset;
  /** /embed.js, the loader host pages include (served at a fixed address, so not in byPath). */
  embedLoader: Asset;
  byPath: Map<string, Asset>;
}

// scripts/build.mjs defines BROADSHEET_BUILT for the compiled program in dist/, which builds the
// browser assets from the sources beside it.
declare const BROADSHEET_BUILT: boolean | undefined;
const here =
  typeof BROADSHEET_BUILT !== 'undefined' ? new URL('../src/views/', import.meta.url) : new URL('.', import.meta.url);

export async function buildAssets(): Promise<Assets> {
  const css = await build({
    entryPoints: [new URL('./site.css', here).pathname],
    bundle: true,
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const script = (entry: string) =>
    build({
      entryPoints: [new URL(entry, here).pathname],
      bundle: true,
      minify: true,
      format: 'iife',
      target: ['es2020'],
      write: false,
      logLevel: 'silent',
    });
  const [js, moderationJs, editorJs, frameJs, loaderJs] = await Promise.all([
    script('../client/article.ts'),
    script('../client/moderation.ts'),
    script('../client/editor.ts'),
    script('../client/embed-frame.ts'),
    script('../client/embed.ts'),
  ]);
  const stylesheet = asset('site', 'css', 'text/css; charset=utf-8', Buffer.from(css.outputFiles[0]!.contents));
  const articleScript = asset(
    'article',
    'js',
    'text/javascript; charset=utf-8',
    Buffer.from(js.outputFiles[0]!.contents),
  );
  const moderationScript = asset(
    'moderation',
    'js',
    'text/javascript; charset=utf-8',
    Buffer.from(moderationJs.outputFiles[0]!.contents),
  );
  const editorScript = asset(
    'editor',
    'js',
    'text/javascript; charset=utf-8',
    Buffer.from(editorJs.outputFiles[0]!.contents),
  );
  const embedFrameScript = asset(
    'embed-frame',
    'js',
    'text/javascript; charset=utf-8',
    Buffer.from(frameJs.outputFiles[0]!.contents),
  );
  const embedLoader = asset(
    'embed',
    'js',
    'text/javascript; charset=utf-8',
    Buffer.from(loaderJs.outputFiles[0]!.contents),
  );
  return {
    stylesheet,
    articleScript,
    moderationScript,
    editorScript,
    embedFrameScript,
    embedLoader,
    byPath: new Map(
      [stylesheet, articleScript, moderationScript, editorScript, embedFrameScript].map((a) => [a.path, a]),
    ),
  };
}

function asset(name: string, ext: string, type: string, body: Buffer): Asset {
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 10);
  const compressed = {
    gzip: gzipAsync(body, { level: 9 }),
    br: brotliAsync(body, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    }),
  };
  // Awaited by whoever sends them; marked handled here so a failure is not also an unhandled rejection.
  for (const promise of Object.values(compressed)) promise.catch(() => {});
  return { path: `/assets/${name}.${hash}.${ext}`, type, body, ...compressed };
}

/** Sends an asset in the best encoding the client takes (the caller sets Cache-Control). */
export async function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: Asset): Promise<FastifyReply> {
  const accepts = request.headers['accept-encoding'] ?? '';
  reply.header('vary', 'accept-encoding').type(asset.type);
  if (/\bbr\b/.test(accepts)) return reply.header('content-encoding', 'br').send(await asset.br);
  if (/\bgzip\b/.test(accepts)) return reply.header('content-encoding', 'gzip').send(await asset.gzip);
  return reply.send(asset.body);
}
