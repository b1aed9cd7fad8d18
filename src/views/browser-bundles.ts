// The stylesheet and the browser scripts, bundled and minified by esbuild from their sources.
// scripts/build.mjs runs this once and writes the bundles into dist/browser/, where the compiled
// server reads them (views/assets.ts); run from the sources (tests, the bench), the server
// bundles them in memory at start.
import { readFile } from 'node:fs/promises';

/** Each bundle: its name in the built file and the asset's address, and its entry beside this file. */
export const BUNDLES = {
  site: { ext: 'css', entry: './site.css' },
  article: { ext: 'js', entry: '../client/article.ts' },
  moderation: { ext: 'js', entry: '../client/moderation.ts' },
  editor: { ext: 'js', entry: '../client/editor.ts' },
  'embed-frame': { ext: 'js', entry: '../client/embed-frame.ts' },
  embed: { ext: 'js', entry: '../client/embed.ts' },
} as const;

export type BundleName = keyof typeof BUNDLES;

/** The bundles' bytes, built from the sources in `sourceDir` (src/views/). */
export async function bundleBrowserAssets(sourceDir: URL): Promise<Record<BundleName, Buffer>> {
  // Loaded only here: the compiled server, which reads the built bundles, never needs it.
  const { build } = await import('esbuild');
  const one = async ([name, { ext, entry }]: [string, { ext: string; entry: string }]) => {
    const result = await build({
      entryPoints: [new URL(entry, sourceDir).pathname],
      bundle: true,
      minify: true,
      write: false,
      logLevel: 'silent',
      ...(ext === 'js' ? { format: 'iife' as const, target: ['es2020'] } : {}),
    });
    return [name, Buffer.from(result.outputFiles[0]!.contents)] as const;
  };
  return Object.fromEntries(await Promise.all(Object.entries(BUNDLES).map(one))) as Record<BundleName, Buffer>;
}

/** The bundles as scripts/build.mjs wrote them into `dir` (dist/browser/). */
export async function readBrowserAssets(dir: URL): Promise<Record<BundleName, Buffer>> {
  const one = async ([name, { ext }]: [string, { ext: string }]) =>
    [name, await readFile(new URL(`${name}.${ext}`, dir))] as const;
  return Object.fromEntries(await Promise.all(Object.entries(BUNDLES).map(one))) as Record<BundleName, Buffer>;
}
