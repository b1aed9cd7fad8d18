// The embed in a real Chromium: the example host page (examples/embed/story.html) served by a
// static server on another port, under a CSP that allows only Broadsheet's scripts; and the same
// page from an origin that is not allowed, which gets nothing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { browserSkipReason, useBrowserSuite } from './helpers/browser.ts';
import { articlePage, eventually, expectText } from './helpers/page.ts';

const EXAMPLE = readFileSync(new URL('../examples/embed/story.html', import.meta.url), 'utf8');

/** Serves the example page at any path, with Broadsheet's and the host's addresses filled in. */
function hostServer(broadsheet: () => string): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    if (!request.url?.startsWith('/2026/')) return void response.writeHead(404).end();
    const origin = `http://${request.headers.host}`;
    const html = EXAMPLE.replaceAll('https://news.example.org', broadsheet()).replaceAll('https://example.org', origin);
    response
      .writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': `script-src ${broadsheet()}`,
      })
      .end(html);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port })),
  );
}

describe('embed on another site, in Chromium', { skip: browserSkipReason }, () => {
  let allowed: { server: Server; port: number };
  let other: { server: Server; port: number };
  const suite = useBrowserSuite();
  // The allowed site is 127.0.0.1 on its own port; the same page under "localhost" is another origin, not listed.
  const allowedOrigin = () => `http://127.0.0.1:${allowed.port}`;

  before(async () => {
    allowed = await hostServer(() => suite.app.url);
    other = await hostServer(() => suite.app.url);
    await suite.app.services.settings.update({ embedOrigins: [allowedOrigin()] });
  });
  after(() => {
    allowed.server.close();
    other.server.close();
  });

  async function frameOf(page: Page): Promise<Frame> {
    const handle = await page.waitForSelector('#broadsheet-thread iframe');
    return eventually(async () => {
      const frame = await handle.contentFrame();
      assert.ok(frame, 'the frame has a document');
      await frame.waitForSelector('[data-rating]', { timeout: 1_000 });
      return frame;
    });
  }

  it(
    'shows the widget and thread, rates with a star click, holds a new comment, and fills the counters with ' +
      'one request',
    async () => {
      const { services } = suite.app;
      // Another page of the site already has a discussion: two published comments and a rating.
      const ferry = await services.threads.resolve(
        `${allowedOrigin()}/2026/ferry-timetable.html`,
        'New ferry timetable',
      );
      await services.settings.update({ commentPolicy: 'publish' });
      for (const body of ['More boats, please.', 'The early ferry is full.']) {
        await services.comments.post(
          { authorName: 'Ada', authorEmail: 'ada@example.org', body },
          { articleId: ferry.id, readerId: null, ipHash: 'h', userAgent: 'test' },
        );
      }
      await services.settings.update({ commentPolicy: 'hold-first-time' });
      await services.ratings.rate({
        articleId: ferry.id,
        readerId: 'earlier-reader-000000000',
        ipHash: 'earlier',
        value: 60,
      });

      const page = await suite.readerPage();
      const countRequests: string[] = [];
      page.on('request', (request) => {
        if (request.url().includes('/api/v1/embed/counts')) countRequests.push(request.method());
      });
      const blocked: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
      });
      await page.goto(`${allowedOrigin()}/2026/harbour-bridge.html?utm_source=newsletter#top`);

      const frame = await frameOf(page);
      const thread = articlePage(frame as unknown as Page);
      await expectText(frame.locator('#rating .score-none'), /^No ratings yet\./);
      await thread.star(4).click();
      await expectText(thread.score, '80 %');
      await expectText(thread.count, '1 rating');
      await expectText(thread.yourRating, /^Your rating: 4 stars/);

      await thread.name.fill('Grace Hopper');
      await thread.email.fill('grace@example.org');
      await thread.body.fill('Glad the bridge is open again.');
      await thread.postButton.click();
      await expectText(thread.formStatus, 'Thank you. Your comment is awaiting moderation.');
      await expectText(
        thread.comment('Glad the bridge is open again.').locator('.awaiting-moderation'),
        'Your comment is awaiting moderation.',
      );

      // The frame is as tall as its document (the loader resizes it from the frame's messages).
      await eventually(async () => {
        const [frameHeight, documentHeight] = await Promise.all([
          page.locator('#broadsheet-thread iframe').evaluate((el) => el.getBoundingClientRect().height),
          frame.evaluate(() => document.documentElement.getBoundingClientRect().height),
        ]);
        assert.ok(
          Math.abs(frameHeight - Math.ceil(documentHeight)) <= 1,
          `frame ${frameHeight}px, document ${documentHeight}px`,
        );
      });

      // The counters: this page (one rating, no published comment yet) and the ferry page, in one request.
      await expectText(page.locator('[data-broadsheet-count]').first(), /^0 comments/);
      await expectText(page.locator('[data-broadsheet-count][data-url]'), '2 comments · 60 %');
      assert.deepEqual(countRequests, ['GET'], 'every counter on the page came from one request');
      assert.deepEqual(blocked, [], 'nothing was refused by the host page CSP');

      // The thread is the page's canonical address, made an external thread named after the page.
      const made = await services.threads.resolve(`${allowedOrigin()}/2026/harbour-bridge.html`);
      assert.equal(made.title, 'Harbour bridge reopens after repairs');
      const held = await services.comments.moderationQueue({ status: 'pending' });
      assert.ok(
        held.items.some((c) => c.articleTitle === made.title && c.authorName === 'Grace Hopper'),
        'the comment waits in the moderation queue',
      );
    },
  );

  it('gives a page of an origin that is not listed nothing: the fallback link stays', async () => {
    const page = await suite.readerPage();
    const refused: string[] = [];
    page.on('requestfailed', (request) => refused.push(new URL(request.url()).pathname));
    await page.goto(`http://localhost:${other.port}/2026/harbour-bridge.html`);
    // Both calls are refused (CORS): the thread's preflight and the counters.
    await eventually(() =>
      assert.deepEqual(refused.filter((path) => path.startsWith('/api/v1/embed/')).sort(), [
        '/api/v1/embed/counts',
        '/api/v1/embed/threads',
      ]),
    );
    assert.equal(await page.locator('#broadsheet-thread iframe').count(), 0, 'no frame');
    await expectText(page.locator('#broadsheet-thread a'), 'Ratings and comments on this story');
    assert.equal(await page.locator('[data-broadsheet-count]').first().innerText(), '', 'no count');
  });

  it('without JavaScript the fallback link leads to the discussion on Broadsheet', async () => {
    const page = await suite.readerPage({ javaScriptEnabled: false });
    await page.goto(`${allowedOrigin()}/2026/harbour-bridge.html`);
    await Promise.all([page.waitForNavigation(), page.locator('#broadsheet-thread a').click()]);
    assert.equal(new URL(page.url()).origin, suite.app.url);
    await expectText(page.locator('h1'), 'Harbour bridge reopens after repairs');
    await expectText(page.locator('.external-source a'), `${allowedOrigin()}/2026/harbour-bridge.html`);
    assert.equal(await page.locator('form[data-comment-form]').count(), 1, 'the comment form is there');
  });
});
