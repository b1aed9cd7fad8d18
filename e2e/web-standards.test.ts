// Every page type through real validators: the W3C Nu HTML checker (npm vnu-jar, run with the
// machine's Java) and axe-core inside Chromium, in light and dark mode. A site with something on
// every page: an imported article with ratings and threaded comments, a held comment, a review,
// archives, search results, and the admin area as an administrator sees it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { CLI_ACTOR } from '../src/features/audit/audit.service.ts';
import { importSample, SAMPLE_PATH } from '../test/helpers/broadsheet.ts';
import { runToEnd } from '../test/helpers/process.ts';
import { commentInput, createArticle } from '../test/helpers/factories.ts';
import { attachImage, pngImage } from '../test/helpers/images.ts';
import { createStaff, STAFF_PASSWORD } from '../test/helpers/staff.ts';
import { Client } from '../test/helpers/test-app.ts';
import { browserSkipReason, useBrowserSuite } from './helpers/browser.ts';

const require = createRequire(import.meta.url);
const VNU_JAR = require.resolve('vnu-jar/build/dist/vnu.jar');
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const onCi = process.env.CI === 'true';

const javaEnv = () => ({ ...process.env }) as Record<string, string>;

/** Why the HTML checker cannot run here (no Java); never a reason on CI, where that fails instead. */
async function javaSkipReason(): Promise<string | undefined> {
  const found = await runToEnd('java', ['-version'], { env: javaEnv(), timeoutMs: 60_000 }).then(
    () => true,
    () => false,
  );
  return !found && !onCi
    ? 'Java not found: the W3C HTML checker is skipped (install default-jre-headless; with CI=true this is a failure).'
    : undefined;
}

interface PageType {
  name: string;
  path: string;
  /** Seen by a logged-in administrator. */
  admin?: boolean;
  /** The status the page answers with (an error page is checked too). */
  status?: number;
}

interface VnuMessage {
  type: string;
  subType?: string;
  url: string;
  message: string;
  extract?: string;
  lastLine?: number;
}

/** Runs the Nu HTML checker once over every file; its JSON report lists the messages. */
async function runVnu(files: string[]): Promise<VnuMessage[]> {
  const run = await runToEnd(
    'java',
    ['-Xss4m', '-jar', VNU_JAR, '--format', 'json', '--exit-zero-always', '--stdout', ...files],
    { env: javaEnv(), timeoutMs: 600_000 },
  );
  if (run.code !== 0) throw new Error(`the HTML checker exited with ${run.code}: ${run.stderr}`);
  return (JSON.parse(run.stdout) as { messages: VnuMessage[] }).messages;
}

describe('web standards', { skip: browserSkipReason }, () => {
  const suite = useBrowserSuite({ settings: { commentPolicy: 'hold-first-time' } });
  const pageTypes: PageType[] = [];

  before(async () => {
    const { services } = suite.app;
    const { article: sample } = await importSample(services);
    const context = { articleId: sample.id, readerId: null, ipHash: 'ip', userAgent: 'e2e' };
    const first = await services.comments.post(
      commentInput({
        authorName: 'Ada',
        authorUrl: 'https://ada.example.org',
        body: 'A point with **emphasis** and a [link](https://example.org).',
      }),
      context,
    );
    await services.comments.setStatus([first.id], 'approved', CLI_ACTOR);
    await services.comments.post(
      commentInput({ authorEmail: 'ada@example.org', parentId: first.id, body: '> quoted\n\nA reply.' }),
      context,
    );
    await services.comments.post(
      commentInput({ authorEmail: 'new@example.org', body: 'Held for moderation.' }),
      context,
    );
    for (const [i, value] of [100, 80, 40].entries())
      await services.ratings.rate({ articleId: sample.id, readerId: `reader-${i}`, ipHash: `ip-${i}`, value });
    const review = await createArticle(services, {
      title: 'A novel about the sea, reviewed',
      section: 'Culture',
      tags: ['Books'],
      authorName: 'Jo Marsh',
    });
    await services.db
      .updateTable('articles')
      .set({ review_type: 'Book', review_name: 'The Sea' })
      .where('id', '=', review.id)
      .execute();
    await services.ratings.rate({ articleId: review.id, readerId: 'reader-r', ipHash: 'ip-r', value: 80 });
    // The front page with a lead picture and cards with pictures, the header with a logo, and the
    // settings page showing the current images.
    await attachImage(services, review.id, 1, 'A plate of fish and chips');
    await services.siteImages.upload('siteLogo', await pngImage(640, 160, '#1d3557'), CLI_ACTOR);
    await services.siteImages.upload('shareImage', await pngImage(1200, 630, '#e9c46a'), CLI_ACTOR);
    await createStaff(suite.app, 'admin', 'chief@newsroom.example.org');
    await services.bans.banFromComment(
      { commentId: first.id, kind: 'email', reason: 'Repeated insults', duration: 'week' },
      CLI_ACTOR,
    );
    // A long thread: two pages of top-level comments, with page links.
    const long = await createArticle(services, { title: 'A long discussion', section: 'Culture' });
    const now = new Date().toISOString();
    await services.db
      .insertInto('comments')
      .values(
        Array.from({ length: 60 }, (_, i) => ({
          article_id: long.id,
          author_name: `Reader ${i}`,
          author_email: `long${i}@example.org`,
          body_markdown: `Point ${i}.`,
          body_html: `<p>Point ${i}.</p>`,
          status: 'approved' as const,
          ip_hash: 'ip',
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();

    pageTypes.push(
      { name: 'home', path: '/' },
      { name: 'article', path: SAMPLE_PATH },
      { name: 'review article', path: `/articles/${review.slug}` },
      { name: 'long thread, first comment page', path: `/articles/${long.slug}` },
      { name: 'long thread, second comment page', path: `/articles/${long.slug}?cpage=2` },
      { name: 'section archive', path: '/sections/culture' },
      { name: 'tag archive', path: '/tags/books' },
      { name: 'author archive', path: '/authors/jo-marsh' },
      { name: 'search results', path: '/search?q=Ferry' },
      { name: 'search without results', path: '/search?q=zzzzqqq' },
      { name: 'search form', path: '/search' },
      { name: 'not found', path: '/articles/no-such-article', status: 404 },
      { name: 'archive page past the last', path: '/sections/culture?page=99999', status: 404 },
      { name: 'login', path: '/admin/login' },
      { name: 'forgot password', path: '/admin/password-reset' },
      { name: 'dashboard', path: '/admin', admin: true },
      { name: 'admin article list', path: '/admin/articles', admin: true },
      { name: 'editor (new)', path: '/admin/articles/new', admin: true },
      { name: 'editor', path: `/admin/articles/${sample.id}/edit`, admin: true },
      { name: 'revisions', path: `/admin/articles/${sample.id}/revisions`, admin: true },
      { name: 'moderation queue', path: '/admin/comments', admin: true },
      { name: 'settings', path: '/admin/settings', admin: true },
      { name: 'staff', path: '/admin/users', admin: true },
      { name: 'audit log', path: '/admin/audit', admin: true },
      { name: 'ban list', path: '/admin/bans', admin: true },
      { name: 'block lists', path: '/admin/blocking', admin: true },
    );
  });

  /** A client logged in as the administrator, through the login form. */
  async function adminClient(): Promise<Client> {
    const client = new Client(suite.app.url);
    const login = await client.page('/admin/login');
    const response = await client.request('/admin/login', {
      method: 'POST',
      form: { _csrf: login.csrf, email: 'chief@newsroom.example.org', password: STAFF_PASSWORD },
    });
    assert.equal(response.status, 303, 'the administrator logs in');
    return client;
  }

  it('every page type passes the W3C Nu HTML checker', async (t) => {
    const skip = await javaSkipReason();
    if (skip) return t.skip(skip);
    const [reader, admin] = [new Client(suite.app.url), await adminClient()];
    const dir = mkdtempSync(join(tmpdir(), 'broadsheet-vnu-'));
    try {
      const files = new Map<string, string>();
      for (const [i, type] of pageTypes.entries()) {
        const page = await (type.admin ? admin : reader).page(type.path);
        assert.equal(page.status, type.status ?? 200, `${type.name} (${type.path}) answers`);
        const file = join(dir, `${i}.html`);
        writeFileSync(file, page.html);
        files.set(`file:${file}`, `${type.name} (${type.path})`);
      }
      const messages = await runVnu([...files.keys()].map((url) => url.slice('file:'.length)));
      const problems = messages
        .filter((m) => m.type === 'error' || (m.type === 'info' && m.subType === 'warning'))
        .map(
          (m) =>
            `${files.get(m.url) ?? m.url} line ${m.lastLine}: ${m.message}${m.extract ? ` — ${m.extract.trim()}` : ''}`,
        );
      assert.deepEqual(problems, [], `HTML checker messages:\n${problems.join('\n')}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`every page type has no axe-core violations (${colorScheme} mode)`, async () => {
      const page = await suite.readerPage({ colorScheme, bypassCSP: true });
      const failures: string[] = [];
      let loggedIn = false;
      for (const type of pageTypes) {
        if (type.admin && !loggedIn) {
          await logIn(page);
          loggedIn = true;
        }
        const response = await page.goto(suite.app.url + type.path);
        assert.equal(response?.status(), type.status ?? 200, `${type.name} answers`);
        for (const violation of await axeViolations(page)) failures.push(`${type.name} (${type.path}): ${violation}`);
      }
      assert.deepEqual(failures, [], `axe-core violations:\n${failures.join('\n')}`);
    });
  }

  it('the article page does not shift as it loads and its script enhances it', async () => {
    const page = await suite.readerPage({ viewport: { width: 390, height: 844 } });
    await page.addInitScript(() => {
      const w = window as unknown as { layoutShift: number };
      w.layoutShift = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries() as unknown as { value: number; hadRecentInput: boolean }[])
          if (!entry.hadRecentInput) w.layoutShift += entry.value;
      }).observe({ type: 'layout-shift', buffered: true });
    });
    await page.goto(suite.app.url + SAMPLE_PATH);
    await page.waitForLoadState('load');
    await page.waitForTimeout(500);
    const shift = await page.evaluate(() => (window as unknown as { layoutShift: number }).layoutShift);
    assert.ok(shift < 0.01, `cumulative layout shift ${shift}`);
  });

  it(
    'the theme follows the reader: dark by preference, a skip link on the first Tab, no ' + 'furniture on paper',
    async () => {
      const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const light = await suite.readerPage({ colorScheme: 'light' });
      const dark = await suite.readerPage({ colorScheme: 'dark' });
      for (const page of [light, dark]) await page.goto(suite.app.url + SAMPLE_PATH);
      assert.notEqual(await background(dark), await background(light), 'dark mode has its own colours');

      await light.keyboard.press('Tab');
      const skip = await light.evaluate(() => {
        const link = document.activeElement as HTMLElement;
        const box = link.getBoundingClientRect();
        return {
          text: link.textContent,
          visible: box.top >= 0 && box.height > 0,
          outline: getComputedStyle(link).outlineStyle,
        };
      });
      assert.deepEqual(skip, { text: 'Skip to content', visible: true, outline: 'solid' });

      await light.emulateMedia({ media: 'print' });
      const shown = await light.evaluate(() =>
        ['.site-header', '.rate-form', '.respond', '.site-footer', '.article-body'].map((selector) => {
          const element = document.querySelector(selector);
          return element ? getComputedStyle(element).display !== 'none' : null;
        }),
      );
      assert.deepEqual(
        shown,
        [false, false, false, false, true],
        'on paper: the article, without header, forms or footer',
      );
    },
  );

  async function logIn(page: Page): Promise<void> {
    await page.goto(`${suite.app.url}/admin/login`);
    await page.getByLabel('E-mail').fill('chief@newsroom.example.org');
    await page.getByLabel('Password').fill(STAFF_PASSWORD);
    await Promise.all([
      page.waitForURL((url) => !url.pathname.endsWith('/login')),
      page.getByRole('button', { name: 'Log in' }).click(),
    ]);
  }
});

/** axe-core's WCAG 2.2 A/AA and best-practice rules over the page, as one line per node. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const result = await (
      window as unknown as {
        axe: {
          run(
            context: Document,
            options: object,
          ): Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    return result.violations.map((v) => ({ id: v.id, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.map((v) => `${v.id} (${v.help}): ${v.targets.join(', ')}`);
}
