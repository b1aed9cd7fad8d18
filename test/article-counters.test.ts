// An article's rating and comment totals (article-counters.ts): on PostgreSQL (TEST_DATABASE=
// postgres) writes append deltas that are folded into the article's row after commit; SQLite
// updates the row. Either way the page shows exact totals, and deltas a crash left behind (or a
// copy brought over) are folded, never lost or counted twice.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { commentInput, createArticle } from './helpers/factories.ts';
import { Client, startTestApp, textOf, type TestApp } from './helpers/test-app.ts';

const together = <T>(n: number, run: (i: number) => Promise<T>) =>
  Promise.all(Array.from({ length: n }, (_, i) => run(i)));

describe('article totals', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ settings: { commentPolicy: 'publish', ratingCapPerDay: 100 } });
  });
  after(() => app.close());

  const row = (id: number) =>
    app.services.db.selectFrom('articles').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const pending = async () =>
    (await app.services.db.selectFrom('article_counter_deltas').select('id').execute()).length;

  it(
    'many ratings and comments at once: each answer counts its own, and the row ends exact with nothing left ' +
      'to fold',
    async () => {
      const article = await createArticle(app.services);
      const rated = await together(30, (i) =>
        app.services.ratings.rate({ articleId: article.id, readerId: `many-${i}`, ipHash: `ip-${i}`, value: 50 + i }),
      );
      const posted = await together(12, (i) =>
        app.services.comments.post(commentInput(), {
          articleId: article.id,
          readerId: `c-${i}`,
          ipHash: `cip-${i}`,
          userAgent: 'test',
        }),
      );
      assert.deepEqual(new Set(posted.map((p) => p.status)), new Set(['approved']));
      // Every answer saw at least its own rating in the totals.
      for (const r of rated) assert.ok(r.count >= 1 && r.count <= 30);
      assert.equal(Math.max(...rated.map((r) => r.count)), 30);
      const after = await row(article.id);
      assert.deepEqual([after.rating_count, after.rating_sum, after.comment_count], [30, 30 * 50 + (29 * 30) / 2, 12]);
      assert.equal(
        after.rating_band_1 + after.rating_band_2 + after.rating_band_3 + after.rating_band_4 + after.rating_band_5,
        30,
      );
      assert.equal(await pending(), 0);
    },
  );

  it(
    'deltas left unfolded (a crash after commit, or a copied database) are folded by the maintenance round, ' + 'once',
    async () => {
      const article = await createArticle(app.services);
      await app.services.db
        .insertInto('article_counter_deltas')
        .values({ article_id: article.id, rating_sum: 80, rating_count: 1, rating_band_4: 1 })
        .execute();
      await app.services.db
        .insertInto('article_counter_deltas')
        .values({ article_id: article.id, comment_count: 1 })
        .execute();
      await app.services.maintenance.runOnce();
      await app.services.maintenance.runOnce();
      const after = await row(article.id);
      assert.deepEqual([after.rating_count, after.rating_sum, after.rating_band_4, after.comment_count], [1, 80, 1, 1]);
      assert.equal(await pending(), 0);
      app.services.events.emit('rating.changed', { articleId: article.id, score: 80, count: 1 });
      assert.match(textOf(await (await new Client(app.url).request(`/articles/${article.slug}`)).text()), /1 rating\b/);
    },
  );
});
