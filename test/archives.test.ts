// Finding articles: section, tag and author archives with their pages, the front page's lists,
// the sections in the header, related articles under an article, and a 404 page that helps.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { emptyForm } from '../src/features/article-editor/article-editor-validation.ts';
import { tagPath } from '../src/features/articles/article.model.ts';
import { createArticle } from './helpers/factories.ts';
import { elementHtml, submitCommentForm } from './helpers/broadsheet.ts';
import { createStaff } from './helpers/staff.ts';
import { Client, startTestApp, textOf, type TestApp } from './helpers/test-app.ts';

const ago = (days: number, minutes = 0) => new Date(Date.now() - days * 86_400_000 - minutes * 60_000).toISOString();

/** Headlines of the article cards (h2 on archives, h3 on the front page; the lead story first), in page order. */
function cardTitles(html: string): string[] {
  return [...html.matchAll(/<li class="article-card[^"]*">[\s\S]*?<h[23]><a href="[^"]*">([^<]*)<\/a>/g)].map((m) =>
    textOf(m[1]!),
  );
}

function sectionNav(html: string): string {
  return elementHtml(html, /<nav class="section-nav" aria-label="Sections">/);
}

function relatedTitles(html: string): string[] {
  const aside = /<aside class="related" aria-labelledby="([^"]+)">([\s\S]*?)<\/aside>/.exec(html);
  if (!aside) return [];
  assert.match(aside[2]!, new RegExp(`<h2 id="${aside[1]}">Related articles</h2>`));
  return [...aside[2]!.matchAll(/<a href="\/articles\/[^"]*">([^<]*)<\/a>/g)].map((m) => textOf(m[1]!));
}

/** A 404 that helps: one search form (its own, not the header's too), the latest articles and the sections. */
async function assertHelpful404(app: TestApp, path: string, latestTitle: string) {
  const response = await fetch(app.url + path);
  const html = await response.text();
  assert.equal(response.status, 404, path);
  assert.match(textOf(html), /Page not found/, path);
  assert.match(html, /<label for="not-found-q">[^<]+<\/label>/, `${path}: a labelled search field`);
  assert.match(
    html,
    /<form class="not-found-search" role="search" aria-label="Articles" action="\/search" method="get">/,
  );
  assert.match(html, /<input id="not-found-q" type="search" name="q"/);
  assert.equal(html.match(/<form[^>]*role="search"/g)?.length, 1, `${path}: one search form`);
  assert.doesNotMatch(html, /id="site-search-q"/, `${path}: the header leaves the search to the page`);
  const help = elementHtml(html, /<div class="not-found-help">/);
  assert.match(textOf(help), /Latest articles/);
  assert.ok(textOf(help).includes(latestTitle), `${path}: lists the latest article`);
  assert.match(help, /<a href="\/sections\/[^"]+">/, `${path}: links to the sections`);
}

describe('section, tag and author archives', () => {
  let app: TestApp;
  const reader = () => new Client(app.url);

  before(async () => {
    app = await startTestApp();
    await createArticle(app.services, {
      title: 'Old world news',
      section: 'World',
      tags: ['Elections', 'Europe'],
      authorName: 'Ana Smith',
      publishedAt: ago(3),
    });
    await createArticle(app.services, {
      title: 'Newer world news',
      section: 'World',
      tags: ['Elections'],
      authorName: 'Bo Jones',
      publishedAt: ago(2),
    });
    await createArticle(app.services, {
      title: 'Local news',
      section: 'Local',
      tags: ['Elections'],
      authorName: 'Ana Smith',
      publishedAt: ago(1),
    });
    const editor = await createStaff(app, 'editor');
    const form = { ...emptyForm('Ana Smith'), body: 'Not yet.', section: 'World', tags: 'Elections' };
    await app.services.articleEditor.create({ form: { ...form, title: 'Draft world story' }, action: 'save' }, editor);
    const future = new Date(Date.now() + 86_400_000).toISOString().slice(0, 16);
    await app.services.articleEditor.create(
      { form: { ...form, title: 'Future world story', publishAt: future }, action: 'schedule' },
      editor,
    );
    await app.services.articleEditor.create(
      { form: { ...form, title: 'Draft only', section: 'Unseen' }, action: 'save' },
      editor,
    );
  });
  after(() => app.close());

  it('a section lists its published articles, newest first, with its name, count and feeds', async () => {
    const { status, html } = await reader().page('/sections/world');
    assert.equal(status, 200);
    assert.equal(textOf(elementHtml(html, /<h1>/)), 'World');
    assert.match(textOf(html), /2 articles/);
    assert.deepEqual(cardTitles(html), ['Newer world news', 'Old world news'], 'no draft, nothing scheduled for later');
    assert.match(html, /<link rel="canonical" href="[^"]*\/sections\/world"\/>/);
    assert.match(
      html,
      /<link rel="alternate" type="application\/rss\+xml" title="World — Broadsheet \(RSS\)" href="\/sections\/world\/feed.xml"\/>/,
    );
    assert.doesNotMatch(html, /aria-label="Pagination"/, 'one page needs no page links');
    assert.match(sectionNav(html), /<a href="\/sections\/world" aria-current="page">World<\/a>/);
    assert.match(sectionNav(html), /<a href="\/sections\/local">Local<\/a>/);
    assert.doesNotMatch(
      elementHtml(html, /<ol class="article-list card-grid">/),
      /class="article-section"/,
      'the cards do not repeat the section’s name',
    );
    assert.match(
      elementHtml((await reader().page('/tags/elections')).html, /<ol class="article-list card-grid">/),
      /<p class="article-section"><a href="\/sections\/world">World<\/a><\/p>/,
      'a tag’s cards name their sections',
    );
  });

  it('a tag lists every published article with it, newest first', async () => {
    const { status, html } = await reader().page('/tags/elections');
    assert.equal(status, 200);
    assert.equal(textOf(elementHtml(html, /<h1>/)), 'Elections');
    assert.match(textOf(html), /3 articles/);
    assert.deepEqual(cardTitles(html), ['Local news', 'Newer world news', 'Old world news']);
    assert.deepEqual(cardTitles((await reader().page('/tags/europe')).html), ['Old world news']);
  });

  it("an author's archive lists their articles under their name", async () => {
    const { status, html } = await reader().page('/authors/ana-smith');
    assert.equal(status, 200);
    assert.equal(textOf(elementHtml(html, /<h1>/)), 'Ana Smith');
    assert.match(html, /<title>Articles by Ana Smith — Broadsheet<\/title>/);
    assert.match(textOf(html), /2 articles/);
    assert.deepEqual(cardTitles(html), ['Local news', 'Old world news']);
  });

  it('the article page links its section, tags and author to their archives', async () => {
    const { html } = await reader().page('/articles/old-world-news');
    assert.match(elementHtml(html, /<p class="article-section">/), /<a href="\/sections\/world">World<\/a>/);
    assert.match(elementHtml(html, /<p class="byline">/), /By <a href="\/authors\/ana-smith">Ana Smith<\/a>/);
    const tags = elementHtml(html, /<ul class="tags"/);
    assert.match(tags, /<a href="\/tags\/elections">Elections<\/a>/);
    assert.match(tags, /<a href="\/tags\/europe">Europe<\/a>/);
    for (const path of ['/sections/world', '/authors/ana-smith', '/tags/europe'])
      assert.equal((await reader().page(path)).status, 200, path);
  });

  it('a name written otherwise redirects to its one address, keeping the page', async () => {
    const reader = new Client(app.url);
    for (const [from, to] of [
      ['/sections/World', '/sections/world'],
      ['/sections/WORLD?page=1', '/sections/world?page=1'],
      ['/authors/Ana%20Smith', '/authors/ana-smith'],
      ['/tags/%C3%89lections', '/tags/elections'],
    ]) {
      const response = await reader.request(from!);
      assert.equal(response.status, 301, from);
      assert.equal(response.headers.get('location'), to, from);
    }
    assert.equal(
      (await reader.request('/sections/Nowhere')).status,
      301,
      'even for a name nobody uses: its address then says 404',
    );
  });

  it('an unknown name, or one with only drafts, is a helpful 404', async () => {
    for (const path of ['/sections/nowhere', '/tags/nothing', '/authors/nobody', '/sections/unseen', '/sections/%20']) {
      await assertHelpful404(app, path, 'Local news');
    }
  });

  it('other errors keep their plain page', async () => {
    const response = await fetch(`${app.url}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=x',
    });
    const html = await response.text();
    assert.ok(response.status >= 400 && response.status !== 404, `status ${response.status}`);
    assert.doesNotMatch(html, /not-found-q/);
  });
});

describe('pages of an archive and of the front page', () => {
  let app: TestApp;
  const titles = Array.from({ length: 23 }, (_, i) => `Science story ${String(i + 1).padStart(2, '0')}`);

  before(async () => {
    app = await startTestApp();
    // Story 01 is the newest.
    for (const [i, title] of titles.entries())
      await createArticle(app.services, { title, section: 'Science', tags: [], publishedAt: ago(0, 10 + i) });
  });
  after(() => app.close());

  it('the first page shows 20 and links to the next with rel="next"', async () => {
    const { status, html } = await new Client(app.url).page('/sections/science');
    assert.equal(status, 200);
    assert.match(textOf(html), /23 articles/);
    assert.deepEqual(cardTitles(html), titles.slice(0, 20));
    const nav = elementHtml(html, /<nav class="pagination" aria-label="Pagination">/);
    assert.match(nav, /<a href="\/sections\/science\?page=2" rel="next">[^<]*Older[^<]*<\/a>/);
    assert.doesNotMatch(nav, /rel="prev"/);
    assert.match(html, /<link rel="canonical" href="[^"]*\/sections\/science"\/>/);
  });

  it('page 2 shows the rest and links back with rel="prev"', async () => {
    const { status, html } = await new Client(app.url).page('/sections/science?page=2');
    assert.equal(status, 200);
    assert.deepEqual(cardTitles(html), titles.slice(20));
    const nav = elementHtml(html, /<nav class="pagination" aria-label="Pagination">/);
    assert.match(nav, /<a href="\/sections\/science" rel="prev">[^<]*Newer[^<]*<\/a>/);
    assert.doesNotMatch(nav, /rel="next"/);
    assert.match(html, /<link rel="canonical" href="[^"]*\/sections\/science\?page=2"\/>/);
  });

  it('a page past the last, page 0, a negative or a non-number is a helpful 404', async () => {
    for (const page of ['3', '99999', '0', '-1', 'abc', '', '1.5'])
      await assertHelpful404(app, `/sections/science?page=${page}`, 'Science story 01');
  });

  it('the front page pages through every article the same way', async () => {
    const first = await new Client(app.url).page('/');
    assert.deepEqual(cardTitles(first.html), titles.slice(0, 20));
    assert.match(elementHtml(first.html, /<nav class="pagination"/), /<a href="\/\?page=2" rel="next">/);
    const second = await new Client(app.url).page('/?page=2');
    assert.equal(second.status, 200);
    assert.deepEqual(cardTitles(second.html), titles.slice(20));
    assert.match(elementHtml(second.html, /<nav class="pagination"/), /<a href="\/" rel="prev">/);
    for (const page of ['3', '99999', '0', 'abc']) await assertHelpful404(app, `/?page=${page}`, 'Science story 01');
  });
});

describe('the front page', () => {
  let app: TestApp;

  before(async () => {
    app = await startTestApp({ settings: { commentPolicy: 'publish' } });
    const rated = (sum: number, count: number) => ({ ratingBaseline: { sum, count } });
    await createArticle(app.services, { title: 'Ninety', publishedAt: ago(5), ...rated(450, 5) });
    await createArticle(app.services, { title: 'Eighty', publishedAt: ago(4), ...rated(240, 3) });
    await createArticle(app.services, { title: 'Too few ratings', publishedAt: ago(3), ...rated(200, 2) });
    await createArticle(app.services, { title: 'Old favourite', publishedAt: ago(60), ...rated(285, 3) });
    const busy = await createArticle(app.services, { title: 'Busy thread', publishedAt: ago(2) });
    const quiet = await createArticle(app.services, { title: 'Quiet thread', publishedAt: ago(1) });
    let n = 0;
    const comment = (slug: string) =>
      submitCommentForm(new Client(app.url), `/articles/${slug}`, {
        authorName: `Reader ${++n}`,
        authorEmail: `reader${n}@example.org`,
        body: `Comment number ${n} on this story.`,
      });
    for (let i = 0; i < 3; i++) assert.equal((await comment(busy.slug)).status, 303);
    assert.equal((await comment(quiet.slug)).status, 303);
  });
  after(() => app.close());

  function section(html: string, id: string): { heading: string; titles: string[] } {
    const part = elementHtml(html, new RegExp(`<section class="highlights" id="${id}"`));
    const heading = textOf(/<h2[^>]*>([\s\S]*?)<\/h2>/.exec(part)![1]!);
    return { heading, titles: [...part.matchAll(/<li><a href="[^"]*">([^<]*)<\/a>/g)].map((m) => textOf(m[1]!)) };
  }

  it('has the latest articles, top rated and most discussed, each under its own heading', async () => {
    const { status, html } = await new Client(app.url).page('/');
    assert.equal(status, 200);
    assert.match(html, /<h1 class="visually-hidden">/);
    assert.equal(textOf(elementHtml(html, /<h2 id="latest-heading"/)), 'Latest articles');
    assert.deepEqual(cardTitles(html), [
      'Quiet thread',
      'Busy thread',
      'Too few ratings',
      'Eighty',
      'Ninety',
      'Old favourite',
    ]);
    assert.deepEqual(
      section(html, 'top-rated'),
      { heading: 'Top rated', titles: ['Ninety', 'Eighty'] },
      'recent, with three ratings or more, best first',
    );
    // The newest article leads the page; the lists beside it leave it out rather than repeat it.
    assert.match(
      elementHtml(html, /<li class="article-card lead-story/),
      /<h3><a href="[^"]*">Quiet thread<\/a><\/h3>/,
      'the newest article leads',
    );
    assert.deepEqual(
      section(html, 'most-discussed'),
      { heading: 'Most discussed', titles: ['Busy thread'] },
      'the lead is not repeated',
    );
    assert.doesNotMatch(html, /aria-label="Pagination"/);
  });

  it(
    'takes a new article at once, and new ratings within a few seconds, though the page is kept ' + 'between changes',
    async () => {
      const front = async () => (await new Client(app.url).page('/')).html;
      await front();
      const rising = await createArticle(app.services, { title: 'Rising star', publishedAt: ago(0, 30) });
      assert.equal(cardTitles(await front())[0], 'Rising star', 'a new article is listed on the next request');
      // A newer story takes the lead, so that the rising one may appear in the lists.
      await createArticle(app.services, { title: 'Later still', publishedAt: ago(0, 10) });
      for (let i = 0; i < 3; i++)
        await app.services.ratings.rate({
          articleId: rising.id,
          readerId: `rising-reader-${i}`,
          ipHash: `rising-${i}`,
          value: 100,
        });
      const deadline = Date.now() + 6_000;
      let titles: string[] = [];
      while (Date.now() < deadline && (titles = section(await front(), 'top-rated').titles)[0] !== 'Rising star')
        await new Promise((resolve) => setTimeout(resolve, 250));
      assert.equal(titles[0], 'Rising star', 'the ratings reach the top-rated list');
    },
  );
});

describe('related articles, the header and names in any script', () => {
  let app: TestApp;
  let editor: Awaited<ReturnType<typeof createStaff>>;
  const publish = (fields: Partial<ReturnType<typeof emptyForm>>) =>
    app.services.articleEditor.create(
      { form: { ...emptyForm('Desk'), body: 'Text.', ...fields }, action: 'publish' },
      editor,
    );

  before(async () => {
    app = await startTestApp();
    editor = await createStaff(app, 'editor');
    await createArticle(app.services, {
      title: 'Night trains return',
      section: 'Travel',
      tags: ['Trains', 'Alps'],
      publishedAt: ago(5),
    });
    await createArticle(app.services, {
      title: 'Sleeper fares',
      section: 'Travel',
      tags: ['Trains'],
      publishedAt: ago(4),
    });
    await createArticle(app.services, {
      title: 'Rail freight boom',
      section: 'Business',
      tags: ['Alps', 'Trains'],
      publishedAt: ago(3),
    });
    await createArticle(app.services, { title: 'Beach guide', section: 'Travel', tags: [], publishedAt: ago(2) });
    await createArticle(app.services, {
      title: 'Cup final',
      section: 'Sport',
      tags: ['Football'],
      publishedAt: ago(1),
    });
  });
  after(() => app.close());

  it('lists other articles sharing the most tags, then the same section, newest first', async () => {
    const { html } = await new Client(app.url).page('/articles/night-trains-return');
    assert.deepEqual(relatedTitles(html), ['Rail freight boom', 'Sleeper fares', 'Beach guide']);
    const body = html.indexOf('<div class="article-body"');
    const related = html.indexOf('<aside class="related"');
    assert.ok(body < related && related < html.indexOf('id="comments"'), 'after the article, before the comments');
    assert.deepEqual(
      relatedTitles((await new Client(app.url).page('/articles/cup-final')).html),
      [],
      'nothing shares its tag or section',
    );
  });

  it('a newly published related article appears on a page already cached', async () => {
    const reader = new Client(app.url);
    await reader.page('/articles/night-trains-return');
    await publish({ title: 'Alpine tunnel opens', section: 'Travel', tags: 'Alps' });
    assert.deepEqual(relatedTitles((await reader.page('/articles/night-trains-return')).html), [
      'Rail freight boom',
      'Alpine tunnel opens',
      'Sleeper fares',
      'Beach guide',
    ]);
  });

  it('the header lists the sections with published articles and follows new ones', async () => {
    const reader = new Client(app.url);
    const before = await reader.page('/articles/night-trains-return');
    const names = (html: string) =>
      [...sectionNav(html).matchAll(/<a href="[^"]*"[^>]*>([^<]*)<\/a>/g)].map((m) => textOf(m[1]!));
    assert.deepEqual(names(before.html), ['Business', 'Sport', 'Travel']);
    assert.deepEqual(names((await reader.page('/')).html), ['Business', 'Sport', 'Travel']);

    await publish({
      title: 'Flat whites compared',
      section: 'Café culture',
      tags: 'Новости, Международные отношения и экономика мира',
    });
    for (const path of ['/', '/articles/night-trains-return', '/no-such-page']) {
      assert.deepEqual(names((await reader.page(path)).html), ['Business', 'Café culture', 'Sport', 'Travel'], path);
    }
    assert.match(sectionNav((await reader.page('/')).html), /<a href="\/sections\/cafe-culture">Café culture<\/a>/);
  });

  it('names with letters beyond ASCII have working archive addresses', async () => {
    const reader = new Client(app.url);
    const cafe = await reader.page('/sections/cafe-culture');
    assert.equal(cafe.status, 200);
    assert.equal(textOf(elementHtml(cafe.html, /<h1>/)), 'Café culture');
    assert.deepEqual(cardTitles(cafe.html), ['Flat whites compared']);

    const article = await reader.page('/articles/flat-whites-compared');
    for (const tag of ['Новости', 'Международные отношения и экономика мира']) {
      const href = tagPath(tag);
      assert.ok(article.html.includes(`<a href="${href}">${tag}</a>`), `the article links ${tag}`);
      const archive = await reader.page(href);
      assert.equal(archive.status, 200, href);
      assert.equal(textOf(elementHtml(archive.html, /<h1>/)), tag);
      assert.deepEqual(cardTitles(archive.html), ['Flat whites compared']);
    }
  });
});
