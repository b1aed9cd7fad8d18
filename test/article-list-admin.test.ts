// The admin articles list's readers' figures: publish date, score and comment count, each a column
// the list can be ordered by.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createArticle } from './helpers/factories.ts';
import { loginAs } from './helpers/staff.ts';
import { startTestApp, textOf, type TestApp } from './helpers/test-app.ts';

describe('the admin articles list', () => {
  let app: TestApp;
  let editor: Awaited<ReturnType<typeof loginAs>>;
  before(async () => {
    app = await startTestApp();
    const { db } = app.services;
    const make = async (
      title: string,
      publishedAt: string,
      figures: { rating_sum: number; rating_count: number; comment_count: number },
    ) => {
      const article = await createArticle(app.services, { title, publishedAt });
      await db.updateTable('articles').set(figures).where('id', '=', article.id).execute();
    };
    await make('Quiet piece', '2026-03-01T09:00:00.000Z', { rating_sum: 0, rating_count: 0, comment_count: 0 });
    await make('Loved piece', '2026-01-15T09:00:00.000Z', { rating_sum: 270, rating_count: 3, comment_count: 2 });
    await make('Talked-about piece', '2026-02-10T09:00:00.000Z', {
      rating_sum: 100,
      rating_count: 2,
      comment_count: 40,
    });
    const draft = await createArticle(app.services, { title: 'Draft piece' });
    await db.updateTable('articles').set({ status: 'draft', published_at: null }).where('id', '=', draft.id).execute();
    editor = await loginAs(app, 'editor');
  });
  after(() => app.close());

  const rows = async (path: string) => {
    const page = await editor.client.page(path);
    assert.equal(page.status, 200);
    const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(page.html)![1]!;
    return { html: page.html, rows: [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => textOf(m[1]!)) };
  };

  it('shows the publish date, the score and the comment count', async () => {
    const { html, rows: list } = await rows('/admin/articles');
    assert.match(
      html,
      /<th scope="col"><a href="\/admin\/articles\?sort=published">Published<span class="visually-hidden"> \(sort by it\)<\/span><\/a><\/th>/,
    );
    assert.match(html, /<th scope="col" aria-sort="descending">Last saved<\/th>/);
    const loved = list.find((r) => r.startsWith('Loved piece'))!;
    assert.match(loved, /15 Jan 2026/);
    assert.match(loved, /90 % \(3 ratings\) 2 /);
    assert.match(list.find((r) => r.startsWith('Quiet piece'))!, /— 0 /, 'no score before any rating');
    assert.match(list.find((r) => r.startsWith('Draft piece'))!, /Draft .*— — 0 /, 'a draft has no publish date');
  });

  it('orders by score, comments or publish date, highest or newest first, those without last', async () => {
    const titles = async (sort: string) =>
      (await rows(`/admin/articles?sort=${sort}`)).rows.map((r) => r.split(' piece')[0]);
    assert.deepEqual((await titles('score')).slice(0, 2), ['Loved', 'Talked-about']);
    assert.deepEqual((await titles('comments')).slice(0, 2), ['Talked-about', 'Loved']);
    assert.deepEqual(await titles('published'), ['Quiet', 'Talked-about', 'Loved', 'Draft']);
    const { html } = await rows('/admin/articles?sort=comments&status=published');
    assert.match(html, /<input type="hidden" name="sort" value="comments"\/?>/, 'the filters keep the order');
    assert.match(html, /<th scope="col" aria-sort="descending">Comments<\/th>/);
    assert.equal(
      (await editor.client.page('/admin/articles?sort=nonsense')).status,
      200,
      'an unknown order falls back to the default',
    );
  });
});
