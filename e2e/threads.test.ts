// Long threads and comment editing in a real Chromium: "Load more" adds the next page of threads
// in place with JavaScript (a plain link without), and a reader edits their comment with
// JavaScript off through the plain edit form.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { articlePath } from '../src/features/articles/article.model.ts';
import { commentInput, createArticle } from '../test/helpers/factories.ts';
import { browserSkipReason, useBrowserSuite } from './helpers/browser.ts';
import { eventually, expectText } from './helpers/page.ts';

describe('long threads and editing in Chromium', { skip: browserSkipReason }, () => {
  const suite = useBrowserSuite({ settings: { commentPolicy: 'publish', commentsPerPage: 5 } });

  async function discussedArticle(threads: number) {
    const article = await createArticle(suite.app.services, { title: 'Bridge tolls debated' });
    const ctx = { articleId: article.id, readerId: null, ipHash: 'e2e', userAgent: 'e2e' };
    for (let i = 1; i <= threads; i++)
      await suite.app.services.comments.post(commentInput({ body: `Thread number ${i}.` }), ctx);
    return { article, url: suite.app.url + articlePath(article.slug) };
  }

  const threadCount = (page: import('playwright-core').Page) => page.locator('[data-comment-list] > li').count();

  it(
    'with JavaScript, "Load more" adds the next threads without leaving the page, until there ' + 'are no more',
    async () => {
      const { url } = await discussedArticle(12);
      const page = await suite.readerPage();
      await page.goto(url);
      assert.equal(await threadCount(page), 5);
      const more = page.getByRole('link', { name: 'Load more comments' });
      await more.click();
      await eventually(async () => assert.equal(await threadCount(page), 10));
      assert.equal(new URL(page.url()).search, '', 'still the same page');
      await page.getByRole('link', { name: 'Load more comments' }).click();
      await eventually(async () => assert.equal(await threadCount(page), 12));
      assert.equal(await page.getByRole('link', { name: 'Load more comments' }).count(), 0, 'nothing more to load');
      await expectText(page.locator('[data-comment-list] > li').last().locator('.comment-body'), 'Thread number 12.');
    },
  );

  it('without JavaScript, the same link leads to the next page', async () => {
    const { url } = await discussedArticle(7);
    const page = await suite.readerPage({ javaScriptEnabled: false });
    await page.goto(url);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: /Later comments/ }).click()]);
    assert.equal(new URL(page.url()).searchParams.get('cpage'), '2');
    assert.equal(await threadCount(page), 2);
  });

  it('with JavaScript off, a reader edits their comment through the edit form and the page says "edited"', async () => {
    const { url } = await discussedArticle(0);
    const page = await suite.readerPage({ javaScriptEnabled: false });
    await page.goto(url);
    await page.getByRole('textbox', { name: 'Comment' }).fill('Tolls shuold go.');
    await page.getByRole('textbox', { name: 'Name' }).fill('Pat');
    await page.getByRole('textbox', { name: 'Email' }).fill('pat@example.org');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Post Comment' }).click()]);

    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Edit your comment' }).click()]);
    assert.match(new URL(page.url()).pathname, /\/comments\/\d+\/edit$/);
    const box = page.getByRole('textbox', { name: 'Comment' });
    assert.equal(await box.inputValue(), 'Tolls shuold go.');
    await box.fill('Tolls should go.');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save changes' }).click()]);
    assert.equal(new URL(page.url()).pathname, new URL(url).pathname, 'back on the article');
    const comment = page.locator('[data-comment-list] > li').first();
    await expectText(comment.locator('.comment-body'), 'Tolls should go.');
    await expectText(comment.locator('.comment-edited'), 'edited');
  });
});
