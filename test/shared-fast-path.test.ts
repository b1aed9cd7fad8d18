// A shared article page asked for again is answered before the framework
// (features/edge/shared-fast-path.ts): readers must not be able to tell. Same bytes and headers
// as the framework's answer, 304 and HEAD as before, a change seen at once, and nothing shared
// with a reader who has something of their own on the page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { commentInput, createArticle } from './helpers/factories.ts';
import { Client, startTestApp, textOf, type TestApp } from './helpers/test-app.ts';

/** Every header but the date, as a sorted list. */
function headersOf(response: Response): [string, string][] {
  return [...response.headers.entries()]
    .filter(([name]) => name !== 'date' && name !== 'keep-alive' && name !== 'connection')
    .sort();
}

describe('the shared page answered again before the framework', () => {
  let app: TestApp;
  let path: string;

  before(async () => {
    app = await startTestApp();
    path = `/articles/${(await createArticle(app.services)).slug}`;
  });
  after(() => app.close());

  it('gives the same bytes and headers as the first answer, in every encoding', async () => {
    for (const encoding of ['br', 'gzip', 'identity']) {
      const first = await fetch(app.url + path, { headers: { 'accept-encoding': encoding } });
      const firstBytes = Buffer.from(await first.arrayBuffer());
      // Each Accept-Encoding gets its own encoding, though the address's answers are remembered.
      assert.equal(first.headers.get('content-encoding'), encoding === 'identity' ? null : encoding);
      for (let i = 0; i < 3; i++) {
        const again = await fetch(app.url + path, { headers: { 'accept-encoding': encoding } });
        assert.equal(again.status, 200);
        assert.deepEqual(headersOf(again), headersOf(first), encoding);
        assert.deepEqual(Buffer.from(await again.arrayBuffer()), firstBytes, encoding);
      }
    }
  });

  it('answers 304 to the current ETag and HEAD with the headers alone', async () => {
    const first = await fetch(app.url + path);
    await first.arrayBuffer();
    const etag = first.headers.get('etag')!;
    const cached = await fetch(app.url + path, { headers: { 'if-none-match': `W/${etag}` } });
    assert.equal(cached.status, 304);
    assert.equal(cached.headers.get('etag'), etag);
    const head = await fetch(app.url + path, { method: 'HEAD', headers: { 'accept-encoding': 'br' } });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-encoding'), 'br');
    assert.ok(Number(head.headers.get('content-length')) > 0);
    assert.equal((await head.arrayBuffer()).byteLength, 0);
  });

  it('shows a rating on the next read, and keeps the rater’s own page theirs', async () => {
    const before = await (await fetch(app.url + path)).text();
    assert.doesNotMatch(textOf(before), /1 rating\b/);
    const rater = new Client(app.url);
    const rated = await rater.request(`${path}/rating`, { method: 'POST', form: { value: '60' } });
    assert.equal(rated.status, 303);
    const own = await rater.request(path);
    assert.equal(own.headers.get('cache-control'), 'private, no-cache');
    assert.match(textOf(await own.text()), /Your rating: 3 stars/);
    for (let i = 0; i < 2; i++) {
      const shared = await fetch(app.url + path, { headers: { 'accept-encoding': 'br' } });
      assert.equal(shared.headers.get('content-encoding'), 'br');
      const text = textOf(await shared.text());
      assert.match(text, /60 % User Score 1 rating\b/);
      assert.doesNotMatch(text, /Your rating/);
    }
  });

  it('sends a page changed by a rating with the headers it had, under its new ETag', async () => {
    const first = await fetch(app.url + path, { headers: { 'accept-encoding': 'br' } });
    await first.arrayBuffer();
    await (await fetch(app.url + path)).arrayBuffer();
    const count = Number(/(\d+) ratings?\b/.exec(textOf(await (await fetch(app.url + path)).text()))?.[1] ?? 0);
    await new Client(app.url).request(`${path}/rating`, { method: 'POST', form: { value: '40' } });
    const changed = await fetch(app.url + path, { headers: { 'accept-encoding': 'br' } });
    assert.equal(changed.status, 200);
    assert.match(textOf(await changed.text()), new RegExp(`${count + 1} ratings\\b`));
    const etag = changed.headers.get('etag')!;
    assert.notEqual(etag, first.headers.get('etag'));
    const besides = (response: Response) =>
      headersOf(response).filter(([name]) => !/^(etag|content-length)$/.test(name));
    assert.deepEqual(besides(changed), besides(first));
    const stale = await fetch(app.url + path, { headers: { 'if-none-match': first.headers.get('etag')! } });
    assert.equal(stale.status, 200);
    await stale.arrayBuffer();
    const current = await fetch(app.url + path, { headers: { 'if-none-match': etag } });
    assert.equal(current.status, 304);
  });

  it('sends a page changed moments ago as gzip to a browser that takes both, then brotli once it stands', async () => {
    const browser = { 'accept-encoding': 'gzip, deflate, br' };
    await new Client(app.url).request(`${path}/rating`, { method: 'POST', form: { value: '100' } });
    const fresh = await fetch(app.url + path, { headers: browser });
    assert.equal(fresh.headers.get('content-encoding'), 'gzip');
    const text = await fresh.text();
    assert.match(text, /<\/html>\s*$/);
    const again = await fetch(app.url + path, { headers: browser });
    assert.equal(again.headers.get('etag'), fresh.headers.get('etag'));
    assert.equal(await again.text(), text);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const settled = await fetch(app.url + path, { headers: browser });
    assert.equal(settled.headers.get('content-encoding'), 'br');
    assert.equal(settled.headers.get('etag'), fresh.headers.get('etag'));
    assert.equal(await settled.text(), text);
  });

  it('lets the framework answer when the changed page is no longer there', async () => {
    const gone = await createArticle(app.services);
    const goneUrl = `${app.url}/articles/${gone.slug}`;
    for (let i = 0; i < 2; i++) assert.equal((await fetch(goneUrl)).status, 200);
    await app.services.db
      .updateTable('articles')
      .set({ status: 'draft', published_at: null })
      .where('id', '=', gone.id)
      .execute();
    app.services.events.emit('article.changed', { articleId: gone.id });
    const response = await fetch(goneUrl);
    assert.equal(response.status, 404);
    assert.doesNotMatch(response.headers.get('cache-control') ?? '', /public/);
  });

  it('answers a reader whose rating is all they have here with the copy kept for that rating, until it changes', async () => {
    const rater = new Client(app.url);
    assert.equal((await rater.request(`${path}/rating`, { method: 'POST', form: { value: '80' } })).status, 303);
    assert.match(rater.cookieHeader(path), /bs_acted=r80/);
    const first = await rater.request(path, { headers: { 'accept-encoding': 'br' } });
    const firstBytes = Buffer.from(await first.arrayBuffer());
    for (let i = 0; i < 3; i++) {
      const again = await rater.request(path, { headers: { 'accept-encoding': 'br' } });
      assert.deepEqual(headersOf(again), headersOf(first));
      assert.deepEqual(Buffer.from(await again.arrayBuffer()), firstBytes);
    }
    assert.equal(first.headers.get('cache-control'), 'private, no-cache');
    assert.equal(first.headers.get('set-cookie'), null);
    assert.match(textOf(await (await rater.request(path)).text()), /Your rating: 4 stars/);
    assert.doesNotMatch(textOf(await (await fetch(app.url + path)).text()), /Your rating/);
    // Another reader's rating changes the count on the rater's copy at once.
    const count = async () => Number(/(\d+) ratings?\b/.exec(textOf(await (await rater.request(path)).text()))?.[1]);
    const before = await count();
    await new Client(app.url).request(`${path}/rating`, { method: 'POST', form: { value: '20' } });
    assert.equal(await count(), before + 1);
    // Rating again moves the marker, and the page with it.
    await rater.request(`${path}/rating`, { method: 'POST', form: { value: '40' } });
    assert.match(rater.cookieHeader(path), /bs_acted=r40/);
    assert.match(textOf(await (await rater.request(path)).text()), /Your rating: 2 stars/);
  });

  it('keeps a reader who rated and commented on the page rendered for them', async () => {
    const reader = new Client(app.url);
    await reader.request(`${path}/rating`, { method: 'POST', form: { value: '100' } });
    const page = await (await reader.request(path)).text();
    const token = /name="formToken" value="([^"]+)"/.exec(page)?.[1];
    const posted = await reader.request(`${path}/comments`, {
      method: 'POST',
      form: {
        authorName: 'Held Reader',
        authorEmail: 'held@example.org',
        body: 'A first comment, which waits for a moderator before it is shown.',
        ...(token && { formToken: token }),
      },
    });
    assert.equal(posted.status, 303);
    assert.match(reader.cookieHeader(path), /bs_acted=1/);
    // Rating again does not make the marker say "rating only" again.
    await reader.request(`${path}/rating`, { method: 'POST', form: { value: '60' } });
    assert.match(reader.cookieHeader(path), /bs_acted=1/);
    assert.match(textOf(await (await reader.request(path)).text()), /Your rating: 3 stars/);
  });

  it('a rating through the API keeps the page of a reader who commented there through the API', async () => {
    // The marker is not sent to the API's addresses, so the rating cannot see the comment's mark.
    const article = await createArticle(app.services, { title: 'Held then rated' });
    const page = `/articles/${article.slug}`;
    const reader = new Client(app.url);
    await reader.page(page);
    const comment = await reader.request(`/api/v1/articles/${article.id}/comments`, {
      method: 'POST',
      json: commentInput({ body: 'A first comment through the API, held for a moderator.' }),
    });
    assert.equal(comment.status, 201);
    const rating = await reader.request(`/api/v1/articles/${article.id}/ratings`, {
      method: 'POST',
      json: { value: 80 },
    });
    assert.equal(rating.status, 200);
    assert.match(reader.cookieHeader(page), /bs_acted=1/);
    assert.match((await reader.page(page)).html, /A first comment through the API, held for a moderator\./);
  });

  it('never answers a staff member or another method from it', async () => {
    await (await fetch(app.url + path)).arrayBuffer();
    const staff = await fetch(app.url + path, { headers: { cookie: 'bs_staff=not-a-session' } });
    assert.equal(staff.status, 200);
    await staff.arrayBuffer();
    const post = await fetch(app.url + path, { method: 'POST' });
    assert.equal(post.status, 404);
    await post.arrayBuffer();
  });
});
