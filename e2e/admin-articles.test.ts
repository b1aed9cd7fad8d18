// Writing in the admin area in a real Chromium against the real app: an editor logs in through
// the form, writes an article in Markdown with the preview following as they type, adds a
// featured image, publishes, and finds the article on the home page.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import sharp from 'sharp';
import { STAFF_PASSWORD, createStaff } from '../test/helpers/staff.ts';
import { startTestApp, type TestApp } from '../test/helpers/test-app.ts';
import { browserSkipReason, launchBrowser, newReader } from './helpers/browser.ts';
import { eventually, expectText, watchForNavigation } from './helpers/page.ts';

describe('writing an article in Chromium', { skip: browserSkipReason }, () => {
  let app: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  before(async () => {
    [app, browser] = await Promise.all([startTestApp(), launchBrowser()]);
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  async function newPage() {
    const context = await newReader(browser);
    contexts.push(context);
    return context.newPage();
  }

  it('logs in, writes with a live preview, publishes, and the article is on the home page', async () => {
    const editor = await createStaff(app, 'editor');
    const page = await newPage();

    // Going to the article admin asks for a login first, then comes back.
    await page.goto(`${app.url}/admin/articles`);
    assert.equal(new URL(page.url()).pathname, '/admin/login');
    await page.getByLabel('E-mail').fill(editor.email);
    await page.getByLabel('Password').fill(STAFF_PASSWORD);
    await Promise.all([page.waitForURL('**/admin/articles'), page.getByRole('button', { name: 'Log in' }).click()]);
    await expectText(page.getByRole('heading', { level: 1 }), 'Articles');

    await Promise.all([page.waitForURL('**/admin/articles/new'), page.getByRole('link', { name: 'New article' }).click()]);
    const headline = `Night ferry returns to the islands ${Math.random().toString(36).slice(2, 7)}`;
    await page.getByLabel('Headline').fill(headline);
    await page.getByLabel('Standfirst').fill('After two winters without it, the late boat is back.');

    // The preview follows the Markdown as it is typed, without leaving the page.
    const preview = page.locator('[data-preview]');
    const staying = await watchForNavigation(page);
    const body = page.getByLabel('Article (Markdown)');
    await body.click();
    await body.pressSequentially('The **late boat** sails at 23:10.\n\n## Timetable\n\nEvery night but Sunday.', { delay: 5 });
    await expectText(preview.locator('strong'), 'late boat');
    await expectText(preview.getByRole('heading', { level: 2 }), 'Timetable');
    await body.press('End');
    await body.pressSequentially(' Fares are unchanged.');
    await expectText(preview.locator('p').last(), 'Every night but Sunday. Fares are unchanged.');
    await staying.assertStillSamePage('the preview updated in place');

    await page.getByLabel('Section').fill('Transport');
    await page.getByLabel('Tags').fill('Ferries, Islands');
    const png = await sharp({ create: { width: 1200, height: 600, channels: 3, background: '#1d4e89' } }).png().toBuffer();
    await page.getByLabel('Image file').setInputFiles({ name: 'ferry.png', mimeType: 'image/png', buffer: png });
    await page.getByLabel('Image description (alt text)').fill('The night ferry at the quay');

    await Promise.all([page.waitForURL(/\/admin\/articles\/\d+\/edit\?saved=publish$/), page.getByRole('button', { name: 'Publish now' }).click()]);
    await expectText(page.getByRole('status'), 'Published.');
    await expectText(page.locator('.editor-status strong'), 'Published');

    // Readers find it on the front page, and the article shows the Markdown and the image.
    await page.goto(app.url + '/');
    const link = page.getByRole('link', { name: headline });
    await Promise.all([page.waitForURL(/\/articles\/night-ferry-returns-to-the-islands-/), link.click()]);
    await expectText(page.getByRole('heading', { level: 1 }), headline);
    await expectText(page.locator('.article-body strong'), 'late boat');
    await expectText(page.locator('.article-body h2'), 'Timetable');
    const image = page.getByRole('img', { name: 'The night ferry at the quay' });
    await eventually(async () => assert.ok(await image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), 'the image loaded'));
    assert.match((await image.getAttribute('srcset')) ?? '', /480w, .*960w, .*1200w$/);
  });

  it('keeps the text and shows the error beside the field when a schedule time has passed', async () => {
    const editor = await createStaff(app, 'editor');
    const page = await newPage();
    await page.goto(`${app.url}/admin/login?next=%2Fadmin%2Farticles%2Fnew`);
    await page.getByLabel('E-mail').fill(editor.email);
    await page.getByLabel('Password').fill(STAFF_PASSWORD);
    await Promise.all([page.waitForURL('**/admin/articles/new'), page.getByRole('button', { name: 'Log in' }).click()]);

    await page.getByLabel('Headline').fill('Too late');
    await page.getByLabel('Article (Markdown)').fill('Written for yesterday.');
    await page.getByLabel('Publish at (UTC), for Schedule').fill('2020-05-01T09:00');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Schedule' }).click()]);

    const when = page.getByLabel('Publish at (UTC), for Schedule');
    assert.equal(await when.getAttribute('aria-invalid'), 'true');
    await expectText(page.locator('#publishAt-error'), 'Choose a time in the future.');
    assert.match((await when.getAttribute('aria-describedby')) ?? '', /\bpublishAt-error\b/);
    assert.equal(await page.getByLabel('Headline').inputValue(), 'Too late');
    assert.equal(await page.getByLabel('Article (Markdown)').inputValue(), 'Written for yesterday.');
    await expectText(page.getByRole('alert'), /One field needs attention\. Nothing was saved\./);
  });
});
