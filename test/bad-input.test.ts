// Bad bytes and numbers: control characters, invisible and reordering names, non-finite numbers,
// line breaks in a redirect, addresses that do not decode, and author URLs that are not URLs.
// Every answer is ours ({ error, message } or our error page) with our security headers.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Client, startTestApp, type TestApp } from './helpers/test-app.ts';
import { commentInput, createArticle } from './helpers/factories.ts';
import { expectJsonError, lastCommentId, postJson } from './helpers/broadsheet.ts';
import { createStaff, STAFF_PASSWORD } from './helpers/staff.ts';

type Article = Awaited<ReturnType<typeof createArticle>>;

function assertOurHeaders(response: Response, what: string) {
  assert.match(
    response.headers.get('content-security-policy') ?? '',
    /default-src 'self'/,
    `${what}: our security headers`,
  );
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff', what);
}

describe('bad bytes and numbers', () => {
  let app: TestApp;
  let article: Article;

  before(async () => {
    app = await startTestApp({ settings: { commentPolicy: 'publish' } });
    article = await createArticle(app.services, { tags: ['Weather'] });
  });
  after(() => app.close());

  async function storedComment(id: number) {
    return app.services.db.selectFrom('comments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }

  it('control characters are removed from every comment field; the body keeps its line breaks and tabs', async () => {
    const response = await postJson(new Client(app.url), `/api/v1/articles/${article.id}/comments`, {
      authorName: 'Nul\u0000 Reader\u001b[31m',
      authorEmail: 'nul\u0000@example.org',
      authorUrl: 'https://example.org/\u0000page',
      body: 'Line one\u0000\u0007\n\tindented \u001b[2Jline two\u007f',
    });
    const text = await response.text();
    assert.equal(response.status, 201, text);
    const row = await storedComment((JSON.parse(text) as { id: number }).id);
    assert.equal(row.author_name, 'Nul Reader[31m');
    assert.equal(row.author_email, 'nul@example.org');
    assert.equal(row.author_url, 'https://example.org/page');
    assert.equal(row.body_markdown, 'Line one\n\tindented [2Jline two');
  });

  it('the comment form strips them the same way', async () => {
    const client = new Client(app.url);
    const { csrf, html } = await client.page(`/articles/${article.slug}`);
    const formToken = /name="formToken" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const response = await client.request(`/articles/${article.slug}/comments`, {
      method: 'POST',
      form: {
        _csrf: csrf,
        formToken,
        authorName: 'Form\u0000 Reader',
        authorEmail: 'form@example.org',
        body: 'Posted\u0000 by form',
      },
    });
    assert.equal(response.status, 303);
    const row = await storedComment(await lastCommentId(app.services));
    assert.deepEqual([row.author_name, row.body_markdown], ['Form Reader', 'Posted by form']);
  });

  it('a name of invisible characters, or one with a text-direction override, is refused', async () => {
    for (const authorName of ['\u200b\u200d\u2060', '\u3164', ' \ufeff ', 'Ann \u202eelpmaxe', 'Bob\u2067x']) {
      const body = await expectJsonError(
        await postJson(new Client(app.url), `/api/v1/articles/${article.id}/comments`, commentInput({ authorName })),
        400,
        'validation_failed',
      );
      assert.ok(body.fields?.authorName, JSON.stringify(authorName));
    }
  });

  it('a NUL byte in an address is no page, on every engine', async () => {
    for (const path of [
      '/articles/%00',
      '/tags/%00',
      '/sections/%00',
      '/authors/%00',
      '/api/v1/articles/%00',
      `/api/v1/articles/%00/comments`,
      '/articles/a%00b',
    ]) {
      const response = await fetch(app.url + path);
      await response.arrayBuffer();
      assert.equal(response.status, 404, path);
      assertOurHeaders(response, path);
    }
    const search = await fetch(`${app.url}/search?q=weather%00`);
    assert.equal(search.status, 200);
  });

  it('limit and offset of Infinity, -Infinity, 1e400 or NaN are refused with 400', async () => {
    for (const query of [
      'limit=Infinity',
      'limit=-Infinity',
      'limit=1e400',
      'limit=NaN',
      'offset=Infinity',
      'offset=-Infinity',
      'offset=1e400',
      'offset=NaN',
    ]) {
      const response = await fetch(`${app.url}/api/v1/articles?${query}`);
      await expectJsonError(response, 400, 'validation_failed');
    }
    assert.equal((await fetch(`${app.url}/api/v1/articles?limit=5&offset=0`)).status, 200);
  });

  it('a line break in the login form’s next field is not a broken redirect', async () => {
    const user = await createStaff(app, 'editor');
    for (const next of ['/admin/\r\nSet-Cookie: evil=1', '/admin?x=\r\n', '/admin/articles\n']) {
      const client = new Client(app.url);
      const { csrf } = await client.page('/admin/login');
      const response = await client.request('/admin/login', {
        method: 'POST',
        form: { _csrf: csrf, email: user.email, password: STAFF_PASSWORD, next },
      });
      assert.equal(response.status, 303, JSON.stringify(next));
      assert.equal(response.headers.get('location'), '/admin');
      assert.ok(!response.headers.getSetCookie().some((c) => c.startsWith('evil=')));
    }
    const page = await new Client(app.url).request('/admin/login?next=%2Fadmin%2F%0D%0ASet-Cookie:%20evil=1');
    assert.equal(page.status, 200);
  });

  it('addresses that do not decode, or are longer than any slug, answer in our shape with our headers', async () => {
    const long = 'a'.repeat(900);
    for (const [path, status] of [
      ['/api/v1/articles/%ff%fe', 400],
      [`/api/v1/articles/${long}`, 404],
      [`/api/v1/articles/${long}/comments`, 404],
    ] as const) {
      const response = await fetch(app.url + path);
      assertOurHeaders(response, path);
      await expectJsonError(response, status);
    }
    for (const [path, status] of [
      ['/articles/%ff%fe', 400],
      [`/articles/${long}`, 404],
      [`/tags/${long}`, 404],
    ] as const) {
      const response = await fetch(app.url + path);
      assert.equal(response.status, status, path);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/, path);
      assertOurHeaders(response, path);
      assert.match(await response.text(), /<!doctype html>/i);
    }
  });

  it('a request Node cannot parse gets our JSON error with our headers', async () => {
    const { port } = new URL(app.url);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () =>
        socket.write('GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n'),
      );
      let data = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => (data += chunk));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    assert.match(raw, /^HTTP\/1\.1 400 /);
    assert.match(raw, /content-security-policy: default-src 'self'/i);
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as { error: string; message: string };
    assert.equal(body.error, 'bad_request');
    assert.ok(body.message.length > 0);
  });

  it('author URLs are kept only when well-formed http(s), and normalised', async () => {
    const post = (authorUrl: string) =>
      postJson(new Client(app.url), `/api/v1/articles/${article.id}/comments`, commentInput({ authorUrl }));
    for (const bad of [
      'https:////evil.com',
      'https:/evil.com',
      'https://evil.com/"><script>alert(1)</script>',
      'https://evil.com/<b>x</b>',
      'javascript:alert(1)',
      'https://user:pw@evil.com',
      'https://evil.com\\@good.org',
      'ftp://example.org',
      'https://exa mple.org',
    ]) {
      const body = await expectJsonError(await post(bad), 400, 'validation_failed');
      assert.ok(body.fields?.authorUrl, bad);
    }
    for (const [typed, stored] of [
      ['HTTPS://Example.ORG', 'https://example.org/'],
      ['example.org/path?q=1', 'https://example.org/path?q=1'],
      ['http://example.org:80/a/../b', 'http://example.org/b'],
    ] as const) {
      const response = await post(typed);
      const text = await response.text();
      assert.equal(response.status, 201, text);
      assert.equal((await storedComment((JSON.parse(text) as { id: number }).id)).author_url, stored, typed);
    }
  });
});
