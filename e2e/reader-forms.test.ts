// What a reader meets at the article's forms, in a real Chromium: the comment form telling what
// became of a comment (published, awaiting moderation, refused) with and without JavaScript,
// addresses that survive a reload, "remember me on this browser", and the Rate This control
// (one rating per choice, keyboard friendly, an inviting empty state).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page, Request } from 'playwright-core';
import { articlePath } from '../src/features/articles/article.model.ts';
import { CLI_ACTOR } from '../src/features/audit/audit.service.ts';
import { commentInput, createArticle } from '../test/helpers/factories.ts';
import { browserSkipReason, useBrowserSuite } from './helpers/browser.ts';
import { articlePage, expectText, expectValue, watchForNavigation } from './helpers/page.ts';

const PUBLISHED = 'Thank you. Your comment is published.';
const HELD = 'Thank you. Your comment is awaiting moderation.';

describe('reader forms in Chromium', { skip: browserSkipReason }, () => {
  const suite = useBrowserSuite();
  const reader = suite.readerPage;

  async function freshArticle(title = 'Ferry timetable changes') {
    const article = await createArticle(suite.app.services, { title });
    return { article, url: suite.app.url + articlePath(article.slug) };
  }

  async function fill(page: Page, values: { body: string; name?: string; email?: string }) {
    const p = articlePage(page);
    await p.body.fill(values.body);
    await p.name.fill(values.name ?? 'Grace Hopper');
    await p.email.fill(values.email ?? 'grace@example.org');
  }

  /** Runs `body` under a comment policy, then restores the default. */
  async function withPolicy(policy: 'publish' | 'hold-first-time', body: () => Promise<void>) {
    await suite.app.services.settings.update({ commentPolicy: policy });
    try {
      await body();
    } finally {
      await suite.app.services.settings.update({ commentPolicy: 'hold-first-time' });
    }
  }

  const spamCount = async (email: string) =>
    (await suite.app.services.comments.listForModeration({ status: 'spam' })).filter((row) => row.authorEmail === email)
      .length;

  describe('what became of a comment, with JavaScript off', () => {
    it(
      'published, then the same text again (held as spam): each told in words at the form, never "published" ' +
        'for the second',
      async () => {
        await withPolicy('publish', async () => {
          const { url } = await freshArticle();
          const page = await reader({ javaScriptEnabled: false });
          const p = articlePage(page);
          await page.goto(url);
          await fill(page, { body: 'The early boat is back, good news.' });
          await Promise.all([page.waitForNavigation(), p.postButton.click()]);
          assert.equal(new URL(page.url()).hash, '#respond');
          await expectText(p.formStatus, PUBLISHED);
          await expectText(p.comment('The early boat is back').locator('.comment-author'), 'Grace Hopper');

          await fill(page, { body: 'The early boat is back, good news.' });
          await Promise.all([page.waitForNavigation(), p.postButton.click()]);
          assert.equal(await spamCount('grace@example.org'), 1, 'the duplicate went to spam');
          const { hash } = new URL(page.url());
          assert.equal(hash, '#respond', 'an anchor that is on the page: the form');
          assert.equal(await page.locator(hash).count(), 1);
          await expectText(p.formStatus, HELD);
          assert.ok(await p.formStatus.isVisible());
        });
      },
    );

    it(
      'refused: the reason at the form; reloading the address the form left shows the article, ' + 'not a 404',
      async () => {
        const { url } = await freshArticle();
        const page = await reader({ javaScriptEnabled: false });
        const p = articlePage(page);
        await page.goto(url);
        await fill(page, { body: 'Hello', email: 'grace-at-example' });
        await Promise.all([page.waitForNavigation(), p.postButton.click()]);
        await expectText(p.formStatus, 'Please correct 1 field below.');
        assert.equal(new URL(page.url()).pathname, `${new URL(url).pathname}/comments`);

        // As the address bar does (Enter, or the link shared): a GET of that address.
        const response = await page.goto(page.url().replace(/#.*/, ''));
        assert.equal(response?.status(), 200);
        assert.equal(new URL(page.url()).pathname, new URL(url).pathname, 'the address now is the article');
        await expectText(p.respondHeading, 'Leave your comment');
      },
    );

    it('the Reply link after posting opens a reply form without the last message', async () => {
      await withPolicy('publish', async () => {
        const { url } = await freshArticle();
        const page = await reader({ javaScriptEnabled: false });
        const p = articlePage(page);
        await page.goto(url);
        await fill(page, { body: 'First thoughts on the timetable.' });
        await Promise.all([page.waitForNavigation(), p.postButton.click()]);
        await expectText(p.formStatus, PUBLISHED);
        await Promise.all([
          page.waitForNavigation(),
          p.comment('First thoughts').getByRole('link', { name: /Reply/ }).click(),
        ]);
        await expectText(p.respondHeading, 'Reply to Grace Hopper');
        await expectText(p.formStatus, '');
      });
    });
  });

  describe('what became of a comment, with JavaScript on', () => {
    it('published, then the same text again: "awaiting moderation", never "published"', async () => {
      await withPolicy('publish', async () => {
        const { url } = await freshArticle();
        const page = await reader();
        const p = articlePage(page);
        await page.goto(url);
        const nav = await watchForNavigation(page);
        await fill(page, { body: 'Saying it once, then again.', email: 'twice@example.org' });
        await p.postButton.click();
        await expectText(p.formStatus, PUBLISHED);
        await expectText(p.comment('Saying it once').locator('.comment-author'), 'Grace Hopper');

        await p.body.fill('Saying it once, then again.');
        await p.postButton.click();
        await eventuallySpam('twice@example.org');
        await expectText(p.formStatus, HELD);
        assert.equal(await p.comments.count(), 1, 'the held one is not shown as published');
        await nav.assertStillSamePage();
      });
    });

    it('refused (a banned address): the reason, in words, at the form, keeping the text', async () => {
      const { article, url } = await freshArticle();
      const earlier = await suite.app.services.comments.post(commentInput({ authorEmail: 'troll@example.org' }), {
        articleId: article.id,
        readerId: null,
        ipHash: 'troll',
        userAgent: 'e2e',
      });
      await suite.app.services.bans.banFromComment(
        { commentId: earlier.id, kind: 'email', reason: 'Abuse', duration: 'day' },
        CLI_ACTOR,
      );
      const page = await reader();
      const p = articlePage(page);
      await page.goto(url);
      await fill(page, { body: 'Let me in.', email: 'troll@example.org' });
      await p.postButton.click();
      await expectText(p.formStatus, /^You have been banned from commenting on this site until /);
      assert.ok(!(await p.formStatus.getAttribute('class'))?.includes('ok'), 'shown as a problem');
      await expectValue(p.body, 'Let me in.');
      assert.equal(await p.comments.count(), 0);
    });

    it('after posting, Reply opens a form without the previous message', async () => {
      const { article, url } = await freshArticle();
      const { id } = await suite.app.services.comments.post(
        commentInput({ authorName: 'Ada Lovelace', body: 'Sundays are the problem.' }),
        { articleId: article.id, readerId: null, ipHash: 'ada', userAgent: 'e2e' },
      );
      await suite.app.services.comments.setStatus([id], 'approved');
      const page = await reader();
      const p = articlePage(page);
      await page.goto(url);
      await fill(page, { body: 'A comment of my own.' });
      await p.postButton.click();
      await expectText(p.formStatus, HELD);
      await page.locator(`#comment-${id}`).getByRole('link', { name: 'Reply to Ada Lovelace' }).click();
      await expectText(p.respondHeading, 'Reply to Ada Lovelace');
      await expectText(p.formStatus, '');
    });
  });

  async function eventuallySpam(email: string) {
    const deadline = Date.now() + 5_000;
    while ((await spamCount(email)) === 0) {
      if (Date.now() > deadline) assert.fail('the duplicate was not held as spam');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  describe('remember me on this browser', () => {
    it('is off by default; ticked, it fills name and e-mail next time; unticked, it forgets them', async () => {
      const { url } = await freshArticle();
      const page = await reader();
      const p = articlePage(page);
      const remember = page.getByRole('checkbox', { name: 'Remember my name and e-mail on this browser' });
      await page.goto(url);
      assert.equal(await remember.isChecked(), false, 'off by default');

      await fill(page, { body: 'Not remembered.' });
      await p.postButton.click();
      await expectText(p.formStatus, HELD);
      await page.reload();
      await expectValue(p.name, '');
      assert.equal(await page.evaluate(() => localStorage.length), 0, 'nothing kept without asking');

      await fill(page, { body: 'Remember me this time.', name: 'Katherine Johnson', email: 'katherine@example.org' });
      await remember.check();
      await p.postButton.click();
      await expectText(p.formStatus, HELD);
      await page.goto(url);
      await expectValue(p.name, 'Katherine Johnson');
      await expectValue(p.email, 'katherine@example.org');
      await expectValue(p.body, '');
      assert.equal(await remember.isChecked(), true);

      await remember.uncheck();
      assert.equal(await page.evaluate(() => localStorage.length), 0, 'unticking forgets at once');
      await page.goto(url);
      await expectValue(p.name, '');
      assert.equal(await remember.isChecked(), false);
    });

    it('is not offered without JavaScript (only the browser could keep it)', async () => {
      const { url } = await freshArticle();
      const page = await reader({ javaScriptEnabled: false });
      await page.goto(url);
      assert.equal(await page.getByRole('checkbox', { name: /Remember my name/ }).count(), 0);
    });
  });

  describe('Rate This', () => {
    /** Counts the rating posts the page sends. */
    function countRatings(page: Page): () => number {
      let n = 0;
      page.on('request', (request: Request) => {
        if (request.method() === 'POST' && /\/rating(#.*)?$/.test(request.url())) n++;
      });
      return () => n;
    }

    it('an unrated article invites a first rating instead of a "–" over a table of zeros', async () => {
      const { url } = await freshArticle();
      for (const javaScriptEnabled of [true, false]) {
        const page = await reader({ javaScriptEnabled });
        await page.goto(url);
        await expectText(
          page.locator('#rating .score-none'),
          'No ratings yet. Be the first to say what you think of it.',
        );
        assert.equal(await page.locator('#rating table').count(), 0);
        assert.equal(await page.locator('#rating').getByText('–', { exact: true }).count(), 0);
      }
    });

    it('with JavaScript, a star click rates once, with no Rate button to press again', async () => {
      const { url } = await freshArticle();
      const page = await reader();
      const p = articlePage(page);
      await page.goto(url);
      const posts = countRatings(page);
      assert.equal(await p.rateButton.isVisible(), false, 'one control: the stars');
      await p.star(4).click();
      await expectText(p.score, '80 %');
      await expectText(p.count, '1 rating');
      await expectText(p.yourRating, 'Your rating: 4 stars. Rate again to change it.');
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(posts(), 1, 'one click, one rating');
    });

    it(
      'with the keyboard: arrows move along the stars without rating, Space rates, and focus ' + 'stays on the star',
      async () => {
        const { url } = await freshArticle();
        const page = await reader();
        const p = articlePage(page);
        await page.goto(url);
        const posts = countRatings(page);
        await page.getByRole('radio', { name: '1 star', exact: true }).focus();
        await page.keyboard.press('ArrowRight');
        await page.keyboard.press('ArrowRight');
        assert.equal(
          await page.evaluate(() => document.activeElement?.id),
          'rate-60',
          'the arrows move the way the stars read',
        );
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.equal(posts(), 0, 'moving along is not rating');

        await page.keyboard.press('Space');
        await expectText(p.yourRating, 'Your rating: 3 stars. Rate again to change it.');
        await expectText(p.score, '60 %');
        assert.equal(await page.evaluate(() => document.activeElement?.id), 'rate-60', 'focus stays on the star');
        await page.keyboard.press('ArrowRight');
        await page.keyboard.press('Enter');
        await expectText(p.yourRating, 'Your rating: 4 stars. Rate again to change it.');
        assert.equal(await page.evaluate(() => document.activeElement?.id), 'rate-80');
        assert.equal(posts(), 2, 'one rating per Space or Enter');
        await expectText(p.count, '1 rating');
      },
    );

    it('without JavaScript, choosing a star and pressing Rate rates once, told in stars', async () => {
      const { url } = await freshArticle();
      const page = await reader({ javaScriptEnabled: false });
      const p = articlePage(page);
      await page.goto(url);
      await p.star(2).click();
      await Promise.all([page.waitForNavigation(), p.rateButton.click()]);
      await expectText(p.yourRating, 'Your rating: 2 stars. Rate again to change it.');
      await expectText(p.score, '40 %');
      await expectText(p.count, '1 rating');
    });
  });
});
