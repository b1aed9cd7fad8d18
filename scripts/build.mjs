#!/usr/bin/env node
// Compiles the server and CLI once into dist/ (run by `npm install` through `prepare`, and by
// `npm run build`), so that starting runs plain JavaScript instead of transpiling TypeScript
// each time. Packages stay external (node_modules); each command is its own chunk, so `--help`
// loads almost nothing. The browser scripts and the stylesheet are bundled here too, into
// dist/browser/, which the compiled server reads at start (src/views/assets.ts).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist');

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  // The import's worker thread is started from a file of its own (src/features/importer/wxr-import.ts).
  entryPoints: {
    cli: 'src/cli/main.ts',
    'wxr-worker': 'src/features/importer/wxr-worker.ts',
    'browser-bundles': 'src/views/browser-bundles.ts',
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  // The compiled code reads the browser bundles from dist/browser/ (see views/assets.ts).
  define: { BROADSHEET_BUILT: 'true' },
  logLevel: 'warning',
});
const { BUNDLES, bundleBrowserAssets } = await import(pathToFileURL(join(outdir, 'browser-bundles.js')).href);
const browser = join(outdir, 'browser');
mkdirSync(browser);
const bundles = await bundleBrowserAssets(pathToFileURL(join(root, 'src/views/')));
for (const [name, bytes] of Object.entries(bundles))
  writeFileSync(join(browser, `${name}.${BUNDLES[name].ext}`), bytes);
// What bin/broadsheet.js checks for: written last, so a build that failed half-way has none.
writeFileSync(join(outdir, 'BUILD'), `${new Date().toISOString()}\n`);
