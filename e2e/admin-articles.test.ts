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
import { eventually, expectText, expectValue, watchForNavigation } from './helpers/page.ts';

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

  async function newPage(options: Parameters<typeof newReader>[1] = {}) {
    const context = await newReader(browser, options);
    contexts.push(context);
    return context.newPage();
  }

  async function editorLogsIn(options: Parameters<typeof newReader>[1] = {}) {
    const editor = await createStaff(app, 'editor');
    const page = await newPage(options);
    await page.goto(`${app.url}/admin/login?next=%2Fadmin%2Farticles%2Fnew`);
    await page.getByLabel('E-mail').fill(editor.email);
    await page.getByLabel('Password').fill(STAFF_PASSWORD);
    await Promise.all([page.waitForURL('**/admin/articles/new'), page.getByRole('button', { name: 'Log in' }).click()]);
    return page;
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

    await Promise.all([
      page.waitForURL('**/admin/articles/new'),
      page.getByRole('link', { name: 'New article' }).click(),
    ]);
    const headline = `Night ferry returns to the islands ${Math.random().toString(36).slice(2, 7)}`;
    await page.getByLabel('Headline').fill(headline);
    await page.getByLabel('Standfirst').fill('After two winters without it, the late boat is back.');

    // The preview follows the Markdown as it is typed, without leaving the page.
    const preview = page.locator('[data-preview]');
    const staying = await watchForNavigation(page);
    const body = page.getByLabel('Article (Markdown)');
    await body.click();
    await body.pressSequentially('The **late boat** sails at 23:10.\n\n## Timetable\n\nEvery night but Sunday.', {
      delay: 5,
    });
    await expectText(preview.locator('strong'), 'late boat');
    await expectText(preview.getByRole('heading', { level: 2 }), 'Timetable');
    await body.press('End');
    await body.pressSequentially(' Fares are unchanged.');
    await expectText(preview.locator('p').last(), 'Every night but Sunday. Fares are unchanged.');
    await staying.assertStillSamePage('the preview updated in place');

    await page.getByLabel('Section').fill('Transport');
    await page.getByLabel('Tags').fill('Ferries, Islands');
    const png = await sharp({ create: { width: 1200, height: 600, channels: 3, background: '#1d4e89' } })
      .png()
      .toBuffer();
    await page.getByLabel('Image file').setInputFiles({ name: 'ferry.png', mimeType: 'image/png', buffer: png });
    await page.getByLabel('Image description (alt text)').fill('The night ferry at the quay');

    await Promise.all([
      page.waitForURL(/\/admin\/articles\/\d+\/edit\?saved=publish$/),
      page.getByRole('button', { name: 'Publish now' }).click(),
    ]);
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
    await eventually(async () =>
      assert.ok(
        await image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0),
        'the image loaded',
      ),
    );
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
    await page.getByLabel('Publish at, for Schedule').fill('2020-05-01T09:00');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Schedule' }).click()]);

    const when = page.getByLabel('Publish at, for Schedule');
    assert.equal(await when.getAttribute('aria-invalid'), 'true');
    await expectText(page.locator('#publishAt-error'), 'Choose a time in the future.');
    assert.match((await when.getAttribute('aria-describedby')) ?? '', /\bpublishAt-error\b/);
    assert.equal(await page.getByLabel('Headline').inputValue(), 'Too late');
    assert.equal(await page.getByLabel('Article (Markdown)').inputValue(), 'Written for yesterday.');
    await expectText(page.getByRole('alert'), /One field needs attention\. Nothing was saved\./);
  });

  it('keeps the publishing actions in view while the editor scrolls, and puts them first on a phone', async () => {
    const page = await editorLogsIn();
    const publish = page.getByRole('button', { name: 'Publish now' });
    const inView = async () => {
      const box = (await publish.boundingBox())!;
      return box.y >= 0 && box.y + box.height <= 900;
    };
    assert.ok(await inView(), 'visible at the top');
    await page.getByLabel('Image description (alt text)').scrollIntoViewIfNeeded();
    assert.ok((await page.evaluate(() => window.scrollY)) > 500, 'the page scrolled down to the image fields');
    assert.ok(await inView(), 'still visible beside the image fields');

    const phone = await editorLogsIn({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const panel = (await phone.getByRole('region', { name: 'Publishing' }).boundingBox())!;
    const headline = (await phone.getByLabel('Headline').boundingBox())!;
    assert.ok(panel.y < headline.y, 'on a phone the actions come before the form');
    assert.ok(panel.width > 300, 'across the width of the screen');
  });

  it(
    'formats Markdown from a toolbar, by mouse and by keyboard, and the textarea still works ' + 'without JavaScript',
    async () => {
      const page = await editorLogsIn();
      const body = page.getByLabel('Article (Markdown)');
      const toolbar = page.getByRole('toolbar', { name: 'Formatting' });
      await body.fill('The late boat sails');
      await body.evaluate((t: HTMLTextAreaElement) => t.setSelectionRange(4, 13));
      await toolbar.getByRole('button', { name: 'Bold' }).click();
      await expectValue(body, 'The **late boat** sails');
      await expectText(page.locator('[data-preview] strong'), 'late boat');

      // Ctrl+I in the text; Undo takes it back.
      await body.evaluate((t: HTMLTextAreaElement) => t.setSelectionRange(t.value.length - 5, t.value.length));
      await body.press('Control+i');
      await expectValue(body, 'The **late boat** _sails_');
      await body.press('Control+z');
      await expectValue(body, 'The **late boat** sails');

      // One tab stop: the arrow keys move along the toolbar; Enter on Heading marks the line.
      await toolbar.getByRole('button', { name: 'Bold' }).focus();
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Heading');
      await page.keyboard.press('Enter');
      await expectValue(body, '## The **late boat** sails');
      assert.equal(await toolbar.locator('[tabindex="0"]').count(), 1);
      await toolbar.getByRole('button', { name: 'List' }).click();
      await expectValue(body, '- The **late boat** sails');
      await toolbar.getByRole('button', { name: 'Link' }).click();
      assert.match(await body.inputValue(), /\[link text\]\(https:\/\/\)/);
      assert.equal(
        await body.evaluate((t: HTMLTextAreaElement) => t.value.slice(t.selectionStart, t.selectionEnd)),
        'https://',
        'the address is selected to type over',
      );

      const plain = await editorLogsIn({ javaScriptEnabled: false });
      assert.equal(await plain.getByRole('toolbar').count(), 0, 'no toolbar that cannot work');
      await plain.getByLabel('Article (Markdown)').fill('Plain **text**');
      assert.equal(await plain.getByLabel('Article (Markdown)').inputValue(), 'Plain **text**');
    },
  );

  it('schedules in the site’s time zone, named beside the field, across a change of clocks', async () => {
    await app.services.settings.update({ timeZone: 'America/New_York' });
    try {
      const page = await editorLogsIn();
      await page.getByLabel('Headline').fill('Summer timetable');
      await page.getByLabel('Article (Markdown)').fill('Boats every hour from July.');
      const when = page.getByLabel('Publish at, for Schedule');
      assert.equal(await when.getAttribute('type'), 'datetime-local');
      await expectText(page.locator('#publishAt-hint'), /Site time \(America\/New_York, EST now\)/);
      // December is winter time (EST); July is summer time (EDT): 09:00 there is 13:00 UTC.
      await when.fill('2099-07-15T09:00');
      await Promise.all([page.waitForURL(/saved=schedule/), page.getByRole('button', { name: 'Schedule' }).click()]);
      await expectText(page.locator('.editor-status'), /Scheduled for 15 Jul 2099, 09:00 EDT/);
      assert.equal(await page.getByLabel('Publish at, for Schedule').inputValue(), '2099-07-15T09:00');
      const id = Number(/\/admin\/articles\/(\d+)\//.exec(page.url())![1]);
      const row = await app.services.db
        .selectFrom('articles')
        .select('published_at')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(row.published_at, '2099-07-15T13:00:00.000Z');

      // 02:30 on the second Sunday of March does not exist there.
      await page.getByLabel('Publish at, for Schedule').fill('2099-03-08T02:30');
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Reschedule' }).click()]);
      await expectText(
        page.locator('#publishAt-error'),
        /02:30 does not exist on 2099-03-08 in America\/New_York: the clocks go forward then/,
      );
    } finally {
      await app.services.settings.update({ timeZone: 'UTC' });
    }
  });
});
