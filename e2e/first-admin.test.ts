// A new operator's first minutes in Chromium: /admin explains how to get in while no staff
// exists, the set-up link creates the first admin and lands on the dashboard, whose charts show
// each day's value and whose "New article" opens the editor.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { createArticle } from '../test/helpers/factories.ts';
import { browserSkipReason, useBrowserSuite } from './helpers/browser.ts';
import { expectText } from './helpers/page.ts';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            context: Document,
            options: object,
          ): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

describe('the first admin in Chromium', { skip: browserSkipReason }, () => {
  const suite = useBrowserSuite();

  it('explains how to get in, then the set-up link makes the first admin and opens the dashboard', async () => {
    const { services } = suite.app;
    const article = await createArticle(services, { title: 'Harbour lights switched on' });
    for (const [i, value] of [100, 80].entries())
      await services.ratings.rate({ articleId: article.id, readerId: `r${i}`, ipHash: `ip${i}`, value });

    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await suite.readerPage({ colorScheme, bypassCSP: true });
      await page.goto(`${suite.app.url}/admin`);
      assert.equal(new URL(page.url()).pathname, '/admin/login');
      await expectText(
        page.getByRole('heading', { name: 'No staff account exists yet' }),
        'No staff account exists yet',
      );
      assert.match(
        (await page.locator('main').textContent()) ?? '',
        /broadsheet user add --email you@example\.org --role admin --name "Your Name"/,
      );
      assert.deepEqual(await axeViolations(page), [], `login page without staff (${colorScheme})`);
    }

    const token = (await services.staffLinks.createSetupLink())!;
    const page = await suite.readerPage({ bypassCSP: true });
    await page.goto(`${suite.app.url}/admin/setup/${token}`);
    await expectText(page.getByRole('heading', { level: 1 }), 'Create the first administrator');
    assert.deepEqual(await axeViolations(page), [], 'set-up page');
    await page.getByLabel('Your name').fill('Nell Newsroom');
    await page.getByLabel('E-mail').fill('nell@newsroom.example.org');
    await page.getByLabel('Password').fill('a long and private passphrase');
    // Two password hashes (storing it, then logging in) take a while on a busy machine.
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/admin', { timeout: 30_000 }),
      page.getByRole('button', { name: 'Create the administrator and log in' }).click({ timeout: 30_000 }),
    ]);
    await expectText(page.getByText('Welcome, Nell Newsroom.'), 'Welcome, Nell Newsroom.');

    // The dashboard's charts show each day's value on its bar; the figures are in a table too.
    const values = await page.locator('#ratings-chart text.chart-value').allTextContents();
    assert.deepEqual(values, ['2']);
    assert.ok(await page.locator('#ratings-chart text.chart-value').isVisible());
    await page.getByText('Figures for ratings per day').click();
    await expectText(page.getByRole('table', { name: 'Ratings per day' }).getByRole('row').nth(1), / 2$/);
    await expectText(
      page.getByRole('region', { name: 'Recently published' }),
      /Harbour lights switched on .* · 90 % · 0 comments/,
    );

    await Promise.all([
      page.waitForURL('**/admin/articles/new'),
      page.getByRole('link', { name: 'New article' }).click(),
    ]);

    // The link worked once.
    const again = await page.goto(`${suite.app.url}/admin/setup/${token}`);
    assert.equal(again?.status(), 410);
  });
});
