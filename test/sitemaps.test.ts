// The sitemap, its index mode past the URL limit, the news sitemap and robots.txt, as a crawler
// reads them: well-formed XML, public addresses only, escaped text.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Article } from '../src/features/articles/article.model.ts';
import { createSitemapService } from '../src/features/sitemaps/sitemap.service.ts';
import { inputValue } from './helpers/broadsheet.ts';
import { createArticle } from './helpers/factories.ts';
import { loginAs } from './helpers/staff.ts';
import { startTestApp, type TestApp } from './helpers/test-app.ts';

const SITE = 'http://news.example.test';
const TRICKY_TITLE = 'Fish & chips <b>cheaper</b>';
const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => ['url', 'sitemap'].includes(name) });

interface UrlEntry {
  loc: string;
  lastmod?: string;
  'news:news'?: {
    'news:publication': { 'news:name': string; 'news:language': string };
    'news:publication_date': string;
    'news:title': string;
  };
}

async function xmlOf(app: TestApp, path: string): Promise<Record<string, any>> {
  const response = await fetch(app.url + path);
  assert.equal(response.status, 200, `${path} answers 200`);
  assert.equal(response.headers.get('content-type'), 'application/xml; charset=utf-8');
  const xml = await response.text();
  assert.equal(XMLValidator.validate(xml), true, `${path} is well-formed XML`);
  return parser.parse(xml) as Record<string, any>;
}

const urlsOf = async (app: TestApp, path: string): Promise<UrlEntry[]> =>
  ((await xmlOf(app, path)).urlset?.url ?? []) as UrlEntry[];

/** Makes a draft and a scheduled article in the admin editor: neither may be listed. */
async function unpublishedArticles(
  app: TestApp,
): Promise<{ editor: Awaited<ReturnType<typeof loginAs>>; draftId: number; slugs: string[] }> {
  const editor = await loginAs(app, 'editor');
  const ids: number[] = [];
  const forms: Record<string, string>[] = [
    { title: 'Secret draft', action: 'save' },
    { title: 'Embargoed story', action: 'schedule', publishAt: '2099-01-01T09:00' },
  ];
  for (const fields of forms) {
    const response = await editor.client.request('/admin/articles', {
      method: 'POST',
      form: {
        _csrf: editor.csrf,
        body: 'Text.',
        section: 'Hidden Section',
        tags: 'Hidden Tag',
        authorName: 'Hidden Author',
        ...fields,
      },
    });
    assert.equal(response.status, 303);
    ids.push(Number(/\/admin\/articles\/(\d+)\/edit/.exec(response.headers.get('location')!)![1]));
  }
  const rows = await app.services.db.selectFrom('articles').select(['id', 'slug']).where('id', 'in', ids).execute();
  return { editor, draftId: ids[0]!, slugs: rows.map((r) => r.slug) };
}

describe('the sitemap', () => {
  let app: TestApp;
  let articles: Article[];
  let hidden: Awaited<ReturnType<typeof unpublishedArticles>>;

  before(async () => {
    app = await startTestApp({ env: { PUBLIC_URL: SITE } });
    articles = [
      await createArticle(app.services, {
        title: TRICKY_TITLE,
        section: 'Food & Drink',
        tags: ['Prices', 'Мир'],
        authorName: 'Ann Writer',
      }),
      await createArticle(app.services, {
        title: 'Summit ends',
        section: 'World',
        tags: ['Prices'],
        authorName: 'Bo Reporter',
      }),
      await createArticle(app.services, {
        title: 'Old news',
        section: 'World',
        publishedAt: new Date(Date.now() - 3 * 86_400_000).toISOString(),
      }),
    ];
    hidden = await unpublishedArticles(app);
  });
  after(() => app.close());

  it('lists the front page, every published article with its last change, and the archives', async () => {
    const urls = await urlsOf(app, '/sitemap.xml');
    const byLoc = new Map(urls.map((u) => [u.loc, u]));
    assert.ok(byLoc.has(`${SITE}/`));
    for (const article of articles)
      assert.equal(byLoc.get(`${SITE}/articles/${article.slug}`)?.lastmod, article.updatedAt);
    const archives = urls
      .map((u) => u.loc)
      .filter((loc) => /\/(sections|tags|authors)\//.test(loc))
      .sort();
    assert.deepEqual(archives, [
      `${SITE}/authors/ann-writer`,
      `${SITE}/authors/bo-reporter`,
      `${SITE}/authors/test-reporter`,
      `${SITE}/sections/food-drink`,
      `${SITE}/sections/world`,
      `${SITE}/tags/%D0%BC%D0%B8%D1%80`,
      `${SITE}/tags/prices`,
    ]);
    assert.equal(
      urls.length,
      1 + articles.length + archives.length,
      'nothing else: no draft, nothing scheduled, no archive of theirs alone',
    );
    for (const slug of hidden.slugs) assert.ok(!byLoc.has(`${SITE}/articles/${slug}`));
  });

  it('answers 304 to a crawler that has the current copy', async () => {
    const first = await fetch(`${app.url}/sitemap.xml`);
    assert.equal(first.headers.get('cache-control'), 'public, max-age=300');
    assert.equal(
      (await fetch(`${app.url}/sitemap.xml`, { headers: { 'if-none-match': first.headers.get('etag')! } })).status,
      304,
    );
  });

  it('lists only the last two days in the news sitemap, with escaped titles', async () => {
    const response = await fetch(`${app.url}/sitemap-news.xml`);
    const xml = await response.text();
    assert.match(xml, /xmlns:news="http:\/\/www\.google\.com\/schemas\/sitemap-news\/0\.9"/);
    assert.match(xml, /<news:title>Fish &amp; chips &lt;b&gt;cheaper&lt;\/b&gt;<\/news:title>/);
    const urls = await urlsOf(app, '/sitemap-news.xml');
    assert.deepEqual(
      urls.map((u) => u.loc).sort(),
      [articles[0]!, articles[1]!].map((a) => `${SITE}/articles/${a.slug}`).sort(),
    );
    const entry = urls.find((u) => u.loc.endsWith(articles[0]!.slug))!['news:news']!;
    assert.equal(entry['news:publication']['news:name'], 'Broadsheet');
    assert.equal(entry['news:publication']['news:language'], 'en');
    assert.equal(entry['news:publication_date'], articles[0]!.publishedAt);
    assert.equal(entry['news:title'], TRICKY_TITLE);
  });

  it('lists an article as soon as it is published', async () => {
    assert.ok(!(await urlsOf(app, '/sitemap.xml')).some((u) => u.loc.endsWith(hidden.slugs[0]!)));
    const { editor, draftId } = hidden;
    const row = await app.services.db
      .selectFrom('articles')
      .selectAll()
      .where('id', '=', draftId)
      .executeTakeFirstOrThrow();
    const page = await editor.client.page(`/admin/articles/${draftId}/edit`);
    const response = await editor.client.request(`/admin/articles/${draftId}`, {
      method: 'POST',
      form: {
        _csrf: editor.csrf,
        updatedAt: inputValue(page.html, 'updatedAt')!,
        title: row.title,
        body: row.body_markdown,
        slug: row.slug,
        section: row.section,
        authorName: row.author_name,
        action: 'publish',
      },
    });
    assert.equal(response.status, 303);
    const urls = await urlsOf(app, '/sitemap.xml');
    assert.ok(urls.some((u) => u.loc === `${SITE}/articles/${row.slug}`));
    assert.ok(urls.some((u) => u.loc === `${SITE}/sections/hidden-section`));
    assert.ok((await urlsOf(app, '/sitemap-news.xml')).some((u) => u.loc === `${SITE}/articles/${row.slug}`));
  });

  it('robots.txt allows the public site and names both sitemaps', async () => {
    const response = await fetch(`${app.url}/robots.txt`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
    const lines = (await response.text()).split('\n');
    for (const line of [
      'User-agent: *',
      'Allow: /',
      'Disallow: /admin',
      'Disallow: /api/',
      'Disallow: /search',
      `Sitemap: ${SITE}/sitemap.xml`,
      `Sitemap: ${SITE}/sitemap-news.xml`,
    ]) {
      assert.ok(lines.includes(line), `robots.txt has "${line}"`);
    }
    assert.ok(!lines.includes('Disallow: /'), 'the site itself is not closed');
  });
});

describe('the sitemap index, past the URL limit', () => {
  let app: TestApp;
  let articles: Article[];

  before(async () => {
    // Three addresses per file: the front page, 5 articles, 1 section, 1 author = 8 addresses, 3 parts.
    app = await startTestApp({ env: { PUBLIC_URL: SITE }, config: { sitemapUrlLimit: 3 } });
    articles = [];
    for (let i = 1; i <= 5; i++)
      articles.push(
        await createArticle(app.services, { title: `Story ${i}`, section: 'World', authorName: 'Ann Writer' }),
      );
    await unpublishedArticles(app);
  });
  after(() => app.close());

  it('makes /sitemap.xml an index of parts of at most the limit, which together list every address once', async () => {
    const index = await xmlOf(app, '/sitemap.xml');
    assert.equal(index.urlset, undefined);
    const parts = (index.sitemapindex.sitemap as { loc: string }[]).map((s) => s.loc);
    assert.deepEqual(parts, [`${SITE}/sitemaps/1.xml`, `${SITE}/sitemaps/2.xml`, `${SITE}/sitemaps/3.xml`]);

    const listed: string[] = [];
    for (const part of parts) {
      const urls = await urlsOf(app, part.slice(SITE.length));
      assert.ok(urls.length >= 1 && urls.length <= 3, `${part} has 1 to 3 addresses`);
      listed.push(...urls.map((u) => u.loc));
    }
    assert.deepEqual(listed, [
      `${SITE}/`,
      ...articles.map((a) => `${SITE}/articles/${a.slug}`),
      `${SITE}/sections/world`,
      `${SITE}/authors/ann-writer`,
    ]);
  });

  it('reads the articles of a part in batches without losing or repeating one', async () => {
    const { db, events, settings } = app.services;
    const batched = createSitemapService({ db, events, settings, publicUrl: SITE, urlLimit: 3, batchSize: 2 });
    for (const n of [1, 2, 3])
      assert.equal(
        (await batched.part(n)).body,
        await (await fetch(`${app.url}/sitemaps/${n}.xml`)).text(),
        `part ${n}`,
      );
  });

  it('answers 404 past the last part', async () => {
    assert.equal((await fetch(`${app.url}/sitemaps/4.xml`)).status, 404);
    assert.equal((await fetch(`${app.url}/sitemaps/0.xml`)).status, 404);
    assert.equal((await fetch(`${app.url}/sitemaps/one.xml`)).status, 404);
  });
});
