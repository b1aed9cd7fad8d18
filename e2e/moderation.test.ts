// Moderation in a real Chromium: a reader's comment is held, a moderator logs in through the
// form, finds it in the queue with the reason it was held, approves it (with the keyboard, and
// without JavaScript with the button), and another reader then sees it on the article.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { articlePath } from '../src/features/articles/article.model.ts';
import { postCommentJson } from '../test/helpers/broadsheet.ts';
import { commentInput, createArticle } from '../test/helpers/factories.ts';
import { Client } from '../test/helpers/test-app.ts';
import { createStaff, STAFF_PASSWORD } from '../test/helpers/staff.ts';
import { browserSkipReason, useBrowserSuite } from './helpers/browser.ts';
import { articlePage, expectText } from './helpers/page.ts';

describe('moderation in Chromium', { skip: browserSkipReason }, () => {
  const suite = useBrowserSuite();

  const newPage = suite.readerPage;

  /** A reader comments on the article through its form; the comment is held as a first-timer's. */
  async function readerComments(url: string, body: string): Promise<number> {
    const page = await newPage();
    const p = articlePage(page);
    await page.goto(url);
    await p.body.fill(body);
    await p.name.fill('Rosa Pereira');
    await p.email.fill(`rosa.${Math.random().toString(36).slice(2, 8)}@example.org`);
    await p.postButton.click();
    await expectText(p.formStatus, 'Thank you. Your comment is awaiting moderation.');
    const id = Number((await p.comment(body).getAttribute('id'))?.replace('comment-', ''));
    assert.ok(id > 0);
    return id;
  }

  /** A moderator opens the queue, is sent to the login form, and logs in through it. */
  async function moderatorLogsIn(options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
    const moderator = await createStaff(suite.app, 'moderator');
    const page = await newPage(options);
    await page.goto(`${suite.app.url}/admin/comments`);
    assert.equal(new URL(page.url()).pathname, '/admin/login');
    await page.getByLabel('E-mail').fill(moderator.email);
    await page.getByLabel('Password').fill(STAFF_PASSWORD);
    await Promise.all([page.waitForURL('**/admin/comments'), page.getByRole('button', { name: 'Log in' }).click()]);
    await expectText(page.getByRole('heading', { level: 1 }), 'Comments');
    return page;
  }

  /** What a second reader, who wrote nothing, sees on the article. */
  async function secondReaderSees(url: string, body: string): Promise<void> {
    const page = await newPage();
    await page.goto(url);
    await expectText(articlePage(page).comment(body).locator('.comment-body'), body);
  }

  it('approves a held comment with the keyboard, and it appears on the article for everyone', async () => {
    const article = await createArticle(suite.app.services, { title: 'Tram line extension approved' });
    const url = suite.app.url + articlePath(article.slug);
    const earlier = 'Will it run on Sundays?';
    const earlierId = await readerComments(url, earlier);
    const body = 'Finally! The tram will reach the hospital.';
    const id = await readerComments(url, body);

    const page = await moderatorLogsIn();
    const item = page.locator(`#c${id}`);
    await expectText(item.locator('.comment-body'), body);
    await expectText(item.locator('.held-reason'), /^Held because:\s*It is the first comment from this person/);
    assert.equal(
      await page.getByRole('article', { name: `Comment #${id} by Rosa Pereira` }).count(),
      1,
      'each comment is named for screen readers',
    );

    // "?" opens the list of shortcuts; keys typed in the search field are text, not commands.
    await page.keyboard.press('?');
    assert.equal(await page.locator('#shortcuts').getAttribute('open'), '');
    await page.getByLabel('Search comments').fill('a');
    await page.getByLabel('Search comments').press('a');
    assert.equal(new URL(page.url()).pathname, '/admin/comments', 'typing did not approve anything');
    await page.getByLabel('Search comments').fill('');

    // j moves to the first (newest) comment; a approves it, and the queue comes back at the next one.
    await page.locator('h1').click();
    await page.keyboard.press('j');
    assert.equal(await page.evaluate(() => document.activeElement?.id), `c${id}`, 'j focuses the newest comment');
    const select = page.getByRole('checkbox', { name: `Select comment #${id} by Rosa Pereira` });
    await page.keyboard.press('x');
    assert.equal(await select.isChecked(), true, 'x selects it');
    await page.keyboard.press('x');
    assert.equal(await select.isChecked(), false, 'x again clears it');
    await Promise.all([page.waitForURL(/done=approved/), page.keyboard.press('a')]);
    await expectText(page.getByRole('status'), '1 comment approved.');
    assert.equal(await page.locator(`#c${id}`).count(), 0, 'it left the pending queue');
    assert.equal(
      await page.evaluate(() => document.activeElement?.id),
      `c${earlierId}`,
      'the next comment has the focus',
    );
    // The URL already says done=approved: wait for the one without the #c anchor (no next comment).
    await Promise.all([
      page.waitForURL((u) => u.searchParams.get('done') === 'approved' && u.hash === ''),
      page.keyboard.press('a'),
    ]);
    assert.equal(await page.locator(`#c${earlierId}`).count(), 0);

    await secondReaderSees(url, body);
    await secondReaderSees(url, earlier);
  });

  it('approves with the button and marks spam in bulk without JavaScript', async () => {
    const article = await createArticle(suite.app.services, { title: 'Night buses return' });
    const url = suite.app.url + articlePath(article.slug);
    const good = 'The N12 is back, good news for shift workers.';
    const goodId = await readerComments(url, good);
    const junkIds = [
      await readerComments(url, 'Cheap watches at my site one.'),
      await readerComments(url, 'Cheap watches at my site two.'),
    ];

    const page = await moderatorLogsIn({ javaScriptEnabled: false });
    await expectText(page.locator(`#c${goodId} .held-reason`), /first comment from this person/);
    await Promise.all([
      page.waitForURL(/done=approved/),
      page
        .locator(`#c${goodId}`)
        .getByRole('button', { name: /^Approve/ })
        .click(),
    ]);
    await expectText(page.getByRole('status'), '1 comment approved.');

    for (const id of junkIds)
      await page.getByRole('checkbox', { name: new RegExp(`^Select comment #${id} by`) }).check();
    await page.getByLabel('With the selected comments').selectOption('spam');
    await Promise.all([page.waitForURL(/done=spam/), page.getByRole('button', { name: 'Apply' }).click()]);
    await expectText(page.getByRole('status'), '2 comments marked as spam.');
    await expectText(page.getByRole('link', { name: /^Spam \(/ }), /^Spam \(2\)$/);

    await secondReaderSees(url, good);
  });

  it('lays out each comment’s header the same with or without a website', async () => {
    const article = await createArticle(suite.app.services, { title: 'Harbour lights' });
    const post = async (authorUrl?: string) => {
      const response = await postCommentJson(
        new Client(suite.app.url),
        article,
        commentInput({
          authorName: 'Ada Quay',
          body: `Lights ${authorUrl ?? 'none'}`,
          ...(authorUrl ? { authorUrl } : {}),
        }),
      );
      assert.equal(response.status, 201);
      return ((await response.json()) as { id: number }).id;
    };
    const plain = await post();
    const withSite = await post('https://example.org/a/rather/long/address/for/a/personal/site');
    const page = await moderatorLogsIn();
    const layout = async (id: number) => {
      const box = async (selector: string) => (await page.locator(`#c${id} ${selector}`).boundingBox())!;
      const [header, when, on, name] = await Promise.all([
        box('.queue-meta'),
        box('.queue-when'),
        box('.queue-on'),
        box('.comment-author'),
      ]);
      return {
        height: header.height,
        whenX: when.x - header.x,
        whenY: when.y - header.y,
        onY: on.y - header.y,
        nameY: name.y - header.y,
      };
    };
    assert.deepEqual(await layout(withSite), await layout(plain), 'name, time, status and article stay in place');
    await expectText(page.locator(`#c${withSite} .queue-contact`), /example\.org\/a\/rather\/long/);
  });
});
