// The stylesheet and the browser scripts: read at start from the bundles the build made (or
// bundled then, run from the sources), named by content hash (so they can be cached forever)
// and precompressed.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { acceptedEncodings } from '../lib/compressed-body.ts';
import { bundleBrowserAssets, readBrowserAssets, type BundleName } from './browser-bundles.ts';

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

// scripts/build.mjs defines BROADSHEET_BUILT for the compiled program in dist/, which reads the
// bundles it built into dist/browser/ (esbuild is not even loaded); from the sources they are
// bundled here, at start.
declare const BROADSHEET_BUILT: boolean | undefined;

async function bundles(): Promise<Record<BundleName, Buffer>> {
  if (typeof BROADSHEET_BUILT !== 'undefined') return readBrowserAssets(new URL('./browser/', import.meta.url));
  return bundleBrowserAssets(new URL('.', import.meta.url));
}

export async function buildAssets(): Promise<Assets> {
  const built = await bundles();
  const script = (name: BundleName) => asset(name, 'js', 'text/javascript; charset=utf-8', built[name]);
  const stylesheet = asset('site', 'css', 'text/css; charset=utf-8', built.site);
  const articleScript = script('article');
  const moderationScript = script('moderation');
  const editorScript = script('editor');
  const embedFrameScript = script('embed-frame');
  const embedLoader = script('embed');
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
  const accepted = acceptedEncodings(request.headers['accept-encoding']);
  reply.header('vary', 'accept-encoding').type(asset.type);
  if (accepted.br) return reply.header('content-encoding', 'br').send(await asset.br);
  if (accepted.gzip) return reply.header('content-encoding', 'gzip').send(await asset.gzip);
  return reply.send(asset.body);
}
