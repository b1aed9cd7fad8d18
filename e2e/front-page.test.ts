// The front page as a reader first meets it, at desktop and phone sizes, light and dark: a lead
// story with its picture, cards with pictures where they exist (loaded lazily below the fold),
// ranked lists that do not repeat the lead, a header that lines up with the content. Full-page
// screenshots go to /tmp/e2e-shots (E2E_SHOTS_DIR overrides) for a human to look at.
import assert from 'node:assert/strict';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { seedDemoContent } from '../src/features/demo/demo.service.ts';
import { commentInput, createArticle } from '../test/helpers/factories.ts';
import { CLI_ACTOR } from '../src/features/audit/audit.service.ts';
import { attachImage, logoImage } from '../test/helpers/images.ts';
import { browserSkipReason, useBrowserSuite } from './helpers/browser.ts';

const SHOTS_DIR = process.env.E2E_SHOTS_DIR ?? '/tmp/e2e-shots';
const ago = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

describe('the front page', { skip: browserSkipReason }, () => {
  const suite = useBrowserSuite();
  let leadTitle = '';

  before(async () => {
    const { services } = suite.app;
    mkdirSync(SHOTS_DIR, { recursive: true });
    await seedDemoContent(services, Date.now() - 30 * 3_600_000);
    await services.settings.update({
      siteTitle: 'Wrenhaven Courier',
      siteDescription: 'News from the harbour town, rated and discussed by its readers.',
    });
    await services.siteImages.upload('siteLogo', await logoImage(), CLI_ACTOR);
    const stories = [
      {
        title: 'Ferry timetable cut to two crossings a day over the winter',
        section: 'Local',
        standfirst: 'Operators blame fuel costs; islanders say the last boat now leaves before the school day ends.',
      },
      {
        title: 'Lifeboat crew called out three times in one night',
        section: 'Local',
        standfirst: 'Two yachts and a kayaker were brought ashore safely.',
      },
      {
        title: 'Gallery reopens with a show of fishermen’s knitwear',
        section: 'Culture',
        standfirst: 'Ganseys from four generations, each pattern particular to a family.',
      },
      { title: 'Council to publish the harbour survey in full', section: 'Local', standfirst: '' },
      {
        title: 'Estuary birds counted from the air for the first time',
        section: 'Science',
        standfirst: 'Drones found twice as many curlews as the shore count.',
      },
      {
        title: 'Storm warning for the weekend: high tides expected on Saturday',
        section: 'Local',
        standfirst: 'Sandbags are available from the harbour office.',
      },
    ];
    for (const [i, story] of stories.entries()) {
      const article = await createArticle(services, { ...story, publishedAt: ago(20 - i * 3), authorName: 'Jo Marsh' });
      if (i % 2 === 1) await attachImage(services, article.id, i, `Illustration for “${story.title}”`);
      if (i === stories.length - 1) leadTitle = article.title;
      if (i === 1) {
        for (let n = 0; n < 4; n++) {
          const { id } = await services.comments.post(commentInput(), {
            articleId: article.id,
            readerId: null,
            ipHash: `front-${n}`,
            userAgent: 'e2e',
          });
          await services.comments.setStatus([id], 'approved');
        }
      }
    }
  });

  for (const { width, height, name } of [
    { width: 1280, height: 900, name: 'desktop' },
    { width: 390, height: 844, name: 'phone' },
  ]) {
    for (const colorScheme of ['light', 'dark'] as const) {
      it(
        `at ${width} px (${name}, ${colorScheme}): lead story with its picture, cards, lists; full-page ` +
          `screenshot, nothing overflowing`,
        async () => {
          const page = await suite.readerPage({
            viewport: { width, height },
            colorScheme,
            deviceScaleFactor: 1,
            isMobile: width < 600,
            hasTouch: width < 600,
          });
          await page.goto(suite.app.url + '/');
          const logo = page.locator('header .site-logo img');
          assert.equal(await logo.getAttribute('alt'), 'Wrenhaven Courier', 'the logo stands for the site’s name');
          assert.ok(
            await logo.evaluate(
              (img: HTMLImageElement) =>
                img.complete && img.naturalWidth > 0 && img.getBoundingClientRect().height === 48,
            ),
            'the logo is shown, 48 px tall',
          );

          const lead = page.locator('.lead-story');
          assert.equal(await lead.locator('h3').textContent(), leadTitle, 'the newest story leads');
          const leadImage = lead.locator('img');
          assert.equal(await leadImage.getAttribute('loading'), null, 'the lead picture loads at once');
          assert.equal(await leadImage.getAttribute('fetchpriority'), 'high');
          assert.ok(
            await leadImage.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0),
            'the lead picture is shown',
          );
          const box = await leadImage.boundingBox();
          assert.ok(
            box && box.width > width * (name === 'phone' ? 0.8 : 0.35),
            `the lead picture is large (${box?.width} px)`,
          );

          const cards = page.locator('.card-grid .article-card');
          assert.ok((await cards.count()) >= 8, 'the other stories are cards');
          const images = page.locator('.card-grid img');
          assert.ok((await images.count()) >= 4, 'cards show their pictures');
          const lazy = await images.evaluateAll((imgs) => imgs.map((img) => (img as HTMLImageElement).loading));
          assert.equal(lazy.at(-1), 'lazy', 'pictures further down load as the reader scrolls');
          for (const img of await images.all())
            assert.ok((await img.getAttribute('srcset'))?.includes(' 480w'), 'each picture offers its widths');

          // The ranked lists leave out the lead, which is already at the top.
          const listed = await page.locator('.highlight-list a').allTextContents();
          assert.ok(listed.length > 0, 'top rated and most discussed are shown');
          assert.ok(!listed.includes(leadTitle), 'the lists do not repeat the lead');

          // The header's edge and the content's edge are one line.
          const left = async (selector: string) => (await page.locator(selector).first().boundingBox())!.x;
          assert.equal(
            Math.round(await left('.site-title')),
            Math.round(await left('.front-heading')),
            'the site title lines up with the content',
          );

          // Scroll through, so that lazy pictures are in the screenshot.
          await page.evaluate(async () => {
            for (let y = 0; y < document.body.scrollHeight; y += 400) {
              window.scrollTo(0, y);
              await new Promise((resolve) => setTimeout(resolve, 30));
            }
            window.scrollTo(0, 0);
          });
          await page.waitForFunction(() => [...document.images].every((img) => img.complete));
          const file = join(SHOTS_DIR, `front-${name}-${colorScheme}.png`);
          await page.screenshot({ path: file, fullPage: true });
          assert.ok(statSync(file).size > 10_000, `${file} was written`);

          const overflow = await page.evaluate(() => {
            const limit = document.documentElement.clientWidth;
            const wide = [...document.querySelectorAll<HTMLElement>('body *')]
              .filter(
                (el) => el.getBoundingClientRect().right > limit + 1 && !el.closest('.visually-hidden, .skip-link'),
              )
              .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
            return { scrollWidth: document.documentElement.scrollWidth, limit, wide: wide.slice(0, 5) };
          });
          assert.ok(overflow.scrollWidth <= overflow.limit, `page scrolls sideways: ${JSON.stringify(overflow)}`);
          assert.deepEqual(overflow.wide, [], 'no element sticks out of the page');
        },
      );
    }
  }

  it('a section page lists its cards without repeating its name; the 404 page shows one search box', async () => {
    const page = await suite.readerPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${suite.app.url}/sections/local`);
    assert.ok((await page.locator('.card-grid .article-card').count()) >= 4);
    assert.equal(await page.locator('.card-grid .article-section').count(), 0, 'no card repeats “Local”');
    await page.screenshot({ path: join(SHOTS_DIR, 'section-desktop.png'), fullPage: true });

    const response = await page.goto(`${suite.app.url}/articles/no-such-story`);
    assert.equal(response?.status(), 404);
    const searches = page.getByRole('search');
    assert.equal(await searches.count(), 1, 'one search box');
    await searches.getByRole('searchbox').fill('harbour');
    await Promise.all([
      page.waitForURL(/\/search\?q=harbour/),
      searches.getByRole('button', { name: 'Search' }).click(),
    ]);
    await page.goBack();
    await page.screenshot({ path: join(SHOTS_DIR, 'not-found-desktop.png'), fullPage: true });
  });
});
