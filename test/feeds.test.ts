// The site's, a section's and an article's comment feeds as a feed reader gets them: RSS and Atom
// parsed by a real feed parser, JSON Feed 1.1 checked field by field, what is (not) in them, the
// feed links in page heads, caching that follows publication and moderation, and escaping.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseFeed } from '@rowanmanning/feed-parser';
import { XMLValidator } from 'fast-xml-parser';
import type { Article } from '../src/features/articles/article.model.ts';
import { inputValue } from './helpers/broadsheet.ts';
import { commentInput, createArticle } from './helpers/factories.ts';
import { loginAs } from './helpers/staff.ts';
import { Client, startTestApp, type TestApp } from './helpers/test-app.ts';

const SITE = 'http://news.example.test';
const TRICKY_TITLE = 'Fish & chips <b>cheaper</b> than ever';
const IMAGE = `${SITE}/media/abcdefghijklmnop_1200x800-960.webp`;

let app: TestApp;
let main: Article;
let world: Article;
let editor: Awaited<ReturnType<typeof loginAs>>;
let draftSlug: string;
let scheduledSlug: string;

const get = (path: string, headers: Record<string, string> = {}) => fetch(app.url + path, { headers });
const text = async (path: string) => {
  const response = await get(path);
  assert.equal(response.status, 200, `${path} answers 200`);
  return response.text();
};
const rss = async (path: string) => parseFeed(await text(path));
const json = async (path: string) => JSON.parse(await text(path)) as JsonFeed;

interface JsonFeed {
  version: string;
  title: string;
  home_page_url?: string;
  feed_url?: string;
  language?: string;
  author?: unknown;
  items: {
    id: string;
    url: string;
    title: string;
    content_html: string;
    image?: string;
    summary?: string;
    date_published: string;
    date_modified: string;
    tags?: string[];
    authors?: { name: string }[];
    author?: unknown;
  }[];
}

/** Creates an article in the admin editor and returns its slug; `action` publishes or schedules it. */
async function editorArticle(fields: Record<string, string>): Promise<{ id: number; slug: string }> {
  const response = await editor.client.request('/admin/articles', {
    method: 'POST',
    form: { _csrf: editor.csrf, body: 'Editor text.', ...fields },
  });
  assert.equal(response.status, 303);
  const id = Number(/\/admin\/articles\/(\d+)\/edit/.exec(response.headers.get('location')!)![1]);
  const row = await app.services.db
    .selectFrom('articles')
    .select('slug')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return { id, slug: row.slug };
}

async function publish(id: number): Promise<void> {
  const page = await editor.client.page(`/admin/articles/${id}/edit`);
  const row = await app.services.db.selectFrom('articles').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const response = await editor.client.request(`/admin/articles/${id}`, {
    method: 'POST',
    form: {
      _csrf: editor.csrf,
      updatedAt: inputValue(page.html, 'updatedAt')!,
      title: row.title,
      body: row.body_markdown,
      slug: row.slug,
      section: row.section,
      action: 'publish',
    },
  });
  assert.equal(response.status, 303);
}

const postComment = (article: Article, overrides: Record<string, unknown>) =>
  app.services.comments.post(commentInput(overrides), {
    articleId: article.id,
    readerId: null,
    ipHash: 'test',
    userAgent: 'test',
  });

before(async () => {
  // Every comment is held, so the test decides which are approved.
  app = await startTestApp({ env: { PUBLIC_URL: SITE }, settings: { commentPolicy: 'hold-all' } });
  editor = await loginAs(app, 'editor');
  main = await createArticle(app.services, {
    title: TRICKY_TITLE,
    standfirst: 'Cod & <chips> for less.',
    bodyMarkdown:
      'The first paragraph.\n\n![A plate of chips](/media/plate_800x600.webp)\n\n' +
      'Read [the earlier report](/articles/earlier).\n\nThe last paragraph.',
    authorName: 'Ann Writer',
    section: 'Food & Drink',
    tags: ['Prices', 'Fish'],
    publishedAt: '2026-01-02T10:00:00.000Z',
  });
  // A featured image, as the editor stores it after an upload (1200 px wide: variants 480, 960, 1200).
  await app.services.db
    .updateTable('articles')
    .set({ featured_image: 'abcdefghijklmnop_1200x800' })
    .where('id', '=', main.id)
    .execute();
  world = await createArticle(app.services, {
    title: 'Summit ends',
    section: 'World',
    publishedAt: '2026-01-01T08:00:00.000Z',
  });
  draftSlug = (await editorArticle({ title: 'Secret draft', section: 'World', action: 'save' })).slug;
  scheduledSlug = (
    await editorArticle({
      title: 'Embargoed story',
      section: 'World',
      action: 'schedule',
      publishAt: '2099-01-01T09:00',
    })
  ).slug;
});
after(() => app.close());

describe('the site feed', () => {
  it('is RSS 2.0 with the latest published articles, in full, with absolute links', async () => {
    const response = await get('/feed.xml');
    assert.equal(response.headers.get('content-type'), 'application/rss+xml; charset=utf-8');
    const xml = await response.text();
    assert.equal(XMLValidator.validate(xml), true, 'well-formed XML');
    const feed = parseFeed(xml);
    assert.equal(feed.meta.type, 'rss');
    assert.equal(feed.title, 'Broadsheet');
    assert.equal(feed.url, `${SITE}/`);
    assert.equal(feed.self, `${SITE}/feed.xml`);
    assert.deepEqual(
      feed.items.map((i) => i.title),
      [TRICKY_TITLE, 'Summit ends'],
      'newest first; no draft, nothing scheduled',
    );

    const item = feed.items[0]!;
    assert.equal(item.url, `${SITE}/articles/${main.slug}`);
    assert.equal(item.id, `${SITE}/articles/${main.slug}`);
    assert.equal(item.published?.toISOString(), '2026-01-02T10:00:00.000Z');
    assert.equal(item.description, 'Cod & <chips> for less.');
    assert.match(item.content!, /<p>The first paragraph\.<\/p>[\s\S]*<p>The last paragraph\.<\/p>/);
    assert.match(item.content!, new RegExp(`<img src="${SITE}/media/plate_800x600\\.webp"`));
    assert.match(item.content!, new RegExp(`<a href="${SITE}/articles/earlier"`));
    assert.deepEqual(
      item.authors.map((a) => a.name),
      ['Ann Writer'],
    );
    assert.deepEqual(item.categories.map((c) => c.term).sort(), ['Fish', 'Food & Drink', 'Prices']);
    assert.deepEqual(
      item.media.map((m) => [m.url, m.mimeType]),
      [[IMAGE, 'image/webp']],
      'the featured image',
    );
    const newest = [main.updatedAt, world.updatedAt].sort().at(-1)!;
    assert.equal(
      feed.updated?.toISOString().slice(0, 19),
      newest.slice(0, 19),
      'last built when the newest item changed',
    );
  });

  it('is Atom with ids, both dates, summary, content, author and categories', async () => {
    const response = await get('/atom.xml');
    assert.equal(response.headers.get('content-type'), 'application/atom+xml; charset=utf-8');
    const xml = await response.text();
    assert.equal(XMLValidator.validate(xml), true);
    const feed = parseFeed(xml);
    assert.equal(feed.meta.type, 'atom');
    assert.equal(feed.self, `${SITE}/atom.xml`);
    assert.equal(
      feed.updated?.toISOString(),
      [main.updatedAt, world.updatedAt].sort().at(-1),
      "the newest item's update",
    );
    assert.deepEqual(
      feed.items.map((i) => i.title),
      [TRICKY_TITLE, 'Summit ends'],
    );
    const item = feed.items[0]!;
    assert.equal(item.id, `${SITE}/articles/${main.slug}`);
    assert.equal(item.url, `${SITE}/articles/${main.slug}`);
    assert.equal(item.published?.toISOString(), main.publishedAt);
    assert.equal(item.updated?.toISOString(), main.updatedAt);
    assert.equal(item.description, 'Cod & <chips> for less.');
    assert.match(item.content!, new RegExp(`<img src="${SITE}/media/plate_800x600\\.webp"`));
    assert.deepEqual(
      item.authors.map((a) => a.name),
      ['Ann Writer'],
    );
    assert.deepEqual(item.categories.map((c) => c.term).sort(), ['Fish', 'Food & Drink', 'Prices']);
  });

  it('is JSON Feed 1.1', async () => {
    const response = await get('/feed.json');
    assert.equal(response.headers.get('content-type'), 'application/feed+json; charset=utf-8');
    const feed = (await response.json()) as JsonFeed;
    assert.equal(feed.version, 'https://jsonfeed.org/version/1.1');
    assert.equal(feed.title, 'Broadsheet');
    assert.equal(feed.home_page_url, `${SITE}/`);
    assert.equal(feed.feed_url, `${SITE}/feed.json`);
    assert.equal(feed.language, 'en');
    assert.equal(feed.author, undefined, 'the 1.0 field is gone');
    assert.deepEqual(
      feed.items.map((i) => i.title),
      [TRICKY_TITLE, 'Summit ends'],
    );
    const item = feed.items[0]!;
    assert.equal(item.id, `${SITE}/articles/${main.slug}`);
    assert.equal(item.url, `${SITE}/articles/${main.slug}`);
    assert.equal(item.summary, 'Cod & <chips> for less.');
    assert.match(item.content_html, new RegExp(`<img src="${SITE}/media/plate_800x600\\.webp"`));
    assert.equal(item.date_published, main.publishedAt);
    assert.equal(item.date_modified, main.updatedAt);
    assert.deepEqual(item.authors, [{ name: 'Ann Writer' }]);
    assert.equal(item.author, undefined);
    assert.deepEqual([...item.tags!].sort(), ['Fish', 'Food & Drink', 'Prices']);
    assert.equal(item.image, IMAGE);
  });

  it(
    'answers 304 to a reader that has the current copy, and lets feed readers keep it five minutes and edge ' +
      'caches a minute',
    async () => {
      const first = await get('/feed.xml');
      assert.match(
        first.headers.get('cache-control') ?? '',
        /^public, max-age=300, s-maxage=\d+, stale-while-revalidate=\d+$/,
      );
      assert.deepEqual(first.headers.get('xkey')?.split(' ').sort(), ['lists', 'site']);
      const etag = first.headers.get('etag')!;
      assert.ok(etag);
      assert.equal((await get('/feed.xml', { 'if-none-match': etag })).status, 304);
      assert.equal((await get('/feed.xml', { 'if-modified-since': first.headers.get('last-modified')! })).status, 304);
      assert.equal((await get('/feed.xml', { 'if-none-match': '"something-else"' })).status, 200);
    },
  );
});

describe('a section feed', () => {
  it('lists only that section, in every format', async () => {
    assert.deepEqual(
      (await rss('/sections/food-drink/feed.xml')).items.map((i) => i.title),
      [TRICKY_TITLE],
    );
    const world = await rss('/sections/world/atom.xml');
    assert.equal(world.title, 'World — Broadsheet');
    assert.equal(world.url, `${SITE}/sections/world`);
    assert.deepEqual(
      world.items.map((i) => i.title),
      ['Summit ends'],
      'no draft or scheduled article of the section',
    );
    assert.deepEqual(
      (await json('/sections/world/feed.json')).items.map((i) => i.title),
      ['Summit ends'],
    );
  });

  it('is 404 for a section nobody has published in', async () => {
    assert.equal((await get('/sections/no-such-section/feed.xml')).status, 404);
    assert.equal((await get('/sections/no-such-section/feed.json')).status, 404);
  });
});

describe("an article's comment feed", () => {
  let approved: number[];
  let pending: number;

  before(async () => {
    const ids = [];
    for (const name of ['Early Bird', 'Spammer', 'Second Voice', 'Patient Reader']) {
      ids.push(
        (
          await postComment(main, {
            authorName: name,
            authorEmail: `${name.split(' ')[0]!.toLowerCase()}@example.org`,
            body: `Words from ${name} & co.`,
          })
        ).id,
      );
    }
    const [early, spam, second, waiting] = ids as [number, number, number, number];
    await app.services.comments.setStatus([early, second], 'approved');
    await app.services.comments.setStatus([spam], 'spam');
    approved = [second, early];
    pending = waiting;
  });

  it(
    'has the approved comments only, newest first, linked to their place on the page, without ' + 'e-mail addresses',
    async () => {
      const xml = await text(`/articles/${main.slug}/comments/feed.xml`);
      assert.equal(XMLValidator.validate(xml), true);
      const feed = parseFeed(xml);
      assert.equal(feed.title, `Comments on “${TRICKY_TITLE}”`);
      assert.deepEqual(
        feed.items.map((i) => i.title),
        ['Comment by Second Voice', 'Comment by Early Bird'],
      );
      assert.deepEqual(
        feed.items.map((i) => i.url),
        approved.map((id) => `${SITE}/articles/${main.slug}#comment-${id}`),
      );
      assert.match(feed.items[0]!.content!, /<p>Words from Second Voice (&amp;|&) co\.<\/p>/);
      assert.deepEqual(
        feed.items[0]!.authors.map((a) => ({ name: a.name, email: a.email })),
        [{ name: 'Second Voice', email: null }],
      );

      const page = await text(`/articles/${main.slug}`);
      for (const id of approved)
        assert.match(page, new RegExp(`id="comment-${id}"`), 'the link points at the comment on the page');

      for (const file of ['feed.xml', 'atom.xml', 'feed.json']) {
        const body = await text(`/articles/${main.slug}/comments/${file}`);
        assert.doesNotMatch(body, /@example\.org/, `${file} has no e-mail address`);
        assert.doesNotMatch(body, /Spammer|Patient Reader/, `${file} has no spam or held comment`);
      }
      const atom = parseFeed(await text(`/articles/${main.slug}/comments/atom.xml`));
      assert.deepEqual(
        atom.items.map((i) => i.id),
        approved.map((id) => `${SITE}/articles/${main.slug}#comment-${id}`),
      );
      const jsonFeed = await json(`/articles/${main.slug}/comments/feed.json`);
      assert.equal(jsonFeed.version, 'https://jsonfeed.org/version/1.1');
      assert.deepEqual(
        jsonFeed.items.map((i) => i.authors),
        [[{ name: 'Second Voice' }], [{ name: 'Early Bird' }]],
      );
    },
  );

  it('follows moderation: an approved comment appears, a removed one goes', async () => {
    await text(`/articles/${main.slug}/comments/feed.xml`);
    await app.services.comments.setStatus([pending], 'approved');
    assert.deepEqual(
      (await rss(`/articles/${main.slug}/comments/feed.xml`)).items.map((i) => i.title)[0],
      'Comment by Patient Reader',
    );
    await app.services.comments.setStatus([pending], 'trash');
    assert.doesNotMatch(await text(`/articles/${main.slug}/comments/feed.xml`), /Patient Reader/);
  });

  it('is 404 for an unknown or unpublished article', async () => {
    assert.equal((await get('/articles/no-such-article/comments/feed.xml')).status, 404);
    assert.equal((await get(`/articles/${draftSlug}/comments/atom.xml`)).status, 404);
    assert.equal((await get(`/articles/${scheduledSlug}/comments/feed.json`)).status, 404);
  });
});

describe('feed links in page heads', () => {
  /** The `<link rel="alternate">` feeds of a page: type and href. */
  async function headFeeds(path: string): Promise<{ type: string; href: string }[]> {
    const { status, html } = await new Client(app.url).page(path);
    assert.equal(status, 200);
    const head = /<head>([\s\S]*?)<\/head>/.exec(html)![1]!;
    return [...head.matchAll(/<link rel="alternate" type="([^"]+)" title="[^"]+" href="([^"]+)"\/?>/g)].map((m) => ({
      type: m[1]!,
      href: m[2]!,
    }));
  }

  async function assertAnswer(feeds: { type: string; href: string }[]) {
    for (const { type, href } of feeds) {
      const response = await get(href.replace(/&amp;/g, '&'));
      assert.equal(response.status, 200, `${href} answers`);
      assert.equal(response.headers.get('content-type'), `${type}; charset=utf-8`);
    }
  }

  it('the front page links the site feeds, and they answer', async () => {
    const feeds = await headFeeds('/');
    assert.deepEqual(feeds, [
      { type: 'application/rss+xml', href: '/feed.xml' },
      { type: 'application/atom+xml', href: '/atom.xml' },
      { type: 'application/feed+json', href: '/feed.json' },
    ]);
    await assertAnswer(feeds);
  });

  it("an article links the site's, its comments' and its section's feeds, and they answer", async () => {
    const feeds = await headFeeds(`/articles/${main.slug}`);
    const hrefs = feeds.map((f) => f.href);
    for (const file of ['feed.xml', 'atom.xml', 'feed.json']) {
      assert.ok(hrefs.includes(`/${file}`));
      assert.ok(hrefs.includes(`/articles/${main.slug}/comments/${file}`));
      assert.ok(hrefs.includes(`/sections/food-drink/${file}`));
    }
    assert.equal(feeds.length, 9);
    await assertAnswer(feeds);
  });
});

describe('publishing', () => {
  it('puts a newly published article at the top of the site and section feeds at once', async () => {
    // Read (and cache) the feeds first.
    const slugs = async (path: string) => (await rss(path)).items.map((i) => i.url);
    assert.ok(!(await slugs('/feed.xml')).some((url) => url?.endsWith(draftSlug)));
    assert.ok(!(await json('/sections/world/feed.json')).items.some((i) => i.url.endsWith(draftSlug)));

    const { id, slug } = await editorArticle({ title: 'Breaking: ferry returns', section: 'World', action: 'save' });
    await publish(id);
    assert.equal((await slugs('/feed.xml'))[0], `${SITE}/articles/${slug}`);
    assert.equal((await json('/sections/world/feed.json')).items[0]!.url, `${SITE}/articles/${slug}`);
    assert.equal((await parseFeed(await text('/atom.xml'))).items[0]!.title, 'Breaking: ferry returns');
    for (const path of ['/feed.xml', '/atom.xml', '/feed.json', '/sections/world/feed.xml']) {
      const body = await text(path);
      assert.doesNotMatch(body, /Secret draft|Embargoed story/, `${path}: drafts and scheduled articles stay out`);
    }
  });
});

describe('escaping', () => {
  it('keeps "&" and "<" in titles as text in every format', async () => {
    for (const path of [
      '/feed.xml',
      '/atom.xml',
      `/articles/${main.slug}/comments/feed.xml`,
      `/articles/${main.slug}/comments/atom.xml`,
    ]) {
      const xml = await text(path);
      assert.equal(XMLValidator.validate(xml), true, `${path} is well-formed`);
    }
    assert.equal((await rss('/feed.xml')).items.find((i) => i.url?.endsWith(main.slug))?.title, TRICKY_TITLE);
    assert.equal((await rss('/atom.xml')).items.find((i) => i.url?.endsWith(main.slug))?.title, TRICKY_TITLE);
    assert.equal((await json('/feed.json')).items.find((i) => i.url.endsWith(main.slug))?.title, TRICKY_TITLE);
    assert.equal((await rss(`/articles/${main.slug}/comments/atom.xml`)).title, `Comments on “${TRICKY_TITLE}”`);
  });
});
