// The stylesheet and the browser script, built once at start into memory, named by content
// hash (so they can be cached forever) and precompressed.
import { createHash } from 'node:crypto';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export interface Asset {
  path: string;
  type: string;
  body: Buffer;
  gzip: Buffer;
  br: Buffer;
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
  return {
    path: `/assets/${name}.${hash}.${ext}`,
    type,
    body,
    gzip: gzipSync(body, { level: 9 }),
    br: brotliCompressSync(body),
  };
}
