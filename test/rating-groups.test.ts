// Ratings sent at the same moment. On PostgreSQL those that arrive together are written as one
// group, in one call and one commit (rating.service.ts): each must still get its own answer, and
// one the database refuses must not take the others down with it. On SQLite each rating is its
// own transaction; the answers must be the same.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createArticle } from './helpers/factories.ts';
import { startTestApp, type TestApp } from './helpers/test-app.ts';

const together = <T>(n: number, run: (i: number) => Promise<T>) =>
  Promise.allSettled(Array.from({ length: n }, (_, i) => run(i)));

describe('ratings sent together', () => {
  let app: TestApp;

  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  async function stored(articleId: number) {
    const article = await app.services.db
      .selectFrom('articles')
      .selectAll()
      .where('id', '=', articleId)
      .executeTakeFirstOrThrow();
    const values = (
      await app.services.db.selectFrom('ratings').select('value').where('article_id', '=', articleId).execute()
    ).map((r) => r.value);
    return { article, values };
  }

  it('each gets its own answer: those of an article that does not exist are refused, the rest counted', async () => {
    const article = await createArticle(app.services);
    const results = await together(30, (i) =>
      app.services.ratings.rate({
        articleId: i % 3 === 0 ? 999_999 : article.id,
        readerId: `group-reader-${i}`,
        ipHash: `group-ip-${i}`,
        value: i * 3,
      }),
    );
    for (const [i, r] of results.entries()) {
      if (i % 3 === 0)
        assert.equal(r.status === 'rejected' && (r.reason as { code?: string }).code, 'article_not_found');
      else assert.equal(r.status === 'fulfilled' && r.value.yourRating, i * 3);
    }
    const { article: row, values } = await stored(article.id);
    const expected = results.flatMap((_, i) => (i % 3 === 0 ? [] : [i * 3]));
    assert.deepEqual(
      [...values].sort((a, b) => a - b),
      expected,
    );
    assert.deepEqual([row.rating_sum, row.rating_count], [expected.reduce((a, b) => a + b, 0), expected.length]);
    const bands = [row.rating_band_1, row.rating_band_2, row.rating_band_3, row.rating_band_4, row.rating_band_5];
    const expectedBands = [20, 40, 60, 80, 100].map(
      (max, band) => expected.filter((v) => v <= max && v > (band === 0 ? -1 : [20, 40, 60, 80][band - 1]!)).length,
    );
    assert.deepEqual(bands, expectedBands);
  });

  it('one the database refuses fails alone; the ratings sent with it are stored', async () => {
    const article = await createArticle(app.services);
    // 101 is refused by the table's check (the API refuses it before it gets this far).
    const results = await together(12, (i) =>
      app.services.ratings.rate({
        articleId: article.id,
        readerId: `mixed-reader-${i}`,
        ipHash: `mixed-ip-${i}`,
        value: i === 5 ? 101 : 50,
      }),
    );
    assert.equal(results[5]!.status, 'rejected');
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 11);
    const { article: row, values } = await stored(article.id);
    assert.equal(values.length, 11);
    assert.deepEqual([row.rating_sum, row.rating_count], [550, 11]);
  });
});
