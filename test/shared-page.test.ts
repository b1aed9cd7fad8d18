// The anonymous article page is one shared document: the same bytes for a first-time reader and
// for a returning one who has not acted on this article, no cookie set by a page view, public
// caching headers with an ETag, compressed once; a reader who rated or commented here gets the
// page rendered for them. Feeds and JSON are compressed too.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { createArticle } from './helpers/factories.ts';
import { rawGet } from './helpers/raw-get.ts';
import { Client, startTestApp, textOf, type TestApp } from './helpers/test-app.ts';

type Article = Awaited<ReturnType<typeof createArticle>>;

/** A GET with raw headers (no cookie jar), body as bytes. */
async function get(url: string, headers: Record<string, string> = {}): Promise<{ response: Response; bytes: Buffer }> {
  const response = await fetch(url, { headers });
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

describe('the shared article page', () => {
  let app: TestApp;
  let article: Article;
  let other: Article;
  const page = (a: Article = article) => `/articles/${a.slug}`;

  before(async () => {
    app = await startTestApp({ settings: { commentPolicy: 'hold-all' } });
    article = await createArticle(app.services);
    other = await createArticle(app.services);
  });
  after(() => app.close());

  it(
    'is byte-identical for a first-time reader and a returning one who has not acted here, and ' + 'sets no cookie',
    async () => {
      const returning = new Client(app.url);
      const rated = await returning.request(`${page(other)}/rating`, { method: 'POST', form: { value: '80' } });
      assert.equal(rated.status, 303);
      assert.match(
        returning.cookieHeader(page()),
        /^bs_reader=[^;]+$/,
        'the returning reader sends their id, and no marker for this article',
      );

      const first = await new Client(app.url).request(page());
      const again = await returning.request(page());
      assert.equal(first.status, 200);
      assert.deepEqual(Buffer.from(await again.arrayBuffer()), Buffer.from(await first.arrayBuffer()));
      for (const response of [first, again]) {
        assert.deepEqual(response.headers.getSetCookie(), []);
        assert.match(
          response.headers.get('cache-control') ?? '',
          /^public, max-age=0, s-maxage=\d+, stale-while-revalidate=\d+$/,
        );
        assert.equal(response.headers.get('vary'), 'Accept-Encoding');
        assert.match(response.headers.get('etag') ?? '', /^"[A-Za-z0-9_-]+"$/);
        assert.deepEqual(response.headers.get('xkey')?.split(' ').sort(), [`a${article.id}`, 'pages', 'site'].sort());
      }
    },
  );

  it('answers 304 to the current ETag, and a new ETag once a rating changes the page', async () => {
    const { response } = await get(app.url + page());
    const etag = response.headers.get('etag')!;
    const cached = await fetch(app.url + page(), { headers: { 'if-none-match': etag } });
    assert.equal(cached.status, 304);
    assert.equal((await cached.arrayBuffer()).byteLength, 0);

    await new Client(app.url).request(`${page()}/rating`, { method: 'POST', form: { value: '20' } });
    const changed = await fetch(app.url + page(), { headers: { 'if-none-match': etag } });
    assert.equal(changed.status, 200);
    assert.notEqual(changed.headers.get('etag'), etag);
    await changed.arrayBuffer();
  });

  it('is sent as brotli or gzip when accepted, the same bytes each time, decoding to the plain page', async () => {
    // A page nobody has just rated or commented on (one changed moments ago goes as gzip first:
    // shared-fast-path.test.ts).
    const settled = page(await createArticle(app.services));
    const plain = await get(app.url + settled, { 'accept-encoding': 'identity' });
    assert.equal(plain.response.headers.get('content-encoding'), null);
    const br1 = await rawGet(app.url + settled, 'br, gzip');
    const br2 = await rawGet(app.url + settled, 'gzip, deflate, br');
    const gzip = await rawGet(app.url + settled, 'gzip');
    assert.equal(br1.encoding, 'br');
    assert.equal(gzip.encoding, 'gzip');
    assert.deepEqual(br1.bytes, br2.bytes, 'compressed once, not per request');
    assert.deepEqual(brotliDecompressSync(br1.bytes), plain.bytes);
    assert.deepEqual(gunzipSync(gzip.bytes), plain.bytes);
    assert.ok(br1.bytes.length < plain.bytes.length / 3, `${br1.bytes.length} of ${plain.bytes.length} bytes`);
    assert.equal(br1.etag, plain.response.headers.get('etag'), 'one ETag for one document');
  });

  it('a reader who rated here gets their own page (private); their other articles stay shared', async () => {
    const reader = new Client(app.url);
    await reader.request(`${page()}/rating`, { method: 'POST', form: { value: '60' } });
    const own = await reader.request(page());
    assert.match(own.headers.get('cache-control') ?? '', /^private/);
    assert.match(textOf(await own.text()), /Your rating: 3 stars\. /);
    const elsewhere = await reader.request(page(other));
    assert.match(elsewhere.headers.get('cache-control') ?? '', /^public/);
    assert.doesNotMatch(textOf(await elsewhere.text()), /Your rating/);
  });

  it("a reader's own page follows other readers' ratings and their own change of mind", async () => {
    const fresh = await createArticle(app.services);
    const reader = new Client(app.url);
    await reader.request(`${page(fresh)}/rating`, { method: 'POST', form: { value: '60' } });
    assert.match(textOf(await (await reader.request(page(fresh))).text()), /1 rating\b/);
    await new Client(app.url).request(`${page(fresh)}/rating`, { method: 'POST', form: { value: '60' } });
    const after = textOf(await (await reader.request(page(fresh))).text());
    assert.match(after, /2 ratings/);
    assert.match(after, /Your rating: 3 stars\. /);
    await reader.request(`${page(fresh)}/rating`, { method: 'POST', form: { value: '100' } });
    assert.match(textOf(await (await reader.request(page(fresh))).text()), /Your rating: 5 stars\. /);
  });

  it('a reader who commented sees their held comment; the shared page never shows it', async () => {
    const reader = new Client(app.url);
    const { html } = await reader.page(page());
    const token = /name="formToken" value="([^"]+)"/.exec(html)![1]!;
    const posted = await reader.request(`${page()}/comments`, {
      method: 'POST',
      form: {
        formToken: token,
        authorName: 'Held Reader',
        authorEmail: 'held@example.org',
        authorUrl: '',
        body: 'Waiting for a moderator',
        parentId: '',
      },
    });
    assert.equal(posted.status, 303);
    assert.match(textOf((await reader.page(page())).html), /Waiting for a moderator/);
    assert.doesNotMatch(textOf((await new Client(app.url).page(page())).html), /Waiting for a moderator/);
  });

  it(
    'who gets the shared page is decided by the marker cookie alone: without it, a stored rating is not looked ' + 'up',
    async () => {
      const reader = new Client(app.url);
      await reader.request(`${page()}/rating`, { method: 'POST', form: { value: '40' } });
      const readerOnly = reader
        .cookieHeader(page())
        .split('; ')
        .filter((c) => c.startsWith('bs_reader='))
        .join('; ');
      const { response, bytes } = await get(app.url + page(), { cookie: readerOnly });
      assert.match(response.headers.get('cache-control') ?? '', /^public/);
      assert.deepEqual(bytes, (await get(app.url + page())).bytes);
    },
  );
});

describe('the front page, archives and feeds are shared too', () => {
  let app: TestApp;
  let article: Article;
  before(async () => {
    app = await startTestApp();
    article = await createArticle(app.services, { section: 'World', tags: ['Rivers'], authorName: 'Ann Writer' });
  });
  after(() => app.close());

  const lists = () =>
    [
      ['/', ['lists', 'site']],
      ['/?page=1', ['lists', 'site']],
      ['/sections/world', ['lists', 'site']],
      ['/tags/rivers', ['lists', 'site']],
      ['/authors/ann-writer', ['lists', 'site']],
      ['/feed.xml', ['lists', 'site']],
      ['/sections/world/atom.xml', ['lists', 'site']],
      [`/articles/${article.slug}/comments/feed.json`, [`a${article.id}`, 'site']],
    ] as const;

  it('every reader gets the same bytes, no cookie, public caching headers and the keys of what they show', async () => {
    const returning = new Client(app.url);
    await returning.request(`/articles/${article.slug}/rating`, { method: 'POST', form: { value: '80' } });
    assert.match(returning.cookieHeader('/'), /bs_reader=/);
    for (const [path, keys] of lists()) {
      const first = await get(app.url + path);
      const again = await returning.request(path);
      assert.equal(first.response.status, 200, path);
      assert.deepEqual(Buffer.from(await again.arrayBuffer()), first.bytes, `${path}: the same bytes`);
      for (const response of [first.response, again]) {
        assert.deepEqual(response.headers.getSetCookie(), [], path);
        assert.match(
          response.headers.get('cache-control') ?? '',
          /^public, max-age=\d+, s-maxage=\d+, stale-while-revalidate=\d+$/,
          path,
        );
        assert.equal(response.headers.get('vary'), 'Accept-Encoding', path);
        assert.deepEqual(response.headers.get('xkey')?.split(' ').sort(), [...keys].sort(), path);
      }
      const etag = first.response.headers.get('etag')!;
      assert.match(etag, /^"[A-Za-z0-9_-]+"$/, path);
      const current = await fetch(app.url + path, { headers: { 'if-none-match': etag } });
      assert.equal(current.status, 304, path);
      await current.arrayBuffer();
    }
  });

  it('a page past the last, or of no such section, is not marked for sharing', async () => {
    for (const path of ['/?page=99', '/sections/nowhere']) {
      const { response } = await get(app.url + path);
      assert.equal(response.status, 404, path);
      assert.doesNotMatch(response.headers.get('cache-control') ?? '', /public/, path);
      assert.equal(response.headers.get('xkey'), null, path);
    }
  });
});

describe('compression of what is made per request', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
    for (let i = 0; i < 10; i++) await createArticle(app.services);
  });
  after(() => app.close());

  for (const [path, type] of [
    ['/feed.xml', /xml/],
    ['/api/v1/articles', /json/],
    ['/', /html/],
  ] as const) {
    it(`${path} is compressed when the client accepts it`, async () => {
      const br = await rawGet(app.url + path, 'br');
      assert.equal(br.status, 200);
      assert.match(br.type, type);
      assert.equal(br.encoding, 'br');
      const gzip = await rawGet(app.url + path, 'gzip');
      assert.equal(gzip.encoding, 'gzip');
      assert.deepEqual(brotliDecompressSync(br.bytes).toString(), gunzipSync(gzip.bytes).toString());
    });
  }
});
