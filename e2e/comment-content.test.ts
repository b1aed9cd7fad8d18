// What readers write is shown as text: HTML in a comment never runs, and links are marked
// as user-generated so they pass no search-engine credit.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Dialog } from 'playwright-core';
import { articlePath } from '../src/features/articles/article.model.ts';
import { createArticle } from '../test/helpers/factories.ts';
import { postCommentJson } from '../test/helpers/broadsheet.ts';
import { Client, type TestApp } from '../test/helpers/test-app.ts';
import { browserSkipReason, newReader, startE2E, type E2E } from './helpers/browser.ts';
import { expectText } from './helpers/page.ts';

/**
 * Posts through the API the way the site's own page does: with the form token it was served, from the reader's
 * browser.
 */
async function postComment(
  reader: Client,
  article: { id: number; slug: string },
  comment: Record<string, unknown>,
): Promise<{ id: number; status: string }> {
  const response = await postCommentJson(reader, article, comment);
  assert.equal(response.status, 201, await response.clone().text());
  return (await response.json()) as { id: number; status: string };
}

describe('comment content in Chromium', { skip: browserSkipReason }, () => {
  let app: TestApp;
  let browser: Browser;
  let env: E2E | undefined;

  before(async () => {
    env = await startE2E();
    ({ app, browser } = env);
  });
  after(async () => {
    await env?.close();
  });

  it(
    'shows HTML in a published comment literally, runs none of it, and marks links nofollow ugc ' + 'noopener',
    async () => {
      const article = await createArticle(app.services, { title: 'Readers send in their photos' });
      // The author becomes known once a moderator approves their first comment...
      const author = { authorName: '<b>Mallory</b>', authorEmail: 'mallory@example.org' };
      // (Trust belongs to the browser that earned it: both comments come from Mallory's.)
      const mallory = new Client(app.url);
      const first = await postComment(mallory, article, { ...author, body: 'Hello, first time here.' });
      assert.equal(first.status, 'pending');
      await app.services.comments.setStatus([first.id], 'approved');
      // ...so their next comment is published straight away.
      const payload =
        'Look at this <img src=x onerror=alert(1)> and [the council notice](https://example.org/notice?a=1&b=2).';
      const second = await postComment(mallory, article, { ...author, body: payload });
      assert.equal(second.status, 'approved', 'a known author is published without moderation');

      const context = await newReader(browser);
      const page = await context.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (dialog: Dialog) => {
        dialogs.push(`${dialog.type()}: ${dialog.message()}`);
        void dialog.dismiss();
      });
      const scriptErrors: string[] = [];
      page.on('pageerror', (error) => scriptErrors.push(error.message));
      // 'load' waits for every image, so a broken <img> would have fired its onerror by then.
      await page.goto(app.url + articlePath(article.slug), { waitUntil: 'load' });

      const comment = page.locator(`#comment-${second.id}`);
      const body = comment.locator('.comment-body');
      await expectText(body, 'Look at this <img src=x onerror=alert(1)> and the council notice.');
      await expectText(comment.locator('.comment-author'), '<b>Mallory</b>');
      assert.equal(await comment.locator('img').count(), 0, 'no image element was created');
      assert.equal(await comment.locator('b').count(), 0, 'no markup from the name');

      const link = body.getByRole('link', { name: 'the council notice' });
      assert.equal(await link.getAttribute('href'), 'https://example.org/notice?a=1&b=2');
      assert.equal(await link.getAttribute('rel'), 'nofollow ugc noopener');

      // Give any late handler a chance: a round trip through the page's event loop.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
      assert.deepEqual(dialogs, [], 'no dialog was opened');
      assert.deepEqual(scriptErrors, [], 'no script error on the page');
      await context.close();
    },
  );
});
