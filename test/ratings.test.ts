// Ratings: the user score, one rating per reader, the distribution, the per-address cap,
// TRUST_PROXY, and the no-JavaScript Rate This form.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, startTestApp, textOf, type TestApp } from './helpers/test-app.ts';
import { createArticle } from './helpers/factories.ts';
import {
  countRows,
  expectJsonError,
  importSample,
  postJson,
  ratingWidgetText,
  SAMPLE_PATH,
  SAMPLE_SLUG,
} from './helpers/broadsheet.ts';

interface Rated {
  score: number | null;
  count: number;
  yourRating: number;
}

async function rate(client: Client, articleId: number | string, value: unknown): Promise<Response> {
  return postJson(client, `/api/v1/articles/${articleId}/ratings`, { value });
}

async function rateOk(client: Client, articleId: number | string, value: number): Promise<Rated> {
  const response = await rate(client, articleId, value);
  const text = await response.text();
  assert.equal(response.status, 200, text);
  return JSON.parse(text) as Rated;
}

async function apiRating(app: TestApp, id: number) {
  const response = await fetch(`${app.url}/api/v1/articles/${id}`);
  assert.equal(response.status, 200);
  return (
    (await response.json()) as {
      rating: { score: number | null; count: number; distribution: { min: number; max: number; count: number }[] };
    }
  ).rating;
}

describe('user score of the imported sample article', () => {
  let app: TestApp;
  let id: number;
  let a: Client;
  let b: Client;

  before(async () => {
    app = await startTestApp();
    id = (await importSample(app.services)).article.id;
    a = new Client(app.url);
    b = new Client(app.url);
  });
  after(() => app.close());

  it('imports as 85 % from 3 ratings, on the page and in the API', async () => {
    const { status, html } = await new Client(app.url).page(SAMPLE_PATH);
    assert.equal(status, 200);
    const widget = ratingWidgetText(html);
    assert.match(widget, /\b85 % User Score 3 ratings\b/);
    // The baseline has no breakdown: one line says where the ratings came from, and no empty bars.
    assert.match(widget, /The score comes from 3 ratings the article brought from its earlier home\./);
    assert.doesNotMatch(html, /<table class="distribution"/);
    assert.doesNotMatch(widget, /carried over|made here/);
    assert.deepEqual(await apiRating(app, id), {
      score: 85,
      count: 3,
      distribution: [
        { min: 0, max: 20, count: 0 },
        { min: 21, max: 40, count: 0 },
        { min: 41, max: 60, count: 0 },
        { min: 61, max: 80, count: 0 },
        { min: 81, max: 100, count: 0 },
      ],
    });
    const list = (await (await fetch(`${app.url}/api/v1/articles`)).json()) as {
      items: { id: number; rating: unknown }[];
    };
    assert.deepEqual(list.items.find((item) => item.id === id)?.rating, { score: 85, count: 3 });
  });

  it('one rating of 100 makes it 89 % from 4 ratings', async () => {
    assert.deepEqual(await rateOk(a, id, 100), { score: 89, count: 4, yourRating: 100 });
    const { html } = await new Client(app.url).page(SAMPLE_PATH);
    assert.match(
      ratingWidgetText(html),
      /\b89 % User Score 4 ratings How readers rated it here 5 stars 1 4 stars 0 .*The score also counts 3 ratings the article brought from its earlier home\./,
    );
    const rating = await apiRating(app, id);
    assert.equal(rating.score, 89);
    assert.equal(rating.count, 4);
  });

  it('the same reader rating again replaces their rating (count unchanged)', async () => {
    assert.deepEqual(await rateOk(a, id, 0), { score: 64, count: 4, yourRating: 0 });
    const { html } = await new Client(app.url).page(SAMPLE_PATH);
    assert.match(ratingWidgetText(html), /\b64 % User Score 4 ratings\b/);
    assert.equal(await countRows(app.services, 'ratings'), 1);
  });

  it('the same reader can also rate by slug and it is still one rating', async () => {
    assert.deepEqual(await rateOk(a, SAMPLE_SLUG, 0), { score: 64, count: 4, yourRating: 0 });
  });

  it('a second reader adds a rating', async () => {
    // (255 + 0 + 50) / 5 = 61
    assert.deepEqual(await rateOk(b, id, 50), { score: 61, count: 5, yourRating: 50 });
    assert.equal(await countRows(app.services, 'ratings'), 2);
  });

  it('the distribution has five bands of the ratings made here', async () => {
    const rating = await apiRating(app, id);
    assert.equal(rating.distribution.length, 5);
    assert.deepEqual(
      rating.distribution.map((band) => [band.min, band.max]),
      [
        [0, 20],
        [21, 40],
        [41, 60],
        [61, 80],
        [81, 100],
      ],
    );
    assert.deepEqual(
      rating.distribution.map((band) => band.count),
      [1, 0, 1, 0, 0],
    );
    assert.equal(rating.count, 5);
  });

  it('the page shows the reader their own rating, and nobody else', async () => {
    const own = await a.page(SAMPLE_PATH);
    // a rated 0: on the stars scale that is shown as a percent
    assert.match(textOf(own.html), /Your rating: 0 %/);
    const mine = await b.page(SAMPLE_PATH);
    assert.match(textOf(mine.html), /Your rating: 50 %/);
    const stranger = await new Client(app.url).page(SAMPLE_PATH);
    assert.doesNotMatch(textOf(stranger.html), /Your rating:/);
  });
});

describe('rating an unrated article', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  it('has no score until it is rated, then the mean of its ratings', async () => {
    const article = await createArticle(app.services);
    assert.deepEqual(await apiRating(app, article.id).then((r) => ({ score: r.score, count: r.count })), {
      score: null,
      count: 0,
    });
    const page = await new Client(app.url).page(`/articles/${article.slug}`);
    // Unrated: an invitation, not a "–" over a table of zeros.
    assert.match(
      ratingWidgetText(page.html),
      /^Reviews No ratings yet\. Be the first to say what you think of it\. Rate This/,
    );
    assert.doesNotMatch(page.html, /<table class="distribution"|data-score/);
    assert.deepEqual(await rateOk(new Client(app.url), article.id, 80), { score: 80, count: 1, yourRating: 80 });
    assert.deepEqual(await rateOk(new Client(app.url), article.id, 41), { score: 61, count: 2, yourRating: 41 });
    const after2 = await new Client(app.url).page(`/articles/${article.slug}`);
    assert.match(
      ratingWidgetText(after2.html),
      /\b61 % User Score 2 ratings How readers rated it here 5 stars 0 4 stars 1 3 stars 1 2 stars 0 1 star 0\b/,
    );
  });

  // The page's figures are kept between builds and moved by this instance's rating events.
  it('the page read after each rating shows it, a changed rating moving between bands', async () => {
    const article = await createArticle(app.services);
    const widget = async () => ratingWidgetText((await new Client(app.url).page(`/articles/${article.slug}`)).html);
    const reader = new Client(app.url);
    const steps: [Client, number, RegExp][] = [
      [reader, 95, /\b95 % User Score 1 rating .* 5 stars 1 4 stars 0 3 stars 0 2 stars 0 1 star 0\b/],
      [reader, 30, /\b30 % User Score 1 rating .* 5 stars 0 4 stars 0 3 stars 0 2 stars 1 1 star 0\b/],
      [new Client(app.url), 10, /\b20 % User Score 2 ratings .* 5 stars 0 4 stars 0 3 stars 0 2 stars 1 1 star 1\b/],
      [reader, 70, /\b40 % User Score 2 ratings .* 5 stars 0 4 stars 1 3 stars 0 2 stars 0 1 star 1\b/],
    ];
    await widget();
    for (const [client, value, shown] of steps) {
      await rateOk(client, article.id, value);
      assert.match(await widget(), shown, `after a rating of ${value}`);
    }
  });
});

describe('per-address rating cap', () => {
  it('lets 3 readers from one address rate, refuses the 4th, and still lets a reader change their rating', async () => {
    const app = await startTestApp();
    try {
      await app.services.settings.update({ ratingCapPerDay: 3 });
      const article = await createArticle(app.services);
      const readers = [new Client(app.url), new Client(app.url), new Client(app.url)];
      for (const [i, reader] of readers.entries()) {
        const result = await rateOk(reader, article.id, 60);
        assert.equal(result.count, i + 1);
      }
      const body = await expectJsonError(await rate(new Client(app.url), article.id, 100), 429, 'rating_cap_reached');
      assert.ok(body.message.length > 0);
      assert.equal((await apiRating(app, article.id)).count, 3, 'the refused rating was not counted');
      assert.equal(await countRows(app.services, 'ratings'), 3);

      // An existing reader re-rating is not a new rating: it still works.
      assert.deepEqual(await rateOk(readers[0]!, article.id, 100), { score: 73, count: 3, yourRating: 100 });

      // The cap is per article.
      const other = await createArticle(app.services);
      assert.equal((await rateOk(new Client(app.url), other.id, 20)).count, 1);
    } finally {
      await app.close();
    }
  });

  it('by default ignores X-Forwarded-For, so it cannot be used to get round the cap', async () => {
    const app = await startTestApp();
    try {
      await app.services.settings.update({ ratingCapPerDay: 3 });
      const article = await createArticle(app.services);
      const statuses: number[] = [];
      for (let i = 1; i <= 5; i++) {
        const reader = new Client(app.url, { 'x-forwarded-for': `203.0.113.${i}` });
        const response = await rate(reader, article.id, 40);
        statuses.push(response.status);
        if (response.status === 429) await expectJsonError(response, 429, 'rating_cap_reached');
      }
      assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
      assert.equal((await apiRating(app, article.id)).count, 3);
    } finally {
      await app.close();
    }
  });

  it('with TRUST_PROXY=127.0.0.1 counts each forwarded address separately', async () => {
    const app = await startTestApp({ env: { TRUST_PROXY: '127.0.0.1' } });
    try {
      await app.services.settings.update({ ratingCapPerDay: 3 });
      const article = await createArticle(app.services);
      for (let i = 1; i <= 5; i++) {
        const reader = new Client(app.url, { 'x-forwarded-for': `203.0.113.${i}` });
        assert.equal((await rateOk(reader, article.id, 40)).count, i);
      }
      // …and the forwarded address is what is capped.
      for (let i = 1; i <= 3; i++)
        await rateOk(new Client(app.url, { 'x-forwarded-for': '198.51.100.7' }), article.id, 40);
      await expectJsonError(
        await rate(new Client(app.url, { 'x-forwarded-for': '198.51.100.7' }), article.id, 40),
        429,
        'rating_cap_reached',
      );
      assert.equal((await apiRating(app, article.id)).count, 8);
    } finally {
      await app.close();
    }
  });
});

describe('Rate This form without JavaScript', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
    await importSample(app.services);
  });
  after(() => app.close());

  it('POST value=80 redirects to #rating and the page then shows the rating', async () => {
    const reader = new Client(app.url);
    const { html } = await reader.page(SAMPLE_PATH);
    assert.match(textOf(html), /Rate This/);
    const response = await reader.request(`${SAMPLE_PATH}/rating`, { method: 'POST', form: { value: '80' } });
    assert.equal(response.status, 303);
    assert.match(response.headers.get('location') ?? '', new RegExp(`${SAMPLE_PATH}#rating$`));
    const page = await reader.page(SAMPLE_PATH);
    assert.match(textOf(page.html), /Your rating: 4 stars\. /);
    // (255 + 80) / 4 = 83.75 → 84
    assert.match(ratingWidgetText(page.html), /\b84 % User Score 4 ratings\b/);
    assert.match(page.html, /<input[^>]*id="rate-80"[^>]*checked/);
  });

  it('an invalid value comes back as the page with the error, and nothing is written', async () => {
    const reader = new Client(app.url);
    await reader.page(SAMPLE_PATH);
    const before = await countRows(app.services, 'ratings');
    const response = await reader.request(`${SAMPLE_PATH}/rating`, { method: 'POST', form: { value: '101' } });
    assert.equal(response.status, 400);
    assert.match(response.headers.get('content-type') ?? '', /text\/html/);
    assert.match(textOf(await response.text()), /Choose a rating from 0 to 100/);
    assert.equal(await countRows(app.services, 'ratings'), before);
  });
});
