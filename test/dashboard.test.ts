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
  const titles = {
    best: 'Lighthouse restored',
    good: 'Market reopens',
    few: 'Two ratings only',
    talked: 'Harbour dredging row',
  };

  before(async () => {
    app = await startTestApp();
    const best = await createArticle(app.services, { title: titles.best });
    const good = await createArticle(app.services, { title: titles.good });
    const few = await createArticle(app.services, { title: titles.few });
    const talked = await createArticle(app.services, { title: titles.talked });
    // Each reader (a fresh client) rates through the API.
    const rate = async (article: { id: number }, value: number) =>
      assert.equal(
        (await postJson(new Client(app.url), `/api/v1/articles/${article.id}/ratings`, { value })).status,
        200,
      );
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
    await app.services.db
      .updateTable('comments')
      .set({ created_at: `${isoDay(3)}T09:30:00.000Z` })
      .where('id', '=', older)
      .execute();

    const moderator = await loginAs(app, 'moderator');
    const page = await moderator.client.page('/admin');
    assert.equal(page.status, 200);
    html = page.html;
  });
  after(() => app.close());

  it('shows the size of the moderation queue, linked for those who moderate', async () => {
    assert.match(html, /<a href="\/admin\/comments\?status=pending">2 comments awaiting moderation<\/a>/);
    assert.match(
      textOf(html),
      /2 comments awaiting moderation 1 arrived today\./,
      'the other was written three days ago',
    );
    const author = await loginAs(app, 'author');
    const authorPage = await author.client.page('/admin');
    assert.equal(authorPage.status, 200);
    assert.match(textOf(authorPage.html), /2 comments awaiting moderation/);
    assert.doesNotMatch(authorPage.html, /href="\/admin\/comments/, 'no link an author could not follow');
  });

  it('draws comments and ratings per day for the last 30 days as accessible SVG charts', () => {
    const charts = [
      ...html.matchAll(/<svg class="chart" id="([\w-]+)" role="img" aria-label="([^"]+)"[\s\S]*?<\/svg>/g),
    ];
    assert.deepEqual(
      charts.map((m) => m[1]),
      ['comments-chart', 'ratings-chart'],
    );
    const [comments, ratings] = charts;
    assert.match(
      comments![2]!,
      /^Comments per day, \d+ \w+ to \d+ \w+: 6 comments in total; the busiest day was \d+ \w+ with 5\.$/,
    );
    assert.match(ratings![2]!, /^Ratings per day, .*: 8 ratings in total; the busiest day was \d+ \w+ with 8\.$/);
    const bars = (svg: string) =>
      Object.fromEntries([...svg.matchAll(/data-day="([\d-]+)" data-n="(\d+)"/g)].map((m) => [m[1], Number(m[2])]));
    assert.deepEqual(
      bars(comments![0]),
      { [isoDay(3)]: 1, [isoDay(0)]: 5 },
      'one bar per day with comments, every status counted',
    );
    assert.deepEqual(bars(ratings![0]), { [isoDay(0)]: 8 });
    assert.match(
      comments![0],
      /<rect [^>]*height="100" fill="currentColor"[^>]*data-day="\d{4}-\d\d-\d\d" data-n="5"/,
      'the busiest day fills the chart',
    );
    // Every bar shows its value, so no figure is hidden behind a hover.
    const values = (svg: string) =>
      [...svg.matchAll(/<text class="chart-value"[^>]*>(\d+)<\/text>/g)].map((m) => Number(m[1]));
    assert.deepEqual(values(comments![0]), [1, 5]);
    assert.deepEqual(values(ratings![0]), [8]);
    assert.doesNotMatch(html, /\sstyle="/, 'no inline styles (the CSP forbids them)');
    // The figures behind each chart, in a table.
    assert.match(textOf(html), /Figures for comments per day Comments per day Day Comments \d+ \w+ 5 /);
  });

  it('lists the top-rated articles (at least 3 ratings) and the most discussed', () => {
    const list = (id: string) =>
      textOf(new RegExp(`<section class="dash-list"[^>]*id="${id}">[\\s\\S]*?</section>`).exec(html)![0]);
    assert.match(list('top-rated'), new RegExp(`${titles.best} 80 % · 3 ratings ${titles.good} 53 % · 3 ratings$`));
    assert.doesNotMatch(list('top-rated'), new RegExp(titles.few));
    assert.match(list('most-discussed'), new RegExp(`${titles.talked} 3 comments ${titles.best} 1 comment$`));
  });

  it('gives writers a New article action, the drafts and the scheduled articles, linked to the editor', async () => {
    assert.doesNotMatch(html, /href="\/admin\/articles\/new"/, 'a moderator writes no articles');
    assert.doesNotMatch(html, /id="drafts"/);
    const { db } = app.services;
    const draft = await createArticle(app.services, { title: 'Half-written ferry piece' });
    const submitted = await createArticle(app.services, { title: 'Council budget, for review' });
    const later = await createArticle(app.services, { title: 'Embargoed election results' });
    await db.updateTable('articles').set({ status: 'draft', published_at: null }).where('id', '=', draft.id).execute();
    await db
      .updateTable('articles')
      .set({ status: 'draft', published_at: null, submitted_at: new Date().toISOString() })
      .where('id', '=', submitted.id)
      .execute();
    await db
      .updateTable('articles')
      .set({ status: 'scheduled', published_at: new Date(Date.now() + 3 * DAY).toISOString() })
      .where('id', '=', later.id)
      .execute();

    const editor = await loginAs(app, 'editor');
    const page = await editor.client.page('/admin');
    assert.match(page.html, /<a class="new-article" href="\/admin\/articles\/new">New article<\/a>/);
    const section = (id: string) =>
      new RegExp(`<section class="dash-list"[^>]*id="${id}">[\\s\\S]*?</section>`).exec(page.html)![0];
    const drafts = section('drafts');
    assert.match(
      textOf(drafts),
      /^Drafts \(2\) Council budget, for review awaiting review · saved .* Half-written ferry piece draft · saved .* All drafts · Awaiting review$/,
    );
    assert.match(drafts, new RegExp(`href="/admin/articles/${draft.id}/edit"`));
    const scheduled = section('scheduled');
    assert.match(textOf(scheduled), /^Scheduled \(1\) Embargoed election results for .* All scheduled articles$/);
    assert.match(scheduled, new RegExp(`href="/admin/articles/${later.id}/edit"`));
    const recent = textOf(section('recent'));
    assert.match(recent, new RegExp(`^Recently published ${titles.talked} .* · – · 3 comments`));
    assert.doesNotMatch(recent, /Embargoed|ferry piece/, 'only what readers can see');
  });

  it('shows an author their own drafts only, as the articles list does', async () => {
    const author = await loginAs(app, 'author');
    const mine = await createArticle(app.services, { title: 'My own unfinished column' });
    await app.services.db
      .updateTable('articles')
      .set({ status: 'draft', published_at: null, author_id: author.user.id })
      .where('id', '=', mine.id)
      .execute();
    const page = await author.client.page('/admin');
    const drafts = textOf(/<section class="dash-list"[^>]*id="drafts">[\s\S]*?<\/section>/.exec(page.html)![0]);
    assert.match(drafts, /^Drafts \(1\) My own unfinished column draft/);
    assert.doesNotMatch(drafts, /ferry piece|Council budget/, "a colleague's drafts stay theirs");
  });

  it('counts days in UTC, oldest first', () => {
    assert.deepEqual(lastDays(new Date('2026-03-02T23:59:00Z'), 3), ['2026-02-28', '2026-03-01', '2026-03-02']);
  });
});
