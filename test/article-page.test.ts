// The article page as a reader gets it: an imported scraped article with its text, score and forms,
// a 404 page for a missing article, and the comment order toggle.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, startTestApp, textOf, type TestApp } from './helpers/test-app.ts';
import { commentInput, createArticle } from './helpers/factories.ts';
import {
  articleBodyParagraphs,
  commentIdsOnPage,
  countRows,
  elementHtml,
  importSample,
  normaliseSpace,
  ratingWidgetText,
  SAMPLE_PATH,
  SAMPLE_TITLE,
  scrapedParagraphs,
  SEED_FILE,
  SEED_SLUG,
  SEED_TITLE,
  seedSkip,
} from './helpers/broadsheet.ts';

describe('the imported sample article page', () => {
  let app: TestApp;
  let html: string;
  let response: Response;

  before(async () => {
    app = await startTestApp();
    await importSample(app.services);
    response = await new Client(app.url).request(SAMPLE_PATH);
    html = await response.text();
  });
  after(() => app.close());

  it('is an HTML page', () => {
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
    assert.match(html, /^<!doctype html>/i);
    assert.match(html, /<html lang="en">/);
  });

  it('shows the headline', () => {
    assert.equal(textOf(elementHtml(html, /<h1>/)), SAMPLE_TITLE);
    assert.equal(textOf(/<title>([\s\S]*?)<\/title>/.exec(html)![1]!).startsWith(SAMPLE_TITLE), true);
  });

  it('shows all 9 paragraphs exactly as written', () => {
    const expected = scrapedParagraphs();
    assert.equal(expected.length, 9, 'the sample has 9 paragraphs');
    assert.deepEqual(articleBodyParagraphs(html), expected);
    // spot checks, independent of how the file was split
    assert.equal(
      articleBodyParagraphs(html)[0],
      'The night ferry between Harbour Town and the island of Kellow will keep running after the town ' +
        'council voted on Tuesday evening to make the service permanent, a year after it began as a trial that ' +
        'many councillors expected to fail.',
    );
    assert.ok(articleBodyParagraphs(html)[2]!.endsWith('they were driving forty minutes round the bay before.”'));
  });

  it('keeps the scraped footer out of the article body', () => {
    const body = normaliseSpace(textOf(elementHtml(html, /<div class="article-body"/)));
    assert.doesNotMatch(body, /User Score|Rate This|Leave your comment|3 ratings|85 %|Required fields/);
  });

  it('has the Reviews widget with the score, count and Rate This', () => {
    const widget = ratingWidgetText(html);
    assert.match(widget, /^Reviews\b/);
    assert.match(widget, /\b85 % User Score 3 ratings\b/);
    assert.match(widget, /Rate This/);
    // five star choices in a plain form
    assert.equal((html.match(/<input type="radio" name="value"/g) ?? []).length, 5);
  });

  it('has the comment form', () => {
    const text = textOf(html);
    assert.match(text, /Leave your comment/);
    assert.ok(text.includes('Your email address will not be published. Required fields are marked *'));
    assert.match(text, /No comments yet/);
    for (const name of ['authorName', 'authorEmail', 'authorUrl', 'body', 'formToken'])
      assert.match(html, new RegExp(`name="${name}"`), name);
  });

  it('works without JavaScript: the forms post to the server and the page has no inline script', () => {
    assert.match(html, /<form class="rate-form" method="post" action="\/articles\/[^"]+\/rating#rating"/);
    assert.match(html, /<form class="comment-form" method="post" action="\/articles\/[^"]+\/comments#respond"/);
    for (const script of html.match(/<script\b[^>]*>[\s\S]*?<\/script>/g) ?? []) {
      // Structured data (JSON-LD) is not script: browsers never run it, and the CSP does not apply to it.
      if (script.startsWith('<script type="application/ld+json">')) continue;
      assert.match(script, /^<script src="[^"]+"[^>]*><\/script>$/, `inline script: ${script.slice(0, 80)}`);
    }
  });

  it('appears on the front page with its score', async () => {
    const front = await (await fetch(`${app.url}/`)).text();
    assert.match(textOf(front), new RegExp(`${SAMPLE_TITLE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} .*User Score 85 %`));
    assert.match(front, new RegExp(`href="${SAMPLE_PATH}"`));
  });
});

describe('the scraped seed as an article page (when ../shared/seed is there)', { skip: seedSkip }, () => {
  it('shows its headline and all 13 paragraphs exactly as written, and 85 % from 3 ratings', async () => {
    const app = await startTestApp();
    try {
      await importSample(app.services, SEED_FILE, SEED_SLUG);
      const { html } = await new Client(app.url).page(`/articles/${SEED_SLUG}`);
      assert.equal(textOf(elementHtml(html, /<h1>/)), SEED_TITLE);
      const expected = scrapedParagraphs(SEED_FILE);
      assert.equal(expected.length, 13);
      assert.deepEqual(articleBodyParagraphs(html), expected);
      assert.match(ratingWidgetText(html), /\b85 % User Score 3 ratings\b/);
    } finally {
      await app.close();
    }
  });
});

describe('a missing article', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  it('is a 404 HTML page', async () => {
    for (const path of ['/articles/no-such-article', '/articles/12345', '/no/such/page']) {
      const response = await fetch(`${app.url}${path}`);
      assert.equal(response.status, 404, path);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/, path);
      const text = textOf(await response.text());
      assert.match(text, /Page not found/, path);
      assert.match(text, /Go to the front page/, path);
    }
  });

  it('posting to it is a 404 too, and writes nothing', async () => {
    const reader = new Client(app.url);
    const response = await reader.request('/articles/no-such-article/comments', {
      method: 'POST',
      form: { authorName: 'Ann', authorEmail: 'ann@example.org', body: 'Hello' },
    });
    assert.equal(response.status, 404);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(await countRows(app.services, 'comments'), 0);
  });
});

describe('comment order toggle', () => {
  let app: TestApp;
  let article: Awaited<ReturnType<typeof createArticle>>;
  const ids: Record<string, number> = {};

  before(async () => {
    app = await startTestApp({ settings: { commentPolicy: 'publish' } });
    article = await createArticle(app.services);
    const post = async (name: string, input: Record<string, unknown>) => {
      const ctx = { articleId: article.id, readerId: null, ipHash: 'x', userAgent: 'test' };
      ids[name] = (await app.services.comments.post(commentInput({ body: `Comment ${name}`, ...input }), ctx)).id;
      await app.services.comments.setStatus([ids[name]!], 'approved');
      await new Promise((resolve) => setTimeout(resolve, 3)); // distinct timestamps
    };
    await post('first', {});
    await post('second', {});
    await post('third', {});
    await post('reply', { parentId: ids.first });
  });
  after(() => app.close());

  it('shows the oldest first by default, with a link to show the newest first', async () => {
    const { html } = await new Client(app.url).page(`/articles/${article.slug}`);
    const shown = commentIdsOnPage(html).filter((id) => Object.values(ids).includes(id));
    assert.deepEqual(shown, [ids.first, ids.reply, ids.second, ids.third]);
    assert.match(textOf(html), /Showing oldest first · show newest first/);
    assert.match(html, /href="\?order=newest#comments"/);
  });

  it('?order=newest puts the newest top-level comment first; replies stay under their parent', async () => {
    const { html } = await new Client(app.url).page(`/articles/${article.slug}?order=newest`);
    const shown = commentIdsOnPage(html).filter((id) => Object.values(ids).includes(id));
    assert.equal(shown[0], ids.third);
    assert.deepEqual(shown, [ids.third, ids.second, ids.first, ids.reply]);
    assert.match(textOf(html), /Showing newest first · show oldest first/);
  });

  it('an unknown order falls back to oldest first instead of failing', async () => {
    const { status, html } = await new Client(app.url).page(`/articles/${article.slug}?order=sideways`);
    assert.equal(status, 200);
    assert.equal(commentIdsOnPage(html).filter((id) => Object.values(ids).includes(id))[0], ids.first);
  });
});

describe('site settings on article pages', () => {
  let app: TestApp;
  let article: Awaited<ReturnType<typeof createArticle>>;
  let parentId: number;
  let replyId: number;

  before(async () => {
    app = await startTestApp({ settings: { commentPolicy: 'publish' } });
    article = await createArticle(app.services);
    const ctx = { articleId: article.id, readerId: null, ipHash: 'x', userAgent: 'test' };
    parentId = (await app.services.comments.post(commentInput(), ctx)).id;
    replyId = (await app.services.comments.post(commentInput({ parentId }), ctx)).id;
  });
  after(() => app.close());

  const replyLinks = (html: string) => [...html.matchAll(/data-reply-to="(\d+)"/g)].map((m) => Number(m[1]));

  it('a changed setting shows at once on a page that was already served', async () => {
    const before = (await new Client(app.url).page(`/articles/${article.slug}`)).html;
    assert.match(textOf(before), /Broadsheet/);
    assert.deepEqual(replyLinks(before), [parentId, replyId]);
    assert.match(ratingWidgetText(before), /5 stars/);

    await app.services.settings.update({ siteTitle: 'The Harbour Gazette', replyDepth: 2, ratingScale: 'percent' });

    const after = (await new Client(app.url).page(`/articles/${article.slug}`)).html;
    assert.match(after, /<title>[^<]*The Harbour Gazette<\/title>/, 'the new site title');
    assert.deepEqual(replyLinks(after), [parentId], 'no Reply link where a reply would be too deep');
    assert.doesNotMatch(ratingWidgetText(after), /5 stars/, 'the distribution uses the percent scale');
    assert.match(after, /<input type="number" name="value"/);
  });
});
