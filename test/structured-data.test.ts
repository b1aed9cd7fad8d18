// What search engines and link previews read: the article page's JSON-LD (a NewsArticle, and a
// Review of the thing an article reviews, carrying the readers' score), kept current as ratings
// and comments arrive, safe whatever the article says; Open Graph and Twitter card tags on every
// page; and the editor's "This article reviews…" fields and the review's own rating.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { articlePath, authorPath } from '../src/features/articles/article.model.ts';
import { headlineOf } from '../src/features/article-page/structured-data.views.tsx';
import { countRows, inputValue, postCommentJson, postJson, ratingWidgetText } from './helpers/broadsheet.ts';
import { commentInput, createArticle } from './helpers/factories.ts';
import { loginAs } from './helpers/staff.ts';
import { Client, startTestApp, textOf, type TestApp } from './helpers/test-app.ts';

const PUBLIC_URL = 'http://news.example.org';
type Node = Record<string, any>;

let app: TestApp;
before(async () => {
  app = await startTestApp({ env: { PUBLIC_URL }, settings: { siteTitle: 'The Harbour Gazette' } });
});
after(() => app.close());

/** Every JSON-LD block of the page, parsed as a search engine parses it. */
function jsonLdBlocks(html: string): unknown[] {
  return [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map((m) => JSON.parse(m[1]!));
}

/** Every node of the page's structured data (top-level objects and @graph members). */
function nodes(html: string): Node[] {
  return jsonLdBlocks(html).flatMap((block) => {
    const b = block as Node;
    return Array.isArray(b['@graph']) ? (b['@graph'] as Node[]) : [b];
  });
}

function only(html: string, type: string): Node {
  const found = nodes(html).filter((n) => n['@type'] === type);
  assert.equal(found.length, 1, `one ${type} (found ${found.length})`);
  return found[0]!;
}

/** Content of each <meta property|name="key"> in the head, in order. */
function metas(html: string, key: string): string[] {
  const head = html.slice(0, html.indexOf('</head>'));
  return [...head.matchAll(/<meta\s+(?:property|name)="([^"]+)"\s+content="([^"]*)"\s*\/?>/g)]
    .filter((m) => m[1] === key)
    .map((m) => m[2]!.replace(/&amp;/g, '&'));
}

function meta(html: string, key: string): string | undefined {
  const values = metas(html, key);
  assert.ok(values.length <= 1, `at most one ${key}`);
  return values[0];
}

async function page(path: string): Promise<string> {
  const { status, html } = await new Client(app.url).page(path);
  assert.equal(status, 200, path);
  return html;
}

/** The score and count the Reviews widget shows, e.g. { score: 89, count: 4 }. */
function widgetFigures(html: string): { score: number; count: number } {
  const text = ratingWidgetText(html);
  const score = /(\d+) %\s*User Score/.exec(text);
  const count = /(\d+) ratings?/.exec(text);
  assert.ok(score && count, `the widget shows a score and a count: ${text}`);
  return { score: Number(score[1]), count: Number(count[1]) };
}

async function rate(articleId: number, value: number): Promise<void> {
  const response = await postJson(new Client(app.url), `/api/v1/articles/${articleId}/ratings`, { value });
  assert.equal(response.status, 200, await response.text());
}

describe('the NewsArticle', () => {
  it('describes the article with absolute URLs, its comment count and no rating of its own', async () => {
    const article = await createArticle(app.services, {
      title: 'Harbour ferry returns after a winter of repairs',
      standfirst: 'The crossing reopens on Monday.',
      authorName: 'Rosa Díaz',
      section: 'Transport',
      tags: ['Ferries', 'Harbour'],
      ratingBaseline: { sum: 170, count: 2 },
    });
    const html = await page(articlePath(article.slug));
    const url = PUBLIC_URL + articlePath(article.slug);
    const news = only(html, 'NewsArticle');
    assert.equal(news.headline, 'Harbour ferry returns after a winter of repairs');
    assert.equal(news.description, 'The crossing reopens on Monday.');
    assert.equal(news.datePublished, article.publishedAt);
    assert.equal(news.dateModified, article.updatedAt);
    assert.deepEqual(news.author, { '@type': 'Person', name: 'Rosa Díaz', url: PUBLIC_URL + authorPath('Rosa Díaz') });
    assert.equal(news.publisher['@type'], 'Organization');
    assert.equal(news.publisher.name, 'The Harbour Gazette');
    assert.equal(news.publisher.url, `${PUBLIC_URL}/`);
    assert.equal(news.articleSection, 'Transport');
    assert.deepEqual(news.keywords, ['Ferries', 'Harbour']);
    assert.equal(news.url, url);
    assert.equal(news.mainEntityOfPage['@id'], url);
    assert.equal(news.commentCount, 0);
    assert.deepEqual(news.interactionStatistic, {
      '@type': 'InteractionCounter',
      interactionType: 'https://schema.org/CommentAction',
      userInteractionCount: 0,
    });
    assert.equal(news.image, undefined, 'no image without a featured image');
    // Google gives no stars to ratings of a news article itself.
    assert.equal(news.aggregateRating, undefined);
    assert.equal(nodes(html).filter((n) => n['@type'] === 'Review').length, 0, 'not a review: no Review');
    assert.doesNotMatch(JSON.stringify(jsonLdBlocks(html)), /AggregateRating/);
  });

  it('keeps headlines within 110 characters, cut at a word', async () => {
    const title =
      'Council approves the harbour budget after a long night of debate about ferries, bridges, bus lanes ' +
      'and the old fish market';
    assert.ok(title.length > 110);
    const article = await createArticle(app.services, { title, authorName: '' });
    const news = only(await page(articlePath(article.slug)), 'NewsArticle');
    assert.ok(news.headline.length <= 110, news.headline);
    assert.ok(news.headline.endsWith('…'));
    assert.ok(title.startsWith(news.headline.slice(0, -1)), 'a prefix of the title');
    assert.equal(title[news.headline.length - 1], ' ', 'cut between words');
    assert.deepEqual(news.author, news.publisher, 'without a byline, the publication is the author');
    assert.equal(news.author.name, 'The Harbour Gazette');
    assert.equal(headlineOf('Short title'), 'Short title');
  });

  it('counts approved comments as soon as one is approved', async () => {
    const article = await createArticle(app.services);
    const path = articlePath(article.slug);
    assert.equal(only(await page(path), 'NewsArticle').commentCount, 0);
    const response = await postCommentJson(
      new Client(app.url),
      article,
      commentInput({ body: 'The timetable is on the harbour wall.' }),
    );
    const { id, status } = (await response.json()) as { id: number; status: string };
    assert.equal(status, 'pending', 'a first-time commenter is held');
    assert.equal(only(await page(path), 'NewsArticle').commentCount, 0, 'a held comment is not counted');

    await app.services.comments.setStatus([id], 'approved');
    const html = await page(path);
    const news = only(html, 'NewsArticle');
    // Search engines index the thread too: approved comments are in the HTML itself, not loaded by script.
    assert.match(textOf(html), /The timetable is on the harbour wall\./);
    assert.equal(news.commentCount, 1);
    assert.equal(news.interactionStatistic.userInteractionCount, 1);

    await app.services.comments.setStatus([id], 'spam');
    assert.equal(only(await page(path), 'NewsArticle').commentCount, 0, 'and no longer once it is hidden');
  });

  it('cannot be closed or broken by what an article says', async () => {
    const attack = '</script><script>alert(1)</script><!-- & -->';
    const article = await createArticle(app.services, {
      title: `Breaking ${attack}`,
      standfirst: attack,
      bodyMarkdown: attack,
      tags: [attack],
    });
    const html = await page(articlePath(article.slug));
    const blocks = [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    assert.equal(blocks.length, 1);
    assert.doesNotMatch(blocks[0]!, /[<>]/, 'no angle bracket inside the block');
    const news = only(html, 'NewsArticle');
    assert.equal(news.headline, `Breaking ${attack}`, 'the text survives, escaped');
    assert.equal(news.description, attack);
    assert.deepEqual(news.keywords, [attack]);
    assert.doesNotMatch(html, /<script>alert/, 'no script element opened');
  });
});

describe('an article marked as a review', () => {
  let editor: Awaited<ReturnType<typeof loginAs>>;
  before(async () => {
    editor = await loginAs(app, 'editor');
  });

  async function publishReview(fields: Record<string, string>): Promise<Response> {
    return editor.client.request('/admin/articles', {
      method: 'POST',
      form: {
        _csrf: editor.csrf,
        title: `Review: The Lighthouse Keeper ${Math.random().toString(36).slice(2, 7)}`,
        body: 'A quiet film about a loud sea.',
        authorName: 'Ada Critic',
        action: 'publish',
        ...fields,
      },
    });
  }

  /** Saves the review's edit form as the editor would, with `fields` over its article's own. */
  async function saveReview(article: { id: number; title: string; slug: string }, fields: Record<string, string>) {
    const edit = await editor.client.page(`/admin/articles/${article.id}/edit`);
    return editor.client.request(`/admin/articles/${article.id}`, {
      method: 'POST',
      form: {
        _csrf: editor.csrf,
        updatedAt: inputValue(edit.html, 'updatedAt')!,
        title: article.title,
        slug: article.slug,
        body: 'A quiet film about a loud sea.',
        authorName: 'Ada Critic',
        action: 'save',
        ...fields,
      },
    });
  }

  it('carries a Review of the film with the readers’ score exactly as the widget shows it, kept current', async () => {
    const response = await publishReview({ reviewType: 'Movie', reviewName: 'The Lighthouse Keeper' });
    assert.equal(response.status, 303);
    const id = Number(/\/admin\/articles\/(\d+)\/edit/.exec(response.headers.get('location') ?? '')![1]);
    const edit = await editor.client.page(`/admin/articles/${id}/edit`);
    assert.match(edit.html, /<option value="Movie" selected[^>]*>Film<\/option>/, 'the editor shows the choice again');
    assert.equal(inputValue(edit.html, 'reviewName'), 'The Lighthouse Keeper');
    const article = await app.services.articles.getPublished(id);
    assert.deepEqual(article.review, { type: 'Movie', name: 'The Lighthouse Keeper' });
    const path = articlePath(article.slug);

    // Unrated: nothing to aggregate, so no Review yet (an AggregateRating needs a rating).
    let html = await page(path);
    assert.equal(nodes(html).filter((n) => n['@type'] === 'Review').length, 0);

    await rate(id, 80);
    await rate(id, 95);
    html = await page(path);
    let review = only(html, 'Review');
    assert.equal(review.itemReviewed['@type'], 'Movie');
    assert.equal(review.itemReviewed.name, 'The Lighthouse Keeper');
    assert.equal(review.author.name, 'Ada Critic');
    assert.equal(review.publisher.name, 'The Harbour Gazette');
    assert.equal(review.datePublished, article.publishedAt);
    assert.ok(review.name);
    let shown = widgetFigures(html);
    assert.deepEqual(shown, { score: 88, count: 2 }, '(80 + 95) / 2 = 87.5 → 88 %');
    assert.deepEqual(review.itemReviewed.aggregateRating, {
      '@type': 'AggregateRating',
      ratingValue: shown.score,
      bestRating: 100,
      worstRating: 0,
      ratingCount: shown.count,
    });
    assert.equal(only(html, 'NewsArticle').aggregateRating, undefined);

    // A new rating: the cached page drops its structured data with the widget.
    await rate(id, 20);
    html = await page(path);
    review = only(html, 'Review');
    shown = widgetFigures(html);
    assert.deepEqual(shown, { score: 65, count: 3 });
    assert.equal(review.itemReviewed.aggregateRating.ratingValue, 65);
    assert.equal(review.itemReviewed.aggregateRating.ratingCount, 3);
  });

  it('is kept in revisions: unmarking it drops the Review, restoring the revision brings it back', async () => {
    const created = await publishReview({ reviewType: 'SoftwareApplication', reviewName: 'Tidewatch 2.0' });
    const id = Number(/\/admin\/articles\/(\d+)\/edit/.exec(created.headers.get('location') ?? '')![1]);
    const article = await app.services.articles.getPublished(id);
    await rate(id, 70);
    assert.equal(only(await page(articlePath(article.slug)), 'Review').itemReviewed['@type'], 'SoftwareApplication');

    const saved = await saveReview(article, { reviewType: '', reviewName: '' });
    assert.equal(saved.status, 303);
    assert.equal((await app.services.articles.getPublished(id)).review, null);
    assert.equal(nodes(await page(articlePath(article.slug))).filter((n) => n['@type'] === 'Review').length, 0);

    const revisions = await editor.client.page(`/admin/articles/${id}/revisions`);
    assert.match(textOf(revisions.html), /Reviews: Software “Tidewatch 2\.0”/);
    const first = await app.services.db
      .selectFrom('article_revisions')
      .select('id')
      .where('article_id', '=', id)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const restored = await editor.client.request(`/admin/articles/${id}/revisions/${first.id}/restore`, {
      method: 'POST',
      form: { _csrf: editor.csrf },
    });
    assert.equal(restored.status, 303);
    const review = only(await page(articlePath(article.slug)), 'Review');
    assert.deepEqual(
      [review.itemReviewed['@type'], review.itemReviewed.name],
      ['SoftwareApplication', 'Tidewatch 2.0'],
    );
  });

  it('carries the review’s own rating set in the editor: set, changed, cleared, each in the audit log', async () => {
    const created = await publishReview({ reviewType: 'Book', reviewName: 'Salt Roads', reviewRating: '80' });
    assert.equal(created.status, 303);
    const id = Number(/\/admin\/articles\/(\d+)\/edit/.exec(created.headers.get('location') ?? '')![1]);
    const article = await app.services.articles.getPublished(id);
    const path = articlePath(article.slug);
    const verdict = (html: string) => only(html, 'Review').reviewRating;

    // No reader has rated it yet: the review's own rating alone makes it a Review.
    let html = await page(path);
    assert.deepEqual(verdict(html), { '@type': 'Rating', ratingValue: 80, bestRating: 100, worstRating: 0 });
    assert.match(textOf(html), /Our rating of Salt Roads\s*:\s*80\s*\/100/);

    async function saveRating(value: string): Promise<void> {
      const response = await saveReview(article, { reviewType: 'Book', reviewName: 'Salt Roads', reviewRating: value });
      assert.equal(response.status, 303, await response.text());
    }

    const edit = await editor.client.page(`/admin/articles/${id}/edit`);
    assert.equal(inputValue(edit.html, 'reviewRating'), '80', 'the editor shows the rating again');
    assert.match(edit.html, /<label for="reviewRating">Review rating \(0–100\)<\/label>/);
    assert.match(edit.html, /id="reviewRating"[^>]*aria-describedby="reviewRating-hint"/);

    await saveRating(' 65 ');
    html = await page(path);
    assert.equal(verdict(html).ratingValue, 65);
    assert.equal(inputValue((await editor.client.page(`/admin/articles/${id}/edit`)).html, 'reviewRating'), '65');

    await saveRating('');
    html = await page(path);
    assert.equal(nodes(html).filter((n) => n['@type'] === 'Review').length, 0, 'no rating and no readers: no Review');
    assert.doesNotMatch(textOf(html), /Our rating of/);

    const audit = await app.services.db
      .selectFrom('audit_log')
      .select('details')
      .where('subject', '=', `article:${id}`)
      .orderBy('id')
      .execute();
    const changes = audit.map((a) => (JSON.parse(String(a.details)) as Node).reviewRating);
    assert.deepEqual(changes, ['none → 80', '80 → 65', '65 → none']);
  });

  it('refuses a review rating outside 0–100 or not a whole number, beside the field, keeping the text', async () => {
    for (const value of ['101', '-1', '4.5', 'four']) {
      const before = await countRows(app.services, 'articles');
      const response = await publishReview({ reviewType: 'Book', reviewName: 'Salt Roads', reviewRating: value });
      const html = await response.text();
      assert.equal(response.status, 400, `${value} is refused`);
      const error = /<[a-z]+[^>]*id="reviewRating-error"[^>]*>([\s\S]*?)<\//.exec(html);
      assert.ok(error, `an error beside the rating for ${value}`);
      assert.match(textOf(error[1]!), /Enter a whole number from 0 to 100, or leave it empty/);
      assert.match(html, /id="reviewRating"[^>]*aria-invalid="true"/);
      assert.equal(inputValue(html, 'reviewRating'), value, 'the rating is shown as typed');
      assert.equal(inputValue(html, 'reviewName'), 'Salt Roads', 'the rest of the form is kept');
      assert.equal(await countRows(app.services, 'articles'), before, 'no article was made');
    }
  });

  it('works for an imported article marked through the service, with its carried-over score', async () => {
    const article = await createArticle(app.services, {
      review: { type: 'Book', name: 'Tides of Salt' },
      ratingBaseline: { sum: 255, count: 3 },
    });
    const html = await page(articlePath(article.slug));
    const review = only(html, 'Review');
    assert.equal(review.itemReviewed['@type'], 'Book');
    assert.equal(review.itemReviewed.name, 'Tides of Salt');
    assert.deepEqual(widgetFigures(html), { score: 85, count: 3 });
    assert.equal(review.itemReviewed.aggregateRating.ratingValue, 85);
    assert.equal(review.itemReviewed.aggregateRating.ratingCount, 3);
  });

  it(
    'refuses a type without a name, a name without a type and an unknown type, beside the field, ' + 'saving nothing',
    async () => {
      const cases: [Record<string, string>, string, RegExp][] = [
        [{ reviewType: 'Movie', reviewName: '' }, 'reviewName', /Name what the article reviews/],
        [{ reviewType: '', reviewName: 'The Lighthouse Keeper' }, 'reviewType', /Choose what kind of thing/],
        [
          { reviewType: 'NewsArticle', reviewName: 'Yesterday’s paper' },
          'reviewType',
          /Choose one of the listed kinds/,
        ],
        [{ reviewType: 'Book', reviewName: 'x'.repeat(201) }, 'reviewName', /under 200 characters/],
      ];
      for (const [fields, field, message] of cases) {
        const before = await countRows(app.services, 'articles');
        const response = await publishReview(fields);
        const html = await response.text();
        assert.equal(response.status, 400, `${JSON.stringify(fields)} is refused`);
        const error = new RegExp(`<[a-z]+[^>]*id="${field}-error"[^>]*>([\\s\\S]*?)</`).exec(html);
        assert.ok(error, `an error beside ${field}`);
        assert.match(textOf(error[1]!), message);
        assert.match(html, new RegExp(`id="${field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="${field}"`));
        assert.match(textOf(html), /Nothing was saved/);
        assert.equal(await countRows(app.services, 'articles'), before, 'no article was made');
      }
    },
  );
});

describe('link previews', () => {
  it('the front page is a website with absolute URLs and a summary card', async () => {
    const html = await page('/');
    assert.equal(meta(html, 'og:site_name'), 'The Harbour Gazette');
    assert.equal(meta(html, 'og:title'), 'The Harbour Gazette');
    assert.ok(meta(html, 'og:description'));
    assert.equal(meta(html, 'og:url'), `${PUBLIC_URL}/`);
    assert.equal(meta(html, 'og:type'), 'website');
    assert.equal(meta(html, 'og:image'), undefined);
    assert.equal(meta(html, 'twitter:card'), 'summary');
    assert.equal(meta(html, 'twitter:title'), 'The Harbour Gazette');
    assert.ok(meta(html, 'twitter:description'));
  });

  it('an article is an article, with its times, section and tags', async () => {
    const article = await createArticle(app.services, {
      title: 'Fish market to close',
      standfirst: 'After 140 years.',
      section: 'Business',
      tags: ['Markets', 'Harbour'],
    });
    const html = await page(articlePath(article.slug));
    assert.equal(meta(html, 'og:type'), 'article');
    assert.equal(meta(html, 'og:title'), 'Fish market to close');
    assert.equal(meta(html, 'og:description'), 'After 140 years.');
    assert.equal(meta(html, 'og:url'), PUBLIC_URL + articlePath(article.slug));
    assert.equal(meta(html, 'article:published_time'), article.publishedAt);
    assert.equal(meta(html, 'article:modified_time'), article.updatedAt);
    assert.equal(meta(html, 'article:section'), 'Business');
    assert.deepEqual(metas(html, 'article:tag').sort(), ['Harbour', 'Markets']);
    assert.equal(meta(html, 'og:image'), undefined, 'no og:image without a featured image');
    assert.equal(meta(html, 'twitter:card'), 'summary');
    assert.equal(meta(html, 'twitter:title'), 'Fish market to close');
    assert.equal(meta(html, 'twitter:description'), 'After 140 years.');
  });

  it('an article with a featured image shows its largest variant, and JSON-LD lists every variant', async () => {
    const article = await createArticle(app.services, { title: 'Storm over the breakwater' });
    // A stored image key is all the page reads (the files themselves are not needed here).
    await app.services.db
      .updateTable('articles')
      .set({ featured_image: 'abcdefghijklmnop_1600x900', featured_image_alt: 'Waves over the wall' })
      .where('id', '=', article.id)
      .execute();
    const html = await page(articlePath(article.slug));
    assert.equal(meta(html, 'og:image'), `${PUBLIC_URL}/media/abcdefghijklmnop_1600x900-1600.webp`);
    assert.equal(meta(html, 'og:image:width'), '1600');
    assert.equal(meta(html, 'og:image:height'), '900');
    assert.equal(meta(html, 'og:image:alt'), 'Waves over the wall');
    assert.equal(meta(html, 'twitter:card'), 'summary_large_image');
    assert.deepEqual(
      only(html, 'NewsArticle').image,
      [480, 960, 1600].map((w) => `${PUBLIC_URL}/media/abcdefghijklmnop_1600x900-${w}.webp`),
    );
  });

  it('an error page has no og:url', async () => {
    const response = await new Client(app.url).request('/articles/no-such-article');
    assert.equal(response.status, 404);
    const html = await response.text();
    assert.equal(meta(html, 'og:url'), undefined);
    assert.ok(meta(html, 'og:title'));
  });
});
