// The admin dashboard: the queue's size, comments and ratings per day as server-drawn charts,
// and the top-rated and most-discussed articles.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lastDays } from '../src/features/dashboard/dashboard.service.ts';
import { postCommentJson, postJson } from './helpers/broadsheet.ts';
import { commentInput, createArticle } from './helpers/factories.ts';
import { loginAs } from './helpers/staff.ts';
import { Client, startTestApp, textOf, type TestApp } from './helpers/test-app.ts';

const DAY = 86_400_000;
const isoDay = (offsetDays: number) => new Date(Date.now() - offsetDays * DAY).toISOString().slice(0, 10);

describe('dashboard', () => {
  let app: TestApp;
  let html: string;
  const titles = { best: 'Lighthouse restored', good: 'Market reopens', few: 'Two ratings only', talked: 'Harbour dredging row' };

  before(async () => {
    app = await startTestApp();
    const best = await createArticle(app.services, { title: titles.best });
    const good = await createArticle(app.services, { title: titles.good });
    const few = await createArticle(app.services, { title: titles.few });
    const talked = await createArticle(app.services, { title: titles.talked });
    // Each reader (a fresh client) rates through the API.
    const rate = async (article: { id: number }, value: number) =>
      assert.equal((await postJson(new Client(app.url), `/api/v1/articles/${article.id}/ratings`, { value })).status, 200);
    for (const value of [100, 80, 60]) await rate(best, value); // 80 %
    for (const value of [60, 60, 40]) await rate(good, value); // 53 %
    for (const value of [100, 100]) await rate(few, value); // too few to rank

    const post = async (article: { id: number; slug: string }) => {
      const response = await postCommentJson(new Client(app.url), article, commentInput());
      assert.equal(response.status, 201);
      return ((await response.json()) as { id: number }).id;
    };
    const published = [await post(talked), await post(talked), await post(talked), await post(best)];
    await app.services.comments.setStatus(published, 'approved');
    await post(good); // still pending
    const older = await post(good); // pending, written three days ago
    await app.services.db.updateTable('comments').set({ created_at: `${isoDay(3)}T09:30:00.000Z` }).where('id', '=', older).execute();

    const moderator = await loginAs(app, 'moderator');
    const page = await moderator.client.page('/admin');
    assert.equal(page.status, 200);
    html = page.html;
  });
  after(() => app.close());

  it('shows the size of the moderation queue, linked for those who moderate', async () => {
    assert.match(html, /<a href="\/admin\/comments\?status=pending">2 comments awaiting moderation<\/a>/);
    const author = await loginAs(app, 'author');
    const authorPage = await author.client.page('/admin');
    assert.equal(authorPage.status, 200);
    assert.match(textOf(authorPage.html), /2 comments awaiting moderation/);
    assert.doesNotMatch(authorPage.html, /href="\/admin\/comments/, 'no link an author could not follow');
  });

  it('draws comments and ratings per day for the last 30 days as accessible SVG charts', () => {
    const charts = [...html.matchAll(/<svg class="chart" id="([\w-]+)" role="img" aria-label="([^"]+)"[\s\S]*?<\/svg>/g)];
    assert.deepEqual(
      charts.map((m) => m[1]),
      ['comments-chart', 'ratings-chart'],
    );
    const [comments, ratings] = charts;
    assert.match(comments![2]!, /^Comments per day, \d+ \w+ to \d+ \w+: 6 comments in total; the busiest day was \d+ \w+ with 5\.$/);
    assert.match(ratings![2]!, /^Ratings per day, .*: 8 ratings in total; the busiest day was \d+ \w+ with 8\.$/);
    const bars = (svg: string) => Object.fromEntries([...svg.matchAll(/data-day="([\d-]+)" data-n="(\d+)"/g)].map((m) => [m[1], Number(m[2])]));
    assert.deepEqual(bars(comments![0]), { [isoDay(3)]: 1, [isoDay(0)]: 5 }, 'one bar per day with comments, every status counted');
    assert.deepEqual(bars(ratings![0]), { [isoDay(0)]: 8 });
    assert.match(comments![0], /<rect [^>]*height="80" fill="currentColor"[^>]*data-day="\d{4}-\d\d-\d\d" data-n="5"/, 'the busiest day fills the chart');
    assert.doesNotMatch(html, /\sstyle="/, 'no inline styles (the CSP forbids them)');
    // The figures behind each chart, in a table.
    assert.match(textOf(html), /Figures for comments per day Comments per day Day Comments \d+ \w+ 5 /);
  });

  it('lists the top-rated articles (at least 3 ratings) and the most discussed', () => {
    const list = (id: string) => textOf(new RegExp(`<section class="dash-list"[^>]*id="${id}">[\\s\\S]*?</section>`).exec(html)![0]);
    assert.match(list('top-rated'), new RegExp(`${titles.best} 80 % · 3 ratings ${titles.good} 53 % · 3 ratings$`));
    assert.doesNotMatch(list('top-rated'), new RegExp(titles.few));
    assert.match(list('most-discussed'), new RegExp(`${titles.talked} 3 comments ${titles.best} 1 comment$`));
  });

  it('counts days in UTC, oldest first', () => {
    assert.deepEqual(lastDays(new Date('2026-03-02T23:59:00Z'), 3), ['2026-02-28', '2026-03-01', '2026-03-02']);
  });
});
