// Full-page screenshots of a lived-in article page, desktop and phone, for a human to look at
// (written to /tmp/e2e-shots, outside the repository; E2E_SHOTS_DIR overrides). The test also
// checks what can be checked mechanically: nothing sticks out sideways, even on a phone.
import assert from 'node:assert/strict';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { articlePath, type Article } from '../src/features/articles/article.model.ts';
import { commentInput, createArticle } from '../test/helpers/factories.ts';
import type { TestApp } from '../test/helpers/test-app.ts';
import { browserSkipReason, newReader, startE2E, type E2E } from './helpers/browser.ts';
import { articlePage, expectText } from './helpers/page.ts';

const SHOTS_DIR = process.env.E2E_SHOTS_DIR ?? '/tmp/e2e-shots';

const BODY = `The harbour bridge reopened to traffic on Monday after eleven months of repairs, two weeks later than the council had promised.

Engineers replaced all 48 suspension cables and resurfaced the deck. "The bridge is good for another sixty years," the project lead said at the reopening.

> We listened to residents and kept one lane open for cyclists throughout.

Traders on the east side said the closure had cost them customers, and asked the council for a rates holiday.`;

describe('article page screenshots', { skip: browserSkipReason }, () => {
  let app: TestApp;
  let browser: Browser;
  let env: E2E | undefined;
  let article: Article;

  before(async () => {
    env = await startE2E();
    ({ app, browser } = env);
    mkdirSync(SHOTS_DIR, { recursive: true });
    article = await createArticle(app.services, {
      title: 'Harbour bridge reopens after eleven months of repairs',
      standfirst: 'Cables replaced, deck resurfaced, and a promise of sixty more years.',
      bodyMarkdown: BODY,
      authorName: 'Jo Marsh',
      section: 'Local',
      tags: ['Transport', 'Council', 'Harbour'],
    });
    const values = [100, 80, 80, 60, 100, 40, 80, 20];
    for (const [i, value] of values.entries()) {
      await app.services.ratings.rate({
        articleId: article.id,
        readerId: `screenshot-reader-${String(i).padStart(6, '0')}`,
        ipHash: `ip${i}`,
        value,
      });
    }
    const context = { articleId: article.id, readerId: null, ipHash: 'shots', userAgent: 'e2e' };
    const post = async (input: Record<string, unknown>) => {
      const { id } = await app.services.comments.post(commentInput(input), context);
      await app.services.comments.setStatus([id], 'approved');
      return id;
    };
    const first = await post({
      authorName: 'Ada Lovelace',
      authorUrl: 'https://ada.example.org',
      body: 'Finally! The detour added **twenty minutes** to my commute.',
    });
    const reply = await post({
      authorName: 'Charles Babbage',
      body: 'Twenty? It was closer to forty from the north side.',
      parentId: first,
    });
    await post({
      authorName: 'Ada Lovelace',
      body: '> closer to forty\n\nOnly at rush hour, surely.',
      parentId: reply,
    });
    await post({
      authorName: 'Grace Hopper',
      body:
        'The full report is at ' +
        'https://example.org/council/reports/2026/harbour-bridge-structural-assessment-final-version-with-appendices.pdf ' +
        '' +
        '' +
        '' +
        '' +
        'and worth reading.\n\n`cables: 48`',
    });
  });
  after(async () => {
    await env?.close();
  });

  for (const { width, height, name } of [
    { width: 1280, height: 900, name: 'desktop' },
    { width: 390, height: 844, name: 'mobile' },
  ]) {
    it(`article page at ${width} px (${name}): full-page screenshot, nothing overflowing`, async () => {
      const context = await newReader(browser, {
        viewport: { width, height },
        deviceScaleFactor: 1,
        isMobile: width < 600,
        hasTouch: width < 600,
      });
      const page = await context.newPage();
      const url = app.url + articlePath(article.slug);
      await page.goto(url);
      // This reader's own comment, held for moderation, shows only to them.
      const response = await context.request.post(`${app.url}/api/v1/articles/${article.id}/comments`, {
        data: {
          authorName: 'New Reader',
          authorEmail: `new-${name}@example.org`,
          body: 'First time commenting: thanks for covering this.',
        },
      });
      assert.equal(response.status(), 201);
      await page.reload();
      const p = articlePage(page);
      await expectText(p.score, '70 %');
      await expectText(p.commentsHeading, '4 Comments');
      await expectText(page.locator('.comment.pending .awaiting-moderation'), 'Your comment is awaiting moderation.');
      await page.evaluate(() => document.fonts.ready);

      const file = join(SHOTS_DIR, `article-${width}.png`);
      await page.screenshot({ path: file, fullPage: true });
      assert.ok(statSync(file).size > 10_000, `${file} was written`);

      const overflow = await page.evaluate(() => {
        const limit = document.documentElement.clientWidth;
        const wide = [...document.querySelectorAll<HTMLElement>('main *')]
          .filter((el) => el.getBoundingClientRect().right > limit + 1 && !el.closest('.visually-hidden'))
          .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
        return { scrollWidth: document.documentElement.scrollWidth, limit, wide: wide.slice(0, 5) };
      });
      assert.ok(overflow.scrollWidth <= overflow.limit, `page scrolls sideways: ${JSON.stringify(overflow)}`);
      assert.deepEqual(overflow.wide, [], 'no element sticks out of the page');
      await context.close();
    });
  }
});
