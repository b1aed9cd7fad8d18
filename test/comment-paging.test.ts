// Long threads: the article page shows a page of top-level threads (with their replies) and links
// to the others, the API pages with limit and next, and any published comment's address leads to
// the page holding it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { commentIdsOnPage, expectJsonError, submitCommentForm } from './helpers/broadsheet.ts';
import { commentInput, createArticle } from './helpers/factories.ts';
import { Client, startTestApp, textOf, type TestApp } from './helpers/test-app.ts';

type Article = Awaited<ReturnType<typeof createArticle>>;
interface ApiComment {
  id: number;
  parentId: number | null;
  replies: ApiComment[];
}

describe('comment paging', () => {
  let app: TestApp;
  let article: Article;
  /** Top-level comments, oldest first, and one reply under every tenth. */
  const roots: number[] = [];
  const replies = new Map<number, number>();
  const ctx = () => ({ articleId: article.id, readerId: null, ipHash: 'paging-test', userAgent: 'test' });

  before(async () => {
    app = await startTestApp({ settings: { commentPolicy: 'publish' } });
    article = await createArticle(app.services, { title: 'A long discussion' });
    for (let i = 1; i <= 120; i++) {
      const { id } = await app.services.comments.post(commentInput({ body: `Top-level comment ${i}.` }), ctx());
      roots.push(id);
      if (i % 10 === 0)
        replies.set(
          id,
          (await app.services.comments.post(commentInput({ body: `Reply to ${i}.`, parentId: id }), ctx())).id,
        );
    }
  });
  after(() => app.close());

  const path = () => `/articles/${article.slug}`;
  const shownRoots = (html: string) => commentIdsOnPage(html).filter((id) => roots.includes(id));

  it('shows the oldest 50 threads with their replies, the full count, and links to the next page', async () => {
    const { status, html } = await new Client(app.url).page(path());
    assert.equal(status, 200);
    assert.deepEqual(shownRoots(html), roots.slice(0, 50));
    assert.ok(commentIdsOnPage(html).includes(replies.get(roots[9]!)!), 'replies come with their thread');
    assert.match(textOf(html), /132 Comments/, 'the heading counts every comment');
    assert.match(textOf(html), /Page 1 of 3/);
    assert.match(html, /<a href="\?cpage=2#comments" rel="next" data-load-more="true">/);
  });

  it(
    '?cpage=2 and 3 hold the following threads; past the last page is a 404; a malformed page is ' + 'the first',
    async () => {
      const reader = new Client(app.url);
      const second = await reader.page(`${path()}?cpage=2`);
      assert.deepEqual(shownRoots(second.html), roots.slice(50, 100));
      assert.match(second.html, /<a href="\?#comments" rel="prev"|<a href="\?cpage=1#comments" rel="prev"|rel="prev"/);
      const third = await reader.page(`${path()}?cpage=3`);
      assert.deepEqual(shownRoots(third.html), roots.slice(100));
      assert.doesNotMatch(third.html, /data-load-more/, 'the last page has no next page');
      assert.equal((await reader.page(`${path()}?cpage=4`)).status, 404);
      assert.deepEqual(shownRoots((await reader.page(`${path()}?cpage=abc`)).html), roots.slice(0, 50));
    },
  );

  it('?order=newest starts with the newest threads and keeps the order in its page links', async () => {
    const { html } = await new Client(app.url).page(`${path()}?order=newest`);
    assert.deepEqual(shownRoots(html), roots.slice(-50).reverse());
    assert.match(html, /href="\?order=newest&amp;cpage=2#comments"/);
    const second = await new Client(app.url).page(`${path()}?order=newest&cpage=2`);
    assert.deepEqual(shownRoots(second.html), roots.slice(20, 70).reverse());
  });

  it('the order is a setting, and the page size too', async () => {
    await app.services.settings.update({ commentOrder: 'newest', commentsPerPage: 10 });
    try {
      const { html } = await new Client(app.url).page(path());
      assert.deepEqual(shownRoots(html), roots.slice(-10).reverse());
      assert.match(textOf(html), /Page 1 of 12/);
      assert.match(html, /href="\?cpage=2#comments"/, 'the default order is not repeated in links');
    } finally {
      await app.services.settings.update({ commentOrder: 'oldest', commentsPerPage: 50 });
    }
  });

  it("a comment's address redirects to the page holding it, at its fragment", async () => {
    const reader = new Client(app.url);
    const reply = replies.get(roots[109]!)!;
    for (const address of [`${path()}/comments/${reply}`, `${path()}?comment=${reply}`]) {
      const response = await reader.request(address);
      assert.equal(response.status, 302, address);
      assert.equal(response.headers.get('location'), `${path()}?cpage=3#comment-${reply}`);
    }
    const first = await reader.request(`${path()}/comments/${roots[0]}`);
    assert.equal(first.headers.get('location'), `${path()}#comment-${roots[0]}`);
    const landed = await reader.page(`${path()}?cpage=3`);
    assert.ok(commentIdsOnPage(landed.html).includes(reply));
  });

  it('an unknown, held or malformed comment address is a 404 page', async () => {
    const held = await app.services.comments.post(commentInput(), ctx());
    await app.services.comments.setStatus([held.id], 'pending');
    const reader = new Client(app.url);
    for (const id of ['999999', String(held.id), 'abc', '0']) {
      const response = await reader.request(`${path()}/comments/${id}`);
      assert.equal(response.status, 404, id);
      assert.match(response.headers.get('content-type') ?? '', /text\/html/);
    }
    const other = await createArticle(app.services);
    assert.equal(
      (await reader.request(`/articles/${other.slug}/comments/${roots[0]}`)).status,
      404,
      "another article's comment",
    );
  });

  it('each comment page is cached like the first and renewed when a comment is published', async () => {
    const reader = new Client(app.url);
    const before = textOf((await reader.page(`${path()}?cpage=3`)).html);
    const again = textOf((await reader.page(`${path()}?cpage=3`)).html);
    assert.equal(before, again);
    const { id } = await app.services.comments.post(
      commentInput({ body: 'A late reply.', parentId: roots[110] }),
      ctx(),
    );
    const after = await reader.page(`${path()}?cpage=3`);
    assert.ok(commentIdsOnPage(after.html).includes(id));
    await app.services.comments.setStatus([id], 'trash');
  });

  it("a reader's reply to a thread on a later page lands on that page, awaiting moderation", async () => {
    await app.services.settings.update({ commentPolicy: 'hold-all' });
    try {
      const reader = new Client(app.url);
      const response = await submitCommentForm(reader, `${path()}?cpage=2`, {
        parentId: String(roots[60]),
        authorName: 'Ada',
        authorEmail: 'ada@example.org',
        body: 'Late to this one.',
      });
      assert.equal(response.status, 303);
      const location = response.headers.get('location')!;
      assert.equal(location, `${path()}?cpage=2&posted=held#respond`, 'the page of the thread it answers, at the form');
      const page = await reader.page(location.replace(/#.*/, ''));
      const [mine] = await app.services.comments
        .listForModeration({ status: 'pending' })
        .then((rows) => rows.filter((row) => row.authorEmail === 'ada@example.org'));
      const id = mine!.id;
      assert.ok(commentIdsOnPage(page.html).includes(id));
      assert.match(page.html, /awaiting moderation/);
      const stranger = await new Client(app.url).page(location.replace(/#.*/, ''));
      assert.ok(!commentIdsOnPage(stranger.html).includes(id));
    } finally {
      await app.services.settings.update({ commentPolicy: 'publish' });
    }
  });

  it('the page stays the same size as comments grow: 2,000 comments weigh what 50 do, plus a little', async () => {
    const small = await createArticle(app.services, { title: 'Sized', bodyMarkdown: 'Body.' });
    const large = await createArticle(app.services, { title: 'Sized', bodyMarkdown: 'Body.' });
    const body = 'A comment of ordinary length, long enough to weigh something on the page.';
    for (let i = 0; i < 50; i++)
      await app.services.comments.post(commentInput({ authorName: 'Reader', body: `${body} ${1000 + i}` }), {
        ...ctx(),
        articleId: small.id,
      });
    const rows = [];
    const now = new Date().toISOString();
    for (let i = 0; i < 2000; i++) {
      rows.push({
        article_id: large.id,
        author_name: 'Reader',
        author_email: `r${i}@example.org`,
        body_markdown: `${body} ${1000 + i}`,
        body_html: `<p>${body} ${1000 + (i % 1000)}</p>`,
        status: 'approved' as const,
        ip_hash: 'x',
        created_at: now,
        updated_at: now,
      });
    }
    for (let i = 0; i < rows.length; i += 200)
      await app.services.db
        .insertInto('comments')
        .values(rows.slice(i, i + 200))
        .execute();
    app.services.events.emit('comment.published', { articleId: large.id, commentId: 0 });
    const size = async (slug: string) =>
      (await (await new Client(app.url).request(`/articles/${slug}`)).arrayBuffer()).byteLength;
    const [a, b] = [await size(small.slug), await size(large.slug)];
    assert.ok(b - a < 3_000, `50 comments: ${a} bytes; 2,000: ${b} bytes`);
  });
});

describe('comment paging in the API', () => {
  let app: TestApp;
  let article: Article;
  const roots: number[] = [];

  before(async () => {
    app = await startTestApp({ settings: { commentPolicy: 'publish' } });
    article = await createArticle(app.services);
    const ctx = { articleId: article.id, readerId: null, ipHash: 'api-paging', userAgent: 'test' };
    for (let i = 1; i <= 75; i++) {
      const { id } = await app.services.comments.post(commentInput(), ctx);
      roots.push(id);
      if (i % 25 === 0) await app.services.comments.post(commentInput({ parentId: id }), ctx);
    }
  });
  after(() => app.close());

  const get = async (query = '') => {
    const response = await fetch(`${app.url}/api/v1/articles/${article.id}/comments${query}`);
    assert.equal(response.status, 200);
    return (await response.json()) as { items: ApiComment[]; next: string | null };
  };

  it('returns 50 threads by default, with next, and following next reaches every thread once', async () => {
    const first = await get();
    assert.deepEqual(Object.keys(first).sort(), ['items', 'next']);
    assert.equal(first.items.length, 50);
    assert.equal(first.items[24]!.replies.length, 1, 'replies come inside their thread');
    assert.ok(first.next);
    assert.equal(new URL(first.next).pathname, `/api/v1/articles/${article.id}/comments`);
    const second = (await (
      await fetch(`${app.url}${new URL(first.next).pathname}${new URL(first.next).search}`)
    ).json()) as { items: ApiComment[]; next: string | null };
    assert.equal(second.next, null);
    assert.deepEqual(
      [...first.items, ...second.items].map((c) => c.id),
      roots,
    );
  });

  it('takes limit (at most 200) and order', async () => {
    const newest = await get('?limit=10&order=newest');
    assert.deepEqual(
      newest.items.map((c) => c.id),
      roots.slice(-10).reverse(),
    );
    assert.match(newest.next!, /order=newest/);
    assert.match(newest.next!, /limit=10/);
    assert.equal((await get('?limit=200')).items.length, 75);
    assert.equal((await get('?limit=200')).next, null);
    assert.deepEqual((await get('?page=9')).items, [], 'a page past the last is empty');
  });

  it('refuses a limit out of range or not a number with a 400', async () => {
    for (const query of ['?limit=0', '?limit=201', '?limit=abc', '?page=0']) {
      await expectJsonError(await fetch(`${app.url}/api/v1/articles/${article.id}/comments${query}`), 400);
    }
  });

  it('documents limit, page and next in the OpenAPI description', async () => {
    const doc = (await (await fetch(`${app.url}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, { get?: { parameters?: { name: string }[]; responses: Record<string, unknown> } }>;
    };
    const operation = doc.paths['/api/v1/articles/{id}/comments']!.get!;
    const names = (operation.parameters ?? []).map((p) => p.name);
    for (const name of ['limit', 'page', 'order']) assert.ok(names.includes(name), name);
    assert.match(JSON.stringify(operation.responses['200']), /"next"/);
  });
});
