// Live updates over Server-Sent Events: a reader with the article open sees other readers'
// ratings and newly published comments arrive without reloading.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { articlePath, type Article } from '../src/features/articles/article.model.ts';
import { commentInput, createArticle } from '../test/helpers/factories.ts';
import { browserSkipReason, useBrowserSuite } from './helpers/browser.ts';
import { articlePage, expectText, watchForNavigation } from './helpers/page.ts';

describe('live updates in Chromium', { skip: browserSkipReason }, () => {
  const suite = useBrowserSuite();

  /** Opens the article in a new reader's browser and waits until its live stream is connected. */
  async function openLive(article: Article): Promise<Page> {
    const page = await suite.readerPage();
    // The server subscribes before it sends the stream's headers, so once they arrive no event is missed.
    const stream = page.waitForResponse(
      (r) => r.url().endsWith(`/api/v1/articles/${article.id}/events`) && r.status() === 200,
      // Page load, script and stream together: longer than one action's wait on a busy machine.
      { timeout: 20_000 },
    );
    await page.goto(suite.app.url + articlePath(article.slug));
    const response = await stream;
    assert.match((await response.allHeaders())['content-type'] ?? '', /^text\/event-stream/);
    return page;
  }

  it("another reader's rating changes the score and count on an open page without a reload", async () => {
    const article = await createArticle(suite.app.services, { title: 'Council votes on the harbour bridge' });
    const [pageA, pageB] = await Promise.all([openLive(article), openLive(article)]);
    const a = articlePage(pageA);
    const b = articlePage(pageB);
    // Unrated: an invitation; the first rating brings the score in its place.
    await expectText(pageB.locator('#rating .score-none'), /^No ratings yet\./);
    const nav = await watchForNavigation(pageB);

    // Reader A rates in the page.
    await a.star(5).click();
    await expectText(a.score, '100 %');
    await expectText(b.score, '100 %', { timeout: 5_000 });
    await expectText(b.count, '1 rating');

    // A third reader rates through the API.
    const response = await fetch(`${suite.app.url}/api/v1/articles/${article.id}/ratings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: 20 }),
    });
    assert.equal(response.status, 200);
    await expectText(b.score, '60 %', { timeout: 5_000 });
    await expectText(b.count, '2 ratings');
    await expectText(a.count, '2 ratings', { timeout: 5_000 });
    await nav.assertStillSamePage();
  });

  it('a newly published comment appears on an open page without a reload', async () => {
    const article = await createArticle(suite.app.services, { title: 'Ferry timetable changes' });
    const page = await openLive(article);
    const p = articlePage(page);
    await expectText(p.commentsHeading, 'No comments yet');
    const nav = await watchForNavigation(page);

    const { id } = await suite.app.services.comments.post(
      commentInput({ authorName: 'Emmy Noether', body: 'The 7:10 is finally back.' }),
      {
        articleId: article.id,
        readerId: null,
        ipHash: 'emmy',
        userAgent: 'e2e',
      },
    );
    await suite.app.services.comments.setStatus([id], 'approved');

    const comment = page.locator(`#comment-${id}`);
    await expectText(comment.locator('.comment-body'), 'The 7:10 is finally back.', { timeout: 5_000 });
    await expectText(comment.locator('.comment-author'), 'Emmy Noether');
    await expectText(p.commentsHeading, '1 Comment');
    await nav.assertStillSamePage();
  });
});
