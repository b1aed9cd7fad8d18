// The stylesheet and the scripts a page links reach the browser, compressed and cacheable for
// good, whether the server runs as deployed (`broadsheet serve`, reading the bundles the build
// wrote into dist/browser/) or from the sources (bundling them at start): the same addresses,
// the same bytes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { createServices } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { articlePath } from '../src/features/articles/article.model.ts';
import { createArticle } from './helpers/factories.ts';
import { startInstance, type Instance } from './helpers/instance.ts';
import { rawGet } from './helpers/raw-get.ts';
import { createTestDatabase, startTestApp, type TestApp, type TestDatabase } from './helpers/test-app.ts';

/** The stylesheet and script addresses an article page links. */
async function linkedAssets(url: string): Promise<string[]> {
  const html = await (await fetch(url)).text();
  const paths = [...html.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  assert.ok(paths.some((p) => p.endsWith('.css')) && paths.some((p) => p.endsWith('.js')), paths.join(' '));
  return paths;
}

describe('the assets a page links', () => {
  let database: TestDatabase;
  let instance: Instance;
  let app: TestApp;
  let slug: string;

  before(async () => {
    database = await createTestDatabase('sqlite');
    const setup = await createServices(loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent' }));
    slug = (await createArticle(setup, { title: 'Lighthouse keepers return' })).slug;
    await setup.close();
    instance = await startInstance({ DATABASE_URL: database.url, MEDIA_DIR: `${database.dir}/media` });
    app = await startTestApp();
    await createArticle(app.services, { title: 'Lighthouse keepers return' });
  });
  after(async () => {
    await instance?.stop();
    await app?.close();
    await database?.drop();
  });

  it('are served by the deployed server as brotli, gzip or plain, the same bytes, cached for a year', async () => {
    for (const path of await linkedAssets(instance.url + articlePath(slug))) {
      const plain = await fetch(instance.url + path, { headers: { 'accept-encoding': 'identity' } });
      assert.equal(plain.status, 200, path);
      assert.equal(plain.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      const bytes = Buffer.from(await plain.arrayBuffer());
      assert.ok(bytes.length > 0, path);
      for (const [encoding, decode] of [
        ['br', brotliDecompressSync],
        ['gzip', gunzipSync],
      ] as const) {
        const raw = await rawGet(instance.url + path, encoding);
        assert.equal(raw.encoding, encoding, path);
        assert.deepEqual(decode(raw.bytes), bytes, `${path} as ${encoding}`);
      }
    }
  });

  it('have the same addresses when the server runs from the sources', async () => {
    const deployed = await linkedAssets(instance.url + articlePath(slug));
    assert.deepEqual(await linkedAssets(app.url + articlePath(slug)), deployed);
  });
});
