// The article page in a real Chromium against the real app: rating and commenting with
// JavaScript off (plain forms, POST + redirect), with it on (in place, no navigation), and replies.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { articlePath } from '../src/features/articles/article.model.ts';
import { commentInput, createArticle } from '../test/helpers/factories.ts';
import { browserSkipReason, useBrowserSuite } from './helpers/browser.ts';
import {
  articlePage,
  assertErrorBeside,
  assertNoError,
  expectText,
  expectValue,
  watchForNavigation,
} from './helpers/page.ts';

const STILL_HELD = 'Your comment is awaiting moderation.';

describe('article page in Chromium', { skip: browserSkipReason }, () => {
  const suite = useBrowserSuite();

  const reader = suite.readerPage;

  /** A fresh article that one other reader has already rated 40 %. */
  async function ratedArticle() {
    const article = await createArticle(suite.app.services, { title: 'Harbour bridge reopens' });
    await suite.app.services.ratings.rate({
      articleId: article.id,
      readerId: 'earlier-reader-000000000',
      ipHash: 'earlier',
      value: 40,
    });
    return { article, url: suite.app.url + articlePath(article.slug) };
  }

  describe('with JavaScript off', () => {
    it(
      'rates with the Rate button: the page reloads at #rating with the new score, count and ' + 'your rating',
      async () => {
        const { url } = await ratedArticle();
        const page = await reader({ javaScriptEnabled: false });
        const p = articlePage(page);
        await page.goto(url);
        await expectText(p.score, '40 %');
        await expectText(p.count, '1 rating');
        await expectText(p.yourRating, '');

        await p.star(4).click();
        assert.equal(
          await page.getByRole('radio', { name: '4 stars' }).isChecked(),
          true,
          'clicking the fourth star selects it',
        );
        const [response] = await Promise.all([page.waitForNavigation(), p.rateButton.click()]);
        assert.equal(response?.status(), 200);
        assert.equal(new URL(page.url()).pathname, new URL(url).pathname, 'back on the article');
        assert.equal(new URL(page.url()).hash, '#rating', 'scrolled to the Reviews widget');

        await expectText(p.score, '60 %');
        await expectText(p.count, '2 ratings');
        await expectText(p.yourRating, /^Your rating: 4 stars\. /);
        assert.equal(
          await page.getByRole('radio', { name: '4 stars' }).isChecked(),
          true,
          'the form remembers the rating',
        );
      },
    );

    it(
      'shows errors beside the fields, keeps what was typed, then holds the new comment for its ' + 'author only',
      async () => {
        const { url } = await ratedArticle();
        const page = await reader({ javaScriptEnabled: false });
        const p = articlePage(page);
        await page.goto(url);
        await expectText(p.commentsHeading, 'No comments yet');

        // Empty: one error beside each required field, none for the optional Website.
        await Promise.all([page.waitForNavigation(), p.postButton.click()]);
        await expectText(p.formStatus, 'Please correct 3 fields below.');
        await assertErrorBeside(p.body, 'Please write a comment.');
        await assertErrorBeside(p.name, 'Please enter your name.');
        await assertErrorBeside(p.email, /^Please enter your e-mail address/);
        await assertNoError(p.website); // optional
        assert.equal(await p.fieldErrors.count(), 3);

        // Partly filled: what was typed comes back; only Email is flagged.
        const text = 'The new timetable works well for the early ferry.\n\nBut weekends need more boats.';
        await p.body.fill(text);
        await p.name.fill('Grace Hopper');
        await Promise.all([page.waitForNavigation(), p.postButton.click()]);
        await assertErrorBeside(p.email, /^Please enter your e-mail address/);
        await expectValue(p.body, text);
        await expectValue(p.name, 'Grace Hopper');
        await assertNoError(p.body);
        await assertNoError(p.name);
        assert.equal(await p.fieldErrors.count(), 1);
        await expectText(p.formStatus, 'Please correct 1 field below.');

        // Valid: back on the article at the form, which says so; the comment is shown to its author as held.
        await p.email.fill('grace@example.org');
        await Promise.all([page.waitForNavigation(), p.postButton.click()]);
        const { pathname, hash } = new URL(page.url());
        assert.equal(pathname, new URL(url).pathname);
        assert.equal(hash, '#respond', 'lands at the form');
        await expectText(p.formStatus, 'Thank you. Your comment is awaiting moderation.');
        const mine = p.comment('The new timetable works well');
        await expectText(mine.locator('.comment-author'), 'Grace Hopper');
        await expectText(
          mine.locator('.comment-body'),
          /The new timetable works well for the early ferry\.\s*But weekends need more boats\./,
        );
        await expectText(mine.locator('.awaiting-moderation'), STILL_HELD);
        assert.equal(
          await mine.getByRole('link', { name: /Reply/ }).count(),
          0,
          'a held comment cannot be replied to yet',
        );
        await expectValue(p.body, '', { timeout: 1_000 });

        // Another reader sees no trace of it.
        const other = await reader({ javaScriptEnabled: false });
        const o = articlePage(other);
        await other.goto(url);
        await expectText(o.commentsHeading, 'No comments yet');
        assert.equal(await o.comments.count(), 0);
        assert.equal(await other.getByText('The new timetable works well').count(), 0);
        assert.equal(await other.getByText(STILL_HELD).count(), 0);
      },
    );
    it('keeps each error inside its field block, so it reads as belonging to that field', async () => {
      const { url } = await ratedArticle();
      const page = await reader({ javaScriptEnabled: false });
      const p = articlePage(page);
      await page.goto(url);
      await Promise.all([page.waitForNavigation(), p.postButton.click()]);
      await assertErrorBeside(p.email, /^Please enter your e-mail address/);
      for (const control of [p.body, p.name, p.email]) {
        const inField = await control.evaluate((el) => {
          const id = el.getAttribute('aria-describedby');
          const field = el.closest('.field');
          return Boolean(id && field?.querySelector(`[id="${id}"]`));
        });
        assert.ok(inField, `the error of ${await control.getAttribute('name')} is inside its .field block`);
      }
      // Seen from the page: the Name error is nearer its own box than the Email label below it.
      // All three boxes are read at one instant: the page may still be scrolling to #respond.
      const { above, below } = await page.evaluate(() => {
        const [name, error, emailLabel] = ['#comment-name', '#authorName-error', 'label[for="comment-email"]'].map(
          (selector) => document.querySelector(selector)!.getBoundingClientRect(),
        ) as [DOMRect, DOMRect, DOMRect];
        return { above: error.top - name.bottom, below: emailLabel.top - error.bottom };
      });
      assert.ok(above < below, `error is ${above}px below its field but only ${below}px above the next label`);
    });
  });

  describe('with JavaScript on', () => {
    it('rates by clicking a star: the score and count change in place, without navigating', async () => {
      const { url } = await ratedArticle();
      const page = await reader();
      const p = articlePage(page);
      await page.goto(url);
      await expectText(p.score, '40 %');
      const nav = await watchForNavigation(page);

      await p.star(4).click();
      await expectText(p.score, '60 %');
      await expectText(p.count, '2 ratings');
      await expectText(p.yourRating, /^Your rating: 4 stars\. /);

      // Changing one's mind replaces the rating rather than adding one.
      await p.star(2).click();
      await expectText(p.score, '40 %');
      await expectText(p.count, '2 ratings');
      await expectText(p.yourRating, /^Your rating: 2 stars\. /);
      await nav.assertStillSamePage();
    });

    it('posts a comment in place: it appears in the thread, held, without a reload', async () => {
      const { url } = await ratedArticle();
      const page = await reader();
      const p = articlePage(page);
      await page.goto(url);
      const nav = await watchForNavigation(page);

      const text = 'Will the night buses still stop at the bridge?';
      await p.body.fill(text);
      await p.name.fill('Alan Turing');
      await p.email.fill('alan@example.org');
      await p.postButton.click();

      const mine = p.comment(text);
      await expectText(mine.locator('.awaiting-moderation'), STILL_HELD);
      await expectText(mine.locator('.comment-author'), 'Alan Turing');
      await expectText(p.formStatus, 'Thank you. Your comment is awaiting moderation.');
      await expectValue(p.body, '');
      assert.equal(await p.comments.count(), 1);
      await nav.assertStillSamePage();
    });

    it('shows a bad e-mail address beside the Email field in place, keeping what was typed', async () => {
      const { url } = await ratedArticle();
      const page = await reader();
      const p = articlePage(page);
      await page.goto(url);
      const nav = await watchForNavigation(page);

      const text = 'Is the bridge open to cyclists as well?';
      await p.body.fill(text);
      await p.name.fill('Alan Turing');
      await p.email.fill('alan-at-example');
      await p.postButton.click();

      await assertErrorBeside(p.email, 'That does not look like an e-mail address.');
      await expectValue(p.body, text);
      await expectValue(p.name, 'Alan Turing');
      await expectValue(p.email, 'alan-at-example');
      await assertNoError(p.body);
      await assertNoError(p.name);
      assert.equal(await p.fieldErrors.count(), 1, 'only Email is flagged');
      assert.equal(
        await page.evaluate(() => document.activeElement?.id),
        'comment-email',
        'focus moves to the field to fix',
      );
      assert.equal(await p.comments.count(), 0, 'nothing was posted');
      await nav.assertStillSamePage();
    });

    it('once the e-mail is fixed and the comment posted, the old error is gone', async () => {
      const { url } = await ratedArticle();
      const page = await reader();
      const p = articlePage(page);
      await page.goto(url);
      const text = 'Second try, with a real address.';
      await p.body.fill(text);
      await p.name.fill('Alan Turing');
      await p.email.fill('alan-at-example');
      await p.postButton.click();
      await assertErrorBeside(p.email, 'That does not look like an e-mail address.');

      await p.email.fill('alan@example.org');
      await p.postButton.click();
      await expectText(p.comment(text).locator('.awaiting-moderation'), STILL_HELD);
      await expectText(p.formStatus, 'Thank you. Your comment is awaiting moderation.');
      assert.equal(await p.fieldErrors.count(), 0, 'no error is left on the form');
      await assertNoError(p.email);
    });
  });

  describe('replies, with JavaScript on', () => {
    async function articleWithApprovedComment() {
      const { article, url } = await ratedArticle();
      const { id } = await suite.app.services.comments.post(
        commentInput({ authorName: 'Ada Lovelace', body: 'The old ferry was quicker, honestly.' }),
        {
          articleId: article.id,
          readerId: null,
          ipHash: 'ada',
          userAgent: 'e2e',
        },
      );
      return { article, url, parentId: id };
    }

    it('opens the form under the comment and nests the posted reply under it', async () => {
      const { url, parentId } = await articleWithApprovedComment();
      const page = await reader();
      const p = articlePage(page);
      await page.goto(url);
      assert.equal(await p.comments.count(), 0, 'held until approved');

      await suite.app.services.comments.setStatus([parentId], 'approved');
      await page.reload();
      const parent = page.locator(`#comment-${parentId}`);
      await expectText(parent.locator('.comment-body'), 'The old ferry was quicker, honestly.');
      const nav = await watchForNavigation(page);

      await parent.getByRole('link', { name: 'Reply to Ada Lovelace' }).click();
      await expectText(p.respondHeading, 'Reply to Ada Lovelace');
      assert.equal(await parent.locator('#respond').count(), 1, 'the form moved under the comment');
      await expectText(parent.locator('[data-replying-to]'), /^Replying to Ada Lovelace\./);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'comment-body', 'ready to type the reply');

      await p.body.fill('Quicker, but it never ran on Sundays.');
      await p.name.fill('Charles Babbage');
      await p.email.fill('charles@example.org');
      await p.postButton.click();

      const reply = parent.locator(':scope > .comment-replies > li.comment');
      await expectText(reply.locator('.comment-body'), 'Quicker, but it never ran on Sundays.');
      await expectText(reply.locator('.comment-author'), 'Charles Babbage');
      await expectText(reply.locator('.awaiting-moderation'), STILL_HELD);
      assert.equal(await p.comments.count(), 2);
      await nav.assertStillSamePage();
    });

    it(
      'after posting a reply, the comment form is back at the end of the thread, ready for a new ' + 'comment',
      async () => {
        const { url, parentId } = await articleWithApprovedComment();
        await suite.app.services.comments.setStatus([parentId], 'approved');
        const page = await reader();
        const p = articlePage(page);
        await page.goto(url);
        const parent = page.locator(`#comment-${parentId}`);
        await parent.getByRole('link', { name: 'Reply to Ada Lovelace' }).click();
        await p.body.fill('A reply, so the form must come back.');
        await p.name.fill('Mary Somerville');
        await p.email.fill('mary@example.org');
        await p.postButton.click();
        await expectText(parent.locator('.comment-replies .comment-body'), 'A reply, so the form must come back.');

        // The thread is updated in one go: by now the form must be settled.
        assert.equal(await p.form.count(), 1, 'the comment form is still on the page');
        await expectText(p.respondHeading, 'Leave your comment');
        assert.equal(await page.locator('[data-comment-list] #respond').count(), 0, 'and no longer inside the thread');
        assert.equal(await page.locator('#comments > #respond').count(), 1, 'it is back after the list');
        await expectText(p.formStatus, 'Thank you. Your comment is awaiting moderation.');
        await expectValue(p.body, '');
        assert.equal(await page.locator('[data-parent-id]').inputValue(), '', 'the next comment is not a reply');
      },
    );
  });
});
